/**
 * Gate `tests` (spec/gate.md GATE-TESTS-001): the ava tests whose titles start with a PERP_DESIGN
 * invariant id, run through the test producer (the CLI runs `ava --tap` on their files); each test is
 * evidence for the ids its title names. A failing test fails the gate and names the command that reruns it.
 */
import { citingTests, designIds, type CitingTest } from '../matrix.ts';
import type { Stage } from '../stage.ts';
import { noEvidence, outcome, statusOf, threshold, thresholdReasons, type EvidenceItem } from '../types.ts';

/** TAP 13 results: description → passed, for `ok N - …` / `not ok N - …` lines (directives kept out). */
export function parseTap(tap: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const m of tap.matchAll(/^(not ok|ok) \d+ - (.*?)(?: # (?:SKIP|TODO).*)?$/gm)) out.set((m[2] as string).trim(), m[1] === 'ok');
  return out;
}

/** The TAP result of a test: ava prints `<file label> › <title>`. */
function resultOf(results: ReadonlyMap<string, boolean>, t: CitingTest): boolean | undefined {
  for (const [desc, passed] of results) if (desc === t.title || desc.endsWith(` › ${t.title}`)) return passed;
  return undefined;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export const testsStage: Stage = {
  name: 'tests',
  title: 'Invariant tests',
  async run(ctx) {
    const all = citingTests(ctx.inputs.testFiles, designIds(ctx.inputs.designText));
    const include = ctx.settings.tests.include;
    const cited = all.filter((t) => include.some((p) => t.file.startsWith(p)));
    const skipped = all.filter((t) => !cited.includes(t));
    const files = [...new Set(cited.map((t) => t.file))].sort();
    if (!ctx.producers.tests) return noEvidence('no test runner was given', 'no test runner (ava) available to run the invariant tests');
    if (files.length === 0) return noEvidence('no test cites an invariant id', 'no test title starts with a PERP_DESIGN invariant id');
    ctx.progress(`running ${cited.length} invariant tests in ${files.length} file(s)`);
    const { tap } = await ctx.producers.tests(files);
    const results = parseTap(tap);
    const evidence: EvidenceItem[] = [];
    const failed: CitingTest[] = [];
    let passed = 0;
    let missing = 0;
    for (const t of cited) {
      const r = resultOf(results, t);
      if (r === false) failed.push(t);
      else if (r === true) passed += 1;
      else missing += 1;
      for (const id of t.ids) evidence.push({ invariant: id, kind: 'test', ref: `${t.file} › ${t.title}`, status: r === undefined ? 'pending' : r ? 'pass' : 'fail' });
    }
    for (const t of skipped) for (const id of t.ids) evidence.push({ invariant: id, kind: 'test', ref: `${t.file} › ${t.title}`, status: 'pending', detail: `not run in the ${ctx.profile} profile` });
    const limits = ctx.config.stages.tests;
    const thresholds = [threshold('failed tests', failed.length, '<=', limits.maxFailures), threshold('tests passed', passed, '>=', limits.minTests)];
    const status = statusOf(thresholds);
    return outcome({
      status,
      summary: `ran ${results.size} tests in ${files.length} file(s) under ${include.join(', ')}; ${cited.length} of them cite invariant ids (${skipped.length} more elsewhere, not run in this profile)`,
      figures: { files: files.length, citing_tests: cited.length, not_run: skipped.length, passed, failed: failed.length, not_reported: missing, tap_results: results.size },
      thresholds,
      reasons: [...thresholdReasons(thresholds), ...failed.map((t) => `test fails: ${t.file} › ${t.title}`)],
      reproduce: failed.map((t) => `npx ava ${t.file} --match ${quote(t.title)}`),
      evidence,
    });
  },
};
