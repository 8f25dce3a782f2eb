/**
 * Route records are a pool (spec/perp.md PERP-ROUTE-007, PERP-ROUTE-009): a finished route (committed,
 * cancelled, failed, expired) frees its record, so the capacity MAX_ROUTES counts open routes, not routes
 * ever made; a route id (CS-ID-003, route_id(user, nonce)) is never given twice, and a finished route's id
 * is UNKNOWN_ROUTE for every route entry from then on — it never reaches the route that took the record.
 */
import test from 'ava';
import fc from 'fast-check';
import * as M from '../../../reference/perp/model/index.ts';
import { ALICE, BOB, CAROL, DLP, PX, SLAB_A, SLAB_B, SOL_BACKUP, SOL_FEED, T0, TICK, legs, mustOk, post, reveal, venue, type LegSpec } from './helpers.ts';

const buy = (slab = SLAB_A): LegSpec => ({ slab, side: 0, qty: 1n, limitPx: PX + TICK });
/** A salt that is not the fixture's SALT: the commit fails COMMITMENT_MISMATCH. */
const WRONG = new Uint8Array(32).fill(0xee);
const sell = (slab = SLAB_A): LegSpec => ({ slab, side: 1, qty: 1n, limitPx: PX - TICK });

function reserve(st: M.PerpState, user: bigint, specs: readonly LegSpec[], ttl = 1_000n, now = T0) {
  return M.step(st, (s) => M.reserveRoute(s, user, legs(s, user, specs), ttl, now));
}

/** The route entries' error for `id` of `user` (commit, cancel; the commit's failure path changes nothing). */
function refused(st: M.PerpState, user: bigint, id: bigint, hold: bigint): string[] {
  const c = M.commitRoute(st, user, id, [{ holdId: hold, reveal: reveal(buy()) }], T0);
  const x = M.step(st, (s) => M.cancelRoute(s, user, id));
  if (c.state !== st || x.state !== st) return ['changed the state'];
  return [c.ok ? 'ok' : c.error, x.ok ? 'ok' : x.error];
}

test('PERP-ROUTE-009 a finished route id is UNKNOWN_ROUTE for commit and cancel — committed, cancelled, failed and expired alike', (t) => {
  let st = mustOk(post(venue(), DLP, SLAB_A, 1, PX + TICK, 50n)).state;
  const ids: { id: bigint; hold: bigint; how: string }[] = [];
  const open = (): { id: bigint; hold: bigint } => {
    const r = mustOk(reserve(st, ALICE, [buy()]));
    st = r.state;
    return { id: r.out.routeId, hold: (r.out.legs[0] as { holdId: bigint }).holdId };
  };
  const a = open();
  st = mustOk(M.commitRoute(st, ALICE, a.id, [{ holdId: a.hold, reveal: reveal(buy()) }], T0)).state;
  ids.push({ ...a, how: 'committed' });
  const b = open();
  st = mustOk(M.step(st, (s) => M.cancelRoute(s, ALICE, b.id))).state;
  ids.push({ ...b, how: 'cancelled' });
  const c = open();
  const failed = M.commitRoute(st, ALICE, c.id, [{ holdId: c.hold, reveal: reveal(buy(), WRONG) }], T0);
  t.false(failed.ok);
  st = failed.state;
  t.is(st.events.at(-1)?.kind, 'route_failed');
  ids.push({ ...c, how: 'failed' });
  const d = open();
  st = mustOk(M.step(st, (s) => M.expireRoutes(s, T0 + 1_000n))).state;
  ids.push({ ...d, how: 'expired' });
  t.is(st.router.routes.size, 0, 'every finished route freed its record');
  // the records are reused by new routes (of another user too); the old ids still reach nothing
  const e = mustOk(reserve(st, BOB, [buy()], 5_000n, T0 + 1_000n));
  st = mustOk(M.step(e.state, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, [buy()]), 5_000n, T0 + 1_000n))).state;
  for (const x of ids) t.deepEqual(refused(st, ALICE, x.id, x.hold), ['UNKNOWN_ROUTE', 'UNKNOWN_ROUTE'], x.how);
  t.is(st.router.routes.size, 2);
  t.false(ids.some((x) => st.router.routes.has(x.id)), 'route ids are never given twice (CS-ID-003: the nonce only counts up)');
  t.deepEqual(M.checkInvariants(st), []);
});

