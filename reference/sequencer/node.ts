/**
 * One sequencer node (spec/sequencer.md §6–§8): Tendermint-style BFT ordering among n = 3f+1 validators
 * (Buchman, Kwon, Milosevic, "The latest gossip on BFT consensus", 2018, Algorithm 1) with leader rotation
 * proposer(h, r) = (h + r) mod n, timeouts on the node's injected clock, ed25519-signed proposals and
 * votes, precommits that carry the post-state root, divergence detection (SEQ-ROOT-004), catch-up by
 * certified blocks (SEQ-CATCH-*), and recovery from its durable record (SEQ-DUR-*).
 *
 * The node is a pure state machine: every entry point takes the node's local time and returns actions
 * (messages to send, timers to set on the local clock, blocks committed, a halt). The host — the soak
 * simulator, or a real network loop — delivers messages and fires timers. Nothing here reads a clock.
 */
import { treeOfLeaves, firstDifferingKey, type StateLeaf, type StateTree } from '../lib/state-tree.ts';
import {
  blockHash,
  faultBound,
  GENESIS_HASH,
  quorumOf,
  signProposal,
  signVote,
  verifyCertificate,
  verifyProposal,
  verifyVote,
  type Block,
  type Certificate,
  type Proposal,
  type Validators,
  type Vote,
  type VoteType,
} from './block.ts';
import type { KeyPair, SigVerifier } from './crypto.ts';
import type { BatchExecutor } from './executor.ts';
import { checkIntent, intentId, type AdmissionPolicy, type Intent, type Rejection } from './intent.ts';
import { ExecutionMemo, Ledger, type BlockOutcome, type LedgerSnapshot } from './ledger.ts';
import { Mempool, type AdmitResult } from './mempool.ts';

export interface CommittedBlock {
  readonly block: Block;
  readonly cert: Certificate;
}

export type Message =
  | { readonly t: 'proposal'; readonly p: Proposal }
  | { readonly t: 'vote'; readonly v: Vote }
  | { readonly t: 'intent'; readonly intent: Intent }
  | { readonly t: 'status'; readonly from: number; readonly committed: number }
  | { readonly t: 'sync-req'; readonly from: number; readonly height: number }
  | { readonly t: 'sync-resp'; readonly from: number; readonly blocks: readonly CommittedBlock[] }
  | { readonly t: 'leaves-req'; readonly from: number; readonly height: number }
  | { readonly t: 'leaves-resp'; readonly from: number; readonly height: number; readonly leaves: readonly StateLeaf[] };

export type TimerKind = 'propose' | 'prevote' | 'precommit' | 'commit' | 'gossip';
export interface Timer {
  readonly kind: TimerKind;
  readonly height: number;
  readonly round: number;
}

export interface DivergenceReport {
  readonly node: number;
  readonly height: number;
  readonly certifiedRoot: string;
  readonly ownRoot: string;
  /** The smallest state key whose leaf differs from a peer's state at that height; null until a peer answered. */
  firstDifferingKey: string | null;
}

export type Action =
  | { readonly a: 'send'; readonly to: number | 'all'; readonly msg: Message }
  | { readonly a: 'timer'; readonly at: bigint; readonly timer: Timer }
  | { readonly a: 'committed'; readonly block: CommittedBlock; readonly outcome: BlockOutcome }
  | { readonly a: 'halt'; readonly report: DivergenceReport };

/** Durations on the node's own clock, ms (SEQ-BFT-005). Round r waits base + r·delta. */
export interface Timing {
  readonly proposeMs: bigint;
  readonly voteMs: bigint;
  readonly deltaMs: bigint;
  readonly commitMs: bigint;
  readonly gossipMs: bigint;
  readonly syncBackoffMs: bigint;
  /** A proposal whose time is further ahead of the local clock is invalid (SEQ-BFT-004). */
  readonly maxFutureMs: bigint;
}

