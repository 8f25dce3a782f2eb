/**
 * Checkers outside the system under test (spec/sequencer.md §9, SEQ-SOAK-CHECK-*), run by the simulator
 * after every event that changes a node's state: agreement (no two honest nodes commit different blocks
 * or roots at one height), the perp invariants on every distinct honest state (checkInvariants), no
 * committed intent applied twice, at most one successful commit per route (F3), caps expire cleanly (F1:
 * no route open past its expiry after a batch; each expired route released once), divergence halts of
 * honest nodes, and crash recovery (a restarted node has every block it had committed). The offline
 * history checker reads the clients' acknowledged history against the final chain.
 */
import { blockHash, type Block } from '../reference/sequencer/block.ts';
import type { BatchExecutor } from '../reference/sequencer/executor.ts';
import type { BlockOutcome } from '../reference/sequencer/ledger.ts';
import { ModelExecutor } from '../reference/sequencer/model-executor.ts';
import type { CommittedBlock } from '../reference/sequencer/node.ts';
import type { HistoryEntry } from './workload.ts';

export type ViolationKind = 'correctness' | 'liveness' | 'crash';

export interface Violation {
  readonly kind: ViolationKind;
  /** The rule or invariant id the check belongs to. */
  readonly check: string;
  readonly message: string;
  readonly atMs: number;
}

interface Canon {
  readonly hash: string;
  readonly root: string;
  readonly block: Block;
  readonly outcome: BlockOutcome;
}

export class Checkers {
  readonly violations: Violation[] = [];
  readonly canonical = new Map<number, Canon>();
  private readonly applied = new Set<string>();
  private readonly routeCommits = new Set<string>();
  private readonly expired = new Set<string>();
  private readonly checkedRoots = new Set<string>();
  now = 0;

  fail(kind: ViolationKind, check: string, message: string): void {
    if (this.violations.length < 100) this.violations.push({ kind, check, message, atMs: this.now });
  }

  /** After an honest node commits `cb` with `outcome` and holds `exec`'s state. */
  onCommit(node: number, cb: CommittedBlock, outcome: BlockOutcome, exec: BatchExecutor): void {
    const h = cb.block.height;
    const hash = blockHash(cb.block);
    const prior = this.canonical.get(h);
    if (prior) {
      if (prior.hash !== hash) this.fail('correctness', 'SEQ-BFT-SAFE', `agreement: node ${node} committed block ${hash.slice(0, 12)} at height ${h}, another honest node ${prior.hash.slice(0, 12)}`);
      else if (prior.root !== outcome.root) this.fail('correctness', 'SEQ-ROOT-003', `node ${node} root ${outcome.root.slice(0, 12)} ≠ ${prior.root.slice(0, 12)} at height ${h}`);
    } else {
      this.canonical.set(h, { hash, root: outcome.root, block: cb.block, outcome });
      this.onNewHeight(cb.block, outcome);
    }
    if (!this.checkedRoots.has(outcome.root)) {
      this.checkedRoots.add(outcome.root);
      for (const v of exec.checkInvariants(cb.block.time)) this.fail('correctness', v.split(' ')[0] ?? 'PERP-INV', `node ${node} height ${h}: ${v}`);
      this.capsExpired(node, cb.block, exec);
    }
  }

  /** Exactly-once application (SEQ-EXE-002) and F3 at-most-once commit, on the first commit of each height. */
  private onNewHeight(b: Block, o: BlockOutcome): void {
    for (const rc of o.receipts) {
      if (rc.error === 'NONCE_USED' || rc.error === 'NONCE_GAP') continue;
      if (this.applied.has(rc.id)) this.fail('correctness', 'SEQ-EXE-002', `intent ${rc.id.slice(0, 12)} applied twice (height ${b.height})`);
      this.applied.add(rc.id);
    }
    for (const [i, rc] of o.receipts.entries()) {
      const body = b.intents[i]?.body;
      if (body?.kind === 'commit' && rc.ok) {
        const k = body.routeId.toString(16);
        if (this.routeCommits.has(k)) this.fail('correctness', 'F3', `route ${k.slice(0, 12)} committed twice (height ${b.height})`);
        this.routeCommits.add(k);
      }
    }
    for (const r of o.boundary.expired) {
      if (this.expired.has(r)) this.fail('correctness', 'F2', `route ${r.slice(0, 14)} released twice by expiry`);
      this.expired.add(r);
    }
  }

  /** F1 / SEQ-TTL-001: after a batch at time t no route is open with expiry ≤ t. */
  private capsExpired(node: number, b: Block, exec: BatchExecutor): void {
    if (!(exec instanceof ModelExecutor)) return;
    for (const r of exec.state.router.routes.values()) {
      if (r.status === 'open' && r.expiry <= b.time) {
        this.fail('correctness', 'F1', `node ${node} height ${b.height}: route ${r.routeId.toString(16).slice(0, 12)} open at ${b.time} past its expiry ${r.expiry}`);
        return;
      }
    }
  }

  /** SEQ-DUR-002: a restarted node has every block it committed before the crash. */
  onRecover(node: number, before: readonly CommittedBlock[], after: readonly CommittedBlock[]): void {
    if (after.length < before.length) this.fail('correctness', 'SEQ-DUR-002', `node ${node} lost ${before.length - after.length} committed blocks in a crash`);
    for (let i = 0; i < Math.min(before.length, after.length); i++) {
      if (blockHash((before[i] as CommittedBlock).block) !== blockHash((after[i] as CommittedBlock).block)) {
        this.fail('correctness', 'SEQ-DUR-002', `node ${node} recovered another block at height ${i + 1}`);
        return;
      }
    }
  }

  /**
   * SEQ-SOAK-HIST: every acknowledged intent is in the final chain exactly once, at the acknowledged
   * height with the acknowledged result; no acknowledged successful commit happened at or after its route's expiry.
   */
  history(entries: readonly HistoryEntry[]): void {
    const where = new Map<string, { height: number; ok: boolean; time: bigint }[]>();
    for (const [h, c] of this.canonical) {
      c.outcome.receipts.forEach((rc) => {
        const l = where.get(rc.id) ?? [];
        l.push({ height: h, ok: rc.ok, time: c.block.time });
        where.set(rc.id, l);
      });
    }
    const expiry = new Map<string, bigint>();
    for (const e of entries) if (e.kind === 'reserve' && e.ok && e.out?.routeId && e.out.expiry) expiry.set(e.out.routeId, BigInt(e.out.expiry));
    for (const e of entries) {
      const at = where.get(e.id) ?? [];
      const applied = at.filter((x) => x.height === e.height);
      if (applied.length !== 1) this.fail('correctness', 'SEQ-SOAK-HIST', `acknowledged intent ${e.id.slice(0, 12)} appears ${applied.length} times at height ${e.height}`);
      else if ((applied[0] as { ok: boolean }).ok !== e.ok) this.fail('correctness', 'SEQ-SOAK-HIST', `acknowledged intent ${e.id.slice(0, 12)} result differs from the chain`);
      if (e.kind === 'commit' && e.ok && e.routeId !== undefined) {
        const x = expiry.get('0x' + e.routeId.toString(16));
        if (x !== undefined && e.blockTime >= x) this.fail('correctness', 'R4', `route ${e.routeId.toString(16).slice(0, 12)} committed at ${e.blockTime}, expiry ${x}`);
      }
    }
  }
}
