/**
 * The verdicts are never collapsed (spec/proofs.md §4): a contradictory obligation and an unreachable
 * guarded path are `vacuous`; a deliberately broken formula (fee rounding flipped from up to down) yields
 * a model that is re-executed on the broken formula's TS implementation and reported as a reproduced
 * `counterexample`, but as `unknown` when the concrete re-execution (the golden model) does not
 * reproduce it; a timeout is `unknown`; an obligation that throws is `unknown`, never a pass.
 */
import test from 'ava';
import { BPS, mulDivUp } from '../../../reference/perp/model/arith.ts';
import { marginOf } from '../../../reference/perp/model/margin.ts';
import { unrealised } from '../../../reference/perp/model/position.ts';
import { allProved, proveAll, selectObligations } from '../../../models/smt/prove.ts';
import type { Obligation } from '../../../models/smt/obligation.ts';
import { IntEnc, bits, range } from '../../../models/smt/spec/encoding.ts';
import { instrument, position } from '../../../models/smt/spec/model-fixtures.ts';
import { runSpec, type SpecDef, type Values } from '../../../models/smt/spec/spec-obligation.ts';
import { specObligations } from '../../../models/smt/spec/index.ts';
import { closeZ3 } from '../../../models/smt/z3.ts';

test.after.always(async () => closeZ3());

const OPTS = { timeoutMs: 30_000 };

/** The taker fee ⌈notional·bps/10⁴⌉ — with a switch that flips its rounding to ⌊·⌋ (the deliberate bug). */
function feeDef(encodeFlipped: boolean, implFlipped: boolean): SpecDef {
  const impl = (x: Values): bigint => (implFlipped ? ((x.notional as bigint) * (x.bps as bigint)) / BPS : mulDivUp(x.notional as bigint, x.bps as bigint, BPS));
  return {
    id: 'TEST/NUM-005/fee-round-up',
    family: 'margin-math',
    invariants: ['NUM-005'],
    rules: ['PERP-NUM-005'],
    description: 'the fee is rounded up: fee·10⁴ ≥ notional·bps',
    bounds: 'notional < 2^64, bps ≤ 10⁴',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [n, bps] = [v.int('notional', bits(64)), v.int('bps', range(0n, 10_000n))];
      const fee = encodeFlipped ? e.mulDivDown(n, bps, e.n(10_000n)) : e.mulDivUp(n, bps, e.n(10_000n));
      return { assume: [], reach: { fee: bps.gt(0) }, prove: fee.mul(e.n(10_000n)).ge(n.mul(bps)) };
    },
    replay(x) {
      const fee = impl(x);
      return fee * BPS < (x.notional as bigint) * (x.bps as bigint) ? `fee ${fee} of ${x.notional} at ${x.bps} bps is below the exact ${((x.notional as bigint) * (x.bps as bigint)).toString()}/10⁴` : null;
    },
  };
}

test('NUM-005 a deliberately flipped rounding (fee ⌊·⌋ instead of ⌈·⌉) yields a counterexample reproduced on its TS implementation', async (t) => {
  const r = await runSpec(feeDef(true, true), OPTS);
  t.is(r.verdict, 'counterexample', r.reason);
  t.true(r.counterexample?.reproduced);
  const m = r.counterexample?.model ?? {};
  const [n, bps] = [BigInt(m.notional ?? '0'), BigInt(m.bps ?? '0')];
  // Re-run the broken formula at the model: the fee really is below the exact amount.
  t.true(((n * bps) / BPS) * BPS < n * bps, `model ${JSON.stringify(m)}`);
  t.regex(r.reason ?? '', /below the exact/);
});

test('PROOF-VERDICT-003 a solver model the concrete re-execution does not reproduce is unknown, never a counterexample', async (t) => {
  // Broken encoding, correct implementation (the golden model's mulDivUp): the model does not replay.
  const r = await runSpec(feeDef(true, false), OPTS);
  t.is(r.verdict, 'unknown');
  t.false(r.counterexample?.reproduced);
  t.regex(r.reason ?? '', /does not violate the property/);
});

test('NUM-005 the unbroken fee obligation is proved with a witness', async (t) => {
  const r = await runSpec(feeDef(false, false), OPTS);
  t.is(r.verdict, 'proved');
  t.truthy(r.witness);
});