test('PERP-ROUTE-007 a soak of 4,500 routes (commits, cancels, failed commits, expiries) never reaches ROUTES_FULL: the table holds open routes only', (t) => {
  let st = venue();
  const users = [ALICE, BOB, CAROL];
  const seen = new Set<bigint>();
  let now = T0;
  let committed = 0;
  for (let k = 0; k < 4_500; k++) {
    if (k % 40 === 0) {
      // depth for the reserves on both slabs; the 5 buys and 5 sells committed per 40 routes (all on slab A) are replenished
      now += 1n;
      for (const slab of k === 0 ? [SLAB_A, SLAB_B] : [SLAB_A]) for (const [side, px] of [[1, PX + TICK], [0, PX - TICK]] as const) st = mustOk(post(st, DLP, slab, side, px, k === 0 ? 10n : 5n, now)).state;
    }
    const u = users[k % 3] as bigint;
    // commits alternate buy and sell per user, so positions stay small and the book lasts
    const spec = ((k >> 2) % 2 ? sell : buy)(k % 2 ? SLAB_B : SLAB_A);
    // the operations that cannot fail run in place (no copy per step: PERP-OP-001 is not what this checks)
    const r = { out: M.reserveRoute(st, u, legs(st, u, [spec]), 500n, now) };
    t.false(seen.has(r.out.routeId), `route id ${r.out.routeId} given twice`);
    seen.add(r.out.routeId);
    const hold = (r.out.legs[0] as { holdId: bigint }).holdId;
    const how = k % 4;
    if (how === 0) {
      st = mustOk(M.commitRoute(st, u, r.out.routeId, [{ holdId: hold, reveal: reveal(spec) }], now)).state;
      committed += 1;
    } else if (how === 1) M.cancelRoute(st, u, r.out.routeId);
    else if (how === 2) {
      const f = M.commitRoute(st, u, r.out.routeId, [{ holdId: hold, reveal: reveal(spec, WRONG) }], now);
      t.is(f.ok ? '' : f.error, 'COMMITMENT_MISMATCH');
      st = f.state;
    }
    // how === 3: left open; the expiry sweep below frees it
    if (k % 16 === 15) {
      now += 500n;
      M.expireRoutes(st, now);
      for (const f of [SOL_FEED, SOL_BACKUP]) M.publishPrice(st, f, PX, now);
    }
    t.true(st.router.routes.size <= M.MAX_OPEN_ROUTES * users.length);
    st.events.length = 0;
  }
  t.is(seen.size, 4_500, 'more routes than MAX_ROUTES, each with a fresh id');
  t.true(seen.size > M.MAX_ROUTES);
  t.true(committed > 1_000);
  t.true(st.router.routes.size <= 12);
  t.deepEqual(M.checkInvariants(st, { now }), []);
});

// ── property: ids unique, finished ids unknown, the table holds exactly the open routes ──────────────

type Op = { k: 'reserve'; u: number; two: boolean; ttl: number } | { k: 'commit' | 'cancel' | 'fail'; pick: number } | { k: 'expire'; ms: number } | { k: 'stale'; pick: number };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('reserve' as const), u: fc.nat(2), two: fc.boolean(), ttl: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constantFrom('commit' as const, 'cancel' as const, 'fail' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('expire' as const), ms: fc.integer({ min: 0, max: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('stale' as const), pick: fc.nat() }) },
);

