/**
 * Golden diagnostics (spec/curvescript.md §9, CS-DIAG-001): one small `.curve` per code under
 * fixtures/diagnostics/, whose first line `# expect: CODE line:col, …` lists exactly the diagnostics the
 * front end must report — codes and positions, never message text.
 */
import test from 'ava';
import { readdirSync } from 'node:fs';
import { checkSource } from '../../reference/script/index.ts';
import { DIAGNOSTIC_CODES, renderDiagnostic, diagnostic } from '../../reference/script/diagnostics.ts';
import type { DiagnosticCode } from '../../reference/script/diagnostics.ts';
import { ROOT, codesAt, readRepoFile } from './helpers.ts';

const DIR = 'test/script/fixtures/diagnostics/';
const files = readdirSync(ROOT + DIR).filter((f) => f.endsWith('.curve')).sort();

for (const f of files) {
  const code = f.slice(0, 6) as DiagnosticCode;
  test(`${code} (${DIAGNOSTIC_CODES[code]?.spec ?? '?'}): ${f} reports exactly its golden diagnostics`, (t) => {
    const text = readRepoFile(DIR + f);
    const header = /^# expect: (.*)$/m.exec(text);
    t.truthy(header, 'fixture needs a `# expect:` first line');
    const expected = (header?.[1] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const result = checkSource(text, f);
    t.deepEqual(codesAt(result.diagnostics), expected);
    t.true(expected.some((e) => e.startsWith(code + ' ')), `the fixture must trip ${code}`);
  });
}

test('CS-DIAG-001: every CS1xxx–CS3xxx code has a golden fixture; CS4xxx are reserved for the compiler', (t) => {
  const covered = new Set(files.map((f) => f.slice(0, 6)));
  const frontEnd = Object.keys(DIAGNOSTIC_CODES).filter((c) => !c.startsWith('CS4'));
  t.deepEqual(frontEnd.filter((c) => !covered.has(c)), []);
  t.true(Object.keys(DIAGNOSTIC_CODES).some((c) => c.startsWith('CS4')));
});

test('CS-DIAG-001: codes are numbered by phase and every code cites a spec rule', (t) => {
  for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
    t.regex(code, /^CS[1-4]\d{3}$/);
    t.regex(info.spec, /^CS-[A-Z]+(-[A-Z0-9_]+)*$/);
    t.true(info.title.length > 0);
  }
});

test('CS-DIAG-003: a diagnostic renders as file:line:col, the source line and a caret under the span', (t) => {
  const src = 'ROUTER {\n\tCAP_TTL ms=999_999\n}\n';
  const d = diagnostic('CS3007', 'cap TTL above 120 s', { file: 'v.curve', line: 2, col: 13, endLine: 2, endCol: 20, offset: 21, length: 7 });
  t.is(renderDiagnostic(d, src), 'v.curve:2:13: error CS3007: cap TTL above 120 s\n\tCAP_TTL ms=999_999\n\t           ^^^^^^^');
});

test('CS-DIAG-003: a span past the last line renders the head line only; a multi-line span underlines to the line end', (t) => {
  const span = { file: 'f', line: 9, col: 1, endLine: 9, endCol: 2, offset: 0, length: 1 };
  t.is(renderDiagnostic(diagnostic('CS1001', 'x', span), 'a\n'), 'f:9:1: error CS1001: x');
  const multi = { file: 'f', line: 1, col: 2, endLine: 2, endCol: 1, offset: 1, length: 3 };
  t.is(renderDiagnostic(diagnostic('CS2114', 'w', multi), 'abc\nd'), 'f:1:2: warning CS2114: w\nabc\n ^^');
});
