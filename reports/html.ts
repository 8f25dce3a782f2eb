/**
 * index.html (spec/gate.md GATE-OUT-002): the report's content as one self-contained page — inline CSS,
 * inline SVG charts, no script, no network. Charts: proof time per obligation, conformance results by area
 * and spec-rule coverage, soak events and simulated time per seed, benchmark ratios, and the evidence
 * matrix by family. A chart whose gate produced no data says so in its place.
 */
import { chartSvg } from './charts.ts';
import { STATUS_WORD } from './markdown.ts';
import type { GateReport } from './report.ts';
import { EVIDENCE_KINDS, type ChartData, type Figure, type StageRecord } from './types.ts';

const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
const fig = (v: Figure): string => (v === null ? '—' : String(v));

/** The charts the report always has a place for, with the gate that fills each. */
export const CHART_SLOTS: readonly { readonly id: string; readonly gate: string; readonly title: string }[] = [
  { id: 'proof-times', gate: 'prove', title: 'Proof time per obligation (s)' },
  { id: 'conformance-areas', gate: 'conformance', title: 'Conformance results by area' },
  { id: 'conformance-coverage', gate: 'conformance', title: 'Spec-rule coverage by VM rule family' },
  { id: 'soak-events', gate: 'soak', title: 'Soak events per seed' },
  { id: 'soak-time', gate: 'soak', title: 'Simulated time per seed (s)' },
  { id: 'bench-ratios', gate: 'bench', title: 'Benchmark ratios (higher is faster)' },
  { id: 'capital-efficiency', gate: 'experiments', title: 'IM_router / IM_monolithic per canonical case' },
  { id: 'lp-variance', gate: 'experiments', title: 'LP PnL variance: features on vs control, per seed' },
  { id: 'matrix-families', gate: 'matrix', title: 'Evidence matrix: invariant ids by family and status' },
];

