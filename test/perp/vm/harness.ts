/**
 * The slab differential harness: one small venue compiled from stdlib/slab.curve and deployed on CurveVM,
 * and the golden model's slab with the same parameters. The test plays the Router on both sides with the
 * same code (`Desk`): it funds escrows and mints caps (model custody functions on one side, the VM host
 * syscalls on the other), calls the slab as the router, books fees, taxes and releases. After every step
 * the two sides' observe() snapshots, custody, events and error codes must be equal.
 */
import { compileVenue } from '../../../reference/compiler/compile.ts';
import type { CompiledModule } from '../../../reference/compiler/artifact.ts';
import { commitment, nameId, routeId as routeIdOf } from '../../../reference/script/ids.ts';
import { runSyscall } from '../../../reference/vm/host.ts';
import { ModuleStore } from '../../../reference/vm/store.ts';
import { syscallByName } from '../../../reference/vm/syscalls.ts';
import { World } from '../../../reference/vm/world.ts';
import * as M from '../../../reference/perp/model/index.ts';
import { newSlab } from '../../../reference/perp/model/slab.ts';
import * as Res from '../../../reference/perp/model/reserve.ts';
import * as Com from '../../../reference/perp/model/commit.ts';
import * as Slab from '../../../reference/perp/model/slab.ts';
import * as Fund from '../../../reference/perp/model/funding.ts';
import * as Liq from '../../../reference/perp/model/liquidation.ts';
import * as Pos from '../../../reference/perp/model/position.ts';
import * as Cu from '../../../reference/perp/model/custody.ts';
import type { Json } from '../../../reference/perp/model/observe.ts';
import { VmSlab, type VmOut } from '../../../reference/perp/vm/slab-vm.ts';
import { custodyOf } from '../../../reference/perp/vm/custody.ts';
import { stdlibTemplates } from '../../stdlib-templates.ts';

export const ROUTER = 0x7007n;
export const DEPLOYER = 0xdeadn;
export const ASSET = nameId('USDC');
export const FEED = nameId('pyth:SOLUSD');
export const BACKUP = nameId('pyth:BTCUSD');
export const USERS = [0x11n, 0x12n, 0x21n, 0x22n, 0x23n] as const;
/** The first two users are in the DLP set. */
export const DLPS = [0x11n, 0x12n] as const;
export const T0 = 1_000_000n;
export const TICK = 100n;
export const PX = 100_000n;
export const CASH = 10n ** 15n;
const STALE = 2_000n;

export const VENUE = `ROUTER "main" {
  COLLATERAL asset=USDC vault_cap=1_000_000_000_000_000_000 decimals=6
  CAP_TTL ms=120_000
  RESERVATION_BATCH ms=50
  FEE_CAPS maker_bps_max=100 taker_bps_max=100
  INSURANCE asset=USDC
}

SLAB "perp:SOL-PERP" {
  INSTRUMENT symbol=SOL contract_size=1_000_000 tick=100 lot=1
  ORACLE feed="pyth:SOLUSD"
  RISK imr_bps=500 mmr_bps=350
  FEE maker_bps=2 taker_bps=5
  BATCH ms=50
  MATCHING pending_promotion=true
  ANTI_TOXICITY kill_band_bps=500 jit_penalty=true arg_tax_bps=10 freeze_top_k=2
  POOLS accounts=8 orders=12 positions=8 reservations=6 slices=10 trades=6 aggressors=4
  FUNDING interval_ms=1_000 cap_bps=50
}

ORACLE "pyth:SOLUSD" {
  HEARTBEAT ms=400 stale_after_ms=2_000
  FAILOVER feeds=["pyth:BTCUSD"]
}

ORACLE "pyth:BTCUSD" {
  HEARTBEAT ms=400 stale_after_ms=2_000
}
`;


