/**
 * spec/conformance.md §5 (CONF-PROTO-*) through real child processes: `curve adapter` passes every vector;
 * deliberately wrong adapters — five suite-strength mutants served by `curve adapter --mutant`, and a small
 * script that corrupts, crashes, hangs or answers garbage — are flagged with diffs or clear messages, and the
 * run goes on or ends cleanly.
 */
import test from 'ava';
import { curve } from '../cli/helpers.ts';

const ADAPTER = 'node bin/curve.js adapter';
const WRONG = 'node test/conformance/fixtures/wrong-adapter.mjs';

test.serial('CONF-PROTO-005 every vector passes through `curve adapter` in a child process', async (t) => {
  const r = await curve('conformance', '--impl', ADAPTER, '--json');
  t.is(r.code, 0, r.err + r.out.slice(0, 2000));
  const s = JSON.parse(r.out) as { implementation: string; vectors: number; passed: number };
  t.is(s.implementation, 'curve reference 0.1.0');
  t.true(s.vectors >= 2000);
  t.is(s.passed, s.vectors);
});

const MUTANT_ADAPTERS: [string, string, RegExp][] = [
  ['gas-ADD+1', 'opcodes/ADD/*', /calls\[0\]\.gasUsed: expected \d+, actual \d+/],
  ['SYSCALL-no-capability-check', 'syscalls/CLOCK/*', /calls\[0\]\.status: expected "halt", actual "ok"/],
  ['DIV_UP-as-DIV', 'opcodes/DIV_UP/*', /calls\[0\]\.returnData: expected/],
  ['MLOAD-bound-off-by-one', 'memory/MLOAD/*', /calls\[0\]\.status: expected "halt", actual "ok"/],
  ['rollback-skipped', 'calls/nested/callee-*', /calls\[0\]\.stateDiff\["word\/[0-9a-f]+\/0"\]: expected \(absent\), actual/],
];

for (const [mutant, filter, diff] of MUTANT_ADAPTERS) {
  test.serial(`CONF-CMP-002 a wrong adapter (${mutant}) is flagged with a field diff and its rule ids`, async (t) => {
    const r = await curve('conformance', '--impl', `${ADAPTER} --mutant ${mutant}`, '--filter', filter);
    t.is(r.code, 1, r.err);
    t.regex(r.out, /FAIL \S+/);
    t.regex(r.out, /covers VM-/);
    t.regex(r.out, diff);
  });
}

test.serial('CONF-CMP-002 a state-diff key the adapter drops is named', async (t) => {
  const r = await curve('conformance', '--impl', `${WRONG} diff`, '--filter', 'storage/SSTORE/off-00', '--json');
  t.is(r.code, 1);
  const s = JSON.parse(r.out) as { failures: { id: string; covers: string[]; diffs: { path: string; expected: unknown; actual: unknown }[] }[] };
  t.is(s.failures[0]?.id, 'storage/SSTORE/off-00');
  t.true(s.failures[0]?.covers.includes('VM-OP-SSTORE'));
  t.true(s.failures[0]?.diffs.some((d) => /^calls\[0\]\.stateDiff\["word\/[0-9a-f]{64}\/0"\]$/.test(d.path) && d.actual === undefined));
});

test.serial('CONF-RUN-005 a crashing adapter fails that vector with a clear message; the adapter is restarted and the rest pass', async (t) => {
  const r = await curve('conformance', '--impl', `${WRONG} crash opcodes/NOP/ok`, '--filter', 'opcodes/NOP/*', '--json');
  t.is(r.code, 1);
  const s = JSON.parse(r.out) as { vectors: number; passed: number; failed: number; failures: { id: string; message: string }[] };
  t.is(s.failed, 1);
  t.is(s.passed, s.vectors - 1);
  t.is(s.failures[0]?.id, 'opcodes/NOP/ok');
  t.regex(s.failures[0]?.message ?? '', /the adapter exited with code 7 while running the vector \(stderr: wrong-adapter: crashing on purpose\)/);
});

test.serial('CONF-RUN-005 a hung adapter times out, is killed, and the run goes on', async (t) => {
  const r = await curve('conformance', '--impl', `${WRONG} hang opcodes/NOP/boundary/gas-exact`, '--filter', 'opcodes/NOP/*', '--timeout', '1500', '--json');
  t.is(r.code, 1);
  const s = JSON.parse(r.out) as { vectors: number; passed: number; failures: { id: string; message: string }[] };
  t.is(s.passed, s.vectors - 1);
  t.regex(s.failures[0]?.message ?? '', /no response within 1500 ms \(adapter hung; killed\)/);
});

test.serial('CONF-RUN-005 a malformed response fails only its vector', async (t) => {
  const r = await curve('conformance', '--impl', `${WRONG} garbage NOP/ok`, '--filter', 'opcodes/NOP/*', '--json');
  const s = JSON.parse(r.out) as { vectors: number; passed: number; failures: { message: string }[] };
  t.is(r.code, 1);
  t.is(s.passed, s.vectors - 1);
  t.regex(s.failures[0]?.message ?? '', /malformed response \(not JSON\): this is not json/);
});

test.serial('CONF-PROTO-001 a failed handshake fails every vector with one clear line and ends cleanly', async (t) => {
  const r = await curve('conformance', '--impl', `${WRONG} nohello`, '--filter', 'opcodes/NOP/*');
  t.is(r.code, 1);
  t.regex(r.err, /handshake with .* failed: not JSON: hello there/);
  t.regex(r.out, /0 passed, \d+ failed/);
  const missing = await curve('conformance', '--impl', 'no-such-command-xyz', '--filter', 'opcodes/NOP/ok');
  t.is(missing.code, 1);
  t.regex(missing.err, /handshake with "no-such-command-xyz" failed: the adapter (exited with code 127|closed its output)/);
});
