/**
 * Perp scenario vectors for the Router accounts (P1–P11), the slab state (S1–S12), the interface checks
 * (R1–R10) and governance (GOV1) of PERP_DESIGN.md, as operation sequences on the golden model. Each
 * vector states in its steps what must happen (an error name or ok); spec/invariants.md says what each id
 * means.
 */
import type { FillSpec } from '../filler.ts';
import { ALICE, BOB, DLP, DLP2, GOV, PX, REG, ROUTER, SALT, SLAB_A, SLAB_B, T0, TICK, USDC, V2, book, reservedOrderId, slabParams, venue } from './perp-lib.ts';

const id = (file: string, name: string): string => `perp/${file}/${name}`;
const ONE = { slab: SLAB_A, side: 0 as const, qty: 5n, limitPx: PX + TICK };

function routerVectors(): FillSpec[] {
  const out: FillSpec[] = [];

  let sc = book(venue(id('router', 'P1-cap-scope')));
  let r = sc.reserve(ALICE, [ONE]);
  const cap = (r.legs[0] as { capId: bigint }).capId;
  sc.debit(SLAB_B, T0, cap, 10n, 2n);
  sc.debit(SLAB_A, T0, cap, 10n, 0n);
  out.push(sc.vector('a slab debits custody only through a cap scoped to it: slab B on slab A’s cap is SCOPE (status 2) and moves nothing; slab A succeeds', ['P1', 'P6', 'R6']));

  sc = venue(id('router', 'P2-one-asset'));
  sc.fails('deposit', { user: ALICE, asset: 0xdeadn, amount: 1n }, 'UNKNOWN_ASSET');
  sc.ok('deposit', { user: ALICE, asset: USDC, amount: 1n });
  out.push(sc.vector('the vault takes only the router’s collateral asset', ['P2']));

  sc = venue(id('router', 'P3-never-negative'));
  sc.fails('withdraw', { user: ALICE, asset: USDC, amount: 1_000_000_001n * 1_000n, now: T0 }, 'INSUFFICIENT_CASH');
  sc.fails('deposit', { user: ALICE, asset: USDC, amount: 10n ** 15n }, 'WALLET_BALANCE');
  sc.ok('withdraw', { user: ALICE, asset: USDC, amount: 1_000n, now: T0 });
  out.push(sc.vector('a withdrawal above cash and a deposit above the wallet are refused; balances never go negative', ['P3']));

  sc = book(venue(id('router', 'P4-only-router')));
  sc.fails('slabReserve', { slab: SLAB_A, caller: ALICE, now: T0, routeId: 1n, user: ALICE, instrument: 0n, side: 0, qty: 1n, limitPx: PX + TICK, ttl: 10n, commitment: SALT }, 'NOT_ROUTER');
  sc.fails('slabCommit', { slab: SLAB_A, caller: BOB, now: T0, holdId: 1n, capId: 1n, reveal: { side: 0, qty: 1n, limitPx: PX + TICK, salt: SALT } }, 'NOT_ROUTER');
  out.push(sc.vector('only the router drives a slab: a direct reserve or commit by anyone else is NOT_ROUTER', ['P4']));

  sc = book(venue(id('router', 'P5-escrow-release')));
  r = sc.reserve(ALICE, [ONE]);
  sc.ok('cancelRoute', { user: ALICE, routeId: r.routeId });
  sc.fails('cancelRoute', { user: ALICE, routeId: r.routeId }, 'UNKNOWN_ROUTE');
  out.push(sc.vector('a reservation funds the escrow with a cap; cancelling releases it to cash, twice is once (the repeat finds the freed route unknown: escrow 0, same root)', ['P5', 'R8', 'F2']));

  sc = book(venue(id('router', 'P6-foreign-cap')));
  r = sc.reserve(ALICE, [ONE]);
  const capB = BigInt(sc.ok('capMint', { user: ALICE, slab: SLAB_B, asset: USDC, amountMax: 1_000_000n, expiry: T0 + 100n }) as string);
  sc.fails('slabCommit', { slab: SLAB_A, caller: ROUTER, now: T0, holdId: (r.legs[0] as { holdId: bigint }).holdId, capId: capB, reveal: { side: 0, qty: 5n, limitPx: PX + TICK, salt: SALT } }, 'CAP_SCOPE');
  out.push(sc.vector('a slab cannot use a cap minted for another slab: the commit fails CAP_SCOPE and custody is unchanged', ['P6']));

  sc = book(venue(id('router', 'P7-debit-guards')));
  r = sc.reserve(ALICE, [ONE], T0, 100n);
  const leg = r.legs[0] as { capId: bigint; maxCharge: bigint };
  sc.debit(SLAB_A, T0 + 100n, leg.capId, 1n, 3n);
  sc.debit(SLAB_A, T0, leg.capId, leg.maxCharge + 1n, 5n);
  sc.debit(SLAB_A, T0, 0x999n, 1n, 1n);
  out.push(sc.vector('CAP_DEBIT refuses a debit at expiry (3), beyond remaining (5) and on an unknown cap (1), changing nothing', ['P7', 'R6']));

  sc = book(book(venue(id('router', 'P8-net-exposure'), { funds: 10n ** 8n })), SLAB_B);
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }]);
  sc.fails('withdraw', { user: ALICE, asset: USDC, amount: 9n * 10n ** 7n, now: T0 }, 'INSUFFICIENT_MARGIN');
  sc.trade(ALICE, [{ slab: SLAB_B, side: 1, qty: 10n, limitPx: PX - TICK }]);
  sc.ok('withdraw', { user: ALICE, asset: USDC, amount: 9n * 10n ** 7n, now: T0 });
  out.push(sc.vector('portfolio margin nets exposure across slabs: a withdrawal refused while long on A passes once hedged short on B', ['P8', 'RM4', 'RM5']));

  sc = book(venue(id('router', 'P9-equity')));
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }]);
  sc.price(PX + 10n * TICK, T0 + 1n);
  sc.ok('settle', { user: ALICE });
  sc.fails('liquidate', { user: ALICE, now: T0 + 1n }, 'NOT_LIQUIDATABLE');
  out.push(sc.vector('equity = cash + realised − funding + unrealised: a profitable position is not liquidatable', ['P9']));

  sc = venue(id('router', 'P10-governance'));
  sc.fails('registerSlab', { caller: ALICE, slab: SLAB_A }, 'NOT_GOVERNANCE');
  sc.fails('setSlabFees', { caller: BOB, slab: SLAB_A, makerBps: 1n, takerBps: 1n }, 'NOT_GOVERNANCE');
  sc.fails('approveVersion', { caller: ALICE, version: V2 }, 'NOT_GOVERNANCE');
  sc.fails('setDlp', { caller: ALICE, slab: SLAB_A, user: ALICE, on: true }, 'NOT_GOVERNANCE');
  sc.fails('registerSlab', { caller: GOV, slab: SLAB_A }, 'ALREADY_REGISTERED');
  out.push(sc.vector('only governance changes the registry (register, fees, versions, DLP class)', ['P10']));

  sc = book(venue(id('router', 'P11-registered-current')));
  sc.reserve(ALICE, [{ ...ONE, slab: 0x999n, qty: 1n }], T0, 10_000n, 'SLAB_NOT_REGISTERED');
  sc.ok('upgradeSlabCode', { slab: SLAB_A, codeHash: V2 });
  sc.reserve(ALICE, [{ ...ONE, qty: 1n }], T0, 10_000n, 'STALE_VERSION');
  sc.fails('placeOrder', { user: DLP, slab: SLAB_A, instrument: 0n, side: 1, px: PX + TICK, qty: 1n, now: T0 }, 'STALE_VERSION');
  sc.fails('setSlabVersion', { caller: GOV, slab: SLAB_A, version: V2 }, 'UNKNOWN_VERSION');
  sc.ok('approveVersion', { caller: GOV, version: V2 });
  sc.ok('setSlabVersion', { caller: GOV, slab: SLAB_A, version: V2 });
  sc.trade(ALICE, [{ ...ONE, qty: 1n }]);
  out.push(sc.vector('reserve or place on an unregistered slab or one whose code hash is not the registered version is refused until governance approves and sets it', ['P11', 'GOV1']));

  sc = venue(id('router', 'GOV1-unknown-version'));
  sc.fails('setSlabVersion', { caller: GOV, slab: SLAB_A, version: V2 }, 'UNKNOWN_VERSION');
  sc.ok('deploySlab', { slab: 0xd5n, params: slabParams({ versionHash: V2 }), now: T0 });
  sc.fails('registerSlab', { caller: GOV, slab: 0xd5n }, 'UNKNOWN_VERSION');
  out.push(sc.vector('unapproved version hashes are refused at registration and at version update', ['GOV1']));
  return out;
}

