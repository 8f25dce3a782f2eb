/**
 * The replicated state of one node (spec/sequencer.md §4–§5): the executor's state plus the account
 * nonces, and the function every node runs on a committed block — `executeBlock`: boundary work at the
 * block time, then each intent in block order (nonce check first: SEQ-EXE-002), then the state root over
 * all entries (SEQ-ROOT-001). Deterministic: the same block on the same state gives the same receipts
 * and root on every node.
 */
import { bigToJson } from '../lib/hex.ts';
import { stateTree, type StateEntry, type StateTree } from '../lib/state-tree.ts';
import type { BatchExecutor, BoundaryReport, IntentReceipt } from './executor.ts';
import { intentId, type Intent } from './intent.ts';

export interface BlockOutcome {
  readonly boundary: BoundaryReport;
  readonly receipts: readonly IntentReceipt[];
  readonly root: string;
}

export interface LedgerSnapshot {
  readonly executor: unknown;
  readonly nonces: readonly (readonly [bigint, bigint])[];
}

export class Ledger {
  private nonces = new Map<bigint, bigint>();
  private tree: StateTree | null = null;

  constructor(readonly executor: BatchExecutor) {}

  /** SEQ-EXE-002: the nonce the account's next intent must carry. */
  nextNonce(account: bigint): bigint {
    return this.nonces.get(account) ?? 0n;
  }

  /** SEQ-EXE-001..002: boundary, then intents in order; an intent with another nonce fails BAD_NONCE and consumes nothing. */
  executeBlock(intents: readonly Intent[], now: bigint): BlockOutcome {
    const boundary = this.executor.boundary(now);
    const receipts: IntentReceipt[] = [];
    for (const i of intents) {
      const id = intentId(i);
      const want = this.nextNonce(i.account);
      if (i.nonce !== want) {
        receipts.push({ id, account: i.account, nonce: i.nonce, kind: i.body.kind, ok: false, error: i.nonce < want ? 'NONCE_USED' : 'NONCE_GAP' });
        continue;
      }
      this.nonces.set(i.account, want + 1n);
      receipts.push(this.executor.apply(i, id, now));
    }
    this.tree = null;
    return { boundary, receipts, root: this.stateTree().rootHex };
  }

  /** SEQ-ROOT-001: entries of the executor plus `seq/nonce/<account>`. */
  entries(): StateEntry[] {
    const out = this.executor.entries();
    const enc = new TextEncoder();
    for (const [a, n] of this.nonces) out.push({ key: `seq/nonce/${bigToJson(a)}`, value: enc.encode(bigToJson(n)) });
    return out;
  }

  stateTree(): StateTree {
    this.tree ??= stateTree(this.entries());
    return this.tree;
  }

  get root(): string {
    return this.stateTree().rootHex;
  }

  snapshot(): LedgerSnapshot {
    return { executor: this.executor.snapshot(), nonces: [...this.nonces] };
  }

  static restore(executor: BatchExecutor, snap: LedgerSnapshot): Ledger {
    executor.restore(snap.executor);
    const l = new Ledger(executor);
    l.nonces = new Map(snap.nonces);
    return l;
  }

  fork(): Ledger {
    const l = new Ledger(this.executor.fork());
    l.nonces = new Map(this.nonces);
    l.tree = this.tree;
    return l;
  }
}

/**
 * SEQ-EXE-004: a memo of block execution keyed by (executor kind, pre-state root, block hash). Execution
 * is a pure function of those, and committed ledgers are never mutated in place (the next block runs on a
 * fork), so nodes that run the same executor kind may share results — a simulation of n nodes then
 * executes each distinct (state, block) once. A node with another executor (a planted bug) has another
 * kind and never shares.
 */
export class ExecutionMemo {
  private readonly m = new Map<string, { readonly ledger: Ledger; readonly outcome: BlockOutcome }>();
  constructor(private readonly capacity = 256) {}

  run(pre: Ledger, blockHash: string, intents: readonly Intent[], now: bigint): { readonly ledger: Ledger; readonly outcome: BlockOutcome } {
    const key = `${pre.executor.constructor.name}|${pre.root}|${blockHash}`;
    const hit = this.m.get(key);
    if (hit) return hit;
    const ledger = pre.fork();
    const e = { ledger, outcome: ledger.executeBlock(intents, now) };
    if (this.m.size >= this.capacity) {
      const first = this.m.keys().next();
      if (!first.done) this.m.delete(first.value);
    }
    this.m.set(key, e);
    return e;
  }
}
