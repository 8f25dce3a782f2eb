/**
 * Seeded operation sequences over the golden model of the gated venue (spec/gate.md GATE-DIFF-001), with
 * its scaled-down pools (venue-model.ts). The VM-vs-model sequences (GATE-DIFF-002) are reference/perp/vm's
 * own driver (vm-differential.ts); these are the model-only ones, which reference/perp/vm does not have.
 * One seed fixes the whole sequence (reference/lib/prng.ts), so a failure is reproduced by its seed.
 * After every step: checkInvariants is empty (with VAL2 conservation), and a failed operation left the
 * state as it was (PERP-OP-001; a route commit cancels its route instead, by design).
 */
import { Prng } from '../../reference/lib/prng.ts';
import { commitment } from '../../reference/script/ids.ts';
import * as M from '../../reference/perp/model/index.ts';
import { GOVERNANCE, MAKERS, USERS, type ModelSlab, type ModelVenue } from './venue-model.ts';

const SALT = new Uint8Array(32).fill(0x5a);
const WRONG_SALT = new Uint8Array(32);

interface OpenRoute {
  readonly user: bigint;
  readonly routeId: bigint;
  readonly legs: readonly { readonly side: 0 | 1; readonly qty: bigint; readonly limitPx: bigint }[];
}

/** A step that broke a rule: the driver throws it and the sequence stops there. */
class Divergence extends Error {
  constructor(readonly messages: readonly string[]) {
    super(messages[0] ?? 'divergence');
  }
}

/**
 * What the operations run on: `call` runs one operation on the model through `M.step` (all or nothing);
 * it checks the step (throwing a Divergence) and says whether it succeeded. `callResult` is for the
 * model's operations that return their own result (a failed commit cancels its route, PERP-ROUTE-005).
 */
interface Driver {
  readonly venue: ModelVenue;
  /** The model's state (the generator reads it to pick arguments). */
  readonly st: M.PerpState;
  now: bigint;
  call(name: string, model: (s: M.PerpState) => unknown): boolean;
  callResult(name: string, model: (s: M.PerpState) => M.OpResult<unknown>): boolean;
  /** The next route id of a user. */
  routeId(user: bigint): bigint;
}

interface World {
  readonly d: Driver;
  /** Last published price per feed. */
  readonly px: Map<bigint, bigint>;
  readonly routes: OpenRoute[];
}

type Op = { readonly name: string; readonly run: (w: World) => void };

const priceOf = (w: World, sl: ModelSlab): bigint => w.px.get(sl.feed) ?? 0n;
const offset = (rng: Prng, sl: ModelSlab, maxTicks: number): bigint => BigInt(rng.range(0, maxTicks)) * sl.tick;