let compiled: CompiledModule | undefined;
/** The test venue's slab module (compiled once per process). */
export function slabModule(venue = VENUE): CompiledModule {
  if (venue === VENUE && compiled) return compiled;
  // The router module is not used here (the test plays the Router): an empty router template keeps this
  // differential independent of the Router template's state.
  const router = { file: 'router-unused.curve', text: 'template router;\npub fn unused() {}\n' };
  const r = compileVenue({ file: 'slab-diff.curve', text: venue }, stdlibTemplates({ router }));
  const m = r.modules?.find((x) => x.kind === 'slab');
  if (!m) throw new Error(r.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('\n'));
  if (venue === VENUE) compiled = m;
  return m;
}

export type Out<T> = { readonly ok: true; readonly out: T } | { readonly ok: false; readonly code: number; readonly error: string };

export interface Reveal {
  readonly side: bigint;
  readonly qty: bigint;
  readonly limitPx: bigint;
  readonly salt: Uint8Array;
}

export interface ReserveArgs {
  readonly routeId: bigint;
  readonly user: bigint;
  readonly instrument: bigint;
  readonly side: bigint;
  readonly qty: bigint;
  readonly limitPx: bigint;
  readonly ttl: bigint;
  readonly commitment: Uint8Array;
}

/** The slab operations and host custody of one side, with the model's output shapes. */
export interface Backend {
  readonly slabId: bigint;
  place(now: bigint, owner: bigint, instrument: bigint, side: bigint, px: bigint, qty: bigint): Out<{ orderId: bigint; state: string }>;
  cancelOrder(now: bigint, owner: bigint, orderId: bigint): Out<{ reservedQty: bigint }>;
  batchOpen(now: bigint): Out<{ epoch: bigint; promoted: bigint }>;
  reserve(now: bigint, a: ReserveArgs): Out<{ holdId: bigint; slot: bigint; vwap: bigint; worstPx: bigint; notional: bigint; maxCharge: bigint; expiry: bigint; bookSeqno: bigint }>;
  commit(now: bigint, holdId: bigint, slot: bigint, capId: bigint, v: Reveal): Out<{ filled: bigint; notional: bigint; fee: bigint; tax: bigint; charge: bigint }>;
  cancelHold(now: bigint, holdId: bigint, slot: bigint): Out<{ cancelled: boolean }>;
  fundingTick(now: bigint): Out<{ intervals: bigint; ratePerContract: bigint; cumFunding: bigint }>;
  liquidationCall(now: bigint, user: bigint, bandBps: bigint, caller?: bigint): Out<{ closed: bigint; notional: bigint; fee: bigint }>;
  settle(now: bigint, user: bigint): Out<{ moved: bigint }>;
  /** Governance through the router: the DLP set and the fees (PERP-REG-005/006). */
  setDlp(now: bigint, user: bigint, on: boolean): Out<object>;
  setFees(now: bigint, makerBps: bigint, takerBps: bigint): Out<object>;
  /** PERP-MARGIN-001 inputs of one user (the read the Router makes). */
  position(now: bigint, user: bigint): Out<{ qty: bigint; cost: bigint; realised: bigint; owed: bigint; buys: bigint; sells: bigint; held: boolean }>;
  /** Host custody (VM-SYS-*): statuses and ids exactly as the syscalls return them. */
  escrowCredit(user: bigint, amount: bigint): bigint;
  escrowDebit(user: bigint, amount: bigint): bigint;
  capMint(now: bigint, user: bigint, amount: bigint, expiry: bigint): bigint;
  capRemaining(id: bigint): bigint;
  capBurn(id: bigint): bigint;
  bumpNonce(user: bigint): bigint;
  publish(feed: bigint, price: bigint, time: bigint): void;
  /** The router part both sides keep the same way (cash, fees, insurance) and the event list. */
  readonly st: M.PerpState;
  /** The PerpState to observe and check (the VM side reads its slab and custody back first). */
  view(): M.PerpState;
}

// ── the model side ─────────────────────────────────────────────────────────────────────────────────

function routerParams(): M.RouterParams {
  return { routerId: ROUTER, governance: 1n, asset: ASSET, vaultCap: 10n ** 30n, capTtlMs: 120_000n, makerBpsMax: 100n, takerBpsMax: 100n, graceMs: 0n, bandBps: 200n, maxSlices: 8, marginModel: 'net' };
}

