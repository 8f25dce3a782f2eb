/**
 * The workload: simulated clients that submit realistic intents (spec/sequencer.md §9) — makers posting
 * and cancelling orders on every slab, traders reserving one- and two-leg routes across slabs and then
 * committing (sometimes after the expiry, sometimes with a wrong salt), cancelling, or letting the route
 * expire, re-sending commits for closed routes (F3), depositing and withdrawing, and an oracle moving
 * prices. A client acknowledges an intent when f+1 nodes report the same receipt; acknowledgements form
 * the client-visible history the offline history checker reads.
 */
import { bytesToHex, hexToBytes } from '../reference/lib/hex.ts';
import { sha256, utf8Bytes } from '../reference/lib/hash.ts';
import type { Prng } from '../reference/lib/prng.ts';
import { commitment, routeId as routeIdOf } from '../reference/script/ids.ts';
import { type KeyPair } from '../reference/sequencer/crypto.ts';
import type { IntentReceipt } from '../reference/sequencer/executor.ts';
import { intentId, signIntent, type Intent, type IntentBody, type ReserveLeg } from '../reference/sequencer/intent.ts';
import { BTC_FEED, SOAK_SLABS, SOL_BACKUP, SOL_FEED, type SoakSlabs } from './venue.ts';

export type Role = 'maker' | 'trader' | 'oracle' | 'operator';

export interface Market {
  solPx: bigint;
  btcPx: bigint;
}

export interface HistoryEntry {
  readonly client: number;
  readonly id: string;
  readonly kind: IntentBody['kind'];
  readonly routeId?: bigint;
  readonly submitAt: number;
  readonly ackAt: number;
  readonly height: number;
  readonly blockTime: bigint;
  readonly ok: boolean;
  readonly error?: string;
  readonly out?: Readonly<Record<string, string>>;
}

interface Pending {
  readonly intent: Intent;
  readonly submitAt: number;
  lastSend: number;
  readonly votes: Map<string, Set<number>>;
}

interface OpenRoute {
  readonly routeId: bigint;
  readonly legs: readonly ReserveLeg[];
  readonly salt: string;
  /** Think time after the reserve is acknowledged (a 'late' plan waits past the expiry instead). */
  readonly delayMs: number;
  readonly ttlMs: number;
  readonly plan: 'commit' | 'late' | 'cancel' | 'expire' | 'bad-salt';
  /** Set when the reserve is acknowledged. */
  commitAt: number;
}


export class SimClient {
  readonly account: bigint;
  nonce = 0n;
  readonly pending = new Map<string, Pending>();
  private routeNonce = 0n;
  private route: OpenRoute | null = null;
  private readonly orders = new Map<bigint, bigint[]>();
  private retry: bigint | null = null;

  constructor(
    readonly index: number,
    readonly role: Role,
    readonly key: KeyPair,
    private readonly descriptor: string,
    private readonly quorum: number,
    private readonly slabs: SoakSlabs = SOAK_SLABS,
  ) {
    this.account = signIntent(key, descriptor, 0n, { kind: 'deposit', amount: 1n }).account;
  }

  private pxOf(m: Market, slab: bigint): bigint {
    return slab === this.slabs.btc ? m.btcPx : m.solPx;
  }

  private tickOf(slab: bigint): bigint {
    return slab === this.slabs.btc ? this.slabs.btcTick : this.slabs.solTick;
  }

  private make(body: IntentBody, now: number): Intent {
    const intent = signIntent(this.key, this.descriptor, this.nonce, body);
    this.nonce += 1n;
    this.pending.set(intentId(intent), { intent, submitAt: now, lastSend: now, votes: new Map() });
    return intent;
  }

  /** What the client does when it wakes: new intents (to be sent to every node). */
  wake(now: number, p: Prng, m: Market): Intent[] {
    switch (this.role) {
      case 'oracle':
        return this.oracle(now, p, m);
      case 'maker':
        return this.pending.size >= 3 ? [] : [this.maker(now, p, m)];
      case 'trader':
        return this.pending.size > 0 ? [] : this.trader(now, p, m);
      case 'operator':
        return [];
    }
  }

