/**
 * The full-venue differential (spec/perp.md §14; PERP-OBS-001, E2E1–E2E4): random command sequences run
 * on the golden model and on the compiled venue on CurveVM — the Router template calling two slab
 * modules — through reference/perp/vm/venue-pair.ts; the ops are reference/perp/vm/venue-ops.ts records
 * drawn here by fast-check. Commands: deposits (incl. beyond the wallet), withdrawals (incl. beyond free
 * collateral), maker orders of DLP and REG accounts and their cancels, one- and two-slab routes (reserve;
 * commit with the right reveal, a wrong salt, a subset, unknown and duplicate holds, the wrong user, none,
 * after expiry, after a maker cancel vanished a slice; cancels, repeated and by the wrong user), route
 * floods, expiry sweeps, batch opens, oracle moves, spikes, zero prices and silences (failover), funding
 * ticks, settlements, liquidations through the grace window and deficit cover, governance. After every
 * step: the same outcome (ok or §12 code), equal observe() snapshots, and the model's invariant checker
 * (P/S/M/RM/VAL ids) clean on both sides. Failures shrink and print their seed (fast-check).
 */
import test from 'ava';
import fc from 'fast-check';
import { Prng } from '../../../reference/lib/prng.ts';
import { applyOp, describeOp, randomOp, VARIANTS, type GovKind, type LegPick, type Op, type OracleKind } from '../../../reference/perp/vm/venue-ops.ts';
import { runVenueSequences } from '../../../reference/perp/vm/venue-sequences.ts';
import { Pair } from './venue-harness.ts';

/** Runs per CI invocation (~10 s); `npm run venue-diff` runs a long campaign (VENUE_DIFF_RUNS). */
const RUNS = Number(process.env.VENUE_DIFF_RUNS ?? 25);

const u = fc.nat(7);
const i = fc.nat(1);
const side = fc.constantFrom(0 as const, 1 as const);
const dt = fc.oneof({ weight: 12, arbitrary: fc.bigInt(1n, 60n) }, { weight: 4, arbitrary: fc.bigInt(50n, 400n) }, { weight: 1, arbitrary: fc.bigInt(1_000n, 2_600n) });
const n = fc.nat(63);
const leg: fc.Arbitrary<LegPick> = fc.record({ i, side, qty: fc.bigInt(1n, 4n), lim: fc.integer({ min: -1, max: 5 }) });

const op = <K extends Op['k']>(k: K, fields: { [F in keyof Omit<Extract<Op, { k: K }>, 'k'>]: fc.Arbitrary<Extract<Op, { k: K }>[F]> }): fc.Arbitrary<Op> =>
  fc.record(fields as Record<string, fc.Arbitrary<unknown>>).map((r) => ({ k, ...r }) as Op);

/** The same op kinds and ranges as `randomOp`, weighted like OP_WEIGHTS. */
const ops: fc.Arbitrary<Op> = fc.oneof(
  op('deposit', { u, amt: fc.oneof(fc.constant(0n), fc.bigInt(1n, 100_000_000n), fc.constant(10n ** 12n)), dt }),
  op('withdraw', { u, share: fc.constantFrom(0n, 1n, 2n, 4n, 5n), dt }),
  { weight: 3, arbitrary: op('place', { u, i, side, off: fc.integer({ min: -4, max: 4 }), qty: fc.bigInt(1n, 5n), offTick: fc.oneof({ weight: 10, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), dt }) },
  op('cancelOrder', { n, other: fc.boolean(), dt }),
  { weight: 3, arbitrary: op('reserve', { u, legs: fc.array(leg, { minLength: 1, maxLength: 2 }), ttl: fc.oneof({ weight: 6, arbitrary: fc.bigInt(200n, 3_000n) }, { weight: 1, arbitrary: fc.constantFrom(0n, 10n ** 9n) }), salt: fc.nat(999), dt }) },
  { weight: 3, arbitrary: op('commit', { n, v: fc.constantFrom(...VARIANTS), dt }) },
  op('vanish', { n, dt }),
  op('cancelRoute', { n, other: fc.boolean(), times: fc.constantFrom(1, 2), dt }),
  op('expire', { dt }),
  { weight: 2, arbitrary: op('batch', { i, dt }) },
  { weight: 3, arbitrary: op('oracle', { kind: fc.constantFrom<OracleKind>('move', 'move', 'spike', 'backupOnly', 'zero'), f: fc.nat(3), d: fc.integer({ min: -6, max: 6 }), up: fc.boolean(), dt }) },
  op('funding', { i, dt }),
  op('settle', { u, dt }),
  op('liquidate', { u, follow: fc.boolean(), cover: fc.boolean(), dt }),
  op('crash', { cover: fc.boolean() }),
  op('governance', { kind: fc.constantFrom<GovKind>('fees', 'dlp', 'stale', 'restore', 'notGov'), i, maker: fc.bigInt(0n, 12n), taker: fc.bigInt(0n, 27n), u, on: fc.boolean() }),
  op('flood', { u, n: fc.integer({ min: 3, max: 10 }), salt: fc.nat(999) }),
  { weight: 4, arbitrary: op('round', { m: fc.nat(1), u, i, side, qty: fc.bigInt(1n, 4n), off: fc.integer({ min: -2, max: 2 }), salt: fc.nat(999), two: fc.boolean() }) },
);

const cmd = (o: Op): fc.Command<object, Pair> => ({ check: () => true, run: (_m, p) => applyOp(p, o), toString: () => describeOp(o) });

test('OBS1 E2E1 E2E2 E2E3 E2E4 P1–P11 RM1–RM7 the venue on CurveVM (router + 2 slabs + feeds) equals the golden model after every step of random command sequences', (t) => {
  let steps = 0;
  let lastError = '';
  const outcomes = new Map<string, number>();
  const genesis = new Pair();
  try {
    fc.assert(
      fc.property(fc.array(ops.map(cmd), { minLength: 1, maxLength: 45, size: 'max' }), (cmds) => {
        const p = genesis.fork();
        try {
          fc.modelRun(() => ({ model: {}, real: p }), cmds);
        } catch (e) {
          lastError = e instanceof Error ? e.message : String(e);
          throw e;
        }
        steps += p.steps;
        for (const [k, c] of p.outcomes) outcomes.set(k, (outcomes.get(k) ?? 0) + c);
      }),
      { numRuns: RUNS },
    );
  } catch (e) {
    t.fail(`${e instanceof Error ? e.message : String(e)}\nlast failure of the shrunk sequence: ${lastError}`);
    return;
  }
  t.log(`${steps} compared steps; outcomes: ${[...outcomes].sort().map(([k, c]) => `${k} ×${c}`).join(', ')}`);
  t.true(['commitRoute ok', 'liquidate ok', 'reserveRoute ok', 'openBatch ok'].every((k) => (outcomes.get(k) ?? 0) > 0), 'the generator reaches commits, liquidations, reserves and batches');
});

test('OBS1 the seeded driver (runVenueSequences, for the gate) finds no VM ≠ model step and is deterministic per seed', (t) => {
  const p = new Pair();
  const run = () => runVenueSequences({ setup: p.setup, seed: 7, sequences: 3, steps: 25 });
  const a = run();
  t.deepEqual(a.mismatches, []);
  t.true(a.steps > 0 && a.okSteps > 0 && a.okSteps <= a.steps);
  t.deepEqual([...run().outcomes].sort(), [...a.outcomes].sort(), 'same seed, same outcomes');
  t.is(describeOp(randomOp(new Prng(1))), describeOp(randomOp(new Prng(1))));
});