function genesis(st: M.PerpState): void {
  let vault = 0n;
  for (const u of USERS) {
    st.router.cash.set(u, CASH);
    vault += CASH;
  }
  st.custody.vaults.set(ASSET, vault);
}

const feedCfg = (failover: bigint[]) => ({ heartbeatMs: 400n, staleAfterMs: STALE, failover });

/** The model's slab with the same parameters and id as the VM slab. */
export class ModelSide implements Backend {
  st: M.PerpState;
  constructor(
    readonly slabId: bigint,
    params: M.SlabParams,
  ) {
    this.st = M.newState(routerParams());
    const s = newSlab(slabId, ROUTER, params, T0);
    s.header.dlp.push(...DLPS);
    this.st.slabs.set(slabId, s);
    M.addFeed(this.st, FEED, feedCfg([BACKUP]));
    M.addFeed(this.st, BACKUP, feedCfg([]));
    genesis(this.st);
  }

  private op<T>(f: (s: M.SlabState, st: M.PerpState) => T, ev?: (o: T) => M.PerpEvent | null): Out<T> {
    const r = M.step(this.st, (st) => {
      const out = f(st.slabs.get(this.slabId) as M.SlabState, st);
      const e = ev?.(out);
      if (e) st.events.push(e);
      return out;
    });
    this.st = r.state;
    return r.ok ? { ok: true, out: r.out } : { ok: false, code: r.code, error: r.error };
  }

  private e(kind: string, data: Record<string, bigint | string>): M.PerpEvent {
    return { kind, data: { slab: this.slabId, ...data } };
  }

