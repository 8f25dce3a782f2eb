/**
 * A small venue on the golden model for the go/no-go experiments (PERP_DESIGN.md "Go/no-go acceptance",
 * criteria 2 and 4): feeds, slabs with chosen anti-toxicity knobs, funded users, and route helpers that
 * run every operation through the model's all-or-nothing boundary (`step`, `commitRoute`). Pure and
 * deterministic: time is a parameter, nothing reads a clock.
 */
import { commitment } from '../../script/ids.ts';
import { BTC_FEED, BTC_PX, FEED_TIMING, GOV, PX, ROUTER_PARAMS as FIXTURE_ROUTER, SOL_FEED, TICK, USDC } from '../model/fixture.ts';
import { addFeed, approveVersion, commitRoute, deploySlab, deposit, fundInsurance, newState, nextRouteId, publishPrice, registerSlab, reserveRoute, setDlp, setWallet, step } from '../model/index.ts';
import type { OpResult, PerpState, RouterParams, SlabParams } from '../model/index.ts';

export { BTC_FEED, BTC_PX, GOV, SOL_FEED, TICK, USDC };
/** The experiments start earlier than the fixture's T0. */
export const T0 = 1_000_000n;
/** 100 USDC (6 decimals) per SOL: the fixture's PX (PERP-UNIT-002). */
export const SOL_PX = PX;
export const VERSION = 'e1'.repeat(32);

/** The anti-toxicity knobs of a slab (M7, M8, M9, M10, S11). */
export interface AntiToxicity {
  /** M7: REG orders wait for the next batch (the "batch window"). */
  readonly pendingPromotion: boolean;
  /** M10: commit rejected when the worst price is farther than this from the oracle. */
  readonly killBandBps: bigint;
  /** M9: orders created after batch open pay the taker rate as makers. */
  readonly jitPenalty: boolean;
  /** S11: the aggressor roundtrip guard's rate (0 = guard off). */
  readonly argTaxBps: bigint;
  /** M8: levels frozen at batch open (0 = no freeze). */
  readonly freezeTopK: number;
}

/** Every anti-toxicity feature on (the values of examples/perp.curve's SOL slab, kill band 30 bps). */
export const ANTI_ON: AntiToxicity = { pendingPromotion: true, killBandBps: 30n, jitPenalty: true, argTaxBps: 10n, freezeTopK: 4 };
/** The control: every feature off (a kill band of 10⁹ bps never triggers). */
export const ANTI_OFF: AntiToxicity = { pendingPromotion: false, killBandBps: 1_000_000_000n, jitPenalty: false, argTaxBps: 0n, freezeTopK: 0 };

/** The fixture's router with a vault cap of 10³⁰ (the experiments' books are large). */
export const ROUTER_PARAMS: RouterParams = { ...FIXTURE_ROUTER, vaultCap: 10n ** 30n };

export interface SlabSpec {
  readonly id: bigint;
  readonly feed: bigint;
  readonly contractSize?: bigint;
  readonly tick?: bigint;
  readonly imrBps?: bigint;
  readonly anti?: AntiToxicity;
}

export function slabParams(s: SlabSpec): SlabParams {
  const a = s.anti ?? ANTI_ON;
  return {
    versionHash: VERSION,
    instruments: [{ symbol: s.feed, contractSize: s.contractSize ?? 1_000_000n, tick: s.tick ?? TICK, lot: 1n, feed: s.feed }],
    imrBps: s.imrBps ?? 500n,
    mmrBps: ((s.imrBps ?? 500n) * 7n) / 10n,
    makerBps: 2n,
    takerBps: 5n,
    batchMs: 50n,
    pendingPromotion: a.pendingPromotion,
    dlpAllowance: 256n,
    regAllowance: 256n,
    killBandBps: a.killBandBps,
    jitPenalty: a.jitPenalty,
    argTaxBps: a.argTaxBps,
    freezeTopK: a.freezeTopK,
    fundingIntervalMs: 3_600_000n,
    fundingCapBps: 50n,
    pools: { accounts: 16, orders: 64, positions: 16, reservations: 16, slices: 64, trades: 64, aggressors: 16 },
  };
}

export interface VenueSpec {
  readonly slabs: readonly SlabSpec[];
  /** Members of every slab's DLP class (M7: they post LIVE at once). */
  readonly dlp: readonly bigint[];
  /** Accounts funded with `funds` of cash. */
  readonly users: readonly bigint[];
  readonly funds: bigint;
}

/** Throw on a failed setup operation (a bug in the experiment, not an outcome). */
export function must<T>(r: OpResult<T>, what: string): OpResult<T> & { ok: true } {
  if (!r.ok) throw new Error(`experiment setup: ${what} failed with ${r.error}`);
  return r as OpResult<T> & { ok: true };
}

/** Feeds SOL and BTC published at T0, the slabs approved and registered, DLP members set, users funded. */
export function buildVenue(v: VenueSpec): PerpState {
  const st0 = newState(ROUTER_PARAMS);
  return must(
    step(st0, (s) => {
      addFeed(s, SOL_FEED, { ...FEED_TIMING, failover: [] });
      addFeed(s, BTC_FEED, { ...FEED_TIMING, failover: [] });
      publishPrice(s, SOL_FEED, SOL_PX, T0);
      publishPrice(s, BTC_FEED, BTC_PX, T0);
      approveVersion(s, GOV, VERSION);
      for (const sl of v.slabs) {
        deploySlab(s, sl.id, slabParams(sl), T0);
        registerSlab(s, GOV, sl.id);
        for (const u of v.dlp) setDlp(s, GOV, sl.id, u, true);
      }
      for (const u of v.users) {
        setWallet(s.custody, u, USDC, v.funds);
        deposit(s, u, USDC, v.funds);
      }
      setWallet(s.custody, GOV, USDC, v.funds);
      fundInsurance(s, GOV, v.funds);
      s.events.length = 0;
    }),
    'venue',
  ).state;
}

export interface Leg {
  readonly slab: bigint;
  readonly side: 0 | 1;
  readonly qty: bigint;
  readonly limitPx: bigint;
}

/** A 32-byte salt derived from a number (the experiments need distinct, reproducible salts). */
export function saltOf(n: number): Uint8Array {
  const s = new Uint8Array(32);
  for (let i = 0; i < 4; i++) s[i] = (n >>> (8 * i)) & 0xff;
  s[31] = 0xe5;
  return s;
}

/** Reserve a route over `legs` and commit every leg (E2E1: all or nothing); the route's TTL is 10 s. */
export function takeRoute(st: PerpState, user: bigint, legs: readonly Leg[], now: bigint, salt: Uint8Array): OpResult<unknown> {
  const route = nextRouteId(st, user);
  const reqs = legs.map((l) => ({ ...l, instrument: 0n, commitment: commitment(route, 0n, BigInt(l.side), l.qty, l.limitPx, salt) }));
  const r = step(st, (s) => reserveRoute(s, user, reqs, 10_000n, now));
  if (!r.ok) return r;
  const chosen = r.out.legs.map((l, i) => ({ holdId: l.holdId, reveal: { side: (legs[i] as Leg).side, qty: (legs[i] as Leg).qty, limitPx: (legs[i] as Leg).limitPx, salt } }));
  return commitRoute(r.state, user, r.out.routeId, chosen, now);
}