test('PROOF-VERDICT-002 an obligation with contradictory assumptions is vacuous (a failure), not proved', async (t) => {
  const def: SpecDef = {
    ...feeDef(false, false),
    id: 'TEST/vacuous/contradiction',
    encode(ctx, v) {
      const x = v.int('x', bits(8));
      return { assume: [x.lt(3), x.gt(5)], prove: x.eq(x.add(1)) };
    },
  };
  const r = await runSpec(def, OPTS);
  t.is(r.verdict, 'vacuous');
  t.regex(r.reason ?? '', /assumptions are unsatisfiable/);
  t.regex(r.witnessSmt2?.[0] ?? '', /\(set-info :status sat\)/);
});

test('PROOF-VERDICT-002 an unreachable guarded path makes the obligation vacuous even though its assumptions are satisfiable', async (t) => {
  const def: SpecDef = {
    ...feeDef(false, false),
    id: 'TEST/vacuous/unreachable-path',
    encode(ctx, v) {
      const x = v.int('x', bits(8));
      return { assume: [x.lt(10)], reach: { 'big-x': x.gt(300) }, prove: x.lt(10) };
    },
  };
  const r = await runSpec(def, OPTS);
  t.is(r.verdict, 'vacuous');
  t.regex(r.reason ?? '', /path big-x is unreachable/);
  t.truthy(r.witness);
});

test('RM3 exact price-monotonicity of the long liquidation threshold is false: the golden model steps floor and ceil apart', (t) => {
  // The counterexample z3 returned for the exact statement (spec/proofs.md §4): qty·cs = 2, mmr = 3 bps, cost 0.
  const sf = (p: bigint): bigint => marginOf(2n * 3n, p) - unrealised(position(2n, 0n), instrument(1n), p);
  const [p1, p2] = [1_666_500_001n, 1_666_666_667n];
  t.true(p1 < p2);
  t.true(sf(p1) < sf(p2), `shortfall ${sf(p1)} at the lower price, ${sf(p2)} at the higher`);
  t.true(sf(p1) >= sf(p2) - 1n, 'within the one unit MARGIN/RM3/threshold-monotone-long proves');
  // A long with cash −3332 is liquidatable (equity < MM) at the higher price and not at the lower one.
  const cash = -3332n;
  t.true(cash < sf(p2) && !(cash < sf(p1)));
});

test('PROOF-VERDICT-001 a timeout is unknown with the solver reason, and an obligation that throws is unknown', async (t) => {
  const slow = specObligations().find((o) => o.id === 'RESERVATION/R2/notional-within-limit') as Obligation;
  const throwing: Obligation = { ...slow, id: 'TEST/throws', run: () => Promise.reject(new Error('encoding bug')) };
  let n = 0;
  const r = await proveAll([{ ...slow, run: (o) => slow.run({ ...o, timeoutMs: 1 }) }, throwing], { timeoutMs: 1, clock: () => n++ });
  t.is(r.entries[0]?.verdict, 'unknown');
  // PROOF-RUN-006: a 1 ms budget is rlimit 2000 with a 4 ms wall-clock net; the reason names the limit that ended it
  t.regex(r.entries[0]?.reason ?? '', /resource limit reached|wall-clock safety net/);
  t.is(r.entries[1]?.verdict, 'unknown');
  t.regex(r.entries[1]?.reason ?? '', /error: encoding bug/);
  t.is(r.unknown, 2);
  t.is(r.proved, 0);
  t.false(allProved(r));
  t.false(allProved({ ...r, obligations: 0, proved: 0, entries: [] }), 'an empty run is not a pass');
});

test('PROOF-CLI-001 --only selects by id, id prefix, invariant, family, level or glob', (t) => {
  const all = specObligations();
  t.is(selectObligations(all, 'SAFE-DEBIT/P7/expired-fails').length, 1);
  t.is(selectObligations(all, 'SAFE-DEBIT/P7').length, 2);
  t.true(selectObligations(all, 'P7').every((o) => o.invariants.includes('P7')));
  t.true(selectObligations(all, 'margin-math').length >= 15);
  t.is(selectObligations(all, 'spec').length, all.length);
  t.deepEqual(
    selectObligations(all, 'MARGIN/RM3/*').map((o) => o.id),
    ['MARGIN/RM3/threshold-monotone-long', 'MARGIN/RM3/threshold-monotone-short'],
  );
  t.is(selectObligations(all, 'NOPE').length, 0);
});
