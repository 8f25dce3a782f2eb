/**
 * The CurveVM commands of the `curve` CLI, and their bad-input contract: one line naming the place
 * (file:line:col or byte offset), exit code 2, never a stack trace; exit 1 for a program that halted.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { curve } from './helpers.ts';

const ex = (f: string): string => new URL(`../../examples/${f}`, import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'curve-cli-'));
const write = (name: string, data: string | Uint8Array): string => {
  const p = join(tmp, name);
  writeFileSync(p, data);
  return p;
};

/** One line on stderr, no stack frames. */
function assertOneLine(t: import('ava').ExecutionContext, err: string): void {
  const lines = err.trimEnd().split('\n');
  t.is(lines.length, 1, err);
  t.false(/\n\s+at /.test(err), 'no stack trace');
}

test.serial('run prints status, gas and results; --json gives the result object', async (t) => {
  const r = await curve('run', ex('counter.casm'), '--entry', 'sum', '--args', '10');
  t.is(r.code, 0, r.err);
  t.regex(r.out, /status\s+ok/);
  t.regex(r.out, /results\s+\[55\]/);
  const j = await curve('run', ex('counter.casm'), '-e', 'sum', '-a', '10', '--json');
  const parsed = JSON.parse(j.out) as { status: string; results: string[]; gasUsed: number };
  t.is(parsed.status, 'ok');
  t.deepEqual(parsed.results, ['0x37']);
  t.true(parsed.gasUsed > 0);
});

test.serial('run --engine reference and the default fast engine agree; a bad engine exits 2', async (t) => {
  const fast = await curve('run', ex('counter.casm'), '-e', 'sum', '-a', '300', '--json');
  const ref = await curve('run', ex('counter.casm'), '-e', 'sum', '-a', '300', '--json', '--engine', 'reference');
  t.is(fast.code, 0);
  t.deepEqual(JSON.parse(fast.out), JSON.parse(ref.out));
  const bad = await curve('run', ex('counter.casm'), '-e', 'sum', '-a', '3', '--engine', 'jit');
  t.is(bad.code, 2);
});

