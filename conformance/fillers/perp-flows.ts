/**
 * Perp scenario vectors for risk and funding (RM1–RM7), liquidation (L1–L3), matching (M3, M6, M8, M9,
 * M11), the failure cases (F2, F3) and adversarial cases (ADV1–ADV3), the end-to-end flows (E2E1–E2E4)
 * and the pools (PFM2, PFM3) of PERP_DESIGN.md, as operation sequences on the golden model.
 */
import type { FillSpec } from '../filler.ts';
import { ALICE, BOB, CAROL, DLP, DLP2, GOV, HOUR, PX, ROUTER, SLAB_A, SLAB_B, T0, TICK, USDC, book, reservedOrderId, slabParams, venue } from './perp-lib.ts';

const id = (file: string, name: string): string => `perp/${file}/${name}`;
const ONE = { slab: SLAB_A, side: 0 as const, qty: 5n, limitPx: PX + TICK };
const SMALL = 10n ** 8n;
const DROP = PX - 10n ** 7n;

function riskVectors(): FillSpec[] {
  const out: FillSpec[] = [];
  let sc = book(venue(id('risk', 'RM1-RM2-exposure'), { funds: 6n * 10n ** 7n }));
  sc.buy(ALICE, SLAB_A, 2n);
  sc.buy(ALICE, SLAB_A, 3n);
  sc.buy(ALICE, SLAB_A, 10n, T0, 'INSUFFICIENT_MARGIN', true);
  sc.sell(ALICE, SLAB_A, 4n);
  sc.sell(ALICE, SLAB_A, 1n);
  sc.ok('withdraw', { user: ALICE, asset: USDC, amount: 3n * 10n ** 7n, now: T0 });
  out.push(sc.vector('IM grows with |exposure| until a buy is refused; reducing trades pass and a flat account withdraws freely', ['RM1', 'RM2']));

  sc = book(venue(id('risk', 'RM3-liquidate-below-mm'), { funds: SMALL }));
  sc.buy(ALICE, SLAB_A, 10n);
  sc.fails('liquidate', { user: ALICE, now: T0 }, 'NOT_LIQUIDATABLE');
  sc.price(DROP, T0 + 1n);
  sc.ok('liquidate', { user: ALICE, now: T0 + 1n });
  out.push(sc.vector('liquidation acts only when equity < MM: refused while healthy, a margin call after the price drop', ['RM3', 'P9']));

  const at = (T0 / HOUR + 1n) * HOUR;
  sc = book(venue(id('risk', 'RM6-RM7-funding')));
  sc.buy(ALICE, SLAB_A, 5n);
  sc.sell(BOB, SLAB_A, 3n);
  sc.price(PX, at);
  sc.ok('tickFunding', { slab: SLAB_A, instrument: 0n, now: at });
  sc.ok('tickFunding', { slab: SLAB_A, instrument: 0n, now: at + 10n });
  sc.price(PX, at + 2n * HOUR);
  sc.ok('tickFunding', { slab: SLAB_A, instrument: 0n, now: at + 2n * HOUR });
  for (const u of [ALICE, BOB, DLP]) sc.ok('settle', { user: u });
  out.push(sc.vector('funding is applied once per interval (1, then 0, then the 2 missed ones) and is zero-sum across the positions', ['RM6', 'RM7']));

  sc = book(venue(id('liquidation', 'L1-grace'), { funds: SMALL }));
  sc.buy(ALICE, SLAB_A, 10n);
  sc.price(DROP, T0 + 1n);
  sc.ok('liquidate', { user: ALICE, now: T0 + 1n });
  sc.ok('liquidate', { user: ALICE, now: T0 + 2n });
  sc.ok('deposit', { user: ALICE, asset: USDC, amount: SMALL });
  sc.price(DROP, T0 + 10_000n);
  sc.ok('liquidate', { user: ALICE, now: T0 + 10_000n });
  out.push(sc.vector('a margin call, then grace inside the window; margin restored before it ends clears the call with no fill', ['L1', 'RM3']));

  sc = book(venue(id('liquidation', 'L2-routes-released'), { funds: SMALL }));
  sc.buy(ALICE, SLAB_A, 10n);
  sc.reserve(ALICE, [{ slab: SLAB_A, side: 1, qty: 1n, limitPx: PX - 3n * TICK }], T0, 100_000n);
  sc.price(DROP, T0 + 1n);
  sc.ok('liquidate', { user: ALICE, now: T0 + 1n });
  sc.price(DROP, T0 + 6_000n);
  sc.ok('liquidate', { user: ALICE, now: T0 + 6_000n });
  out.push(sc.vector('liquidation after the grace window releases the user’s open routes (escrow 0, caps burned) and never debits beyond cap or escrow', ['L2', 'P5']));

  sc = book(venue(id('liquidation', 'L3-band'), { funds: SMALL }));
  sc.buy(ALICE, SLAB_A, 10n);
  sc.post(DLP, SLAB_A, 0, DROP - 1_000n * TICK, 50n);
  sc.post(DLP, SLAB_A, 0, DROP - 5_000n * TICK, 50n);
  sc.price(DROP, T0 + 1n);
  sc.ok('liquidate', { user: ALICE, now: T0 + 1n });
  sc.price(DROP, T0 + 6_000n);
  sc.ok('liquidate', { user: ALICE, now: T0 + 6_000n });
  out.push(sc.vector('liquidation fills only within the band around the index: the bid 1 % under fills, the one 5 % under does not', ['L3']));

  sc = book(venue(id('liquidation', 'E2E4-cascade'), { funds: 6n * 10n ** 7n }));
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }]);
  sc.trade(BOB, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + 2n * TICK }]);
  for (const u of [ALICE, BOB]) sc.fails('coverDeficit', { user: u }, 'NO_DEFICIT');
  sc.post(DLP, SLAB_A, 0, PX / 2n - TICK, 100n);
  sc.price(PX / 2n, T0 + 1n);
  for (const u of [ALICE, BOB]) sc.ok('liquidate', { user: u, now: T0 + 1n });
  sc.price(PX / 2n, T0 + 6_000n);
  for (const u of [ALICE, BOB]) sc.ok('liquidate', { user: u, now: T0 + 6_000n });
  sc.fails('coverDeficit', { user: SLAB_A }, 'NO_DEFICIT');
  out.push(sc.vector('a liquidation cascade: insurance pays only verified deficits of flat accounts until drained, the rest stays a recorded deficit; nothing else pulls insurance', ['E2E4', 'L2', 'RM3']));
  return out;
}

