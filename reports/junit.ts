/**
 * junit.xml (spec/gate.md GATE-OUT-004): one testcase per gate and one per go/no-go criterion, so a CI
 * system shows which gate or criterion stopped a merge; a gate without evidence is a failure (a NO-GO),
 * with the reproduction commands in the failure text.
 */
import type { GateReport } from './report.ts';

const xml = (s: string): string => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

function testcase(classname: string, name: string, seconds: number, failure: { message: string; text: string } | undefined): string {
  const head = `    <testcase classname="${xml(classname)}" name="${xml(name)}" time="${seconds.toFixed(3)}"`;
  return failure ? `${head}>\n      <failure message="${xml(failure.message)}">${xml(failure.text)}</failure>\n    </testcase>` : `${head}/>`;
}

export function junitReport(r: GateReport): string {
  const gates = r.gates.map((g) =>
    testcase('gate', g.name, g.seconds, g.status === 'pass' ? undefined : { message: `${g.status}: ${g.reasons[0] ?? g.summary}`, text: [...g.reasons, ...g.reproduce.map((c) => `reproduce: ${c}`)].join('\n') }),
  );
  const criteria = r.verdict.criteria.map((c) => testcase('criterion', c.title, 0, c.passed ? undefined : { message: c.reasons[0] ?? 'failed', text: c.reasons.join('\n') }));
  const tests = gates.length + criteria.length;
  const failures = r.gates.filter((g) => g.status !== 'pass').length + r.verdict.criteria.filter((c) => !c.passed).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="curve gate" tests="${tests}" failures="${failures}" time="${r.seconds.toFixed(3)}">`,
    `  <testsuite name="curve gate ${xml(r.venueFile)} (${r.profile}): ${r.verdict.verdict}" tests="${tests}" failures="${failures}" time="${r.seconds.toFixed(3)}">`,
    ...gates,
    ...criteria,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
