/**
 * The golden-model side of `npm run bench -- perp` (PFM1): the same slab (the SOL slab of the bench venue,
 * bench/perp-vm.ts, its parameters read from the same compiled venue config) as a model `SlabState`,
 * driven with the model's slab-level operations — placeOrder, reserve, commit — and the Router's custody
 * steps exactly as reference/perp/model/routes.ts performs them (escrow credit + cap mint; cap remainder
 * back, burn, nonce bump). The model's `step` wrapper (a structured clone of the whole state per
 * operation, for all-or-nothing results) is left out: it would time the clone of a 65k-order book, not
 * the slab semantics.
 */
import { capBurn, capMint, capRemaining, escrowBumpNonce, escrowCredit, escrowDebit } from '../reference/perp/model/custody.ts';
import { commit } from '../reference/perp/model/commit.ts';
import { addFeed, approveVersion, deploySlab, deposit, newState, publishPrice, registerSlab, setDlp, setWallet } from '../reference/perp/model/index.ts';
import { reserve } from '../reference/perp/model/reserve.ts';
import { placeOrder } from '../reference/perp/model/slab.ts';
import type { PerpState, RouterParams } from '../reference/perp/model/types.ts';
import { slabParamsOf } from '../reference/perp/vm/slab-vm.ts';
import { cashOf, setCash } from '../reference/perp/model/state.ts';
import { commitment, nameId, routeId } from '../reference/script/ids.ts';
import { SYS_STATUS } from '../reference/vm/syscalls.ts';
import type { VenueConfig } from '../reference/script/venue.ts';
import type { BenchBook, BenchVenue, Prepared } from './perp-book.ts';
import { BENCH_MAKERS, BENCH_NOW, BENCH_ORACLE_PX, BENCH_ROUTER, compileBenchVenue } from './perp-vm.ts';

const NOW = BENCH_NOW;
const GOV = 1n;
const SLAB = 0x501an;
const USDC = nameId('USDC');

type Cfg = Readonly<Record<string, unknown>>;
const obj = (c: Cfg, k: string): Cfg => (c[k] ?? {}) as Cfg;
const num = (c: Cfg, k: string): bigint => c[k] as bigint;

/** The ROUTER block of the compiled bench venue as model parameters. */
export function routerParamsOf(v: VenueConfig): RouterParams {
  const r = v.router as unknown as Cfg;
  const liq = obj(r, 'liquidation');
  const caps = obj(r, 'feeCaps');
  const collateral = (r['collateral'] as Cfg[])[0] as Cfg;
  return {
    routerId: BENCH_ROUTER,
    governance: GOV,
    asset: nameId(collateral['asset'] as string),
    vaultCap: 10n ** 30n, // the bench moves more than examples/perp.curve's vault cap over a run
    capTtlMs: num(obj(r, 'capTtl'), 'ms'),
    makerBpsMax: num(caps, 'makerBpsMax'),
    takerBpsMax: num(caps, 'takerBpsMax'),
    graceMs: num(liq, 'graceMs'),
    bandBps: num(liq, 'bandBps'),
    maxSlices: Number(num(liq, 'maxSlices')),
    marginModel: obj(r, 'portfolioMargin')['model'] as 'net' | 'gross',
  };
}

interface ModelPrepared extends Prepared {
  readonly route: bigint;
  readonly com: Uint8Array;
  holdId?: bigint;
  maxCharge?: bigint;
  cap?: bigint;
}

export function modelVenue(): BenchVenue {
  const mods = compileBenchVenue();
  const router = routerParamsOf(mods.venue);
  const params = slabParamsOf(mods.slab, mods.allowances);
  const st: PerpState = newState(router);
  const feed = params.instruments[0]?.feed ?? 0n;
  addFeed(st, feed, { heartbeatMs: 400n, staleAfterMs: 2_000n, failover: [] });
  publishPrice(st, feed, BENCH_ORACLE_PX, NOW);
  approveVersion(st, GOV, params.versionHash);
  const s = deploySlab(st, SLAB, params, NOW);
  registerSlab(st, GOV, SLAB);
  for (const m of BENCH_MAKERS) setDlp(st, GOV, SLAB, m, true);
  const rid = router.routerId;
  const check = (status: bigint, what: string): void => {
    if (status !== SYS_STATUS.OK) throw new Error(`bench perp model: ${what} status ${status}`);
  };
  const book: BenchBook = {
    engine: 'model',
    capacity: params.pools.orders,
    post(owner, side, px, qty) {
      placeOrder(s, rid, NOW, owner, 0n, side, px, qty);
    },
    prepare(n, user, side, qty, limitPx, salt) {
      const route = routeId(user, BigInt(n));
      return { n, user, side, qty, limitPx, salt, route, com: commitment(route, 0n, BigInt(side), qty, limitPx, salt) } satisfies ModelPrepared;
    },
    reserve(p) {
      const q = p as ModelPrepared;
      const r = reserve(s, rid, NOW, { routeId: q.route, user: q.user, instrument: 0n, side: q.side, qty: q.qty, limitPx: q.limitPx, ttl: 60_000n, commitment: q.com });
      q.holdId = r.holdId;
      q.maxCharge = r.maxCharge;
    },
    fund(p) {
      const q = p as ModelPrepared;
      const charge = q.maxCharge as bigint;
      check(escrowCredit(st.custody, q.user, SLAB, USDC, charge), 'escrow credit');
      setCash(st, q.user, cashOf(st, q.user) - charge);
      q.cap = capMint(st.custody, q.user, SLAB, USDC, charge, NOW + 60_000n);
    },
    commit(p) {
      const q = p as ModelPrepared;
      commit(s, rid, NOW, st.custody, st.oracles, q.holdId as bigint, q.cap as bigint, { side: q.side, qty: q.qty, limitPx: q.limitPx, salt: q.salt });
    },
    release(p) {
      const q = p as ModelPrepared;
      const cap = q.cap as bigint;
      const rest = capRemaining(st.custody, cap);
      check(escrowDebit(st.custody, q.user, SLAB, USDC, rest), 'escrow debit');
      setCash(st, q.user, cashOf(st, q.user) + rest);
      capBurn(st.custody, cap);
      escrowBumpNonce(st.custody, q.user, SLAB, USDC);
    },
  };
  return {
    book,
    fundUser(user, amount) {
      setWallet(st.custody, user, USDC, amount);
      deposit(st, user, USDC, amount);
    },
  };
}
