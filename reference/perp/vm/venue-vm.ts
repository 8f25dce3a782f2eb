/**
 * The whole venue on CurveVM for the full-venue differential (spec/perp.md §14): the compiled Router,
 * its slabs and oracle feeds deployed in one CurveVM world with host custody. Every router operation of
 * the golden model has a typed wrapper here, called as a user at a clock (a user-class entry of spec/perp.md
 * PERP-AUTH-001 runs with origin = its user, the signer the model's operations assume); reverts become the model's
 * §12 errors, router logs become model events (router-events.ts), and `state()` reads the router's and
 * every slab's storage, host custody and the feeds back into the model's `PerpState`, so the model's
 * `observe()` and `checkInvariants()` run on VM state. `modelGenesis` builds the model state of the same
 * deployment (same ids, parameters and setup events).
 *
 * Host-side steps (not router calls): deployment (`slab_deployed` events), slab init and failover feeds
 * (set_failover is a slab entry only the router may call; the Router template has no entry for it, so the
 * deployer sends it with the router as origin — a deployment step), oracle publications (host input,
 * PERP-ORC-003, checked here as the host does). PERP-ROUTE-005 is `commit_route`, then `fail_route` when
 * it failed (the executor's composition the spec states).
 */
import type { CompiledModule } from '../../compiler/artifact.ts';
import { execute } from '../../vm/interpreter.ts';
import { ModuleStore, type LoadedModule } from '../../vm/store.ts';
import { World } from '../../vm/world.ts';
import { readUintLE, toSigned } from '../../lib/u128.ts';
import { PERP_ERRORS, type PerpErrorName } from '../model/errors.ts';
import { addFeed, newState } from '../model/state.ts';
import { deploySlab } from '../model/registry.ts';
import type { Feed, PerpEvent, PerpState, RouterParams, SlabParams } from '../model/types.ts';
import type { Chosen, LegRequest } from '../model/routes.ts';
import { custodyOf } from './custody.ts';
import { StorageView } from './layout.ts';
import { readRouter, checkRouterLayout } from './read-router.ts';
import { readSlab } from './read-slab.ts';
import { decodeRouterEvent } from './router-events.ts';
import { CALL_GAS, slabParamsOf, type VmOut } from './slab-vm.ts';
import { checkLayout } from './layout.ts';

const ERROR_BY_CODE = new Map<bigint, PerpErrorName>(Object.entries(PERP_ERRORS).map(([k, v]) => [BigInt(v), k as PerpErrorName]));
/** Entry words per leg (LegIn) and per chosen leg (Chosen) of stdlib/router.curve. */
const LEG_WORDS = 7;
const CHOSEN_WORDS = 6;
const MAX_LEGS = 8;

/** MAKER_CLASS allowances of a slab's init (the directive is not bound to `cfg`: the deployer passes them). */
export interface Allowances {
  readonly dlp: bigint;
  readonly reg: bigint;
}
/** One pair for every slab, or the pair of each slab module (a venue's MAKER_CLASS lines differ per SLAB block). */
export type SlabAllowances = Allowances | ((slab: CompiledModule) => Allowances);

export interface FeedSetup {
  readonly feed: bigint;
  readonly heartbeatMs: bigint;
  readonly staleAfterMs: bigint;
  readonly failover: readonly bigint[];
}

export interface VenueVmSetup {
  /** compileVenue's modules: the router, then the slabs in block order (oracle modules are not deployed). */
  readonly modules: readonly CompiledModule[];
  readonly governance: bigint;
  readonly deployer: bigint;
  readonly vaultCap: bigint;
  /** MAKER_CLASS allowances given to each slab's init: one pair for every slab, or per slab module. */
  readonly allowances: SlabAllowances;
  readonly feeds: readonly FeedSetup[];
  /** Accounts whose wallets and escrows the custody read-back lists (governance is added). */
  readonly users: readonly bigint[];
  readonly now: bigint;
}

interface Deployed {
  readonly id: bigint;
  readonly lm: LoadedModule;
  readonly module: CompiledModule;
  readonly allowances: Allowances;
  readonly params: SlabParams;
}