  place(now: bigint, owner: bigint, instrument: bigint, side: bigint, px: bigint, qty: bigint) {
    return this.op(
      (s) => Slab.placeOrder(s, ROUTER, now, owner, instrument, Number(side), px, qty),
      (o) => this.e('order_placed', { user: owner, orderId: o.orderId, instrument, side, px, qty, state: o.state }),
    );
  }
  cancelOrder(_now: bigint, owner: bigint, orderId: bigint) {
    return this.op(
      (s) => Slab.cancelOrder(s, ROUTER, owner, orderId),
      (o) => this.e('order_cancelled', { user: owner, orderId, reservedQty: o.reservedQty }),
    );
  }
  batchOpen(now: bigint) {
    return this.op(
      (s) => Slab.batchOpen(s, ROUTER, 0n, now),
      (o) => this.e('batch_open', { instrument: 0n, ...o }),
    );
  }
  reserve(now: bigint, a: ReserveArgs) {
    return this.op(
      (s) => {
        const r = Res.reserve(s, ROUTER, now, { ...a, side: Number(a.side) });
        return { ...r, slot: BigInt(s.holdSlot.get(r.holdId) as number) };
      },
      (o) => this.e('reserved', { routeId: a.routeId, holdId: o.holdId, qty: a.qty, vwap: o.vwap, worstPx: o.worstPx, maxCharge: o.maxCharge }),
    );
  }
  commit(now: bigint, holdId: bigint, _slot: bigint, capId: bigint, v: Reveal) {
    let route = 0n;
    return this.op(
      (s, st) => {
        const slot = s.holdSlot.get(holdId);
        route = slot === undefined ? 0n : (s.reservations.slots[slot]?.routeId ?? 0n);
        return Com.commit(s, ROUTER, now, st.custody, st.oracles, holdId, capId, { ...v, side: Number(v.side) });
      },
      (o) => this.e('committed', { routeId: route, holdId, filled: o.filled, notional: o.notional, fee: o.fee, tax: o.tax }),
    );
  }
  cancelHold(_now: bigint, holdId: bigint) {
    return this.op(
      (s) => Res.cancelHold(s, ROUTER, holdId),
      (o) => (o.cancelled ? this.e('hold_cancelled', { holdId }) : null),
    );
  }
  fundingTick(now: bigint) {
    return this.op(
      (s, st) => Fund.fundingTick(s, ROUTER, st.oracles, 0n, now),
      (o) => (o.intervals > 0n ? this.e('funding', { instrument: 0n, ...o }) : null),
    );
  }
  liquidationCall(now: bigint, user: bigint, bandBps: bigint, caller = ROUTER) {
    return this.op(
      (s, st) => Liq.liquidationCall(s, caller, now, st.oracles, user, 0n, bandBps),
      (o) => this.e('liquidation', { user, instrument: 0n, ...o }),
    );
  }
  settle(_now: bigint, user: bigint) {
    return this.op(
      (s) => {
        const p = Pos.findPosition(s, user, 0n);
        if (!p) return { moved: 0n };
        Pos.settleFunding(p, s.instruments[0] as M.Instrument);
        const moved = p.realised;
        p.realised = 0n;
        Pos.freeIfEmpty(s, p);
        return { moved };
      },
      (o) => (o.moved !== 0n ? this.e('settle', { user, amount: o.moved }) : null),
    );
  }
  setDlp(_now: bigint, user: bigint, on: boolean) {
    return this.op((s) => {
      const i = s.header.dlp.indexOf(user);
      if (on && i < 0) s.header.dlp.push(user);
      if (!on && i >= 0) s.header.dlp.splice(i, 1);
      return {};
    });
  }
  setFees(_now: bigint, makerBps: bigint, takerBps: bigint) {
    return this.op((s) => {
      s.header.makerBps = makerBps;
      s.header.takerBps = takerBps;
      return {};
    });
  }
  position(_now: bigint, user: bigint) {
    return this.op((s) => {
      const p = Pos.findPosition(s, user, 0n);
      const ins = s.instruments[0] as M.Instrument;
      let buys = 0n;
      let sells = 0n;
      let held = p !== undefined;
      for (const o of s.orders.slots) if (o && o.owner === user) (held = true) && (o.side === 0 ? (buys += o.qty - o.reservedQty) : (sells += o.qty - o.reservedQty));
      return { qty: p?.qty ?? 0n, cost: p?.cost ?? 0n, realised: p?.realised ?? 0n, owed: p ? Pos.fundingOwed(p, ins) : 0n, buys, sells, held };
    });
  }
  escrowCredit(user: bigint, amount: bigint) {
    return Cu.escrowCredit(this.st.custody, user, this.slabId, ASSET, amount);
  }
  escrowDebit(user: bigint, amount: bigint) {
    return Cu.escrowDebit(this.st.custody, user, this.slabId, ASSET, amount);
  }
  capMint(_now: bigint, user: bigint, amount: bigint, expiry: bigint) {
    return Cu.capMint(this.st.custody, user, this.slabId, ASSET, amount, expiry);
  }
  capRemaining(id: bigint) {
    return Cu.capRemaining(this.st.custody, id);
  }
  capBurn(id: bigint) {
    return Cu.capBurn(this.st.custody, id);
  }
  bumpNonce(user: bigint) {
    return Cu.escrowBumpNonce(this.st.custody, user, this.slabId, ASSET);
  }
  publish(feed: bigint, price: bigint, time: bigint) {
    const f = this.st.oracles.get(feed) as M.Feed;
    f.price = price;
    f.publishTime = time;
  }
  view(): M.PerpState {
    return this.st;
  }
}

// ── the VM side ────────────────────────────────────────────────────────────────────────────────────

export class VmSide implements Backend {
  readonly world = new World();
  readonly store = new ModuleStore();
  readonly slab: VmSlab;
  readonly slabId: bigint;
  /** Router part and events, kept by the same Desk code as the model's. */
  st: M.PerpState;

