/**
 * The mempool (spec/sequencer.md §2, SEQ-MEM-*): admitted intents waiting for a block, de-duplicated by
 * intent id and kept in per-account nonce order. A proposer takes, account by account in order of first
 * arrival, the run of consecutive nonces starting at the account's next nonce; an intent behind a gap
 * waits. Nothing here reads a clock; arrival order is a counter.
 */
import { intentId, type Intent } from './intent.ts';

export type AdmitResult = 'added' | 'duplicate' | 'stale-nonce' | 'nonce-taken' | 'full';

interface Pending {
  readonly id: string;
  readonly intent: Intent;
  readonly seq: number;
}

export class Mempool {
  private readonly byId = new Map<string, Pending>();
  private readonly byAccount = new Map<bigint, Map<bigint, Pending>>();
  private seq = 0;

  constructor(private readonly capacity = 10_000) {}

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /**
   * SEQ-MEM-001: de-duplication by intent id. SEQ-MEM-002: a nonce below the account's next nonce is
   * stale; a second, different intent for a pending (account, nonce) is refused (the first one wins).
   */
  add(intent: Intent, nextNonce: bigint): AdmitResult {
    const id = intentId(intent);
    if (this.byId.has(id)) return 'duplicate';
    if (intent.nonce < nextNonce) return 'stale-nonce';
    const acct = this.byAccount.get(intent.account) ?? new Map<bigint, Pending>();
    if (acct.has(intent.nonce)) return 'nonce-taken';
    if (this.byId.size >= this.capacity) return 'full';
    const p = { id, intent, seq: this.seq++ };
    acct.set(intent.nonce, p);
    this.byAccount.set(intent.account, acct);
    this.byId.set(id, p);
    return 'added';
  }

  /** SEQ-MEM-003: up to `max` intents: per account the consecutive run from its next nonce; accounts by first arrival. */
  select(max: number, nextNonce: (account: bigint) => bigint): Intent[] {
    const heads: { account: bigint; seq: number }[] = [];
    for (const [account, m] of this.byAccount) {
      let first = Infinity;
      for (const p of m.values()) first = Math.min(first, p.seq);
      heads.push({ account, seq: first });
    }
    heads.sort((a, b) => a.seq - b.seq);
    const out: Intent[] = [];
    for (const { account } of heads) {
      const m = this.byAccount.get(account) as Map<bigint, Pending>;
      for (let n = nextNonce(account); out.length < max; n++) {
        const p = m.get(n);
        if (!p) break;
        out.push(p.intent);
      }
      if (out.length >= max) break;
    }
    return out;
  }

  /** SEQ-MEM-004: after a commit, drop every intent whose nonce is now used. */
  prune(nextNonce: (account: bigint) => bigint): void {
    for (const [account, m] of this.byAccount) {
      const next = nextNonce(account);
      for (const [n, p] of m) {
        if (n < next) {
          m.delete(n);
          this.byId.delete(p.id);
        }
      }
      if (m.size === 0) this.byAccount.delete(account);
    }
  }
}