const words32 = (b: Uint8Array): [bigint, bigint] => [readUintLE(b, 0, 16), readUintLE(b, 16, 16)];

/** The model RouterParams a compiled router's cfg constants stand for. */
export function routerParamsOf(m: CompiledModule, routerId: bigint, governance: bigint, vaultCap: bigint): RouterParams {
  const c = (k: string): bigint => {
    const v = m.constants.get(k);
    if (v === undefined) throw new Error(`internal assertion failed: router constant ${k} missing`);
    return v;
  };
  return {
    routerId,
    governance,
    asset: c('asset'),
    vaultCap,
    capTtlMs: c('cap_ttl_ms'),
    makerBpsMax: c('maker_bps_max'),
    takerBpsMax: c('taker_bps_max'),
    graceMs: c('grace_ms'),
    bandBps: c('band_bps'),
    maxSlices: Number(c('max_slices')),
    marginModel: c('model') === 1n ? 'gross' : 'net',
  };
}

export class VenueVm {
  readonly world = new World();
  readonly store = new ModuleStore();
  readonly routerId: bigint;
  readonly routerParams: RouterParams;
  readonly slabs: readonly Deployed[];
  readonly events: PerpEvent[] = [];
  private readonly router: LoadedModule;
  private readonly routerModule: CompiledModule;
  private readonly topics: Map<bigint, CompiledModule['events'][number]>;
  private readonly hashById = new Map<bigint, string>();
  private readonly idByHash = new Map<string, bigint>();
  private readonly feeds: Map<bigint, FeedSetup>;
  /** Accounts whose wallets and escrows `state()` lists. */
  private readonly watched: Set<bigint>;
  /** While set (`signedBy`), the origin of every router call. */
  private signer: bigint | undefined = undefined;

  constructor(readonly setup: VenueVmSetup) {
    const [routerModule, ...rest] = setup.modules;
    if (routerModule?.kind !== 'router') throw new Error('internal assertion failed: the venue has no router module first');
    checkRouterLayout(routerModule.storage);
    this.routerModule = routerModule;
    this.router = this.store.add(routerModule.bytes);
    this.routerId = this.router.id;
    this.topics = new Map(routerModule.events.map((e) => [e.topic, e]));
    this.routerParams = routerParamsOf(routerModule, this.routerId, setup.governance, setup.vaultCap);
    this.feeds = new Map(setup.feeds.map((f) => [f.feed, f]));
    this.watched = new Set([...setup.users, setup.governance]);
    this.slabs = rest
      .filter((m) => m.kind === 'slab')
      .map((module) => {
        checkLayout(module.storage);
        const lm = this.store.add(module.bytes);
        const allowances = typeof setup.allowances === 'function' ? setup.allowances(module) : setup.allowances;
        return { id: lm.id, lm, module, allowances, params: slabParamsOf(module, allowances) };
      });
    for (const m of [{ id: this.routerId, module: routerModule }, ...this.slabs]) {
      this.hashById.set(m.id, m.module.hash);
      this.idByHash.set(m.module.hash, m.id);
    }
    for (const s of this.slabs) {
      const feed = this.feed(s.params.instruments[0]?.feed ?? 0n);
      this.must(this.exec(s.lm, 'init', [this.routerId, s.allowances.dlp, s.allowances.reg, feed.staleAfterMs], setup.deployer, setup.now), 'slab init');
      feed.failover.forEach((f, i) => this.must(this.exec(s.lm, 'set_failover', [BigInt(i), f, this.feed(f).staleAfterMs], this.routerId, setup.now), 'set_failover'));
      this.events.push({ kind: 'slab_deployed', data: { slab: s.id, codeHash: s.module.hash } });
    }
    this.must(this.exec(this.router, 'init', [setup.governance, setup.vaultCap], setup.deployer, setup.now), 'router init');
  }

  private feed(id: bigint): FeedSetup {
    const f = this.feeds.get(id);
    if (!f) throw new Error(`internal assertion failed: feed ${id.toString(16)} not in the venue setup`);
    return f;
  }

  private must<T>(r: VmOut<T>, what: string): void {
    if (!r.ok) throw new Error(`internal assertion failed: ${what} failed: ${r.error}`);
  }