/** The operation table: weight and a generator drawing its arguments from the PRNG. */
const OPS: readonly { readonly weight: number; readonly make: (rng: Prng, v: ModelVenue, w: World) => Op }[] = [
  {
    weight: 5,
    make: (rng, v, w) => {
      const sl = rng.pick(v.slabs);
      const side = rng.chance(1, 2) ? 1 : 0;
      const px = side === 1 ? priceOf(w, sl) + sl.tick + offset(rng, sl, 5) : priceOf(w, sl) - sl.tick - offset(rng, sl, 5);
      const user = rng.pick(USERS);
      const qty = BigInt(rng.range(1, 20)) * sl.lot;
      return { name: 'place', run: ({ d }) => d.call('place', (s) => M.placeOrder(s, user, sl.id, 0n, side, px, qty, d.now)) };
    },
  },
  {
    weight: 1,
    make: (rng, v) => {
      const sl = rng.pick(v.slabs);
      const pick = rng.range(0, 64);
      return {
        name: 'cancel-order',
        run: ({ d }) => {
          const live = (d.st.slabs.get(sl.id)?.orders.slots ?? []).filter((o) => o !== null);
          const o = live.length ? live[pick % live.length] : undefined;
          const [owner, id] = o ? [o.owner, o.id] : [MAKERS[0] as bigint, 1n];
          d.call('cancel-order', (s) => M.cancelOrder(s, owner, sl.id, id));
        },
      };
    },
  },
  {
    weight: 5,
    make: (rng, v, w) => {
      const user = rng.pick(USERS);
      const side = rng.chance(1, 2) ? 1 : 0;
      const chosen = rng.chance(1, 3) && v.slabs.length > 1 ? [...v.slabs] : [rng.pick(v.slabs)];
      const qty = BigInt(rng.range(1, 15));
      const ttl = BigInt(rng.range(1, 400));
      const ticks = rng.range(0, 6);
      const legs = chosen.map((sl) => ({ sl, side: side as 0 | 1, qty: qty * sl.lot, limitPx: side === 0 ? priceOf(w, sl) + BigInt(ticks) * sl.tick : priceOf(w, sl) - BigInt(ticks) * sl.tick }));
      return {
        name: 'reserve',
        run: (x) => {
          const route = x.d.routeId(user);
          const req = legs.map((l) => ({ slab: l.sl.id, instrument: 0n, side: l.side, qty: l.qty, limitPx: l.limitPx, commitment: commitment(route, 0n, BigInt(l.side), l.qty, l.limitPx, SALT) }));
          if (x.d.call('reserve', (s) => M.reserveRoute(s, user, req, ttl, x.d.now))) x.routes.push({ user, routeId: route, legs });
        },
      };
    },
  },
  {
    weight: 5,
    make: (rng) => {
      const pick = rng.range(0, 64);
      const badSalt = rng.chance(1, 6);
      const subset = rng.chance(1, 4);
      return {
        name: 'commit',
        run: ({ d, routes }) => {
          const route = routes[pick % Math.max(1, routes.length)];
          const open = route ? d.st.router.routes.get(route.routeId) : undefined;
          if (!route || !open) return;
          const all = open.legs.map((l, i) => {
            const leg = route.legs[i] as OpenRoute['legs'][number];
            return { holdId: l.holdId, reveal: { side: leg.side, qty: leg.qty, limitPx: leg.limitPx, salt: badSalt && i === 0 ? WRONG_SALT : SALT } };
          });
          const chosen = subset ? all.slice(-1) : all;
          d.callResult('commit', (s) => M.commitRoute(s, route.user, route.routeId, chosen, d.now));
        },
      };
    },
  },
  {
    weight: 1,
    make: (rng) => {
      const pick = rng.range(0, 64);
      return {
        name: 'cancel-route',
        run: ({ d, routes }) => {
          const route = routes[pick % Math.max(1, routes.length)];
          // twice: the second cancel of the same route must fail and change nothing
          if (route) for (let i = 0; i < 2; i++) d.call('cancel-route', (s) => M.cancelRoute(s, route.user, route.routeId));
        },
      };
    },
  },
  { weight: 2, make: (rng, v) => ((sl) => ({ name: 'batch-open', run: ({ d }: World) => void d.call('batch-open', (s) => M.openBatch(s, sl.id, 0n, d.now)) }))(rng.pick(v.slabs)) },
  {
    weight: 2,
    make: (rng, v) => {
      const sl = rng.pick(v.slabs);
      const ticks = BigInt(rng.range(0, 60)) - 30n;
      return {
        name: 'oracle',
        run: ({ d, px: last }) => {
          const px = (last.get(sl.feed) ?? 0n) + ticks * sl.tick;
          if (d.call('oracle', (s) => M.publishPrice(s, sl.feed, px, d.now))) last.set(sl.feed, px);
        },
      };
    },
  },
  { weight: 1, make: (_rng, v) => ({ name: 'funding', run: ({ d }) => v.slabs.forEach((sl) => d.call('funding', (s) => M.tickFunding(s, sl.id, 0n, d.now))) }) },
  {
    weight: 2,
    make: (rng, v) => {
      const ms = BigInt(rng.range(1, 1_500));
      return {
        name: 'time',
        run: ({ d, px }) => {
          d.now += ms;
          for (const f of v.feeds) {
            const p = px.get(f) ?? d.st.oracles.get(f)?.price ?? 0n;
            d.call('time', (s) => M.publishPrice(s, f, p, d.now));
          }
        },
      };
    },
  },
  {
    weight: 2,
    make: (rng, v) => {
      const user = rng.pick(USERS);
      const amount = BigInt(rng.range(0, 2_000_000_000));
      const out = rng.chance(1, 2);
      const name = out ? 'withdraw' : 'deposit';
      return { name, run: ({ d }) => void d.call(name, (s) => (out ? M.withdraw(s, user, v.asset, amount, d.now) : M.deposit(s, user, v.asset, amount))) };
    },
  },
  { weight: 1, make: (rng) => ((u) => ({ name: 'settle', run: ({ d }: World) => void d.call('settle', (s) => M.settle(s, u)) }))(rng.pick(USERS)) },
  { weight: 1, make: (rng) => ((u) => ({ name: 'liquidate', run: ({ d }: World) => void d.call('liquidate', (s) => M.liquidate(s, u, d.now)) }))(rng.pick(USERS)) },
  { weight: 1, make: () => ({ name: 'expire', run: ({ d }) => void d.call('expire', (s) => M.expireRoutes(s, d.now)) }) },
  // governance (P10, P11): fees within or above the caps, some by a non-governance caller; DLP class edits
  {
    weight: 1,
    make: (rng, v) => {
      const sl = rng.pick(v.slabs);
      const caller = rng.chance(1, 5) ? rng.pick(USERS) : GOVERNANCE;
      const [maker, taker] = [BigInt(rng.range(0, 12)), BigInt(rng.range(0, 30))];
      return { name: 'fees', run: ({ d }) => void d.call('fees', (s) => M.setSlabFees(s, caller, sl.id, maker, taker)) };
    },
  },
  {
    weight: 1,
    make: (rng, v) => {
      const [sl, u, on] = [rng.pick(v.slabs), rng.pick(USERS), rng.chance(2, 3)];
      return { name: 'dlp', run: ({ d }) => void d.call('dlp', (s) => M.setDlp(s, GOVERNANCE, sl.id, u, on)) };
    },
  },
  // the insurance payout of a liquidated user's deficit (PERP-LIQ-003, E2E4)
  { weight: 1, make: (rng) => ((u) => ({ name: 'cover-deficit', run: ({ d }: World) => void d.call('cover-deficit', (s) => M.coverDeficit(s, u)) }))(rng.pick(USERS)) },
];