export const DEFAULT_TIMING: Timing = { proposeMs: 300n, voteMs: 200n, deltaMs: 100n, commitMs: 20n, gossipMs: 150n, syncBackoffMs: 100n, maxFutureMs: 2_000n };

/** Deliberate defects, for showing that the simulator's checkers have teeth (soak/planted.ts). Never set in production. */
export interface PlantedNodeBugs {
  /** Count this many votes as a quorum instead of 2f+1. */
  readonly quorum?: number;
  /** Accept synced blocks without verifying their certificates. */
  readonly skipCertCheck?: boolean;
}

export interface NodeConfig {
  readonly id: number;
  readonly key: KeyPair;
  readonly validators: Validators;
  readonly policy: AdmissionPolicy;
  readonly verifier: SigVerifier;
  readonly makeExecutor: () => BatchExecutor;
  readonly timing: Timing;
  readonly maxIntents: number;
  /** SEQ-DUR-001: a durable snapshot every this many commits. */
  readonly snapshotEvery: number;
  readonly bugs?: PlantedNodeBugs;
  /** Shared execution results (SEQ-EXE-004); without one each node executes every block itself. */
  readonly memo?: ExecutionMemo;
}

interface LockState {
  height: number;
  round: number;
  lockedRound: number;
  lockedBlock: Block | null;
  validRound: number;
  validBlock: Block | null;
}

/** SEQ-DUR-001: what survives a crash: a snapshot, the log of committed blocks, what was signed, the lock. */
export interface Durable {
  snapshot: { readonly height: number; readonly ledger: LedgerSnapshot } | null;
  readonly chain: CommittedBlock[];
  readonly signed: Map<string, Vote | Proposal>;
  lock: LockState | null;
}

export const newDurable = (): Durable => ({ snapshot: null, chain: [], signed: new Map(), lock: null });

type Step = 'propose' | 'prevote' | 'precommit' | 'wait';
const SYNC_BATCH = 32;
const KEEP_TREES = 16;

export class SequencerNode {
  readonly id: number;
  private ledger: Ledger;
  readonly mempool = new Mempool();
  private readonly n: number;
  private readonly f: number;
  private readonly q: number;
  /** Next height to decide. */
  height: number;
  round = 0;
  private step: Step = 'wait';
  private lock: LockState;
  private proposals = new Map<number, Proposal>();
  /** Votes by round, keyed `from|block|root`: an equivocating validator may appear with two values (at most two are kept). */
  private votes = { prevote: new Map<number, Map<string, Vote>>(), precommit: new Map<number, Map<string, Vote>>() };
  private fired = new Set<string>();
  private exec = new Map<string, { ledger: Ledger; outcome: BlockOutcome }>();
  private future: Message[] = [];
  private validity = new Map<string, boolean>();
  private trees = new Map<number, StateTree>();
  private lastSyncAsk = -1_000_000_000n;
  private out: Action[] = [];
  halted: DivergenceReport | null = null;

  private constructor(
    readonly config: NodeConfig,
    readonly durable: Durable,
    ledger: Ledger,
  ) {
    this.id = config.id;
    this.ledger = ledger;
    this.n = config.validators.keys.length;
    this.f = faultBound(this.n);
    this.q = config.bugs?.quorum ?? quorumOf(this.n);
    this.height = durable.chain.length + 1;
    const l = durable.lock;
    this.lock = l && l.height === this.height ? { ...l } : { height: this.height, round: 0, lockedRound: -1, lockedBlock: null, validRound: -1, validBlock: null };
    this.trees.set(this.height - 1, ledger.stateTree());
  }

  /** A fresh node at genesis. */
  static create(config: NodeConfig, durable: Durable = newDurable()): SequencerNode {
    return new SequencerNode(config, durable, new Ledger(config.makeExecutor()));
  }