  /** An independent copy (its own world, events and watched accounts; the same loaded modules): runs start from one deployed genesis. */
  fork(): VenueVm {
    const v = Object.create(VenueVm.prototype) as VenueVm;
    return Object.assign(v, this, { world: this.world.clone(), events: [...this.events], watched: new Set(this.watched) });
  }

  /** Slab id → venue slab index (the router's registry key). */
  slabIndex(id: bigint): bigint {
    const i = this.slabs.findIndex((s) => s.id === id);
    return i < 0 ? BigInt(this.slabs.length + 1) : BigInt(i);
  }

  /** PERP-REG-008: the version word of a model version hash (a module id). */
  versionOf(hash: string): bigint {
    const id = this.idByHash.get(hash);
    if (id === undefined) throw new Error(`internal assertion failed: version ${hash} is not a venue module`);
    return id;
  }

  private hashOf = (v: bigint): string => this.hashById.get(v) ?? `module-id:${v.toString(16)}`;

  private exec(lm: LoadedModule, entry: string, args: readonly bigint[], origin: bigint, now: bigint): VmOut<readonly bigint[]> {
    const r = execute(this.store, this.world, lm.hashHex, entry, [...args], { gasLimit: CALL_GAS, now, origin, stateRoot: false });
    if (r.status === 'revert') {
      const name = ERROR_BY_CODE.get(r.revertCode ?? -1n);
      return { ok: false, code: Number(r.revertCode), error: name ?? `REVERT_${r.revertCode}` };
    }
    if (r.status === 'halt') {
      if (r.halt === 'overflow') return { ok: false, code: PERP_ERRORS.ARITH_OVERFLOW, error: 'ARITH_OVERFLOW' };
      throw new Error(`internal assertion failed: ${entry} halted: ${r.halt} ${r.haltDetail ?? ''}`);
    }
    this.world.commit();
    const events = r.logs
      .filter((l) => l.module === lm.hashHex && lm === this.router)
      .map((l) => {
        const ev = this.topics.get(l.topics[0] as bigint);
        if (!ev) throw new Error('internal assertion failed: router log with an unknown topic');
        return decodeRouterEvent(ev, l.data, this.hashOf);
      });
    this.events.push(...events);
    return { ok: true, out: r.results, events };
  }

  /** One router call as `origin` (the `signedBy` signer while one is set) at `now`, results decoded by `decode`. */
  call<T>(entry: string, args: readonly bigint[], origin: bigint, now: bigint, decode: (w: readonly bigint[]) => T): VmOut<T> {
    const r = this.exec(this.router, entry, args, this.signer ?? origin, now);
    return r.ok ? { ok: true, out: decode(r.out), events: r.events } : r;
  }

  /**
   * PERP-AUTH-001: the router calls `f` makes are signed by `signer` instead of the account each wrapper
   * names (a call for one user signed by another). The model has no such operation: its user operations
   * are signed by their user by definition.
   */
  signedBy<T>(signer: bigint, f: (vm: VenueVm) => T): T {
    const prev = this.signer;
    this.signer = signer;
    try {
      return f(this);
    } finally {
      this.signer = prev;
    }
  }

  // ── host input ─────────────────────────────────────────────────────────────────────────────────

  /** PERP-ORC-003: an oracle publication (host input), with the model's `oracle` event. */
  publishPrice(feed: bigint, price: bigint, publishTime: bigint): VmOut<object> {
    const f = this.feeds.get(feed);
    const q = this.world.oracle(feed);
    const fault = (e: PerpErrorName): VmOut<object> => ({ ok: false, code: PERP_ERRORS[e], error: e });
    if (!f) return fault('ORACLE_UNKNOWN');
    if (price <= 0n) return fault('ORACLE_BAD_PRICE');
    if (q.price !== 0n && publishTime <= q.publishTime) return fault('ORACLE_NOT_MONOTONE');
    this.world.setOracle(feed, { price, publishTime });
    this.world.commit();
    const ev = { kind: 'oracle', data: { feed, price, publishTime } };
    this.events.push(ev);
    return { ok: true, out: {}, events: [ev] };
  }