function matchingVectors(): FillSpec[] {
  const out: FillSpec[] = [];
  let sc = venue(id('matching', 'M3-cancel-middle'));
  const ids = [1n, 2n, 3n].map((k) => sc.post(DLP, SLAB_A, 1, PX + TICK, k));
  sc.ok('cancelOrder', { user: DLP, slab: SLAB_A, orderId: ids[1] as bigint });
  sc.fails('cancelOrder', { user: DLP, slab: SLAB_A, orderId: ids[1] as bigint }, 'UNKNOWN_ORDER');
  sc.fails('cancelOrder', { user: DLP2, slab: SLAB_A, orderId: ids[0] as bigint }, 'NOT_ORDER_OWNER');
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 4n, limitPx: PX + TICK }]);
  out.push(sc.vector('cancelling an earlier order keeps the book consistent; the rest fill in time order', ['M3', 'S5']));

  sc = book(venue(id('matching', 'M6-commit-reveal')));
  let r = sc.reserve(ALICE, [ONE]);
  sc.commit(ALICE, r, T0, 'COMMITMENT_MISMATCH', [new Uint8Array(32)]);
  r = sc.reserve(ALICE, [ONE]);
  sc.run('commitRoute', { user: ALICE, routeId: r.routeId, chosen: [{ holdId: r.legs[0]?.holdId, reveal: { side: 0, qty: 4n, limitPx: PX + TICK, salt: '0x' + '07'.repeat(32) } }], now: T0 }, 'COMMITMENT_MISMATCH');
  r = sc.reserve(ALICE, [ONE]);
  sc.commit(ALICE, r);
  out.push(sc.vector('commit-reveal: a wrong salt or an altered qty fails COMMITMENT_MISMATCH; the true reveal commits', ['M6']));

  sc = book(venue(id('matching', 'M8-freeze')));
  sc.ok('openBatch', { slab: SLAB_A, instrument: 0n, now: T0 + 50n });
  sc.post(DLP2, SLAB_A, 1, PX + TICK, 5n, T0 + 60n);
  sc.post(DLP2, SLAB_A, 1, PX + 3n * TICK, 5n, T0 + 60n);
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }], T0 + 60n);
  sc.post(DLP2, SLAB_A, 1, PX + TICK, 5n, T0 + 100n);
  out.push(sc.vector('during the top-K freeze a late order inside the frozen levels is PENDING (the taker fills the frozen maker), outside it LIVE; after the freeze LIVE', ['M8']));

  sc = venue(id('matching', 'M9-jit'));
  sc.post(DLP, SLAB_A, 1, PX + TICK, 10n);
  sc.ok('openBatch', { slab: SLAB_A, instrument: 0n, now: T0 + 50n });
  sc.post(DLP2, SLAB_A, 1, PX + 3n * TICK, 10n, T0 + 60n);
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }], T0 + 60n);
  sc.trade(BOB, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + 3n * TICK }], T0 + 60n);
  out.push(sc.vector('the maker fee depends only on creation vs batch open: an order created after it pays the JIT (taker) rate', ['M9']));

  sc = venue(id('matching', 'M11-maker-exempt'));
  sc.post(DLP2, SLAB_A, 0, PX - TICK, 10n);
  sc.post(DLP, SLAB_A, 0, PX - 2n * TICK, 10n);
  sc.post(DLP, SLAB_A, 1, PX + TICK, 10n);
  sc.trade(ALICE, [{ slab: SLAB_A, side: 1, qty: 5n, limitPx: PX - TICK }]);
  sc.trade(DLP2, [{ slab: SLAB_A, side: 1, qty: 5n, limitPx: PX - 2n * TICK }]);
  sc.trade(DLP2, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }]);
  sc.trade(DLP2, [{ slab: SLAB_A, side: 1, qty: 5n, limitPx: PX - 2n * TICK }]);
  out.push(sc.vector('maker fills never enter the aggressor ledger: selling after a maker buy is untaxed, after a taker buy taxed', ['M11', 'S11']));

  sc = book(venue(id('matching', 'sandwich')));
  sc.trade(BOB, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }]);
  sc.post(BOB, SLAB_A, 1, PX + 2n * TICK, 10n);
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + 3n * TICK }]);
  sc.trade(BOB, [{ slab: SLAB_A, side: 1, qty: 10n, limitPx: PX - 3n * TICK }]);
  sc.ok('settle', { user: BOB });
  out.push(sc.vector('a sandwich inside one batch: the attacker’s REG ask is PENDING, the victim never trades with it, the attacker gains nothing', ['M7', 'S7', 'S11']));
  return out;
}

