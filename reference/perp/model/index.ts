/**
 * The perp golden model (spec/perp.md): a pure, deterministic TypeScript statement of the Router and Slab
 * semantics the CurveVM templates must match on every observable. Operations are plain functions over a
 * `PerpState`; wrap them in `step` for all-or-nothing results.
 */
export * from './types.ts';
export * from './errors.ts';
export { newState, step, emit, addFeed, cashOf, cloneState, type OpResult } from './state.ts';
export { approveVersion, deploySlab, registerSlab, setSlabVersion, setSlabFees, setDlp, upgradeSlabCode, usableSlab } from './registry.ts';
export type { Placed } from './slab.ts';
export { deposit, withdraw, settle, fundInsurance, placeOrder, cancelOrder, openBatch, tickFunding, publishPrice, positionsOf } from './router.ts';
export { reserveRoute, commitRoute, cancelRoute, expireRoutes, nextRouteId, type LegRequest, type Chosen } from './routes.ts';
export { liquidate, coverDeficit, liquidationCall } from './liquidation.ts';
export { portfolio, exposuresOf, requirement, marginOf, netWeight, type Weighted } from './margin.ts';
export { checkInvariants } from './invariants.ts';
export { observe, observeRoot, publicDepth } from './observe.ts';
export { feedHealth, oraclePrice } from './oracle.ts';
export { guardedDebit, capMint, escrowCredit, wallet, vault, escrow, setWallet, custodyTotal } from './custody.ts';