function slabVectors(): FillSpec[] {
  const out: FillSpec[] = [];
  let sc = book(venue(id('slab', 'S1-S2-header-fees')));
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }]);
  sc.ok('setSlabFees', { caller: GOV, slab: SLAB_A, makerBps: 10n, takerBps: 25n });
  sc.fails('setSlabFees', { caller: GOV, slab: SLAB_A, makerBps: 11n, takerBps: 25n }, 'FEE_CAP');
  sc.fails('setSlabFees', { caller: GOV, slab: SLAB_A, makerBps: 1n, takerBps: 26n }, 'FEE_CAP');
  sc.trade(BOB, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }]);
  out.push(sc.vector('trading leaves the header alone; governance fee updates within the caps apply, above them FEE_CAP', ['S1', 'S2', 'ADV3']));

  sc = venue(id('slab', 'S3-R1-alignment'), { slabA: { instruments: [{ ...slabParams().instruments[0]!, lot: 2n }] } });
  sc.post(DLP, SLAB_A, 1, PX + 1n, 2n, T0, 'PX_NOT_ON_TICK');
  sc.post(DLP, SLAB_A, 1, PX + TICK, 3n, T0, 'QTY_NOT_ON_LOT');
  sc.post(DLP, SLAB_A, 1, PX + TICK, 0n, T0, 'ZERO_QTY');
  sc.run('placeOrder', { user: DLP, slab: SLAB_A, instrument: 0n, side: 2, px: PX + TICK, qty: 2n, now: T0 }, 'BAD_SIDE');
  sc.run('placeOrder', { user: DLP, slab: SLAB_A, instrument: 1n, side: 1, px: PX + TICK, qty: 2n, now: T0 }, 'UNKNOWN_INSTRUMENT');
  sc.post(DLP, SLAB_A, 1, PX + TICK, 4n);
  sc.reserve(ALICE, [{ slab: SLAB_A, side: 0, qty: 1n, limitPx: PX + TICK }], T0, 10_000n, 'QTY_NOT_ON_LOT');
  sc.reserve(ALICE, [{ slab: SLAB_A, side: 0, qty: 2n, limitPx: PX + TICK + 1n }], T0, 10_000n, 'PX_NOT_ON_TICK');
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 2n, limitPx: PX + TICK }]);
  out.push(sc.vector('orders, reservations and positions stay on tick and lot; zero qty, bad side and unknown instruments are refused', ['S3', 'R1']));

  sc = book(venue(id('slab', 'S4-M7-R9-batches')));
  const pending = [PX + 2n * TICK, PX + TICK, PX + TICK].map((px) => sc.post(REG, SLAB_A, 1, px, 1n));
  sc.fails('openBatch', { slab: SLAB_A, instrument: 0n, now: T0 + 10n }, 'BATCH_NOT_DUE');
  sc.ok('openBatch', { slab: SLAB_A, instrument: 0n, now: T0 + 50n });
  sc.ok('openBatch', { slab: SLAB_A, instrument: 0n, now: T0 + 100n });
  out.push(sc.vector(`DLP orders post LIVE, REG orders PENDING (${pending.length}); batch_open moves the epoch by one and promotes each pending order once, FIFO`, ['S4', 'M7', 'R9']));

  sc = book(venue(id('slab', 'S5-S8-M4-reserved')));
  sc.reserve(ALICE, [{ slab: SLAB_A, side: 0, qty: 4n, limitPx: PX + TICK }]);
  sc.reserve(BOB, [{ slab: SLAB_A, side: 0, qty: 15n, limitPx: PX + 2n * TICK }]);
  sc.reserve(ALICE, [{ slab: SLAB_A, side: 0, qty: 12n, limitPx: PX + 2n * TICK }], T0, 10_000n, 'INSUFFICIENT_DEPTH');
  out.push(sc.vector('reserved quantity never exceeds an order’s qty; slices equal it; concurrent reserves cannot over-reserve; order qty (public depth) is unchanged', ['S5', 'S8', 'M4', 'M5', 'R3']));

  sc = venue(id('slab', 'S6-M1-priority'));
  sc.post(DLP, SLAB_A, 1, PX + TICK, 5n);
  sc.post(DLP2, SLAB_A, 1, PX + TICK, 5n);
  sc.post(DLP, SLAB_A, 1, PX + 2n * TICK, 5n);
  sc.post(DLP2, SLAB_A, 0, PX - TICK, 5n);
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 7n, limitPx: PX + TICK }]);
  out.push(sc.vector('ids and time priority are monotone; at one price the earlier order fills first', ['S6', 'M1']));

  sc = book(venue(id('slab', 'S7-M2-pending')));
  sc.post(REG, SLAB_A, 1, PX, 10n);
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }]);
  sc.ok('openBatch', { slab: SLAB_A, instrument: 0n, now: T0 + 50n });
  sc.trade(BOB, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }], T0 + 50n);
  out.push(sc.vector('a PENDING order is never matched before its promotion (ALICE fills against DLP at +1 tick) and is after it (BOB fills REG at PX)', ['S7', 'M2']));

  sc = book(venue(id('slab', 'S9-S12-commit')));
  const rr = sc.reserve(ALICE, [{ slab: SLAB_A, side: 0, qty: 15n, limitPx: PX + 2n * TICK }]);
  sc.commit(ALICE, rr);
  out.push(sc.vector('a commit fills exactly the reserved qty, charges at most max_charge and prints one trade per slice', ['S9', 'S12', 'E2E2']));

  sc = book(venue(id('slab', 'S10-flip')));
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 15n, limitPx: PX + 2n * TICK }]);
  sc.trade(ALICE, [{ slab: SLAB_A, side: 1, qty: 20n, limitPx: PX - 2n * TICK }]);
  sc.ok('settle', { user: ALICE });
  out.push(sc.vector('VWAP and realised PnL are exact through a position flip (long 15 → short 5)', ['S10']));

  sc = book(venue(id('slab', 'S11-aggressor')));
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }]);
  sc.trade(ALICE, [{ slab: SLAB_A, side: 0, qty: 2n, limitPx: PX + TICK }]);
  sc.trade(ALICE, [{ slab: SLAB_A, side: 1, qty: 3n, limitPx: PX - TICK }]);
  sc.ok('openBatch', { slab: SLAB_A, instrument: 0n, now: T0 + 50n });
  sc.trade(ALICE, [{ slab: SLAB_A, side: 1, qty: 3n, limitPx: PX - TICK }], T0 + 50n);
  out.push(sc.vector('the aggressor tax applies only to a leg overlapping opposite aggressive volume of the same account in the epoch', ['S11']));
  return out;
}