  /** Operator intents are driven by the fault schedule (slab outages). */
  slabStatus(now: number, slab: bigint, down: boolean): Intent {
    return this.make({ kind: 'slab_status', slab, down }, now);
  }

  private oracle(now: number, p: Prng, m: Market): Intent[] {
    if (this.pending.size > 6) return [];
    // A random walk of up to ±3 ticks every ~250 ms (makers quote 1..8 ticks around it).
    m.solPx += BigInt(p.range(-3, 3)) * this.slabs.solTick;
    m.btcPx += BigInt(p.range(-3, 3)) * this.slabs.btcTick;
    if (m.solPx < 50_000_000n) m.solPx = 50_000_000n;
    if (m.btcPx < 30_000_000_000n) m.btcPx = 30_000_000_000n;
    return [
      this.make({ kind: 'oracle', feed: SOL_FEED, price: m.solPx }, now),
      this.make({ kind: 'oracle', feed: SOL_BACKUP, price: m.solPx }, now),
      this.make({ kind: 'oracle', feed: BTC_FEED, price: m.btcPx }, now),
    ];
  }

  private maker(now: number, p: Prng, m: Market): Intent {
    const slab = p.pick([this.slabs.a, this.slabs.b, this.slabs.btc]);
    const known = this.orders.get(slab) ?? [];
    if (known.length > 24) return this.make({ kind: 'cancel_order', slab, orderId: known.shift() as bigint }, now);
    const side = p.below(2) as 0 | 1;
    const ticks = BigInt(p.range(1, 8));
    const px = side === 1 ? this.pxOf(m, slab) + ticks * this.tickOf(slab) : this.pxOf(m, slab) - ticks * this.tickOf(slab);
    return this.make({ kind: 'order', slab, instrument: 0n, side, px, qty: BigInt(p.range(5, 30)) }, now);
  }

  private trader(now: number, p: Prng, m: Market): Intent[] {
    if (this.retry !== null && p.chance(1, 2)) {
      const routeId = this.retry;
      this.retry = null;
      // F3: a commit for a route that is already closed (the client thinks its first commit was lost).
      return [this.make({ kind: 'commit', routeId, chosen: [{ leg: 0, side: 0, qty: 1n, limitPx: 1n, salt: '00'.repeat(32) }] }, now)];
    }
    const r = this.route;
    if (r) {
      if (now < r.commitAt) return [];
      if (r.plan === 'expire') {
        this.route = null;
        return [];
      }
      if (r.plan === 'cancel') return [this.make({ kind: 'cancel', routeId: r.routeId }, now)];
      const salt = r.plan === 'bad-salt' ? '11'.repeat(32) : r.salt;
      const chosen = r.legs.map((l, leg) => ({ leg, side: l.side, qty: l.qty, limitPx: l.limitPx, salt }));
      return [this.make({ kind: 'commit', routeId: r.routeId, chosen }, now)];
    }
    const roll = p.below(100);
    if (roll < 8) return [this.make({ kind: 'deposit', amount: BigInt(p.range(1, 1000)) * 1_000_000n }, now)];
    if (roll < 16) return [this.make({ kind: 'withdraw', amount: BigInt(p.range(1, 1000)) * 1_000_000n }, now)];
    if (roll < 20) return [];
    return [this.reserve(now, p, m)];
  }