  /**
   * SEQ-DUR-002: a node back from a crash: the executor restored from the durable snapshot, then every
   * logged block after it re-verified by its certificate and re-executed; a root that differs from the
   * certified one is a divergence (the record is corrupt) and halts the node.
   */
  static recover(config: NodeConfig, durable: Durable): SequencerNode {
    const snap = durable.snapshot;
    const ledger = snap ? Ledger.restore(config.makeExecutor(), snap.ledger) : new Ledger(config.makeExecutor());
    const chain = durable.chain.slice();
    const from = snap ? snap.height : 0;
    const lock = durable.lock;
    durable.chain.length = from;
    const node = new SequencerNode(config, durable, ledger);
    for (const cb of chain.slice(from)) {
      if (!node.applyCertified(cb, 0n) || node.halted) break;
    }
    node.out = node.out.filter((a) => a.a === 'halt');
    if (lock && lock.height === node.height) node.lock = { ...lock };
    durable.lock = lock;
    return node;
  }

  get committed(): readonly CommittedBlock[] {
    return this.durable.chain;
  }

  get root(): string {
    return this.ledger.root;
  }

  get executor(): BatchExecutor {
    return this.ledger.executor;
  }

  /** The tip this node would extend (hash and time of its last committed block). */
  tipOf(): { hash: string; time: bigint } {
    return this.tip();
  }

  /** The post-state root of `block` on this node's committed state (used by simulated byzantine nodes to forge consistent votes). */
  rootOf(block: Block): string {
    return this.outcomeOf(block).outcome.root;
  }

  nextNonce(account: bigint): bigint {
    return this.ledger.nextNonce(account);
  }

  private proposer(h: number, r: number): number {
    return (h + r) % this.n;
  }

  private tip(): { hash: string; time: bigint } {
    const last = this.durable.chain[this.durable.chain.length - 1];
    return last ? { hash: blockHash(last.block), time: last.block.time } : { hash: GENESIS_HASH, time: 0n };
  }

  private drain(): Action[] {
    const a = this.out;
    this.out = [];
    return a;
  }

  private send(to: number | 'all', msg: Message): void {
    this.out.push({ a: 'send', to, msg });
  }

  private timer(kind: TimerKind, now: bigint, after: bigint): void {
    this.out.push({ a: 'timer', at: now + after, timer: { kind, height: this.height, round: this.round } });
  }

  private saveLock(): void {
    this.durable.lock = { ...this.lock, height: this.height, round: this.round };
  }

  start(now: bigint): Action[] {
    this.timer('gossip', now, this.config.timing.gossipMs);
    this.startRound(this.lock.round, now);
    return this.drain();
  }

  /** SEQ-MEM-001..002 with SEQ-INT-004 first: a client's intent. */
  submit(intent: Intent): Rejection | AdmitResult {
    if (this.halted) return 'full';
    const bad = checkIntent(intent, this.config.policy, this.config.verifier);
    if (bad) return bad;
    return this.mempool.add(intent, this.ledger.nextNonce(intent.account));
  }

  private startRound(r: number, now: bigint): void {
    this.round = r;
    this.step = 'propose';
    this.saveLock();
    const t = this.config.timing;
    if (this.proposer(this.height, r) === this.id) {
      const block = this.lock.validBlock ?? this.newBlock(now);
      const key = `${this.height}/${r}/proposal`;
      const signed = (this.durable.signed.get(key) as Proposal | undefined) ?? signProposal(this.config.key, { height: this.height, round: r, block, validRound: this.lock.validRound, from: this.id });
      this.durable.signed.set(key, signed);
      const p: Proposal = signed.validRound >= 0 ? { ...signed, pol: this.polOf(blockHash(signed.block), signed.validRound) } : signed;
      this.send('all', { t: 'proposal', p });
      this.proposals.set(r, p);
    } else {
      this.timer('propose', now, t.proposeMs + BigInt(r) * t.deltaMs);
    }
    this.evaluate(now);
  }

