/** Fixtures for the golden-model tests: a two-slab SOL venue (plus a BTC slab), funded users, route helpers. */
import type { ExecutionContext } from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import type { OpResult, PerpState, SlabParams } from '../../../reference/perp/model/index.ts';
import { BTC_FEED, BTC_PX, DLP, DLP2, FEED_TIMING, FUND, GOV, PX, REG, ALICE, BOB, CAROL, ROUTER_PARAMS, SALT, SLAB_A, SLAB_B, SLAB_BTC, SOL_BACKUP, SOL_FEED, T0, TICK, USDC, V1, btcSlabParams, legRequests, slabParams, type LegSpec } from '../../../reference/perp/model/fixture.ts';

export * from '../../../reference/perp/model/fixture.ts';

/** The fixture's router parameters (the name these tests use). */
export const routerParams: M.RouterParams = ROUTER_PARAMS;

/** Assert ok and return the new state (or the output with `.out`). */
export function ok<T>(t: ExecutionContext, r: OpResult<T>): OpResult<T> & { ok: true } {
  if (!r.ok) t.fail(`expected ok, got ${r.error} (${r.code})`);
  return r as OpResult<T> & { ok: true };
}

export function mustOk<T>(r: OpResult<T>): OpResult<T> & { ok: true } {
  if (!r.ok) throw new Error(`expected ok, got ${r.error} (${r.code})`);
  return r as OpResult<T> & { ok: true };
}

export interface VenueOptions {
  readonly slabA?: Partial<SlabParams>;
  readonly slabB?: Partial<SlabParams>;
  readonly router?: Partial<M.RouterParams>;
  readonly users?: readonly bigint[];
  readonly funds?: bigint;
}

/**
 * A venue: feeds (SOL with a failover, BTC) published at T0; slabs A and B on SOL and one on BTC, approved
 * and registered; DLP and DLP2 in both SOL slabs' DLP class; every user with `funds` deposited and as
 * much again in the wallet (makers always FUND); insurance funded by GOV.
 */
export function venue(o: VenueOptions = {}): PerpState {
  let st = M.newState({ ...routerParams, ...o.router });
  const funds = o.funds ?? FUND;
  st = mustOk(
    M.step(st, (s) => {
      M.addFeed(s, SOL_FEED, { ...FEED_TIMING, failover: [SOL_BACKUP] });
      M.addFeed(s, SOL_BACKUP, { ...FEED_TIMING, failover: [] });
      M.addFeed(s, BTC_FEED, { ...FEED_TIMING, failover: [] });
      M.publishPrice(s, SOL_FEED, PX, T0);
      M.publishPrice(s, SOL_BACKUP, PX, T0);
      M.publishPrice(s, BTC_FEED, BTC_PX, T0);
      M.approveVersion(s, GOV, V1);
      M.deploySlab(s, SLAB_A, slabParams(o.slabA), T0);
      M.deploySlab(s, SLAB_B, slabParams(o.slabB), T0);
      M.deploySlab(s, SLAB_BTC, btcSlabParams(), T0);
      for (const slab of [SLAB_A, SLAB_B, SLAB_BTC]) M.registerSlab(s, GOV, slab);
      for (const slab of [SLAB_A, SLAB_B]) for (const u of [DLP, DLP2]) M.setDlp(s, GOV, slab, u, true);
      for (const u of [...(o.users ?? [DLP, DLP2, REG, ALICE, BOB, CAROL]), GOV]) {
        const f = [DLP, DLP2, REG].includes(u) ? FUND : funds;
        M.setWallet(s.custody, u, USDC, f * 2n);
        if (u !== GOV) M.deposit(s, u, USDC, f);
      }
      M.fundInsurance(s, GOV, funds);
      M.setWallet(s.custody, GOV, USDC, FUND);
      s.events.length = 0;
    }),
  ).state;
  return st;
}

/** Leg requests with commitments to the user's next route id. */
export const legs = legRequests;

export function reveal(l: LegSpec, salt: Uint8Array = l.salt ?? SALT): M.Chosen['reveal'] {
  return { side: l.side, qty: l.qty, limitPx: l.limitPx, salt };
}

/** Reserve then commit every leg; returns the commit result. */
export function trade(st: PerpState, user: bigint, specs: readonly LegSpec[], now: bigint): OpResult<unknown> {
  const r = M.step(st, (s) => M.reserveRoute(s, user, legs(s, user, specs), 10_000n, now));
  if (!r.ok) return r;
  const chosen = r.out.legs.map((l, i) => ({ holdId: l.holdId, reveal: reveal(specs[i] as LegSpec) }));
  return M.commitRoute(r.state, user, r.out.routeId, chosen, now);
}

/** Place a maker order (through the router). */
export function post(st: PerpState, user: bigint, slab: bigint, side: 0 | 1, px: bigint, qty: bigint, now = T0): OpResult<M.Placed> {
  return M.step(st, (s) => M.placeOrder(s, user, slab, 0n, side, px, qty, now));
}

/** A book on `slab`: DLP asks at PX+1..+3 ticks and bids at PX−1..−3 ticks, 10 each. */
export function book(st: PerpState, slab = SLAB_A, maker = DLP): PerpState {
  let s = st;
  for (let i = 1n; i <= 3n; i++) {
    s = mustOk(post(s, maker, slab, 1, PX + i * TICK, 10n)).state;
    s = mustOk(post(s, maker, slab, 0, PX - i * TICK, 10n)).state;
  }
  return s;
}

export function slab(st: PerpState, id = SLAB_A): M.SlabState {
  const s = st.slabs.get(id);
  if (!s) throw new Error('no slab');
  return s;
}
