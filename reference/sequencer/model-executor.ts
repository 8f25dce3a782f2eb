/**
 * The BatchExecutor over the perp golden model (spec/sequencer.md §4–§6; reference/perp/model). Each
 * intent runs through the model's all-or-nothing boundary (`step`, `commitRoute`); the model's event list
 * is moved into the receipt and cleared, so the state holds no history. Boundary work at block time
 * (SEQ-TTL-001 expiry of routes whose caps expired — F1; SEQ-WIN-001 batch opens from each slab's
 * `batchMs`; SEQ-STALE-001 stale marking; SEQ-STATE-001 retirement of closed routes) runs before the
 * block's intents. Reserve legs on a stale slab are re-routed to a healthy slab trading the same
 * instrument within the per-slab exposure ceiling (SEQ-STALE-002).
 */
import { bigToJson } from '../lib/hex.ts';
import { hexToBytes } from '../lib/hex.ts';
import { utf8Bytes } from '../lib/hash.ts';
import type { StateEntry } from '../lib/state-tree.ts';
import * as M from '../perp/model/index.ts';
import type { Json } from '../perp/model/observe.ts';
import type { BatchExecutor, BoundaryReport, IntentReceipt } from './executor.ts';
import type { Intent, ReserveLeg } from './intent.ts';

export interface ModelExecutorConfig {
  /** The venue after genesis (slabs deployed and registered, feeds, funded wallets). */
  readonly genesis: M.PerpState;
  /** SEQ-STALE-002: Σ open reserved qty a slab may carry when legs are re-routed to it. */
  readonly exposureCeiling: bigint;
  /** SEQ-STALE-001: a slab whose batch has not opened for this many of its windows is stale. */
  readonly staleWindows: bigint;
}

interface SeqState {
  /** Slabs an operator marked down (their batches do not open). */
  readonly down: Set<bigint>;
  readonly stale: Set<bigint>;
}

interface Snapshot {
  readonly st: M.PerpState;
  readonly seq: SeqState;
}

const hx = bigToJson;

/** Flatten the observable snapshot into entries `section/key/key`, three levels deep (SEQ-ROOT-002). */
function flatten(prefix: string, v: Json, depth: number, out: StateEntry[]): void {
  if (depth > 0 && v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const k of Object.keys(v)) flatten(`${prefix}/${k}`, v[k] as Json, depth - 1, out);
    return;
  }
  out.push({ key: prefix, value: utf8Bytes(JSON.stringify(v)) });
}

export class ModelExecutor implements BatchExecutor {
  protected st: M.PerpState;
  protected seq: SeqState = { down: new Set(), stale: new Set() };
  protected readonly hostTotal: bigint;

  constructor(protected readonly config: ModelExecutorConfig) {
    this.st = M.cloneState(config.genesis);
    this.st.events.length = 0;
    this.hostTotal = M.custodyTotal(config.genesis.custody, config.genesis.router.params.asset);
  }

  /** The model state (read-only use: checkers and tests). */
  get state(): M.PerpState {
    return this.st;
  }

  get staleSlabs(): readonly bigint[] {
    return [...this.seq.stale].sort((a, b) => (a < b ? -1 : 1));
  }

  /** SEQ-TTL-001: the routes whose caps expired at `now` (expiry ≤ now) are cancelled; holds released once. */
  protected expire(now: bigint): string[] {
    const due = [...this.st.router.routes.values()].filter((r) => r.status === 'open' && r.expiry <= now).map((r) => hx(r.routeId));
    if (due.length) this.st = M.step(this.st, (s) => M.expireRoutes(s, now)).state;
    return due;
  }