  private newBlock(now: bigint): Block {
    const tip = this.tip();
    const time = now > tip.time ? now : tip.time + 1n;
    return { height: this.height, prevHash: tip.hash, time, proposer: this.id, intents: this.mempool.select(this.config.maxIntents, (a) => this.ledger.nextNonce(a)) };
  }

  /** SEQ-BFT-004: a block is valid at this height when it extends the tip, its time is after the tip's and not too far ahead, and every intent is admissible and distinct. */
  private valid(b: Block, now: bigint): boolean {
    if (b.time > now + this.config.timing.maxFutureMs) return false;
    const h = blockHash(b);
    let ok = this.validity.get(h);
    if (ok === undefined) {
      ok = this.extendsTip(b) && b.time > this.tip().time && b.intents.length <= this.config.maxIntents && Number.isInteger(b.proposer) && b.proposer >= 0 && b.proposer < this.n;
      const ids = new Set<string>();
      for (const i of ok ? b.intents : []) {
        const id = intentId(i);
        if (ids.has(id) || checkIntent(i, this.config.policy, this.config.verifier)) ok = false;
        ids.add(id);
      }
      this.validity.set(h, ok);
    }
    return ok;
  }

  private extendsTip(b: Block): boolean {
    return b.height === this.height && b.prevHash === this.tip().hash;
  }

  /** SEQ-ROOT-003: the block executed on a copy of the committed state (memoised by block hash). */
  private outcomeOf(b: Block): { ledger: Ledger; outcome: BlockOutcome } {
    const h = blockHash(b);
    let e = this.exec.get(h);
    if (!e) {
      e = (this.config.memo ?? new ExecutionMemo(1)).run(this.ledger, h, b.intents, b.time);
      this.exec.set(h, e);
    }
    return e;
  }

  private vote(type: VoteType, block: Block | null, now: bigint): void {
    const key = `${this.height}/${this.round}/${type}`;
    let v = this.durable.signed.get(key) as Vote | undefined;
    if (!v) {
      const root = type === 'precommit' && block ? this.outcomeOf(block).outcome.root : null;
      v = signVote(this.config.key, { type, height: this.height, round: this.round, block: block ? blockHash(block) : null, root, from: this.id });
      this.durable.signed.set(key, v);
    }
    this.record(v);
    this.send('all', { t: 'vote', v });
    this.evaluate(now);
  }

  private record(v: Vote): boolean {
    const byRound = this.votes[v.type];
    const m = byRound.get(v.round) ?? new Map<string, Vote>();
    byRound.set(v.round, m);
    const key = `${v.from}|${v.block}|${v.root}`;
    if (m.has(key)) return false;
    let same = 0;
    for (const x of m.values()) if (x.from === v.from) same++;
    if (same >= 2) return false;
    m.set(key, v);
    return true;
  }

  /** Distinct validators with a vote of `type` in round r (for `block`, and `root`, when given). */
  private count(type: VoteType, r: number, block?: string | null, root?: string): number {
    const m = this.votes[type].get(r);
    if (!m) return 0;
    const from = new Set<number>();
    for (const v of m.values()) if ((block === undefined || v.block === block) && (root === undefined || v.root === root)) from.add(v.from);
    return from.size;
  }

  private ownVote(type: VoteType, r: number): Vote | undefined {
    for (const v of this.votes[type].get(r)?.values() ?? []) if (v.from === this.id) return v;
    return undefined;
  }

  /** SEQ-BFT-002: the 2f+1 prevotes for `block` in round `r` (the proof of lock a re-proposal carries). */
  private polOf(block: string, r: number): Vote[] {
    const out = new Map<number, Vote>();
    for (const v of this.votes.prevote.get(r)?.values() ?? []) if (v.block === block) out.set(v.from, v);
    return [...out.values()];
  }

  private once(tag: string): boolean {
    const k = `${this.height}/${this.round}/${tag}`;
    if (this.fired.has(k)) return false;
    this.fired.add(k);
    return true;
  }