/** The matrix as a chart: ids per family and status. */
export function matrixChart(r: GateReport): ChartData {
  const counts = new Map<string, number>();
  for (const row of r.matrix.rows) counts.set(`${row.family}\u0000${row.status}`, (counts.get(`${row.family}\u0000${row.status}`) ?? 0) + 1);
  const rows = [...counts].map(([k, ids]) => {
    const [family, status] = k.split('\u0000') as [string, string];
    return { family, status, ids };
  });
  return { id: 'matrix-families', title: 'Evidence matrix: invariant ids by family and status', kind: 'grouped-bar', x: 'family', y: 'ids', series: 'status', rows };
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function gateHtml(g: StageRecord, i: number): string {
  const parts = [`<section class="gate ${g.status}" id="gate-${esc(g.name)}"><h3>${i + 1}. ${esc(g.title)} <code>${esc(g.name)}</code> <span class="badge ${g.status}">${STATUS_WORD[g.status]}</span></h3>`, `<p>${esc(g.summary)}. Took ${g.seconds.toFixed(2)} s.</p>`];
  const figures = Object.entries(g.figures);
  if (figures.length) parts.push(table(['figure', 'value'], figures.map(([k, v]) => [esc(k), esc(fig(v))])));
  if (g.thresholds.length) parts.push(table(['threshold', 'actual', 'limit', 'result'], g.thresholds.map((t) => [esc(t.name), esc(fig(t.actual)), esc(`${t.op} ${String(t.limit)}`), t.passed ? 'pass' : '<b class="fail">FAIL</b>'])));
  if (g.reasons.length) parts.push(`<ul class="reasons">${g.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`);
  if (g.reproduce.length) parts.push(`<p>Reproduce:</p><pre class="reproduce">${esc(g.reproduce.join('\n'))}</pre>`);
  if (g.details.length) parts.push(`<details><summary>details</summary><pre>${esc(g.details.join('\n'))}</pre></details>`);
  return parts.join('\n') + '</section>';
}

const CSS = `body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1 .GO{color:#2e7d32}h1 .NO-GO{color:#c62828}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;font-size:.9em}
.badge{font-size:.7em;padding:2px 6px;border-radius:3px;color:#fff}.badge.pass{background:#2e7d32}.badge.fail{background:#c62828}.badge.no-evidence{background:#ef6c00}
.fail{color:#c62828}pre{background:#f5f5f5;padding:.5em;overflow-x:auto}figure.chart{display:inline-block;margin:.5em;vertical-align:top}figure.chart svg{max-width:100%;height:auto}
.nodata{border:1px dashed #aaa;padding:1em;color:#666}`;

export async function htmlReport(r: GateReport): Promise<string> {
  const v = r.verdict;
  const charts = new Map<string, ChartData>([...r.gates.flatMap((g) => g.charts), matrixChart(r)].map((c) => [c.id, c]));
  const figures: string[] = [];
  for (const slot of CHART_SLOTS) {
    const c = charts.get(slot.id);
    if (c && c.rows.length) figures.push(`<figure class="chart" data-chart="${esc(slot.id)}">${await chartSvg(c)}<figcaption>${esc(c.title)}</figcaption></figure>`);
    else figures.push(`<figure class="nodata" data-nodata="${esc(slot.id)}"><figcaption>${esc(slot.title)}</figcaption><p>No data: gate <code>${esc(slot.gate)}</code> produced none in this run.</p></figure>`);
  }
  const matrixRows = r.matrix.rows.map((row) => [
    esc(row.id),
    row.status === 'covered' ? 'covered' : `<b class="fail">${row.status === 'failing' ? 'FAILING' : 'NO EVIDENCE'}</b>`,
    ...EVIDENCE_KINDS.map((k) => {
      const c = row.counts[k];
      return c ? esc([c.pass ? `${c.pass} ✓` : '', c.fail ? `${c.fail} ✗` : '', c.pending ? `${c.pending} ?` : ''].filter(Boolean).join(' ')) : '';
    }),
  ]);
  const manifest = r.manifest
    ? `<p>Manifest hash <code>${r.manifest.hash}</code> (manifests/manifest.json, manifests/manifest.borsh)</p>${table(['module', 'bytecode hash', 'proof hash'], r.manifest.modules.map((x) => [esc(x.name), `<code>${x.bytecodeHash}</code>`, x.proofHash ? `<code>${x.proofHash}</code>` : 'none (no proof certificate)']))}`
    : '<p>None: the venue did not compile.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>curve gate: ${v.verdict}</title><style>${CSS}</style></head>
<body>
<h1 id="verdict">Go/no-go: <span class="${v.verdict}">${v.verdict}</span></h1>
<p>Venue <code>${esc(r.venueFile)}</code>, profile <code>${r.profile}</code>, ${r.gates.length} gate(s) in ${r.seconds.toFixed(1)} s. Command: <code>${esc(r.command)}</code></p>
<h2>Verdict by criterion</h2>
${table(['criterion', 'result', 'gates', 'reasons'], v.criteria.map((c) => [esc(c.title), c.passed ? 'GO' : '<b class="fail">NO-GO</b>', esc(c.stages.map((s) => `${s.name}: ${s.status}`).join(', ')), esc(c.reasons.join('; ') || '—')]))}
${v.reasons.length ? `<h3>NO-GO reasons</h3><ul class="reasons" id="reasons">${v.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}
<h2>Charts</h2>
<div id="charts">${figures.join('\n')}</div>
<h2>Gates</h2>
${r.gates.map(gateHtml).join('\n')}
<h2>Evidence matrix</h2>
<p>${r.matrix.ids} invariant ids of PERP_DESIGN.md: ${r.matrix.covered} covered, ${r.matrix.failing.length} failing, ${r.matrix.noEvidence.length} with no evidence (✓ pass, ✗ fail, ? not run).</p>
${table(['id', 'status', ...EVIDENCE_KINDS], matrixRows)}
<h2>Approved bytecode</h2>
${manifest}
</body></html>
`;
}