test('PERP-ROUTE-007 PERP-ROUTE-009 property: ids never repeat, the table holds exactly the open routes, and a finished id is UNKNOWN_ROUTE', (t) => {
  const base = mustOk(post(mustOk(post(venue(), DLP, SLAB_A, 1, PX + TICK, 60n)).state, DLP, SLAB_B, 1, PX + TICK, 60n)).state;
  let stale = 0;
  let reserved = 0;
  const errs = new Map<string, number>();
  fc.assert(
    fc.property(fc.array(arbOp, { minLength: 10, maxLength: 60, size: 'max' }), (ops) => {
      let st = base;
      let now = T0;
      const open = new Map<bigint, { user: bigint; specs: LegSpec[]; holds: bigint[] }>();
      const finished: { id: bigint; user: bigint }[] = [];
      const ever = new Set<bigint>();
      const finish = (ids: Iterable<bigint>): void => {
        for (const id of [...ids]) {
          const o = open.get(id);
          if (o && !st.router.routes.has(id)) {
            finished.push({ id, user: o.user });
            open.delete(id);
          }
        }
      };
      for (const op of ops) {
        const pick = <T>(xs: readonly T[], n: number): T | undefined => xs[n % Math.max(1, xs.length)];
        if (op.k === 'reserve') {
          const user = [ALICE, BOB, CAROL][op.u] as bigint;
          const specs = op.two ? [buy(SLAB_A), buy(SLAB_B)] : [buy(SLAB_A)];
          const r = M.step(st, (s) => M.reserveRoute(s, user, legs(s, user, specs), BigInt(op.ttl), now));
          if (!r.ok) errs.set(r.error, (errs.get(r.error) ?? 0) + 1);
          if (r.ok) {
            if (ever.has(r.out.routeId)) return false;
            ever.add(r.out.routeId);
            reserved += 1;
            open.set(r.out.routeId, { user, specs, holds: r.out.legs.map((l) => l.holdId) });
          }
          st = r.state;
        } else if (op.k === 'expire') {
          // the clock moves (prices follow, so they stay fresh) and the sweep frees the expired routes
          now += BigInt(op.ms);
          if (op.ms > 0) st = mustOk(M.step(st, (s) => [SOL_FEED, SOL_BACKUP].map((f) => M.publishPrice(s, f, PX, now)))).state;
          st = mustOk(M.step(st, (s) => M.expireRoutes(s, now))).state;
        } else if (op.k === 'stale') {
          const f = pick(finished, op.pick);
          if (f) {
            stale += 1;
            const c = M.commitRoute(st, f.user, f.id, [], now);
            const x = M.step(st, (s) => M.cancelRoute(s, f.user, f.id));
            if (c.ok || c.error !== 'UNKNOWN_ROUTE' || c.state !== st || x.ok || x.error !== 'UNKNOWN_ROUTE') return false;
          }
        } else {
          const id = pick([...open.keys()], op.pick);
          const o = id === undefined ? undefined : open.get(id);
          if (id === undefined || !o) continue;
          if (op.k === 'cancel') st = mustOk(M.step(st, (s) => M.cancelRoute(s, o.user, id))).state;
          else {
            const salt = op.k === 'fail' ? WRONG : undefined;
            st = M.commitRoute(st, o.user, id, o.holds.map((h, i) => ({ holdId: h, reveal: reveal(o.specs[i] as LegSpec, salt) })), now).state;
          }
        }
        finish(open.keys());
        st.events.length = 0;
        const table = [...st.router.routes.keys()].sort();
        if (JSON.stringify(table.map(String)) !== JSON.stringify([...open.keys()].sort().map(String))) return false;
        if (M.checkInvariants(st, { now }).length) return false;
      }
      return true;
    }),
    { numRuns: 40 },
  );
  t.true(reserved > 200 && stale > 20, `the runs reserved ${reserved} routes and tried ${stale} finished ids; refused: ${[...errs].join(' ')}`);
});