  /** The rules of Algorithm 1, evaluated until none fires (each fires at most once per round). */
  private evaluate(now: bigint): void {
    if (this.halted) return;
    const r = this.round;
    const p = this.proposals.get(r);
    if (p && this.step === 'propose') {
      const h = blockHash(p.block);
      const lockOk = this.lock.lockedRound === -1 || (this.lock.lockedBlock !== null && blockHash(this.lock.lockedBlock) === h);
      if (p.validRound === -1) {
        this.step = 'prevote';
        return this.vote('prevote', this.valid(p.block, now) && lockOk ? p.block : null, now);
      }
      if (p.validRound < r && this.count('prevote', p.validRound, h) >= this.q) {
        this.step = 'prevote';
        const ok = this.valid(p.block, now) && (this.lock.lockedRound <= p.validRound || lockOk);
        return this.vote('prevote', ok ? p.block : null, now);
      }
    }
    if (this.step === 'prevote' && this.count('prevote', r) >= this.q && this.once('prevote-timer')) {
      this.timer('prevote', now, this.config.timing.voteMs + BigInt(r) * this.config.timing.deltaMs);
    }
    if (p && this.step !== 'propose' && this.step !== 'wait' && this.count('prevote', r, blockHash(p.block)) >= this.q && this.valid(p.block, now) && this.once('polka')) {
      this.lock.validBlock = p.block;
      this.lock.validRound = r;
      if (this.step === 'prevote') {
        this.lock.lockedBlock = p.block;
        this.lock.lockedRound = r;
        this.step = 'precommit';
        this.saveLock();
        return this.vote('precommit', p.block, now);
      }
      this.saveLock();
    }
    if (this.step === 'prevote' && this.count('prevote', r, null) >= this.q) {
      this.step = 'precommit';
      return this.vote('precommit', null, now);
    }
    if (this.step !== 'wait' && this.count('precommit', r) >= this.q && this.once('precommit-timer')) {
      this.timer('precommit', now, this.config.timing.voteMs + BigInt(r) * this.config.timing.deltaMs);
    }
    if (this.step !== 'wait' && this.tryDecide(now)) return;
    this.skipRound(now);
  }

  /** SEQ-BFT-003: a proposal with 2f+1 precommits for (its block, one root) in some round decides the height. */
  private tryDecide(now: bigint): boolean {
    for (const [round, m] of this.votes.precommit) {
      const p = this.proposals.get(round) ?? [...this.proposals.values()].find((x) => [...m.values()].some((v) => v.block === blockHash(x.block)));
      if (!p) continue;
      const h = blockHash(p.block);
      const roots = new Set<string>();
      for (const v of m.values()) if (v.block === h && v.root) roots.add(v.root);
      for (const root of roots.keys()) {
        if (this.count('precommit', round, h, root) < this.q || !this.extendsTip(p.block)) continue;
        const byFrom = new Map<number, Vote>();
        for (const v of m.values()) if (v.block === h && v.root === root) byFrom.set(v.from, v);
        const votes = [...byFrom.values()].sort((a, b) => a.from - b.from);
        const cert: Certificate = { height: this.height, round, block: h, root, votes: votes.map((v) => ({ from: v.from, sig: v.sig })) };
        this.commit({ block: p.block, cert }, now, true);
        return true;
      }
    }
    return false;
  }

  /** SEQ-BFT-006: f+1 validators in a later round move this node to that round. */
  private skipRound(now: bigint): void {
    const senders = new Map<number, Set<number>>();
    const add = (r: number, from: number): void => {
      if (r <= this.round) return;
      const s = senders.get(r) ?? new Set<number>();
      s.add(from);
      senders.set(r, s);
    };
    for (const [r, p] of this.proposals) add(r, p.from);
    for (const t of ['prevote', 'precommit'] as const) for (const [r, m] of this.votes[t]) for (const v of m.values()) add(r, v.from);
    const rounds = [...senders].filter(([, s]) => s.size >= this.f + 1).map(([r]) => r);
    if (rounds.length) this.startRound(Math.min(...rounds), now);
  }

