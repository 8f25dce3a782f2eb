/**
 * The BatchExecutor on CurveVM (spec/sequencer.md §4, SEQ-EXE-001, SEQ-EXE-005): every intent runs as
 * calls of the compiled Router (and through it the Slab modules) in a `VenueVm` world
 * (reference/perp/vm/venue-vm.ts); boundary work (SEQ-TTL-001 `expire_routes`, SEQ-WIN-001 `open_batch`)
 * is router calls too. After each call the venue's storage is read back into the model's `PerpState`
 * shape, so the state entries of the root (SEQ-ROOT-002), the re-routing of SEQ-STALE-002 and the
 * invariant checks are the ModelExecutor's own code over VM state: on the same genesis and blocks both
 * executors give the same state roots (SEQ-EXE-005, test/sequencer/vm-executor.test.ts).
 *
 * SEQ-STATE-001 on the VM: the router frees a closed route's record at once (PERP-ROUTE-007), so a later
 * commit or cancel of it fails UNKNOWN_ROUTE on the VM as on the model; burned caps stay in the host world,
 * so their retirement at a boundary is a view (they leave the read-back). A VM outcome the model cannot
 * produce throws: the executors would diverge.
 */
import { bigToJson, hexToBytes } from '../lib/hex.ts';
import type * as M from '../perp/model/index.ts';
import { MAX_ROUTES } from '../perp/model/types.ts';
import type { VmOut } from '../perp/vm/slab-vm.ts';
import type { VenueVm } from '../perp/vm/venue-vm.ts';
import type { BatchExecutor } from './executor.ts';
import type { Intent } from './intent.ts';
import { ModelExecutor } from './model-executor.ts';

export interface VmExecutorConfig {
  /** The deployed venue after genesis (the executor works on a fork; the caller's copy is never touched). */
  readonly vm: VenueVm;
  readonly exposureCeiling: bigint;
  readonly staleWindows: bigint;
}

interface VmSnapshot {
  readonly vm: VenueVm;
  readonly down: readonly bigint[];
  readonly stale: readonly bigint[];
  readonly retired: readonly bigint[];
  readonly retiredCaps: readonly bigint[];
}

type RunResult = { ok: true; state: M.PerpState; out: Record<string, string> } | { ok: false; state: M.PerpState; error: string };

const hx = bigToJson;


export class VmExecutor extends ModelExecutor {
  private vm: VenueVm;
  /** SEQ-STATE-001: routes (and burned caps) retired at a boundary; kept in VM storage, absent from the read-back. */
  private retired = new Set<bigint>();
  private retiredCaps = new Set<bigint>();

  constructor(config: VmExecutorConfig) {
    super({ genesis: config.vm.state(), exposureCeiling: config.exposureCeiling, staleWindows: config.staleWindows });
    this.vm = config.vm.fork();
    this.sync();
  }

  /** The VM venue (read-only use: tests). */
  get venue(): VenueVm {
    return this.vm;
  }

  /** Reads the venue back into `st`, without retired routes and caps and without events. */
  private sync(): void {
    const st = this.vm.state();
    this.vm.events.length = 0;
    st.events.length = 0;
    for (const id of this.retired) st.router.routes.delete(id);
    for (const id of this.retiredCaps) st.custody.caps.delete(id);
    this.st = st;
  }

  /**
   * A VM refusal the model would not give here: ROUTES_FULL while fewer than MAX_ROUTES routes are open (both
   * sides refuse only at MAX_ROUTES open routes, PERP-ROUTE-007). The executors would diverge: execution stops.
   */
  private diverges(error: string): boolean {
    return error === 'ROUTES_FULL' && this.st.router.routes.size < MAX_ROUTES;
  }

  /** A VM call's outcome; the state is read back after a success (a revert changes nothing). */
  private done<T>(r: VmOut<T>, out: (x: T, events: readonly M.PerpEvent[]) => Record<string, string>, what: string): RunResult {
    if (!r.ok && this.diverges(r.error)) throw new Error(`VM executor: ${what} failed with ${r.error} while ${this.st.router.routes.size} routes are open (the model refuses only at MAX_ROUTES = ${MAX_ROUTES}, PERP-ROUTE-007); stopping before the executors diverge`);
    if (!r.ok) return { ok: false, state: this.st, error: r.error };
    this.sync();
    return { ok: true, state: this.st, out: out(r.out, r.events) };
  }

  protected override expire(now: bigint): string[] {
    const due = [...this.st.router.routes.values()].filter((r) => r.status === 'open' && r.expiry <= now).map((r) => hx(r.routeId));
    if (due.length) {
      const r = this.vm.expireRoutes(this.vm.setup.governance, now);
      if (!r.ok) throw new Error(`VM executor: expire_routes failed with ${r.error} at ${now}`);
      this.sync();
    }
    return due;
  }