function interfaceVectors(): FillSpec[] {
  const out: FillSpec[] = [];
  let sc = book(venue(id('interface', 'R1-inputs')));
  sc.reserve(ALICE, [{ ...ONE, limitPx: PX + 1n }], T0, 10_000n, 'PX_NOT_ON_TICK');
  sc.reserve(ALICE, [{ ...ONE, qty: 0n }], T0, 10_000n, 'ZERO_QTY');
  sc.run('reserveRoute', { user: ALICE, legs: sc.legs(ALICE, [ONE]).map((l) => ({ ...l, side: 2 })), ttl: 10n, now: T0 }, 'BAD_SIDE');
  sc.reserve(ALICE, [ONE], T0, 0n, 'TTL_OUT_OF_RANGE');
  sc.run('reserveRoute', { user: ALICE, legs: [], ttl: 10n, now: T0 }, 'EMPTY_ROUTE');
  out.push(sc.vector('reserve refuses a price off tick, zero qty, a bad side, a ttl out of range and an empty route', ['R1']));

  sc = book(venue(id('interface', 'R2-walk-limit')));
  sc.reserve(ALICE, [{ ...ONE, qty: 11n }], T0, 10_000n, 'INSUFFICIENT_DEPTH');
  sc.reserve(ALICE, [{ ...ONE, qty: 10n }]);
  out.push(sc.vector('the price walk stops at the limit: 11 at +1 tick is INSUFFICIENT_DEPTH, 10 reserves with worst px at the limit', ['R2']));

  sc = book(venue(id('interface', 'R4-F1-expired')));
  let r = sc.reserve(ALICE, [ONE], T0, 100n);
  sc.commit(ALICE, r, T0 + 100n, 'RESERVATION_EXPIRED');
  sc.commit(ALICE, r, T0 + 100n, 'UNKNOWN_ROUTE');
  out.push(sc.vector('a commit at or after expiry fails RESERVATION_EXPIRED and returns the escrow to cash; the failed route is freed, its id unknown (PERP-ROUTE-009)', ['R4', 'F1']));

  sc = book(venue(id('interface', 'F1-expiry-sweep')));
  sc.reserve(ALICE, [ONE], T0, 100n);
  sc.ok('expireRoutes', { now: T0 + 99n });
  sc.ok('expireRoutes', { now: T0 + 100n });
  out.push(sc.vector('the expiry sweep releases an expired reservation exactly at its expiry (0 routes before, 1 at)', ['F1', 'P5']));

  sc = book(venue(id('interface', 'R5-slice-vanished')));
  r = sc.reserve(ALICE, [ONE]);
  sc.ok('cancelOrder', { user: DLP, slab: SLAB_A, orderId: reservedOrderId(sc) });
  sc.commit(ALICE, r, T0, 'SLICE_VANISHED');
  out.push(sc.vector('a commit whose reserved order vanished fails, leaving no position and the route failed', ['R5']));

  sc = book(venue(id('interface', 'R6-escrow-bound')));
  r = sc.reserve(ALICE, [ONE]);
  const big = BigInt(sc.ok('capMint', { user: ALICE, slab: SLAB_A, asset: USDC, amountMax: 10n ** 12n, expiry: T0 + 10n }) as string);
  sc.debit(SLAB_A, T0, big, (r.legs[0] as { maxCharge: bigint }).maxCharge + 1n, 6n);
  out.push(sc.vector('a guarded debit is bounded by the escrow balance even under a larger cap (EXCEEDS_BALANCE, status 6)', ['R6']));

  sc = book(venue(id('interface', 'R7-M10-kill-band'), { slabA: { killBandBps: 1n } }));
  r = sc.reserve(ALICE, [ONE]);
  sc.price(PX - 20n * TICK, T0 + 1n);
  sc.commit(ALICE, r, T0 + 1n, 'KILL_BAND');
  sc.commit(ALICE, sc.reserve(ALICE, [{ ...ONE, qty: 1n }], T0 + 1n), T0 + 1n, 'KILL_BAND');
  out.push(sc.vector('anti-toxicity is checked at commit with the oracle then: a move past the kill band fails the commit, the same way for a fresh route', ['R7', 'M10']));

  sc = book(venue(id('interface', 'R8-cancel-idempotent')));
  r = sc.reserve(ALICE, [ONE]);
  sc.fails('cancelRoute', { user: BOB, routeId: r.routeId }, 'NOT_ROUTE_OWNER');
  sc.ok('cancelRoute', { user: ALICE, routeId: r.routeId });
  sc.fails('cancelRoute', { user: ALICE, routeId: r.routeId }, 'UNKNOWN_ROUTE');
  sc.fails('cancelRoute', { user: ALICE, routeId: 0x1234n }, 'UNKNOWN_ROUTE');
  out.push(sc.vector('cancel twice = cancel once (cancelled 1; the repeat finds the freed route unknown, PERP-ROUTE-009: no event, same root); only the owner cancels', ['R8', 'F2']));

  sc = book(venue(id('interface', 'R10-L3-liquidation-call')));
  sc.trade(ALICE, [ONE]);
  sc.post(REG, SLAB_A, 0, PX, 50n);
  sc.fails('liquidationCall', { slab: SLAB_A, caller: ALICE, now: T0, user: ALICE, instrument: 0n, bandBps: 200n }, 'NOT_ROUTER');
  sc.ok('liquidationCall', { slab: SLAB_A, caller: ROUTER, now: T0, user: ALICE, instrument: 0n, bandBps: 200n });
  out.push(sc.vector('only the router calls liquidation, which closes against LIVE depth within the band (not the better PENDING bid)', ['R10', 'L3', 'S7']));
  return out;
}

export const perpAccountVectors = (): FillSpec[] => [...routerVectors(), ...slabVectors(), ...interfaceVectors()];