  constructor(m: CompiledModule = slabModule()) {
    this.slab = new VmSlab(this.store, this.world, {
      module: m,
      router: ROUTER,
      allowances: { dlp: 4n, reg: 6n },
      staleAfterMs: STALE,
      failover: [{ feed: BACKUP, staleAfterMs: STALE }],
      now: T0,
      deployer: DEPLOYER,
    });
    this.slabId = this.slab.id;
    for (const u of DLPS) this.must(this.slab.setDlp(ROUTER, T0, u, true));
    this.st = M.newState(routerParams());
    M.addFeed(this.st, FEED, feedCfg([BACKUP]));
    M.addFeed(this.st, BACKUP, feedCfg([]));
    genesis(this.st);
    this.world.setVault(ASSET, this.st.custody.vaults.get(ASSET) as bigint);
    this.world.commit();
  }

  private must(r: VmOut<unknown>): void {
    if (!r.ok) throw new Error(`setup failed: ${r.error}`);
  }

  private op<T>(r: VmOut<T>): Out<T> {
    if (!r.ok) return r;
    this.st.events.push(...r.events);
    return { ok: true, out: r.out };
  }

  place(now: bigint, owner: bigint, instrument: bigint, side: bigint, px: bigint, qty: bigint) {
    return this.op(this.slab.place(ROUTER, now, owner, instrument, side, px, qty));
  }
  cancelOrder(now: bigint, owner: bigint, orderId: bigint) {
    return this.op(this.slab.cancelOrder(ROUTER, now, owner, orderId));
  }
  batchOpen(now: bigint) {
    return this.op(this.slab.batchOpen(ROUTER, now, 0n));
  }
  reserve(now: bigint, a: ReserveArgs) {
    return this.op(this.slab.reserve(ROUTER, now, a));
  }
  commit(now: bigint, holdId: bigint, slot: bigint, capId: bigint, v: Reveal) {
    return this.op(this.slab.commit(ROUTER, now, holdId, slot, capId, v));
  }
  cancelHold(now: bigint, holdId: bigint, slot: bigint) {
    return this.op(this.slab.cancelHold(ROUTER, now, holdId, slot));
  }
  fundingTick(now: bigint) {
    return this.op(this.slab.fundingTick(ROUTER, now, 0n));
  }
  liquidationCall(now: bigint, user: bigint, bandBps: bigint, caller = ROUTER) {
    return this.op(this.slab.liquidationCall(caller, now, user, 0n, bandBps));
  }
  settle(now: bigint, user: bigint) {
    return this.op(this.slab.settle(ROUTER, now, user));
  }
  setDlp(now: bigint, user: bigint, on: boolean) {
    return this.op(this.slab.setDlp(ROUTER, now, user, on));
  }
  setFees(now: bigint, makerBps: bigint, takerBps: bigint) {
    return this.op(this.slab.setFees(ROUTER, now, makerBps, takerBps));
  }
  position(now: bigint, user: bigint) {
    return this.op(this.slab.position(ROUTER, now, user));
  }
  private sys(name: string, args: bigint[], now = 0n): bigint {
    const info = syscallByName(name);
    if (!info) throw new Error(name);
    const out = runSyscall(info, args, { world: this.world, now, origin: ROUTER, selfId: ROUTER, callerId: ROUTER })[0] as bigint;
    this.world.commit();
    return out;
  }
  escrowCredit(user: bigint, amount: bigint) {
    return this.sys('ESCROW_CREDIT', [user, this.slabId, ASSET, amount]);
  }
  escrowDebit(user: bigint, amount: bigint) {
    return this.sys('ESCROW_DEBIT', [user, this.slabId, ASSET, amount]);
  }
  capMint(now: bigint, user: bigint, amount: bigint, expiry: bigint) {
    return this.sys('CAP_MINT', [user, this.slabId, ASSET, amount, expiry], now);
  }
  capRemaining(id: bigint) {
    return this.sys('CAP_REMAINING', [id]);
  }
  capBurn(id: bigint) {
    return this.sys('CAP_BURN', [id]);
  }
  bumpNonce(user: bigint) {
    return this.sys('ESCROW_BUMP_NONCE', [user, this.slabId, ASSET]);
  }
  publish(feed: bigint, price: bigint, time: bigint) {
    this.world.setOracle(feed, { price, publishTime: time });
    const f = this.st.oracles.get(feed) as M.Feed;
    f.price = price;
    f.publishTime = time;
  }
  view(): M.PerpState {
    const custody = custodyOf(this.world, { users: [...USERS], slabs: [this.slabId], assets: [ASSET] });
    return { ...this.st, custody, slabs: new Map([[this.slabId, this.slab.state()]]) };
  }
}

