/**
 * spec/conformance.md §4 (CONF-RUN-*), in process: the reference passes every vector; --json, --junit,
 * --filter, --shard, --ignore, --repeat; bad arguments exit 2 with one line; a malformed vector file is
 * reported and the run goes on. Serial: the curve() helper captures the process's stdout.
 */
import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VECTORS_DIR } from '../../conformance/files.ts';
import { curve } from '../cli/helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'conf-run-'));

test.serial('CONF-RUN-001 every committed vector passes against the reference in process (--json summary)', async (t) => {
  const r = await curve('conformance', '--json');
  t.is(r.code, 0, r.err);
  const s = JSON.parse(r.out) as { vectors: number; passed: number; failed: number; skipped: number; malformed: number; seconds: number; failures: unknown[] };
  t.true(s.vectors >= 2000);
  t.is(s.passed, s.vectors);
  t.is(s.failed + s.skipped + s.malformed, 0);
  t.deepEqual(s.failures, []);
});

test.serial('CONF-RUN-006 --junit writes one testcase per vector; text output ends with the summary line', async (t) => {
  const file = join(tmp, 'out.xml');
  const r = await curve('conformance', '--filter', 'calls/nested/*', '--junit', file);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /^\d+ vectors: \d+ passed, 0 failed, 0 skipped, 0 malformed in [0-9.]+ s — reference \(in process\)\n$/);
  const xml = readFileSync(file, 'utf8');
  t.regex(xml, /<testsuites name="curve conformance" tests="\d+" failures="0"/);
  t.is(xml.match(/<testcase /g)?.length, Number(/^(\d+) vectors/.exec(r.out)?.[1]));
});

test.serial('CONF-RUN-003/004 --filter globs ids and --shard i/n splits the selection', async (t) => {
  const all = JSON.parse((await curve('conformance', '--filter', 'opcodes/S*/case-00?', '--json')).out) as { vectors: number };
  const parts = [];
  for (const i of [1, 2, 3]) parts.push((JSON.parse((await curve('conformance', '--filter', 'opcodes/S*/case-00?', '--shard', `${i}/3`, '--json')).out) as { vectors: number }).vectors);
  t.true(all.vectors > 10);
  t.is(parts.reduce((a, b) => a + b, 0), all.vectors);
  t.true(Math.max(...parts) - Math.min(...parts) <= 1);
});

test.serial('CONF-CMP-003 / CONF-RUN-006 --ignore names the masked field; --repeat runs each vector again', async (t) => {
  const r = await curve('conformance', '--filter', 'log/*', '--ignore', 'gasUsed', '--repeat', '2', '--json');
  t.is(r.code, 0, r.err);
  t.deepEqual((JSON.parse(r.out) as { ignored: string[] }).ignored, ['gasUsed']);
});

for (const [args, message] of [
  [['--shard', '0/3'], /--shard expects i\/n/],
  [['--shard', 'x'], /--shard expects i\/n/],
  [['--filter', 'nothing/*'], /no vectors match/],
  [['--ignore', 'colour'], /--ignore: unknown field "colour"/],
  [['--timeout', '0'], /--timeout expects a positive integer/],
  [['--vectors', '/no/such/dir'], /no such vector folder/],
  [['--bogus'], /unknown option/],
] as const) {
  test.serial(`CONF-RUN-007 bad arguments exit 2 with one line: ${args.join(' ')}`, async (t) => {
    const r = await curve('conformance', ...args);
    t.is(r.code, 2);
    t.regex(r.err, message);
    t.is(r.err.trim().split('\n').length, 1, r.err);
  });
}

test.serial('CONF-RUN-002 a malformed vector is reported with file and JSON path; the others run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'conf-bad-'));
  const doc = JSON.parse(readFileSync(join(VECTORS_DIR, 'opcodes/NOP.json'), 'utf8')) as { vectors: Record<string, any>[] };
  doc.vectors[0]!.input.calls[0].gasLimit = -1;
  writeFileSync(join(dir, 'opcodes-NOP.json'), JSON.stringify(doc));
  const r = await curve('conformance', '--vectors', dir, '--filter', '*');
  t.regex(r.err, /malformed vector: .*opcodes-NOP\.json: \$\.vectors\[0\]\.input\.calls\[0\]\.gasLimit: must be >= 0/);
  t.regex(r.out, /0 failed, 0 skipped, \d+ malformed/);
  t.is(r.code, 2);
});

test.serial('CONF-RUN-007 a failing vector exits 1 and prints the field diff with the covered rule ids', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'conf-wrong-'));
  const doc = JSON.parse(readFileSync(join(VECTORS_DIR, 'opcodes/NOP.json'), 'utf8')) as { vectors: Record<string, any>[] };
  const v = doc.vectors.find((x) => x.id === 'opcodes/NOP/ok')!;
  v.expect.calls[0].gasUsed += 1;
  mkdirSync(join(dir, 'opcodes'));
  writeFileSync(join(dir, 'opcodes/NOP.json'), JSON.stringify({ ...doc, vectors: [v] }));
  const r = await curve('conformance', '--vectors', dir);
  t.is(r.code, 1);
  t.regex(r.out, /FAIL opcodes\/NOP\/ok/);
  t.regex(r.out, /covers .*VM-OP-NOP/);
  t.regex(r.out, /calls\[0\]\.gasUsed: expected \d+, actual \d+/);
});