  protected override openBatch(slab: bigint, instrument: bigint, now: bigint): boolean {
    const r = this.vm.openBatch(slab, instrument, now);
    if (r.ok) this.sync();
    return r.ok;
  }

  protected override retireClosedRoutes(): void {
    for (const [id, c] of this.st.custody.caps) if (c.burned) this.retiredCaps.add(id);
    this.sync();
  }

  /** One intent as router calls; all-or-nothing as on the model (a failed commit is `commit_route` then `fail_route`, PERP-ROUTE-005). */
  protected override run(intent: Intent, now: bigint): RunResult {
    const user = intent.account;
    const asset = this.st.router.params.asset;
    const b = intent.body;
    const vm = this.vm;
    switch (b.kind) {
      case 'deposit':
        return this.done(vm.deposit(user, asset, b.amount, now), () => ({}), 'deposit');
      case 'withdraw':
        return this.done(vm.withdraw(user, asset, b.amount, now), () => ({}), 'withdraw');
      case 'order':
        return this.done(vm.placeOrder(user, b.slab, b.instrument, b.side, b.px, b.qty, now), (p) => ({ orderId: hx(p.orderId) }), 'place_order');
      case 'cancel_order':
        return this.done(vm.cancelOrder(user, b.slab, b.orderId, now), () => ({}), 'cancel_order');
      case 'reserve': {
        const legs = this.reroute(b.legs);
        if (!legs) return { ok: false, state: this.st, error: 'NO_HEALTHY_SLAB' };
        const req = legs.map((l) => ({ slab: l.slab, instrument: l.instrument, side: l.side, qty: l.qty, limitPx: l.limitPx, commitment: hexToBytes(l.commitment) }));
        const r = vm.reserveRoute(user, req, b.ttlMs, now);
        return this.done(r, (routeId) => {
          const route = this.st.router.routes.get(routeId);
          if (!route) throw new Error(`internal assertion failed: VM executor: reserved route ${hx(routeId)} not in the read-back`);
          return { routeId: hx(routeId), expiry: hx(now + b.ttlMs), slabs: legs.map((l) => hx(l.slab)).join(','), holds: route.legs.map((l) => hx(l.holdId)).join(',') };
        }, 'reserve_route');
      }
      case 'commit': {
        if (this.retired.has(b.routeId)) return { ok: false, state: this.st, error: 'UNKNOWN_ROUTE' };
        const route = this.st.router.routes.get(b.routeId);
        const chosen: M.Chosen[] = b.chosen.map((c) => ({
          holdId: route?.legs[c.leg]?.holdId ?? 0n,
          reveal: { side: c.side, qty: c.qty, limitPx: c.limitPx, salt: hexToBytes(c.salt) },
        }));
        const r = vm.commitRoute(user, b.routeId, chosen, now);
        // a failed commit may have failed the route (fail_route ran): read back either way
        if (!r.ok) {
          if (this.diverges(r.error)) return this.done(r, () => ({}), 'commit_route');
          this.sync();
          return { ok: false, state: this.st, error: r.error };
        }
        return this.done(r, (_, events) => {
          const fills = events.filter((e) => e.kind === 'committed').map((e) => e.data as { filled: bigint; fee: bigint; tax: bigint });
          return { filled: fills.map((x) => hx(x.filled)).join(','), charge: fills.map((x) => hx(x.fee + x.tax)).join(',') };
        }, 'commit_route');
      }
      case 'cancel':
        if (this.retired.has(b.routeId)) return { ok: false, state: this.st, error: 'UNKNOWN_ROUTE' };
        return this.done(vm.cancelRoute(user, b.routeId, now), (n) => ({ cancelled: hx(BigInt(n)) }), 'cancel_route');
      case 'oracle':
        return this.done(vm.publishPrice(b.feed, b.price, now), () => ({}), 'publish');
      case 'slab_status':
        return super.run(intent, now);
    }
  }

  /** SEQ-EXE-003: the durable copy is a fork of the VM world plus the sequencer's sets. */
  snapshot(): unknown {
    return { vm: this.vm.fork(), down: [...this.seq.down], stale: [...this.seq.stale], retired: [...this.retired], retiredCaps: [...this.retiredCaps] } satisfies VmSnapshot;
  }

  restore(snapshot: unknown): void {
    const s = snapshot as VmSnapshot;
    this.vm = s.vm.fork();
    this.seq = { down: new Set(s.down), stale: new Set(s.stale) };
    this.retired = new Set(s.retired);
    this.retiredCaps = new Set(s.retiredCaps);
    this.sync();
  }

  fork(): BatchExecutor {
    const e = Object.create(Object.getPrototypeOf(this) as object) as VmExecutor;
    Object.assign(e, this);
    e.vm = this.vm.fork();
    e.seq = { down: new Set(this.seq.down), stale: new Set(this.seq.stale) };
    e.retired = new Set(this.retired);
    e.retiredCaps = new Set(this.retiredCaps);
    return e;
  }
}