  /** A host wallet balance (genesis funding of a test account); the account joins the custody read-back. */
  setWallet(user: bigint, asset: bigint, amount: bigint): void {
    this.watched.add(user);
    this.world.setWallet(user, asset, amount);
    this.world.commit();
  }

  // ── governance (PERP-REG-*) ────────────────────────────────────────────────────────────────────

  approveVersion(caller: bigint, hash: string, now: bigint) {
    return this.call('approve_version', [this.versionOf(hash)], caller, now, () => ({}));
  }
  registerSlab(caller: bigint, slab: bigint, now: bigint) {
    return this.call('register_slab', [this.slabIndex(slab)], caller, now, () => ({}));
  }
  setSlabVersion(caller: bigint, slab: bigint, hash: string, now: bigint) {
    return this.call('set_slab_version', [this.slabIndex(slab), this.versionOf(hash)], caller, now, () => ({}));
  }
  setSlabFees(caller: bigint, slab: bigint, makerBps: bigint, takerBps: bigint, now: bigint) {
    return this.call('set_slab_fees', [this.slabIndex(slab), makerBps, takerBps], caller, now, () => ({}));
  }
  setDlp(caller: bigint, slab: bigint, user: bigint, on: boolean, now: bigint) {
    return this.call('set_dlp', [this.slabIndex(slab), user, on ? 1n : 0n], caller, now, () => ({}));
  }

  // ── funds, orders, batches (PERP-RTR-*) ────────────────────────────────────────────────────────

  deposit(user: bigint, asset: bigint, amount: bigint, now: bigint) {
    return this.call('deposit', [user, asset, amount], user, now, () => ({}));
  }
  withdraw(user: bigint, asset: bigint, amount: bigint, now: bigint) {
    return this.call('withdraw', [user, asset, amount], user, now, () => ({}));
  }
  fundInsurance(from: bigint, amount: bigint, now: bigint) {
    return this.call('fund_insurance', [from, amount], from, now, () => ({}));
  }
  settle(user: bigint, now: bigint) {
    return this.call('settle', [user], user, now, (w) => toSigned(w[0] as bigint));
  }
  placeOrder(user: bigint, slab: bigint, instrument: bigint, side: number, px: bigint, qty: bigint, now: bigint) {
    return this.call('place_order', [user, this.slabIndex(slab), instrument, BigInt(side), px, qty], user, now, (w) => ({ orderId: w[0] as bigint, state: w[1] === 1n ? ('PENDING' as const) : ('LIVE' as const) }));
  }
  cancelOrder(user: bigint, slab: bigint, orderId: bigint, now: bigint) {
    return this.call('cancel_order', [user, this.slabIndex(slab), orderId], user, now, (w) => ({ reservedQty: w[0] as bigint }));
  }
  openBatch(slab: bigint, instrument: bigint, now: bigint) {
    return this.call('open_batch', [this.slabIndex(slab), instrument], this.setup.governance, now, (w) => ({ epoch: w[0] as bigint, promoted: w[1] as bigint }));
  }
  tickFunding(slab: bigint, instrument: bigint, now: bigint) {
    return this.call('tick_funding', [this.slabIndex(slab), instrument], this.setup.governance, now, (w) => ({ intervals: w[0] as bigint, ratePerContract: toSigned(w[1] as bigint), cumFunding: toSigned(w[2] as bigint) }));
  }

  // ── routes (PERP-ROUTE-*) ──────────────────────────────────────────────────────────────────────

  nextRouteId(user: bigint, now: bigint): bigint {
    const r = this.call('next_route_id', [user], user, now, (w) => w[0] as bigint);
    if (!r.ok) throw new Error(`internal assertion failed: next_route_id ${r.error}`);
    return r.out;
  }

  reserveRoute(user: bigint, legs: readonly LegRequest[], ttl: bigint, now: bigint) {
    const words: bigint[] = [];
    for (let k = 0; k < MAX_LEGS; k++) {
      const l = legs[k];
      words.push(...(l ? [this.slabIndex(l.slab), l.instrument, BigInt(l.side), l.qty, l.limitPx, ...words32(l.commitment)] : Array<bigint>(LEG_WORDS).fill(0n)));
    }
    return this.call('reserve_route', [user, ttl, BigInt(legs.length), ...words], user, now, (w) => w[0] as bigint);
  }

