/**
 * go-no-go.md (spec/gate.md GATE-OUT-001): the verdict first, the criteria and every NO-GO reason, then
 * one section per gate — what ran, figures, thresholds, pass/fail and, for a failure, the exact commands
 * that reproduce it — then the evidence matrix and the approved manifest.
 */
import { EVIDENCE_KINDS, type Figure, type StageRecord } from './types.ts';
import type { GateReport } from './report.ts';
import type { MatrixRow } from './matrix.ts';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const fig = (v: Figure): string => (v === null ? '—' : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? 'yes' : 'no') : v);
export const STATUS_WORD = { pass: 'PASS', fail: 'FAIL', 'no-evidence': 'NO EVIDENCE' } as const;

function gateSection(g: StageRecord, i: number): string[] {
  const out = [`### ${i + 1}. ${g.title} (\`${g.name}\`) — ${STATUS_WORD[g.status]}`, '', `${g.summary}. Took ${g.seconds.toFixed(2)} s.`, ''];
  const figures = Object.entries(g.figures);
  if (figures.length) out.push('| figure | value |', '| --- | --- |', ...figures.map(([k, v]) => `| ${cell(k)} | ${cell(fig(v))} |`), '');
  if (g.thresholds.length) out.push('| threshold | actual | limit | result |', '| --- | --- | --- | --- |', ...g.thresholds.map((t) => `| ${cell(t.name)} | ${cell(fig(t.actual))} | ${t.op} ${String(t.limit)} | ${t.passed ? 'pass' : 'FAIL'} |`), '');
  if (g.reasons.length) out.push('Why:', '', ...g.reasons.map((r) => `- ${r}`), '');
  if (g.reproduce.length) out.push('Reproduce:', '', '```sh', ...g.reproduce, '```', '');
  if (g.details.length) out.push('<details><summary>details</summary>', '', '```', ...g.details, '```', '', '</details>', '');
  return out;
}

function countsText(row: MatrixRow, kind: (typeof EVIDENCE_KINDS)[number]): string {
  const c = row.counts[kind];
  if (!c) return '';
  return [c.pass ? `${c.pass} ✓` : '', c.fail ? `${c.fail} ✗` : '', c.pending ? `${c.pending} ?` : ''].filter(Boolean).join(' ');
}

export function markdownReport(r: GateReport): string {
  const v = r.verdict;
  const out = [
    `# Go/no-go: **${v.verdict}**`,
    '',
    `Venue \`${r.venueFile}\`, profile \`${r.profile}\`, ${r.gates.length} gate(s) in ${r.seconds.toFixed(1)} s. Command: \`${r.command}\`.`,
    '',
    '## Verdict by criterion (PERP_DESIGN.md "Go/no-go acceptance")',
    '',
    '| criterion | result | gates | reasons |',
    '| --- | --- | --- | --- |',
    ...v.criteria.map((c) => `| ${c.title} | ${c.passed ? 'GO' : 'NO-GO'} | ${c.stages.map((s) => `${s.name}: ${s.status}`).join(', ')} | ${cell(c.reasons.join('; ') || '—')} |`),
    '',
  ];
  if (v.reasons.length) out.push('### NO-GO reasons', '', ...v.reasons.map((x) => `- ${x}`), '');
  out.push('## Gates', '', ...r.gates.flatMap(gateSection));
  const m = r.matrix;
  out.push(
    '## Evidence matrix',
    '',
    `${m.ids} invariant ids of PERP_DESIGN.md: ${m.covered} covered, ${m.failing.length} failing, ${m.noEvidence.length} with no evidence (✓ pass, ✗ fail, ? not run).`,
    '',
    `| id | status | ${EVIDENCE_KINDS.join(' | ')} |`,
    `| --- | --- | ${EVIDENCE_KINDS.map(() => '---').join(' | ')} |`,
    ...m.rows.map((row) => `| ${row.id} | ${row.status === 'covered' ? 'covered' : row.status === 'failing' ? '**FAILING**' : '**NO EVIDENCE**'} | ${EVIDENCE_KINDS.map((k) => countsText(row, k)).join(' | ')} |`),
    '',
  );
  if (r.manifest) {
    out.push('## Approved bytecode', '', `Manifest hash \`${r.manifest.hash}\` (\`manifests/manifest.json\`, \`manifests/manifest.borsh\`).`, '', '| module | bytecode hash | proof hash |', '| --- | --- | --- |');
    out.push(...r.manifest.modules.map((x) => `| ${x.name} | \`${x.bytecodeHash}\` | ${x.proofHash ? `\`${x.proofHash}\`` : 'none (no proof certificate)'} |`), '');
  } else out.push('## Approved bytecode', '', 'None: the venue did not compile.', '');
  return out.join('\n');
}