test.serial('run exits 1 when the program halts (out of gas) and says why', async (t) => {
  const r = await curve('run', ex('counter.casm'), '-e', 'sum', '-a', '1000', '--gas', '50');
  t.is(r.code, 1);
  t.regex(r.out, /halt \(out_of_gas/);
});

test.serial('run --trace prints one line per step with pc, op, gas and stack', async (t) => {
  const r = await curve('run', ex('counter.casm'), '-e', 'sum', '-a', '1', '--trace', '--json');
  const parsed = JSON.parse(r.out) as { trace: { op: string; gas: number; gasCost: number }[] };
  t.true(parsed.trace.length > 5);
  t.is(parsed.trace[0]?.op, 'LGET');
  t.is(parsed.trace.at(-1)?.op, 'RET');
});

test.serial('asm writes a module whose disasm assembles back to the same bytes', async (t) => {
  const out = join(tmp, 'counter.cvm');
  const a = await curve('asm', ex('counter.casm'), '-o', out);
  t.is(a.code, 0, a.err);
  const d = await curve('disasm', out);
  t.is(d.code, 0);
  const again = write('again.casm', d.out);
  const out2 = join(tmp, 'again.cvm');
  t.is((await curve('asm', again, '-o', out2)).code, 0);
  t.deepEqual(readFileSync(out2), readFileSync(out));
  const v = await curve('validate', out, '--json');
  t.is((JSON.parse(v.out) as { valid: boolean }).valid, true);
});

test.serial('router example: nested call with a sub-grant, imports resolved from files', async (t) => {
  const state = write('pre.json', JSON.stringify({ wallets: { 'a11ce/5dc': '1000' } }));
  const r = await curve('run', ex('router.casm'), '-e', 'route', '-a', '0xa11ce,0x5dc,400,100', '--now', '1', '--state', state, '--json');
  t.is(r.code, 0, r.err + r.out);
  const res = JSON.parse(r.out) as { results: string[]; logs: unknown[] };
  t.deepEqual(res.results, ['0x190']);
  t.is(res.logs.length, 1);
});

test.serial('debug --step shows the machine before a step; stepping back is a replay', async (t) => {
  const r = await curve('debug', ex('counter.casm'), '-e', 'sum', '-a', '3', '--step', '4', '--json');
  t.is(r.code, 0, r.err);
  const v = JSON.parse(r.out) as { step: number; op: string; stack: string[]; locals: string[] };
  t.is(v.step, 4);
  const back = JSON.parse((await curve('debug', ex('counter.casm'), '-e', 'sum', '-a', '3', '--step', '3', '--json')).out) as { step: number };
  t.is(back.step, 3);
  const past = await curve('debug', ex('counter.casm'), '-e', 'sum', '-a', '3', '--step', '100000');
  t.is(past.code, 2);
  assertOneLine(t, past.err);
});

test.serial('demo runs every scripted step as expected', async (t) => {
  const r = await curve('demo');
  t.is(r.code, 0, r.out);
  t.regex(r.out, /every step ended as expected/);
});

// ---- bad input ----

test.serial('bad assembly: file:line:col, exit 2, one line', async (t) => {
  const f = write('bad.casm', '.func main params=0 results=0 locals=0\n  PUSH 1\n  FROB 3\n  RET\n');
  const r = await curve('run', f, '-e', 'main');
  t.is(r.code, 2);
  assertOneLine(t, r.err);
  t.regex(r.err, /bad\.casm:3:3: error ASM: unknown instruction "FROB"/);
});

test.serial('a stack error in assembly is reported at its source line with the rule id', async (t) => {
  const f = write('under.casm', '.func main params=0 results=0 locals=0\n  ADD\n  RET\n');
  const r = await curve('asm', f);
  t.is(r.code, 2);
  assertOneLine(t, r.err);
  t.regex(r.err, /under\.casm:2:3: .*VM-VAL-STACK-001/);
});

test.serial('malformed module bytes: the byte offset, exit 2, one line', async (t) => {
  const f = write('junk.cvm', Uint8Array.of(0x43, 0x56, 0x4d, 0x00, 0x09, 0x00));
  for (const cmd of ['run', 'validate', 'disasm'] as const) {
    const r = cmd === 'run' ? await curve(cmd, f, '-e', 'x') : await curve(cmd, f);
    t.is(r.code, 2, cmd);
    assertOneLine(t, r.err);
    t.regex(r.err, /junk\.cvm:byte 4: error VM-MOD-002/);
  }
});

test.serial('unknown entrypoint, bad arguments and bad flags exit 2 with one line', async (t) => {
  const cases: string[][] = [
    ['run', ex('counter.casm'), '-e', 'nope'],
    ['run', ex('counter.casm'), '-e', 'sum', '-a', 'ten'],
    ['run', ex('counter.casm'), '-e', 'sum', '-a', '1,2'],
    ['run', ex('counter.casm'), '-e', 'sum', '-a', '-1'],
    ['run', ex('counter.casm'), '-e', 'sum', '-a', '1', '--gas', 'lots'],
    ['run', ex('counter.casm'), '-e', 'sum', '-a', '1', '--caps', 'root'],
    ['run', ex('counter.casm'), '-e', 'sum', '-a', '1', '--memory-pages', '161'],
    ['run', ex('counter.casm')],
    ['run', join(tmp, 'missing.casm'), '-e', 'sum'],
    ['frobnicate'],
    ['run', ex('counter.casm'), '-e', 'sum', '--bogus'],
  ];
  for (const argv of cases) {
    const r = await curve(...argv);
    t.is(r.code, 2, argv.join(' '));
    assertOneLine(t, r.err);
  }
});

test.serial('bad pre-state JSON names the file and the JSON path', async (t) => {
  const notJson = write('s1.json', '{ nope');
  const r1 = await curve('run', ex('counter.casm'), '-e', 'sum', '-a', '1', '--state', notJson);
  t.is(r1.code, 2);
  assertOneLine(t, r1.err);
  t.regex(r1.err, /s1\.json: error USAGE: not valid JSON/);
  const badField = write('s2.json', JSON.stringify({ escrows: { '1/2/3': { balance: 'many' } } }));
  const r2 = await curve('run', ex('counter.casm'), '-e', 'sum', '-a', '1', '--state', badField);
  t.is(r2.code, 2);
  t.regex(r2.err, /\$\.escrows\["1\/2\/3"\]\.balance/);
});

test.serial('--help and --version exit 0', async (t) => {
  t.is((await curve('--version')).code, 0);
  t.is((await curve('run', '--help')).code, 0);
});