function failureVectors(): FillSpec[] {
  const out: FillSpec[] = [];
  let sc = book(venue(id('failure', 'F3-retry')));
  let r = sc.reserve(ALICE, [ONE]);
  sc.commit(ALICE, r);
  sc.commit(ALICE, r, T0, 'UNKNOWN_ROUTE'); // PERP-ROUTE-009: the committed route is freed
  const leg = r.legs[0] as { holdId: bigint; capId: bigint };
  sc.fails('slabCommit', { slab: SLAB_A, caller: ROUTER, now: T0, holdId: leg.holdId, capId: leg.capId, reveal: { side: 0, qty: 5n, limitPx: PX + TICK, salt: '0x' + '07'.repeat(32) } }, 'UNKNOWN_HOLD');
  sc.debit(SLAB_A, T0, leg.capId, 1n, 4n);
  out.push(sc.vector('a retried commit is at most once: the route is no longer open, the hold is consumed, the cap burned (status 4)', ['F3', 'P6']));

  sc = book(venue(id('failure', 'ADV1-charge-over-cap')));
  r = sc.reserve(ALICE, [ONE]);
  const l = r.legs[0] as { capId: bigint; maxCharge: bigint };
  sc.debit(SLAB_A, T0, l.capId, l.maxCharge / 2n, 0n);
  sc.commit(ALICE, r, T0, 'CAP_EXCEEDS_REMAINING');
  out.push(sc.vector('a commit whose charge exceeds what is left on the cap fails (the slab spent half of it first); no position', ['ADV1', 'R6']));

  sc = book(venue(id('failure', 'ADV2-maker-cancel')));
  r = sc.reserve(ALICE, [{ ...ONE, qty: 10n }]);
  sc.ok('cancelOrder', { user: DLP, slab: SLAB_A, orderId: reservedOrderId(sc) });
  sc.post(DLP, SLAB_A, 1, PX + TICK, 10n);
  sc.commit(ALICE, r, T0, 'SLICE_VANISHED');
  out.push(sc.vector('a maker cancel after a reserve makes the commit fail (never shrink or refill from a new order); the new order keeps its 10', ['ADV2', 'R5']));

  sc = venue(id('failure', 'ADV3-fee-caps'));
  sc.ok('deploySlab', { slab: 0xd4n, params: slabParams({ takerBps: 26n }), now: T0 });
  sc.fails('registerSlab', { caller: GOV, slab: 0xd4n }, 'FEE_CAP');
  sc.fails('setSlabFees', { caller: GOV, slab: SLAB_A, makerBps: 11n, takerBps: 5n }, 'FEE_CAP');
  out.push(sc.vector('fees above the registry caps are refused at registration and at update', ['ADV3', 'S2']));
  return out;
}

