/**
 * Seeded operation sequences over the golden model of the gated venue (spec/gate.md GATE-DIFF-001).
 * One seed fixes the whole sequence (reference/lib/prng.ts), so a failure is reproduced by its seed.
 * After every step: checkInvariants is empty (with VAL2 conservation), and a failed operation left the
 * state as it was (PERP-OP-001; a route commit cancels its route instead, by design).
 */
import { Prng } from '../../reference/lib/prng.ts';
import { commitment } from '../../reference/script/ids.ts';
import * as M from '../../reference/perp/model/index.ts';
import { MAKERS, USERS, type ModelSlab, type ModelVenue } from './venue-model.ts';

const SALT = new Uint8Array(32).fill(0x5a);
const WRONG_SALT = new Uint8Array(32);

interface OpenRoute {
  readonly user: bigint;
  readonly routeId: bigint;
  readonly legs: readonly { readonly side: 0 | 1; readonly qty: bigint; readonly limitPx: bigint }[];
}

interface World {
  st: M.PerpState;
  now: bigint;
  /** Last published price per feed. */
  readonly px: Map<bigint, bigint>;
  readonly routes: OpenRoute[];
}

type Op = { readonly name: string; readonly run: (w: World) => M.OpResult<unknown> };

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
      return { name: 'place', run: (x) => M.step(x.st, (s) => M.placeOrder(s, user, sl.id, 0n, side, px, qty, x.now)) };
    },
  },
  {
    weight: 1,
    make: (rng, v) => {
      const sl = rng.pick(v.slabs);
      const pick = rng.range(0, 64);
      return {
        name: 'cancel-order',
        run: (x) => {
          const live = (x.st.slabs.get(sl.id)?.orders.slots ?? []).filter((o) => o !== null);
          const o = live.length ? live[pick % live.length] : undefined;
          return M.step(x.st, (s) => M.cancelOrder(s, o ? o.owner : (MAKERS[0] as bigint), sl.id, o ? o.id : 1n));
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
          const route = M.nextRouteId(x.st, user);
          const req = legs.map((l) => ({ slab: l.sl.id, instrument: 0n, side: l.side, qty: l.qty, limitPx: l.limitPx, commitment: commitment(route, 0n, BigInt(l.side), l.qty, l.limitPx, SALT) }));
          const r = M.step(x.st, (s) => M.reserveRoute(s, user, req, ttl, x.now));
          if (r.ok) x.routes.push({ user, routeId: r.out.routeId, legs });
          return r;
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
        run: (x) => {
          const route = x.routes[pick % Math.max(1, x.routes.length)];
          const open = route ? x.st.router.routes.get(route.routeId) : undefined;
          if (!route || !open) return M.step(x.st, () => 0);
          const chosen = open.legs.map((l, i) => {
            const leg = route.legs[i] as OpenRoute['legs'][number];
            return { holdId: l.holdId, reveal: { side: leg.side, qty: leg.qty, limitPx: leg.limitPx, salt: badSalt && i === 0 ? WRONG_SALT : SALT } };
          });
          return M.commitRoute(x.st, route.user, route.routeId, subset ? chosen.slice(-1) : chosen, x.now);
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
        run: (x) => {
          const route = x.routes[pick % Math.max(1, x.routes.length)];
          return route ? M.step(x.st, (s) => (M.cancelRoute(s, route.user, route.routeId), M.cancelRoute(s, route.user, route.routeId))) : M.step(x.st, () => 0);
        },
      };
    },
  },
  { weight: 2, make: (rng, v) => ((sl) => ({ name: 'batch-open', run: (x: World) => M.step(x.st, (s) => M.openBatch(s, sl.id, 0n, x.now)) }))(rng.pick(v.slabs)) },
  {
    weight: 2,
    make: (rng, v) => {
      const sl = rng.pick(v.slabs);
      const ticks = BigInt(rng.range(0, 60)) - 30n;
      return {
        name: 'oracle',
        run: (x) => {
          const px = (x.px.get(sl.feed) ?? 0n) + ticks * sl.tick;
          const r = M.step(x.st, (s) => M.publishPrice(s, sl.feed, px, x.now));
          if (r.ok) x.px.set(sl.feed, px);
          return r;
        },
      };
    },
  },
  { weight: 1, make: (_rng, v) => ({ name: 'funding', run: (x) => M.step(x.st, (s) => v.slabs.map((sl) => M.tickFunding(s, sl.id, 0n, x.now))) }) },
  {
    weight: 2,
    make: (rng, v) => {
      const ms = BigInt(rng.range(1, 1_500));
      return { name: 'time', run: (x) => ((x.now += ms), M.step(x.st, (s) => v.feeds.forEach((f) => M.publishPrice(s, f, x.px.get(f) ?? s.oracles.get(f)?.price ?? 0n, x.now)))) };
    },
  },
  {
    weight: 2,
    make: (rng, v) => {
      const user = rng.pick(USERS);
      const amount = BigInt(rng.range(0, 2_000_000_000));
      const out = rng.chance(1, 2);
      return { name: out ? 'withdraw' : 'deposit', run: (x) => M.step(x.st, (s) => (out ? M.withdraw(s, user, v.asset, amount, x.now) : M.deposit(s, user, v.asset, amount))) };
    },
  },
  { weight: 1, make: (rng) => ((u) => ({ name: 'settle', run: (x: World) => M.step(x.st, (s) => M.settle(s, u)) }))(rng.pick(USERS)) },
  { weight: 1, make: (rng) => ((u) => ({ name: 'liquidate', run: (x: World) => M.step(x.st, (s) => M.liquidate(s, u, x.now)) }))(rng.pick(USERS)) },
  { weight: 1, make: () => ({ name: 'expire', run: (x) => M.step(x.st, (s) => M.expireRoutes(s, x.now)) }) },
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
  readonly steps: number;
  readonly ok: number;
  readonly commits: number;
  readonly violation?: SequenceViolation;
}

/** One seeded sequence of `steps` operations; stops at the first violation. */
export function runSequence(venue: ModelVenue, seed: number, steps: number): SequenceRun {
  const rng = new Prng(seed);
  const w: World = { st: venue.state, now: venue.t0, px: new Map(venue.slabs.map((sl) => [sl.feed, venue.state.oracles.get(sl.feed)?.price ?? 0n])), routes: [] };
  let ok = 0;
  let commits = 0;
  for (let i = 0; i < steps; i++) {
    const op = drawOp(rng, venue, w);
    const before = w.st;
    const r = op.run(w);
    const messages: string[] = [];
    if (r.ok) {
      ok += 1;
      if (op.name === 'commit') commits += 1;
    } else if (op.name !== 'commit' && r.state !== before) messages.push(`PERP-OP-001 failed ${op.name} (${r.error}) changed the state`);
    w.st = r.state;
    messages.push(...M.checkInvariants(w.st, { hostTotal: venue.hostTotal }));
    if (messages.length) return { seed, steps: i + 1, ok, commits, violation: { seed, step: i + 1, op: op.name, messages } };
  }
  return { seed, steps, ok, commits };
}