  boundary(now: bigint): BoundaryReport {
    const expired = this.expire(now);
    const opened: string[] = [];
    const nowStale: string[] = [];
    const nowHealthy: string[] = [];
    for (const slab of [...this.st.router.registry.keys()].sort((a, b) => (a < b ? -1 : 1))) {
      const s = this.st.slabs.get(slab);
      if (!s) continue;
      if (!this.seq.down.has(slab)) {
        for (const ins of s.instruments) {
          // SEQ-WIN-001: the slab's own window: a batch opens when now ≥ batch_open_at + batch_ms.
          if (now < ins.batchOpenAt + s.header.batchMs) continue;
          if (this.openBatch(slab, ins.index, now)) opened.push(`${hx(slab)}/${hx(ins.index)}`);
        }
      }
      // SEQ-STALE-001: stale once `staleWindows` windows passed without a batch open; healthy again after one.
      const cur = this.st.slabs.get(slab) as M.SlabState;
      const last = cur.instruments.reduce((m, i) => (i.batchOpenAt < m ? i.batchOpenAt : m), now);
      const missed = now >= last + cur.header.batchMs * this.config.staleWindows;
      if (missed && !this.seq.stale.has(slab)) {
        this.seq.stale.add(slab);
        nowStale.push(hx(slab));
      } else if (!missed && this.seq.stale.has(slab)) {
        this.seq.stale.delete(slab);
        nowHealthy.push(hx(slab));
      }
    }
    this.retireClosedRoutes();
    this.st.events.length = 0;
    return { expired, opened, nowStale, nowHealthy };
  }

  /** SEQ-WIN-001: one batch open (all-or-nothing); true when it opened. */
  protected openBatch(slab: bigint, instrument: bigint, now: bigint): boolean {
    const r = M.step(this.st, (x) => M.openBatch(x, slab, instrument, now));
    if (r.ok) this.st = r.state;
    return r.ok;
  }

  /**
   * SEQ-STATE-001: closed routes (committed, cancelled, failed) leave the state — the router frees their
   * records at once (PERP-ROUTE-007) — and their burned caps leave it at the next boundary (a cap burns
   * only when its leg's route closes, PERP-ROUTE-002).
   */
  protected retireClosedRoutes(): void {
    const caps = this.st.custody.caps;
    for (const [id, c] of caps) if (c.burned) caps.delete(id);
  }

  /** Σ qty of open legs per slab: the exposure the ceiling of SEQ-STALE-002 bounds. */
  exposure(slab: bigint): bigint {
    let q = 0n;
    for (const r of this.st.router.routes.values()) if (r.status === 'open') for (const l of r.legs) if (l.slab === slab && l.status === 'open') q += l.qty;
    return q;
  }

  /** SEQ-STALE-002: legs on stale or down slabs move to the first healthy slab (by id) with the same instrument and room under the ceiling. */
  reroute(legs: readonly ReserveLeg[]): ReserveLeg[] | null {
    const added = new Map<bigint, bigint>();
    const out: ReserveLeg[] = [];
    for (const l of legs) {
      const bad = (slab: bigint): boolean => this.seq.stale.has(slab) || this.seq.down.has(slab);
      if (!bad(l.slab)) {
        out.push(l);
        continue;
      }
      const want = this.st.slabs.get(l.slab)?.instruments[Number(l.instrument)];
      const alt = [...this.st.router.registry.keys()]
        .sort((a, b) => (a < b ? -1 : 1))
        .find((slab) => {
          const ins = this.st.slabs.get(slab)?.instruments[Number(l.instrument)];
          const room = this.exposure(slab) + (added.get(slab) ?? 0n) + l.qty <= this.config.exposureCeiling;
          return !bad(slab) && !!want && !!ins && ins.symbol === want.symbol && ins.feed === want.feed && room;
        });
      if (alt === undefined) return null;
      added.set(alt, (added.get(alt) ?? 0n) + l.qty);
      out.push({ ...l, slab: alt });
    }
    return out;
  }

  apply(intent: Intent, id: string, now: bigint): IntentReceipt {
    const head = { id, account: intent.account, nonce: intent.nonce, kind: intent.body.kind };
    const r = this.run(intent, now);
    if (r.ok) {
      this.st = r.state;
      this.st.events.length = 0;
      return { ...head, ok: true, out: r.out };
    }
    this.st = r.state;
    this.st.events.length = 0;
    return { ...head, ok: false, error: r.error };
  }