function e2eVectors(): FillSpec[] {
  const out: FillSpec[] = [];
  let sc = book(book(venue(id('e2e', 'E2E1-leg-fails'))), SLAB_B);
  const specs = [ONE, { ...ONE, slab: SLAB_B }];
  let r = sc.reserve(ALICE, specs);
  sc.commit(ALICE, r, T0, 'COMMITMENT_MISMATCH', [undefined, new Uint8Array(32)]);
  out.push(sc.vector('a failing leg of a two-slab route cancels the whole route: no position, no debit, cash restored, route_failed', ['E2E1']));

  sc = book(book(venue(id('e2e', 'E2E2-blended-vwap'))), SLAB_B);
  const limit = PX + 2n * TICK;
  r = sc.reserve(ALICE, [
    { slab: SLAB_A, side: 0, qty: 15n, limitPx: limit },
    { slab: SLAB_B, side: 0, qty: 12n, limitPx: limit },
  ]);
  sc.commit(ALICE, r);
  out.push(sc.vector('a two-slab route: the blended notional is within limit × qty and both legs commit', ['E2E2', 'S9']));

  sc = book(book(venue(id('e2e', 'E2E3-hedge'), { funds: SMALL })), SLAB_B);
  sc.buy(ALICE, SLAB_A, 10n);
  sc.buy(CAROL, SLAB_A, 10n);
  sc.sell(CAROL, SLAB_B, 10n);
  sc.price(DROP, T0 + 1n);
  sc.ok('liquidate', { user: ALICE, now: T0 + 1n });
  sc.fails('liquidate', { user: CAROL, now: T0 + 1n }, 'NOT_LIQUIDATABLE');
  out.push(sc.vector('a cross-slab hedge keeps CAROL out of the liquidation the unhedged ALICE gets', ['E2E3', 'RM5', 'P8']));

  sc = book(venue(id('e2e', 'E2E4-no-deficit')));
  sc.buy(ALICE, SLAB_A, 1n);
  for (const u of [ALICE, BOB, SLAB_A]) sc.fails('coverDeficit', { user: u }, 'NO_DEFICIT');
  out.push(sc.vector('insurance pays only a verified deficit: a solvent user, a flat user and a slab get NO_DEFICIT', ['E2E4']));

  sc = book(book(venue(id('e2e', 'full-cycle'), { btc: true })), SLAB_B);
  sc.ok('deposit', { user: ALICE, asset: USDC, amount: 5n * 10n ** 8n });
  r = sc.reserve(ALICE, [
    { slab: SLAB_A, side: 0, qty: 4n, limitPx: PX + TICK },
    { slab: SLAB_B, side: 1, qty: 2n, limitPx: PX - TICK },
  ]);
  sc.commit(ALICE, r);
  sc.ok('openBatch', { slab: SLAB_A, instrument: 0n, now: T0 + 50n });
  sc.price(PX + TICK, T0 + 60n);
  sc.sell(ALICE, SLAB_A, 4n, T0 + 60n);
  sc.buy(ALICE, SLAB_B, 2n, T0 + 60n);
  sc.ok('settle', { user: ALICE });
  sc.ok('withdraw', { user: ALICE, asset: USDC, amount: 10n ** 8n, now: T0 + 60n });
  out.push(sc.vector('deposit, a two-slab route, batch open, price move, close both legs, settle, withdraw', ['E2E1', 'E2E2', 'P3', 'P9']));
  return out;
}

function poolVectors(): FillSpec[] {
  const pools = { ...slabParams().pools, orders: 4 };
  const sc = venue(id('pools', 'PFM2-PFM3-full'), { slabA: { pools } });
  const ids = [1n, 2n, 3n, 4n].map((k) => sc.post(DLP, SLAB_A, 1, PX + k * TICK, 1n));
  sc.post(DLP, SLAB_A, 1, PX + 5n * TICK, 1n, T0, 'POOL_FULL_ORDERS');
  sc.ok('cancelOrder', { user: DLP, slab: SLAB_A, orderId: ids[1] as bigint });
  sc.post(DLP, SLAB_A, 1, PX + 5n * TICK, 1n);
  sc.post(DLP, SLAB_A, 1, PX + 6n * TICK, 1n, T0, 'POOL_FULL_ORDERS');
  return [sc.vector('a pool reports full at capacity (POOL_FULL_ORDERS); a freed slot is reused at once', ['PFM2', 'PFM3'])];
}

export const perpFlowVectors = (): FillSpec[] => [...riskVectors(), ...matchingVectors(), ...failureVectors(), ...e2eVectors(), ...poolVectors()];
