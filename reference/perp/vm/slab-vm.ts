/**
 * The VM side of the perp differential (spec/perp.md §14): a compiled slab module deployed in a CurveVM
 * world with host custody, called as a given caller at a given clock. Every entry point of
 * stdlib/slab.curve has a typed wrapper returning the model's output shape; a revert becomes the model's
 * error (same §12 code), a checked-arithmetic halt becomes ARITH_OVERFLOW; logs become model-shaped
 * events. `state()` reads the storage segment back into the model's SlabState (read-slab.ts).
 */
import type { CompiledModule, CompiledEvent } from '../../compiler/artifact.ts';
import { execute, type ExecResult } from '../../vm/interpreter.ts';
import type { ModuleStore, LoadedModule } from '../../vm/store.ts';
import type { World } from '../../vm/world.ts';
import { readUintLE, toSigned } from '../../lib/u128.ts';
import { PERP_ERRORS, type PerpErrorName } from '../model/errors.ts';
import type { PerpEvent, SlabParams, SlabState } from '../model/types.ts';
import { checkLayout, StorageView } from './layout.ts';
import { readSlab } from './read-slab.ts';
import { decodeEventFields } from './router-events.ts';

/** Gas per call: above every entry's static bound (CS-ANALYZE-GAS keeps them under 2·10⁹). */
export const CALL_GAS = 2_000_000_000;

const ERROR_BY_CODE = new Map<bigint, PerpErrorName>(Object.entries(PERP_ERRORS).map(([k, v]) => [BigInt(v), k as PerpErrorName]));

export type VmOut<T> = { readonly ok: true; readonly out: T; readonly events: readonly PerpEvent[] } | { readonly ok: false; readonly code: number; readonly error: string };

/** The SlabParams of the model that mirror a compiled slab's `cfg` constants (PERP-DATA-HEADER). */
export function slabParamsOf(m: CompiledModule, allowances: { readonly dlp: bigint; readonly reg: bigint }): SlabParams {
  const c = (k: string): bigint => {
    const v = m.constants.get(k);
    if (v === undefined) throw new Error(`internal assertion failed: slab constant ${k} missing`);
    return v;
  };
  return {
    versionHash: m.hash,
    instruments: [{ symbol: c('symbol'), contractSize: c('contract_size'), tick: c('tick'), lot: c('lot'), feed: c('feed') }],
    imrBps: c('imr_bps'),
    mmrBps: c('mmr_bps'),
    makerBps: c('maker_bps'),
    takerBps: c('taker_bps'),
    batchMs: c('batch_ms'),
    pendingPromotion: c('pending_promotion') === 1n,
    dlpAllowance: allowances.dlp,
    regAllowance: allowances.reg,
    killBandBps: c('kill_band_bps'),
    jitPenalty: c('jit_penalty') === 1n,
    argTaxBps: c('arg_tax_bps'),
    freezeTopK: Number(c('freeze_top_k')),
    fundingIntervalMs: c('interval_ms'),
    fundingCapBps: c('cap_bps'),
    pools: {
      accounts: Number(c('accounts')),
      orders: Number(c('orders')),
      positions: Number(c('positions')),
      reservations: Number(c('reservations')),
      slices: Number(c('slices')),
      trades: Number(c('trades')),
      aggressors: Number(c('aggressors')),
    },
  };
}

/** Slab event → model event kind and field names (the router's events around the slab call, PERP-OP-002). */
const EVENT_SHAPE: Readonly<Record<string, { kind: string; fields: readonly string[] }>> = {
  OrderPlaced: { kind: 'order_placed', fields: ['user', 'orderId', 'instrument', 'side', 'px', 'qty', 'state'] },
  OrderCancelled: { kind: 'order_cancelled', fields: ['user', 'orderId', 'reservedQty'] },
  BatchOpened: { kind: 'batch_open', fields: ['instrument', 'epoch', 'promoted'] },
  Reserved: { kind: 'reserved', fields: ['routeId', 'holdId', 'qty', 'vwap', 'worstPx', 'maxCharge'] },
  Committed: { kind: 'committed', fields: ['routeId', 'holdId', 'filled', 'notional', 'fee', 'tax'] },
  HoldCancelled: { kind: 'hold_cancelled', fields: ['holdId'] },
  FundingApplied: { kind: 'funding', fields: ['instrument', 'intervals', 'ratePerContract', 'cumFunding'] },
  Liquidated: { kind: 'liquidation', fields: ['user', 'instrument', 'closed', 'notional', 'fee'] },
  Settled: { kind: 'settle', fields: ['user', 'amount'] },
};