  /**
   * SEQ-ROOT-004: commit a certified block; when this node's own post-state root differs from the
   * certified root it halts, reports, and asks peers for their leaves to name the first differing key.
   */
  private commit(cb: CommittedBlock, now: bigint, wait: boolean): boolean {
    const e = this.outcomeOf(cb.block);
    if (e.outcome.root !== cb.cert.root) {
      this.halted = { node: this.id, height: cb.block.height, certifiedRoot: cb.cert.root, ownRoot: e.outcome.root, firstDifferingKey: null };
      this.trees.set(cb.block.height, e.ledger.stateTree());
      this.out.push({ a: 'halt', report: this.halted });
      this.send('all', { t: 'leaves-req', from: this.id, height: cb.block.height });
      return false;
    }
    this.ledger = e.ledger;
    this.durable.chain.push(cb);
    this.trees.set(this.height, this.ledger.stateTree());
    this.trees.delete(this.height - KEEP_TREES);
    if (this.height % this.config.snapshotEvery === 0) this.durable.snapshot = { height: this.height, ledger: this.ledger.snapshot() };
    this.mempool.prune((a) => this.ledger.nextNonce(a));
    this.out.push({ a: 'committed', block: cb, outcome: e.outcome });
    for (const k of this.durable.signed.keys()) if (Number(k.split('/')[0]) < this.height - 1) this.durable.signed.delete(k);
    this.height += 1;
    this.round = 0;
    this.step = 'wait';
    this.lock = { height: this.height, round: 0, lockedRound: -1, lockedBlock: null, validRound: -1, validBlock: null };
    this.saveLock();
    this.proposals = new Map();
    this.votes = { prevote: new Map(), precommit: new Map() };
    this.fired = new Set();
    this.exec = new Map();
    this.validity = new Map();
    if (wait) this.timer('commit', now, this.config.timing.commitMs);
    const early = this.future;
    this.future = [];
    for (const m of early) {
      if (m.t === 'proposal' && m.p.height === this.height) this.onProposal(m.p, now);
      if (m.t === 'vote' && m.v.height === this.height) this.onVote(m.v, now);
    }
    return true;
  }

  /** Verify and commit one certified block at the current height (catch-up and recovery). */
  private applyCertified(cb: CommittedBlock, now: bigint): boolean {
    if (cb.block.height !== this.height || cb.block.prevHash !== this.tip().hash) return false;
    if (!this.config.bugs?.skipCertCheck && verifyCertificate(cb.cert, cb.block, this.config.validators, this.config.verifier) !== null) return false;
    return this.commit(cb, now, false);
  }

  onTimer(t: Timer, now: bigint): Action[] {
    if (this.halted) return [];
    if (t.kind === 'gossip') {
      this.gossip();
      this.timer('gossip', now, this.config.timing.gossipMs);
      return this.drain();
    }
    if (t.height !== this.height) return [];
    if (t.kind === 'commit' && this.step === 'wait') this.startRound(0, now);
    else if (t.round !== this.round) return this.drain();
    else if (t.kind === 'propose' && this.step === 'propose') {
      this.step = 'prevote';
      this.vote('prevote', null, now);
    } else if (t.kind === 'prevote' && this.step === 'prevote') {
      this.step = 'precommit';
      this.vote('precommit', null, now);
    } else if (t.kind === 'precommit') this.startRound(this.round + 1, now);
    return this.drain();
  }

  /** SEQ-BFT-007: retransmission for lossy links: status, the current proposal and this node's votes of the round. */
  private gossip(): void {
    this.send('all', { t: 'status', from: this.id, committed: this.durable.chain.length });
    if (this.step === 'wait') return;
    const p = this.proposals.get(this.round);
    if (p) this.send('all', { t: 'proposal', p });
    for (let r = Math.max(0, this.round - 1); r <= this.round; r++) {
      for (const t of ['prevote', 'precommit'] as const) {
        const v = this.ownVote(t, r);
        if (v) this.send('all', { t: 'vote', v });
      }
    }
  }