  /** PERP-ROUTE-004/005: commit_route; when it fails, fail_route records the failure (a no-op error when the route is not open). */
  commitRoute(user: bigint, routeId: bigint, chosen: readonly Chosen[], now: bigint): VmOut<bigint> {
    const words: bigint[] = [];
    for (let k = 0; k < MAX_LEGS; k++) {
      const c = chosen[k];
      words.push(...(c ? [c.holdId, BigInt(c.reveal.side), c.reveal.qty, c.reveal.limitPx, ...words32(c.reveal.salt)] : Array<bigint>(CHOSEN_WORDS).fill(0n)));
    }
    const r = this.call('commit_route', [user, routeId, BigInt(chosen.length), ...words], user, now, (w) => w[0] as bigint);
    if (!r.ok) this.call('fail_route', [user, routeId, BigInt(r.code)], user, now, () => ({}));
    return r;
  }

  cancelRoute(user: bigint, routeId: bigint, now: bigint) {
    return this.call('cancel_route', [user, routeId], user, now, (w) => Number(w[0]));
  }
  expireRoutes(caller: bigint, now: bigint) {
    return this.call('expire_routes', [], caller, now, (w) => Number(w[0]));
  }

  // ── liquidation (PERP-LIQ-*) ───────────────────────────────────────────────────────────────────

  /** 1 restored, 2 margin call, 3 grace, 4 liquidated (the model's actions in that order). */
  liquidate(caller: bigint, user: bigint, now: bigint) {
    return this.call('liquidate', [user], caller, now, (w) => (['', 'restored', 'margin_call', 'grace', 'liquidated'] as const)[Number(w[0])] ?? '');
  }
  coverDeficit(user: bigint, now: bigint) {
    return this.call('cover_deficit', [user], user, now, (w) => w[0] as bigint);
  }

  // ── read-back (spec/perp.md §14) ───────────────────────────────────────────────────────────────

  private view(lm: LoadedModule, m: CompiledModule): StorageView {
    return new StorageView(this.world.segment(lm.hashHex, lm.module.memory.storageBytes).bytes, m.storage);
  }

  /** PERP-ROUTE-007: route record slots ever used (the pool's high-water mark, `route_n`): not an observable; it shows records are reused. */
  routeSlotsUsed(): bigint {
    return this.view(this.router, this.routerModule).scalar('route_n');
  }

  /** The venue's observable state in the model's shape. */
  state(): PerpState {
    const rec = readRouter(this.view(this.router, this.routerModule), { slabIds: this.slabs.map((s) => s.id), versionHash: this.hashOf });
    const oracles = new Map<bigint, Feed>();
    for (const f of this.setup.feeds) {
      const q = this.world.oracle(f.feed);
      oracles.set(f.feed, { price: q.price, publishTime: q.publishTime, heartbeatMs: f.heartbeatMs, staleAfterMs: f.staleAfterMs, failover: [...f.failover] });
    }
    const slabs = new Map(this.slabs.map((s) => [s.id, readSlab(this.view(s.lm, s.module), { slabId: s.id, router: this.routerId, params: s.params })]));
    const custody = custodyOf(this.world, { users: [...this.watched], slabs: this.slabs.map((s) => s.id), assets: [this.routerParams.asset] });
    return { custody, router: { params: this.routerParams, ...rec }, oracles, slabs, events: [...this.events] };
  }
}

/** The model state of the same deployment: router params, feeds, and the slabs deployed with the VM's ids and parameters. */
export function modelGenesis(vm: VenueVm): PerpState {
  const st = newState(vm.routerParams);
  for (const f of vm.setup.feeds) addFeed(st, f.feed, { heartbeatMs: f.heartbeatMs, staleAfterMs: f.staleAfterMs, failover: [...f.failover] });
  for (const s of vm.slabs) deploySlab(st, s.id, s.params, vm.setup.now);
  return st;
}