  private reserve(now: number, p: Prng, m: Market): Intent {
    const routeId = routeIdOf(this.account, this.routeNonce);
    const salt = bytesToHex(sha256(utf8Bytes(`salt:${this.account}:${this.routeNonce}`)));
    const side = p.below(2) as 0 | 1;
    const { a, b, btc } = this.slabs;
    const slabs: bigint[] = p.chance(1, 4) ? [btc] : p.chance(1, 3) ? [a, b] : [p.pick([a, b])];
    const qty = BigInt(p.range(1, 5));
    const legs = slabs.map((slab): ReserveLeg => {
      const ticks = BigInt(p.range(2, 12)) * this.tickOf(slab);
      const limitPx = side === 0 ? this.pxOf(m, slab) + ticks : this.pxOf(m, slab) - ticks;
      const c = bytesToHex(commitment(routeId, 0n, BigInt(side), qty, limitPx, hexToBytes(salt)));
      return { slab, instrument: 0n, side, qty, limitPx, commitment: c };
    });
    const ttlMs = BigInt(p.chance(1, 5) ? p.range(200, 600) : p.range(1_000, 5_000));
    const roll = p.below(100);
    const plan = roll < 66 ? 'commit' : roll < 74 ? 'late' : roll < 84 ? 'cancel' : roll < 92 ? 'expire' : 'bad-salt';
    const delayMs = p.range(0, Math.max(1, Math.floor(Number(ttlMs) / 3)));
    this.pendingRoute = { routeId, legs, salt, delayMs, ttlMs: Number(ttlMs), plan, commitAt: 0 };
    return this.make({ kind: 'reserve', legs, ttlMs }, now);
  }

  private pendingRoute: OpenRoute | null = null;

  /**
   * A receipt from node `from`; the intent is acknowledged once f+1 nodes report the same (height, result).
   * Returns the history entry on acknowledgement.
   */
  onReceipt(from: number, height: number, blockTime: bigint, rc: IntentReceipt, now: number): HistoryEntry | null {
    const pend = this.pending.get(rc.id);
    if (!pend) return null;
    const key = `${height}|${rc.ok}|${rc.error ?? ''}|${JSON.stringify(rc.out ?? {})}`;
    const s = pend.votes.get(key) ?? new Set<number>();
    s.add(from);
    pend.votes.set(key, s);
    if (s.size < this.quorum) return null;
    this.pending.delete(rc.id);
    this.learn(pend.intent.body, rc, now);
    const b = pend.intent.body;
    const routeId = b.kind === 'commit' || b.kind === 'cancel' ? b.routeId : rc.out?.routeId ? BigInt(rc.out.routeId) : undefined;
    return {
      client: this.index,
      id: rc.id,
      kind: b.kind,
      ...(routeId !== undefined ? { routeId } : {}),
      submitAt: pend.submitAt,
      ackAt: now,
      height,
      blockTime,
      ok: rc.ok,
      ...(rc.error ? { error: rc.error } : {}),
      ...(rc.out ? { out: rc.out } : {}),
    };
  }

  private learn(b: IntentBody, rc: IntentReceipt, now: number): void {
    if (b.kind === 'order' && rc.ok && rc.out?.orderId) {
      const l = this.orders.get(b.slab) ?? [];
      l.push(BigInt(rc.out.orderId));
      this.orders.set(b.slab, l);
    }
    if (b.kind === 'reserve') {
      if (rc.ok && this.pendingRoute) {
        this.routeNonce += 1n;
        const r = this.pendingRoute;
        // A 'late' commit is sent after the route's expiry (F1); the others think for delayMs first.
        r.commitAt = now + (r.plan === 'late' ? r.ttlMs + r.delayMs : r.delayMs);
        this.route = r;
      }
      this.pendingRoute = null;
    }
    if ((b.kind === 'commit' || b.kind === 'cancel') && this.route && b.routeId === this.route.routeId) {
      if (b.kind === 'commit') this.retry = b.routeId;
      this.route = null;
    }
  }

  /** Intents not acknowledged after `retryMs`: re-sent (the mempool de-duplicates them). */
  due(now: number, retryMs: number): Intent[] {
    const out: Intent[] = [];
    for (const p of this.pending.values()) {
      if (now - p.lastSend >= retryMs) {
        p.lastSend = now;
        out.push(p.intent);
      }
    }
    return out;
  }
}