  onMessage(msg: Message, now: bigint): Action[] {
    if (this.halted) {
      if (msg.t === 'leaves-resp') this.onLeaves(msg);
      return this.drain();
    }
    switch (msg.t) {
      case 'intent':
        this.submit(msg.intent);
        break;
      case 'proposal':
        this.onProposal(msg.p, now);
        break;
      case 'vote':
        this.onVote(msg.v, now);
        break;
      case 'status':
        if (msg.committed > this.durable.chain.length) this.askSync(msg.from, now);
        break;
      case 'sync-req':
        this.send(msg.from, { t: 'sync-resp', from: this.id, blocks: this.durable.chain.slice(msg.height - 1, msg.height - 1 + SYNC_BATCH) });
        break;
      case 'sync-resp':
        this.onSync(msg.blocks, now);
        break;
      case 'leaves-req': {
        const tree = this.trees.get(msg.height);
        if (tree) this.send(msg.from, { t: 'leaves-resp', from: this.id, height: msg.height, leaves: tree.leaves });
        break;
      }
      case 'leaves-resp':
        break;
    }
    return this.drain();
  }

  private askSync(peer: number, now: bigint): void {
    if (now < this.lastSyncAsk + this.config.timing.syncBackoffMs) return;
    this.lastSyncAsk = now;
    this.send(peer, { t: 'sync-req', from: this.id, height: this.height });
  }

  /** Messages one height ahead wait in a bounded buffer; further ahead means this node is behind: catch up. */
  private ahead(m: Message, height: number, from: number, now: bigint): void {
    if (height === this.height + 1 && this.future.length < 4 * this.n * this.n) this.future.push(m);
    else this.askSync(from, now);
  }

  private onProposal(p: Proposal, now: bigint): void {
    if (p.height > this.height) return this.ahead({ t: 'proposal', p }, p.height, p.from, now);
    if (p.height < this.height || p.from !== this.proposer(p.height, p.round) || this.proposals.has(p.round)) return;
    if (!verifyProposal(p, this.config.validators, this.config.verifier)) return;
    this.proposals.set(p.round, p);
    for (const v of p.pol ?? []) if (v.type === 'prevote' && v.height === this.height && v.round === p.validRound && verifyVote(v, this.config.validators, this.config.verifier)) this.record(v);
    this.evaluate(now);
  }

  private onVote(v: Vote, now: bigint): void {
    if (v.height > this.height) return this.ahead({ t: 'vote', v }, v.height, v.from, now);
    if (v.height < this.height || !verifyVote(v, this.config.validators, this.config.verifier)) return;
    if (this.record(v)) this.evaluate(now);
  }

  /** SEQ-CATCH-001..003: certified blocks from a peer, applied in order from this node's height. */
  private onSync(blocks: readonly CommittedBlock[], now: bigint): void {
    let applied = 0;
    for (const cb of blocks) {
      if (cb.block.height < this.height) continue;
      if (!this.applyCertified(cb, now)) break;
      applied++;
    }
    if (applied > 0 && !this.halted) {
      this.lastSyncAsk = -1_000_000_000n;
      this.startRound(0, now);
    }
  }

  private onLeaves(msg: Extract<Message, { t: 'leaves-resp' }>): void {
    const r = this.halted;
    if (!r || r.firstDifferingKey !== null || msg.height !== r.height) return;
    let peer: StateTree;
    try {
      peer = treeOfLeaves(msg.leaves);
    } catch {
      return;
    }
    if (peer.rootHex !== r.certifiedRoot) return;
    const own = this.trees.get(r.height);
    if (own) r.firstDifferingKey = firstDifferingKey(own.leaves, peer.leaves);
  }
}
