/**
 * The committed `vm.call` conformance vectors (conformance/vectors) run on the fast path: the reference
 * implementation of the conformance runner with the fast machine injected through `execute`'s machine
 * factory (the hook the suite-strength mutants use). Every vector must pass unchanged — status, halt,
 * gas, return data, logs, state diff and state root — so the fast path (reference/vm/fast.ts) is held
 * to the vectors as well as to the differential properties of fast-differential.test.ts.
 */
import test from 'ava';
import { VECTORS_DIR, loadVectors } from '../../conformance/files.ts';
import { failureText, referenceImplementation, runVectors } from '../../conformance/runner.ts';
import { FastMachine } from '../../reference/vm/fast/run.ts';

test('VM-EXEC the fast path passes every vm.call conformance vector', async (t) => {
  const { vectors } = loadVectors(VECTORS_DIR);
  const calls = vectors.filter((v) => v.vector.kind === 'vm.call');
  t.true(calls.length > 100, `${calls.length} vm.call vectors`);
  // Runs without --trace-diff request no traces, so the fast machine runs every call.
  const impl = referenceImplementation({ machine: (s, w, now, origin) => new FastMachine(s, w, now, origin, false) }, 'fast path');
  const outcomes = await runVectors(impl, calls);
  const failed = outcomes.filter((o) => o.verdict !== 'pass');
  t.deepEqual(failed.map(failureText), []);
  t.is(outcomes.length, calls.length);
});