// ── the router played by the test ──────────────────────────────────────────────────────────────────

export interface Leg {
  readonly user: bigint;
  readonly holdId: bigint;
  readonly slot: bigint;
  readonly capId: bigint;
  readonly reveal: Reveal;
  open: boolean;
}

export const saltOf = (n: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (n * 31 + i * 7) & 0xff);

const cash = (st: M.PerpState, u: bigint): bigint => st.router.cash.get(u) ?? 0n;
const setCash = (st: M.PerpState, u: bigint, v: bigint): void => void (v === 0n ? st.router.cash.delete(u) : st.router.cash.set(u, v));

/** The router's side of reserve → fund → commit/cancel (PERP-ROUTE-001/002, simplified to one leg per route). */
export class Desk {
  readonly legs: Leg[] = [];
  private nonce = 0n;
  constructor(readonly b: Backend) {}

  /** Reserve, then fund the escrow and mint a cap of max_charge − short expiring after capTtl (≤ ttl). */
  reserve(now: bigint, user: bigint, side: bigint, qty: bigint, limitPx: bigint, ttl: bigint, capTtl: bigint, short: bigint, saltN: number) {
    const routeId = routeIdOf(user, this.nonce);
    this.nonce += 1n;
    const salt = saltOf(saltN);
    const com = commitment(routeId, 0n, side, qty, limitPx, salt);
    const r = this.b.reserve(now, { routeId, user, instrument: 0n, side, qty, limitPx, ttl, commitment: com });
    if (!r.ok) return r;
    const amount = r.out.maxCharge > short ? r.out.maxCharge - short : 0n;
    if (this.b.escrowCredit(user, amount) !== 0n) throw new Error('escrow credit failed');
    setCash(this.b.st, user, cash(this.b.st, user) - amount);
    const capId = this.b.capMint(now, user, amount, now + (capTtl < ttl ? capTtl : ttl));
    this.legs.push({ user, holdId: r.out.holdId, slot: r.out.slot, capId, reveal: { side, qty, limitPx, salt }, open: true });
    return r;
  }

  private release(leg: Leg): void {
    const rest = this.b.capRemaining(leg.capId);
    if (this.b.escrowDebit(leg.user, rest) !== 0n) throw new Error('escrow below its caps');
    setCash(this.b.st, leg.user, cash(this.b.st, leg.user) + rest);
    this.b.capBurn(leg.capId);
    this.b.bumpNonce(leg.user);
    leg.open = false;
  }

  commit(now: bigint, i: number, reveal: Reveal, capId: bigint) {
    const leg = this.legs[i];
    if (!leg) return undefined;
    const r = this.b.commit(now, leg.holdId, leg.slot, capId, reveal);
    if (r.ok) {
      const st = this.b.st;
      st.router.fees.set(this.b.slabId, (st.router.fees.get(this.b.slabId) ?? 0n) + r.out.fee);
      st.router.insurance += r.out.tax;
      if (leg.open) this.release(leg);
    }
    return r;
  }

  cancel(now: bigint, i: number) {
    const leg = this.legs[i];
    if (!leg) return undefined;
    const r = this.b.cancelHold(now, leg.holdId, leg.slot);
    if (r.ok && leg.open) this.release(leg);
    return r;
  }

  settle(now: bigint, user: bigint) {
    const r = this.b.settle(now, user);
    if (r.ok) setCash(this.b.st, user, cash(this.b.st, user) + r.out.moved);
    return r;
  }
}

/** The observable snapshot of one side, as JSON text (deep-equal by string compare, readable diffs). */
export function snapshot(b: Backend): Json {
  return M.observe(b.view());
}