const TOTAL_WEIGHT = OPS.reduce((n, o) => n + o.weight, 0);

function drawOp(rng: Prng, v: ModelVenue, w: World): Op {
  let k = rng.range(0, TOTAL_WEIGHT - 1);
  for (const o of OPS) {
    if (k < o.weight) return o.make(rng, v, w);
    k -= o.weight;
  }
  throw new Error('unreachable: weights exhausted');
}

export interface SequenceViolation {
  readonly seed: number;
  readonly step: number;
  readonly op: string;
  readonly messages: readonly string[];
}

export interface SequenceRun {
  readonly seed: number;
  /** Operations drawn (a violation stops the sequence at its step). */
  readonly steps: number;
  /** Calls made (an operation may make several) and those that succeeded. */
  readonly calls: number;
  readonly ok: number;
  readonly commits: number;
  readonly violation?: SequenceViolation;
}

/** Counts of the driver's calls. */
interface CallCounts {
  calls: number;
  ok: number;
  commits: number;
}

/** One seeded sequence of `steps` operations on a driver; stops at the first violation. */
function runOps(d: Driver & { readonly counts: CallCounts }, seed: number, steps: number): SequenceRun {
  const rng = new Prng(seed);
  const v = d.venue;
  const w: World = { d, px: new Map(v.slabs.map((sl) => [sl.feed, d.st.oracles.get(sl.feed)?.price ?? 0n])), routes: [] };
  const result = (n: number, violation?: SequenceViolation): SequenceRun => ({ seed, steps: n, calls: d.counts.calls, ok: d.counts.ok, commits: d.counts.commits, ...(violation ? { violation } : {}) });
  for (let i = 0; i < steps; i++) {
    const op = drawOp(rng, v, w);
    try {
      op.run(w);
    } catch (e) {
      if (!(e instanceof Divergence)) throw e;
      return result(i + 1, { seed, step: i + 1, op: op.name, messages: e.messages });
    }
  }
  return result(steps);
}

/** The model alone: every call through M.step, then PERP-OP-001 and checkInvariants (with VAL2). */
class ModelDriver implements Driver {
  st: M.PerpState;
  now: bigint;
  readonly counts: CallCounts = { calls: 0, ok: 0, commits: 0 };
  constructor(readonly venue: ModelVenue) {
    this.st = venue.state;
    this.now = venue.t0;
  }
  private after(name: string, r: M.OpResult<unknown>, before: M.PerpState, opCheck: boolean): boolean {
    const messages: string[] = [];
    this.counts.calls += 1;
    if (r.ok) {
      this.counts.ok += 1;
      if (name === 'commit') this.counts.commits += 1;
    } else if (opCheck && r.state !== before) messages.push(`PERP-OP-001 failed ${name} (${r.error}) changed the state`);
    this.st = r.state;
    messages.push(...M.checkInvariants(this.st, { hostTotal: this.venue.hostTotal }));
    if (messages.length) throw new Divergence(messages);
    return r.ok;
  }
  call(name: string, model: (s: M.PerpState) => unknown): boolean {
    const before = this.st;
    return this.after(name, M.step(this.st, model), before, true);
  }
  callResult(name: string, model: (s: M.PerpState) => M.OpResult<unknown>): boolean {
    return this.after(name, model(this.st), this.st, false);
  }
  routeId(user: bigint): bigint {
    return M.nextRouteId(this.st, user);
  }
}

/** One seeded sequence of `steps` operations on the model alone; stops at the first violation. */
export function runSequence(venue: ModelVenue, seed: number, steps: number): SequenceRun {
  return runOps(new ModelDriver(venue), seed, steps);
}