function decodeEvent(slab: bigint, ev: CompiledEvent, data: Uint8Array): PerpEvent {
  const shape = EVENT_SHAPE[ev.name];
  if (!shape) throw new Error(`internal assertion failed: unknown slab event ${ev.name}`);
  return { kind: shape.kind, data: { slab, ...decodeEventFields(ev, data, shape.fields) } };
}

const words32 = (b: Uint8Array): [bigint, bigint] => [readUintLE(b, 0, 16), readUintLE(b, 16, 16)];

export interface VmSlabSetup {
  readonly module: CompiledModule;
  readonly router: bigint;
  readonly allowances: { readonly dlp: bigint; readonly reg: bigint };
  /** HEARTBEAT stale_after_ms of the slab's feed, and its FAILOVER feeds in order. */
  readonly staleAfterMs: bigint;
  readonly failover: readonly { readonly feed: bigint; readonly staleAfterMs: bigint }[];
  readonly now: bigint;
  /** The deployer signing `init`. */
  readonly deployer: bigint;
}

export class VmSlab {
  readonly id: bigint;
  readonly params: SlabParams;
  private readonly lm: LoadedModule;
  private readonly topics: Map<bigint, CompiledEvent>;

  constructor(
    private readonly store: ModuleStore,
    private readonly world: World,
    readonly setup: VmSlabSetup,
  ) {
    checkLayout(setup.module.storage);
    this.lm = store.add(setup.module.bytes);
    this.id = this.lm.id;
    this.params = slabParamsOf(setup.module, setup.allowances);
    this.topics = new Map(setup.module.events.map((e) => [e.topic, e]));
    const a = setup.allowances;
    this.must(this.raw('init', [setup.router, a.dlp, a.reg, setup.staleAfterMs], setup.deployer, setup.now), 'init');
    setup.failover.forEach((f, i) => this.must(this.raw('set_failover', [BigInt(i), f.feed, f.staleAfterMs], setup.router, setup.now), 'set_failover'));
  }

  private must(r: ExecResult, what: string): void {
    if (r.status !== 'ok') throw new Error(`internal assertion failed: slab ${what} failed: ${r.status} ${r.revertCode ?? r.halt}`);
  }

  /** One top-level call; a successful call commits its journal. */
  raw(entry: string, args: readonly bigint[], caller: bigint, now: bigint): ExecResult {
    const r = execute(this.store, this.world, this.lm.hashHex, entry, args, { gasLimit: CALL_GAS, now, origin: caller, stateRoot: false });
    if (r.status === 'ok') this.world.commit();
    return r;
  }

  /** A call mapped to the model's outcome shape: results decoded by `decode`, or the error. */
  call<T>(entry: string, args: readonly bigint[], caller: bigint, now: bigint, decode: (w: readonly bigint[]) => T): VmOut<T> {
    const r = this.raw(entry, args, caller, now);
    if (r.status === 'revert') {
      const name = ERROR_BY_CODE.get(r.revertCode ?? -1n);
      return { ok: false, code: Number(r.revertCode), error: name ?? `REVERT_${r.revertCode}` };
    }
    if (r.status === 'halt') {
      if (r.halt === 'overflow') return { ok: false, code: PERP_ERRORS.ARITH_OVERFLOW, error: 'ARITH_OVERFLOW' };
      throw new Error(`internal assertion failed: slab ${entry} halted: ${r.halt} ${r.haltDetail ?? ''}`);
    }
    const events = r.logs.map((l) => {
      const ev = this.topics.get(l.topics[0] as bigint);
      if (!ev) throw new Error(`internal assertion failed: slab log with unknown topic`);
      return decodeEvent(this.id, ev, l.data);
    });
    return { ok: true, out: decode(r.results), events };
  }

  /** The model state of this slab, read from its storage segment. */
  state(): SlabState {
    const seg = this.world.segment(this.lm.hashHex, this.lm.module.memory.storageBytes);
    return readSlab(new StorageView(seg.bytes, this.setup.module.storage), { slabId: this.id, router: this.setup.router, params: this.params });
  }