  /** One intent against the model; every branch is all-or-nothing (a route commit failure cancels the route, PERP-ROUTE-005). */
  protected run(intent: Intent, now: bigint): { ok: true; state: M.PerpState; out: Record<string, string> } | { ok: false; state: M.PerpState; error: string } {
    const user = intent.account;
    const asset = this.st.router.params.asset;
    const b = intent.body;
    const done = <T>(r: M.OpResult<T>, out: (x: T) => Record<string, string>): ReturnType<ModelExecutor['run']> =>
      r.ok ? { ok: true, state: r.state, out: out(r.out) } : { ok: false, state: r.state, error: r.error };
    switch (b.kind) {
      case 'deposit':
        return done(M.step(this.st, (s) => M.deposit(s, user, asset, b.amount)), () => ({}));
      case 'withdraw':
        return done(M.step(this.st, (s) => M.withdraw(s, user, asset, b.amount, now)), () => ({}));
      case 'order':
        return done(M.step(this.st, (s) => M.placeOrder(s, user, b.slab, b.instrument, b.side, b.px, b.qty, now)), (p) => ({ orderId: hx(p.orderId) }));
      case 'cancel_order':
        return done(M.step(this.st, (s) => M.cancelOrder(s, user, b.slab, b.orderId)), () => ({}));
      case 'reserve': {
        const legs = this.reroute(b.legs);
        if (!legs) return { ok: false, state: this.st, error: 'NO_HEALTHY_SLAB' };
        const req = legs.map((l) => ({ slab: l.slab, instrument: l.instrument, side: l.side, qty: l.qty, limitPx: l.limitPx, commitment: hexToBytes(l.commitment) }));
        return done(M.step(this.st, (s) => M.reserveRoute(s, user, req, b.ttlMs, now)), (o) => ({
          routeId: hx(o.routeId),
          expiry: hx(now + b.ttlMs),
          slabs: legs.map((l) => hx(l.slab)).join(','),
          holds: o.legs.map((l) => hx(l.holdId)).join(','),
        }));
      }
      case 'commit': {
        const route = this.st.router.routes.get(b.routeId);
        const chosen = b.chosen.map((c) => ({
          holdId: route?.legs[c.leg]?.holdId ?? 0n,
          reveal: { side: c.side, qty: c.qty, limitPx: c.limitPx, salt: hexToBytes(c.salt) },
        }));
        return done(this.commit(user, b.routeId, chosen, now), (o) => ({ filled: o.map((x) => hx(x.filled)).join(','), charge: o.map((x) => hx(x.charge)).join(',') }));
      }
      case 'cancel':
        return done(M.step(this.st, (s) => M.cancelRoute(s, user, b.routeId)), (o) => ({ cancelled: hx(BigInt(o.cancelled)) }));
      case 'oracle':
        return done(M.step(this.st, (s) => M.publishPrice(s, b.feed, b.price, now)), () => ({}));
      case 'slab_status': {
        if (b.down) this.seq.down.add(b.slab);
        else this.seq.down.delete(b.slab);
        return { ok: true, state: this.st, out: {} };
      }
    }
  }

  /** A route commit (overridable by planted-bug executors in soak/). */
  protected commit(user: bigint, routeId: bigint, chosen: M.Chosen[], now: bigint): M.OpResult<{ filled: bigint; charge: bigint }[]> {
    return M.commitRoute(this.st, user, routeId, chosen, now);
  }

  entries(): StateEntry[] {
    const snap = M.observe(this.st) as { [k: string]: Json };
    const out: StateEntry[] = [];
    for (const k of ['custody', 'router', 'oracles', 'slabs']) flatten(`perp/${k}`, snap[k] as Json, 2, out);
    for (const s of this.seq.down) out.push({ key: `seq/down/${hx(s)}`, value: Uint8Array.of(1) });
    for (const s of this.seq.stale) out.push({ key: `seq/stale/${hx(s)}`, value: Uint8Array.of(1) });
    return out;
  }

  /** SEQ-EXE-003: a deep copy; the executor never mutates a snapshot it was given or gave out. */
  snapshot(): unknown {
    return structuredClone({ st: this.st, seq: this.seq } satisfies Snapshot);
  }

  /** Adopts a copy of `snapshot`. */
  restore(snapshot: unknown): void {
    const s = structuredClone(snapshot) as Snapshot;
    this.st = s.st;
    this.seq = s.seq;
  }

  /** One deep copy of the state (restore(snapshot()) would copy twice). */
  fork(): BatchExecutor {
    const e = Object.create(Object.getPrototypeOf(this) as object) as ModelExecutor;
    Object.assign(e, this);
    const copy = structuredClone({ st: this.st, seq: this.seq } satisfies Snapshot);
    e.st = copy.st;
    e.seq = copy.seq;
    return e;
  }

  checkInvariants(now: bigint): string[] {
    return M.checkInvariants(this.st, { hostTotal: this.hostTotal, now });
  }
}