  // ── typed entry points (the ABI at the top of stdlib/slab.curve) ────────────────────────────────

  place(caller: bigint, now: bigint, owner: bigint, instrument: bigint, side: bigint, px: bigint, qty: bigint) {
    return this.call('place', [owner, instrument, side, px, qty], caller, now, (w) => ({ orderId: w[0] as bigint, state: w[1] === 1n ? ('PENDING' as const) : ('LIVE' as const) }));
  }

  cancelOrder(caller: bigint, now: bigint, owner: bigint, orderId: bigint) {
    return this.call('cancel_order', [owner, orderId], caller, now, (w) => ({ reservedQty: w[0] as bigint }));
  }

  batchOpen(caller: bigint, now: bigint, instrument: bigint) {
    return this.call('batch_open', [instrument], caller, now, (w) => ({ epoch: w[0] as bigint, promoted: w[1] as bigint }));
  }

  reserve(caller: bigint, now: bigint, a: { routeId: bigint; user: bigint; instrument: bigint; side: bigint; qty: bigint; limitPx: bigint; ttl: bigint; commitment: Uint8Array }) {
    return this.call('reserve', [a.routeId, a.user, a.instrument, a.side, a.qty, a.limitPx, a.ttl, ...words32(a.commitment)], caller, now, (w) => ({
      holdId: w[0] as bigint,
      slot: w[1] as bigint,
      vwap: w[2] as bigint,
      worstPx: w[3] as bigint,
      notional: w[4] as bigint,
      maxCharge: w[5] as bigint,
      expiry: w[6] as bigint,
      bookSeqno: w[7] as bigint,
    }));
  }

  commit(caller: bigint, now: bigint, holdId: bigint, slot: bigint, capId: bigint, v: { side: bigint; qty: bigint; limitPx: bigint; salt: Uint8Array }) {
    return this.call('commit', [holdId, slot, capId, v.side, v.qty, v.limitPx, ...words32(v.salt)], caller, now, (w) => ({
      filled: w[0] as bigint,
      notional: w[1] as bigint,
      fee: w[2] as bigint,
      tax: w[3] as bigint,
      charge: w[4] as bigint,
    }));
  }

  cancelHold(caller: bigint, now: bigint, holdId: bigint, slot: bigint) {
    return this.call('cancel', [holdId, slot], caller, now, (w) => ({ cancelled: w[0] === 1n }));
  }

  fundingTick(caller: bigint, now: bigint, instrument: bigint) {
    return this.call('funding_tick', [instrument], caller, now, (w) => ({ intervals: w[0] as bigint, ratePerContract: toSigned(w[1] as bigint), cumFunding: toSigned(w[2] as bigint) }));
  }

  liquidationCall(caller: bigint, now: bigint, user: bigint, instrument: bigint, bandBps: bigint) {
    return this.call('liquidation_call', [user, instrument, bandBps], caller, now, (w) => ({ closed: w[0] as bigint, notional: w[1] as bigint, fee: w[2] as bigint }));
  }

  settle(caller: bigint, now: bigint, user: bigint) {
    return this.call('settle', [user], caller, now, (w) => ({ moved: toSigned(w[0] as bigint) }));
  }

  setDlp(caller: bigint, now: bigint, user: bigint, on: boolean) {
    return this.call('set_dlp', [user, on ? 1n : 0n], caller, now, () => ({}));
  }

  setFees(caller: bigint, now: bigint, makerBps: bigint, takerBps: bigint) {
    return this.call('set_fees', [makerBps, takerBps], caller, now, () => ({}));
  }

  position(caller: bigint, now: bigint, user: bigint) {
    return this.call('position', [user], caller, now, (w) => ({
      qty: toSigned(w[0] as bigint),
      cost: toSigned(w[1] as bigint),
      realised: toSigned(w[2] as bigint),
      owed: toSigned(w[3] as bigint),
      buys: w[4] as bigint,
      sells: w[5] as bigint,
      held: w[6] === 1n,
    }));
  }

  oraclePrice(caller: bigint, now: bigint) {
    return this.call('oracle_price', [], caller, now, (w) => ({ price: w[0] as bigint }));
  }
}
