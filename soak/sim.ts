/**
 * The deterministic simulator (spec/sequencer.md §9, SEQ-SOAK-*; STYLE.md §5): n = 3f+1 sequencer
 * nodes and the workload's clients on a virtual clock, a simulated network (latency with a long tail,
 * loss, duplication, reordering, symmetric and one-way partitions), crashes with recovery from each
 * node's durable record, per-node clock drift and offset, and up to f byzantine nodes. One seed drives
 * everything. A run is a safety phase under faults, then a liveness phase with the faults healed that
 * must converge within a bound. The checkers run after every event that changes a node's state.
 */
import { sha256, utf8Bytes } from '../reference/lib/hash.ts';
import { bytesToHex } from '../reference/lib/hex.ts';
import { Prng } from '../reference/lib/prng.ts';
import { keyPairOf, SigVerifier, type KeyPair } from '../reference/sequencer/crypto.ts';
import { faultBound } from '../reference/sequencer/block.ts';
import { accountOf, type Intent } from '../reference/sequencer/intent.ts';
import { ExecutionMemo } from '../reference/sequencer/ledger.ts';
import { ModelExecutor } from '../reference/sequencer/model-executor.ts';
import { DEFAULT_TIMING, newDurable, SequencerNode, type Action, type DivergenceReport, type Durable, type Message, type NodeConfig, type Timer } from '../reference/sequencer/node.ts';
import type { IntentReceipt } from '../reference/sequencer/executor.ts';
import { Byzantine } from './byzantine.ts';
import { Checkers, type Violation } from './checkers.ts';
import { defaultKnobs, swarmKnobs, type FaultKnobs } from './faults.ts';
import { DoubleCommitExecutor, TtlOffByOneExecutor, TtlOffByOneVmExecutor, type PlantedBug } from './planted.ts';
import { EventQueue } from './queue.ts';
import { VmExecutor } from '../reference/sequencer/vm-executor.ts';
import type { CompiledModule } from '../reference/compiler/artifact.ts';
import { SOAK_SLABS, SOL_PX, BTC_PX, soakGenesis, venueDescriptor, type SoakSlabs } from './venue.ts';
import { soakVmGenesis } from './vm-venue.ts';
import { SimClient, type HistoryEntry, type Market } from './workload.ts';

export interface SimOptions {
  readonly seed: number;
  /** Simulated events of the safety phase (the liveness phase adds its own until it converges). */
  readonly events: number;
  readonly swarm?: boolean;
  readonly knobs?: Partial<FaultKnobs>;
  readonly plant?: PlantedBug;
  /** Simulated ms the liveness phase may take to converge. */
  readonly livenessBoundMs?: number;
  /** SEQ-SOAK-002: 'both' (default), 'safety' (no liveness phase), 'liveness' (no faults but byzantine nodes, then the convergence check). */
  readonly mode?: 'both' | 'safety' | 'liveness';
  /**
   * SEQ-EXE-005: 'model' (default) or 'vm' (blocks run on CurveVM, vm-executor.ts). With `modules` (the
   * compiled soak venue, soak/vm-venue.ts) both executors start from the compiled venue's genesis, so the
   * two runs of one seed commit the same roots; 'vm' requires them.
   */
  readonly executor?: 'model' | 'vm';
  readonly modules?: readonly CompiledModule[];
}

export interface SimResult {
  readonly seed: number;
  readonly knobs: FaultKnobs;
  readonly events: number;
  readonly messages: number;
  readonly intents: number;
  readonly simulatedMs: number;
  readonly committedBatches: number;
  readonly violations: readonly Violation[];
  readonly convergenceMs: number | null;
  readonly halts: readonly DivergenceReport[];
  readonly traceHash: string;
  readonly history: number;
}

type Ev =
  | { readonly k: 'deliver'; readonly to: number; readonly msg: Message }
  | { readonly k: 'receipt'; readonly client: number; readonly from: number; readonly height: number; readonly time: bigint; readonly rc: IntentReceipt }
  | { readonly k: 'timer'; readonly node: number; readonly inc: number; readonly timer: Timer }
  | { readonly k: 'wake'; readonly client: number }
  | { readonly k: 'retry' }
  | { readonly k: 'partition' }
  | { readonly k: 'heal-partition' }
  | { readonly k: 'crash' }
  | { readonly k: 'restart'; readonly node: number }
  | { readonly k: 'outage'; readonly slab: bigint; readonly down: boolean }
  | { readonly k: 'heal' };

interface SimNode {
  node: SequencerNode | null;
  readonly durable: Durable;
  inc: number;
  readonly driftPpm: number;
  readonly offsetMs: number;
  readonly byz: Byzantine | null;
  readonly config: NodeConfig;
}

const RETRY_MS = 1_000;
export const DEFAULT_LIVENESS_BOUND_MS = 60_000;

export class Simulation {
  readonly prng: Prng;
  readonly knobs: FaultKnobs;
  readonly checkers = new Checkers();
  readonly nodes: SimNode[] = [];
  readonly clients: SimClient[] = [];
  readonly history: HistoryEntry[] = [];
  readonly halts: DivergenceReport[] = [];
  private readonly q = new EventQueue<Ev>();
  private readonly clientOf = new Map<bigint, number>();
  private readonly market: Market;
  private readonly slabs: SoakSlabs;
  private blocked = new Set<string>();
  private faultsOn = true;
  private now = 0;
  events = 0;
  messages = 0;
  intents = 0;
  private trace: string[] = [];
  private traceAcc: Uint8Array = new Uint8Array(32);
  private healAt: number | null = null;
  private target = 0;
  convergenceMs: number | null = null;
  private operator: SimClient;

  constructor(readonly options: SimOptions) {
    this.prng = new Prng(options.seed);
    const base = options.swarm ? swarmKnobs(this.prng) : defaultKnobs;
    this.knobs = { ...base, ...options.knobs, ...plantKnobs(options.plant, { ...base, ...options.knobs }) };
    const k = this.knobs;
    const f = faultBound(k.nodes);
    if (k.byzantine.length > f) throw new RangeError(`${k.byzantine.length} byzantine nodes exceed f = ${f}`);
    const tag = `soak-${options.seed}`;
    const clientKeys: { role: SimClient['role']; key: KeyPair }[] = [
      { role: 'oracle', key: keyPairOf(`${tag}-oracle`) },
      { role: 'operator', key: keyPairOf(`${tag}-operator`) },
      ...Array.from({ length: k.makers }, (_, i) => ({ role: 'maker' as const, key: keyPairOf(`${tag}-maker-${i}`) })),
      ...Array.from({ length: k.traders }, (_, i) => ({ role: 'trader' as const, key: keyPairOf(`${tag}-trader-${i}`) })),
    ];
    const acc = {
      makers: clientKeys.filter((c) => c.role === 'maker').map((c) => accountOf(c.key.publicHex)),
      traders: clientKeys.filter((c) => c.role === 'trader').map((c) => accountOf(c.key.publicHex)),
    };
    if (options.executor === 'vm' && !options.modules) throw new RangeError('the VM executor needs the compiled soak venue (modules)');
    if (options.executor === 'vm' && options.plant === 'double-commit') throw new RangeError('--plant double-commit is a model-executor bug; run it with the model executor');
    const vmg = options.modules ? soakVmGenesis(options.modules, acc) : null;
    const genesis = vmg ? vmg.st : soakGenesis(acc);
    const descriptor = vmg ? vmg.descriptor : venueDescriptor(acc);
    this.slabs = vmg ? vmg.slabs : SOAK_SLABS;
    this.market = vmg ? { solPx: vmg.solPx, btcPx: vmg.btcPx } : { solPx: SOL_PX, btcPx: BTC_PX };
    const verifier = new SigVerifier();
    const memo = new ExecutionMemo();
    const keys = Array.from({ length: k.nodes }, (_, i) => keyPairOf(`${tag}-validator-${i}`));
    const policy = { descriptor, oracleKeys: [(clientKeys[0] as { key: KeyPair }).key.publicHex], operatorKeys: [(clientKeys[1] as { key: KeyPair }).key.publicHex] };
    const Exec = options.plant === 'double-commit' ? DoubleCommitExecutor : options.plant === 'ttl-off-by-one' ? TtlOffByOneExecutor : ModelExecutor;
    const execConfig = { genesis, exposureCeiling: 40n, staleWindows: 4n };
    const VmExec = options.plant === 'ttl-off-by-one' ? TtlOffByOneVmExecutor : VmExecutor;
    const makeExecutor = vmg && options.executor === 'vm' ? () => new VmExec({ vm: vmg.vm, exposureCeiling: 40n, staleWindows: 4n }) : () => new Exec(execConfig);
    const bugs = options.plant === 'no-quorum' ? { quorum: f + 1 } : options.plant === 'skip-cert-check' ? { skipCertCheck: true } : undefined;
    for (let i = 0; i < k.nodes; i++) {
      const byzBehaviour = i >= k.nodes - k.byzantine.length ? k.byzantine[i - (k.nodes - k.byzantine.length)] : undefined;
      const config: NodeConfig = {
        id: i,
        key: keys[i] as KeyPair,
        validators: { keys: keys.map((x) => x.publicHex) },
        policy,
        verifier,
        makeExecutor,
        timing: DEFAULT_TIMING,
        maxIntents: 64,
        snapshotEvery: 16,
        memo,
        ...(bugs && !byzBehaviour ? { bugs } : {}),
      };
      const durable = newDurable();
      const sn: SimNode = {
        node: SequencerNode.create(config, durable),
        durable,
        inc: 0,
        driftPpm: this.prng.range(-k.driftPpmMax, k.driftPpmMax),
        offsetMs: this.prng.range(0, k.offsetMsMax),
        byz: null,
        config,
      };
      const withByz = byzBehaviour ? { ...sn, byz: new Byzantine(byzBehaviour, () => sn.node, keys[i] as KeyPair, k.nodes, i) } : sn;
      this.nodes.push(withByz);
    }
    const fq = faultBound(k.nodes) + 1;
    clientKeys.forEach((c, i) => {
      const cl = new SimClient(i, c.role, c.key, descriptor, fq, this.slabs);
      this.clients.push(cl);
      this.clientOf.set(cl.account, i);
    });
    this.operator = this.clients[1] as SimClient;
  }

  /** The derived parameters, printed as the run's header. */
  header(): string {
    const k = this.knobs;
    return `seed ${this.options.seed}${this.options.swarm ? ' (swarm)' : ''}${this.options.plant ? ` plant=${this.options.plant}` : ''}: n=${k.nodes} f=${faultBound(k.nodes)} latency ${k.latencyMinMs}..${k.latencyMaxMs}ms tail ${k.tailPerMille}‰ loss ${k.lossPerMille}‰ dup ${k.dupPerMille}‰ partitions every ${k.partitionEveryMs || '-'}ms for ${k.partitionMs}ms (one-way ${k.asymmetricPerMille}‰) crashes every ${k.crashEveryMs || '-'}ms down ${k.downMs}ms drift ±${k.driftPpmMax}ppm offset ≤${k.offsetMsMax}ms byzantine [${k.byzantine.join(',')}] clients ${k.makers} makers ${k.traders} traders think ${k.thinkMs}ms outages every ${k.outageEveryMs || '-'}ms for ${k.outageMs}ms`;
  }

  private local(i: number, t = this.now): bigint {
    const n = this.nodes[i] as SimNode;
    return BigInt(n.offsetMs + Math.floor((t * (1_000_000 + n.driftPpm)) / 1_000_000));
  }

  private simTimeOf(i: number, local: bigint): number {
    const n = this.nodes[i] as SimNode;
    const t = Math.ceil(((Number(local) - n.offsetMs) * 1_000_000) / (1_000_000 + n.driftPpm));
    return Math.max(this.now + 1, t);
  }

  private latency(): number {
    const k = this.knobs;
    const base = this.prng.range(k.latencyMinMs, Math.max(k.latencyMinMs, k.latencyMaxMs));
    return this.faultsOn && this.prng.chance(k.tailPerMille, 1000) ? base * 10 : base;
  }

  /** Network delivery with the current faults: partitions (node links only), loss, duplication, random latency (reordering). */
  private transmit(ev: Ev, link: string | null): void {
    this.messages++;
    if (this.faultsOn && link && this.blocked.has(link)) return;
    if (this.faultsOn && this.prng.chance(this.knobs.lossPerMille, 1000)) return;
    this.q.push(this.now + this.latency(), ev);
    if (this.faultsOn && this.prng.chance(this.knobs.dupPerMille, 1000)) this.q.push(this.now + this.latency(), ev);
  }

  private sendFrom(from: number, to: number | 'all', msg: Message): void {
    const targets = to === 'all' ? this.nodes.map((_, i) => i).filter((i) => i !== from) : [to];
    for (const t of targets) this.transmit({ k: 'deliver', to: t, msg }, `${from}>${t}`);
  }

  private handle(i: number, actions: readonly Action[]): void {
    const sn = this.nodes[i] as SimNode;
    for (const a of actions) {
      switch (a.a) {
        case 'send':
          for (const o of sn.byz ? sn.byz.rewrite({ to: a.to, msg: a.msg }) : [{ to: a.to, msg: a.msg }]) this.sendFrom(i, o.to, o.msg);
          break;
        case 'timer':
          this.q.push(this.simTimeOf(i, a.at), { k: 'timer', node: i, inc: sn.inc, timer: a.timer });
          break;
        case 'committed':
          if (!sn.byz && sn.node) this.checkers.onCommit(i, a.block, a.outcome, sn.node.executor);
          this.addTrace(`c${i}:${a.block.block.height}:${a.outcome.root}`);
          for (const rc of a.outcome.receipts) {
            const c = this.clientOf.get(rc.account);
            if (c !== undefined) this.transmit({ k: 'receipt', client: c, from: i, height: a.block.block.height, time: a.block.block.time, rc }, null);
          }
          if (this.healAt !== null && this.convergenceMs === null) this.checkConverged();
          break;
        case 'halt':
          this.halts.push(a.report);
          if (!sn.byz) this.checkers.fail('correctness', 'SEQ-ROOT-004', `node ${i} halted: its root ${a.report.ownRoot.slice(0, 12)} ≠ certified ${a.report.certifiedRoot.slice(0, 12)} at height ${a.report.height}`);
          break;
      }
    }
  }

  private honest(): SimNode[] {
    return this.nodes.filter((n) => !n.byz && !n.node?.halted);
  }

  private checkConverged(): void {
    const hs = this.honest().map((n) => (n.node ? n.node.committed.length : 0));
    if (hs.length && Math.min(...hs) >= this.target) this.convergenceMs = this.now - (this.healAt as number);
  }

  private addTrace(s: string): void {
    this.trace.push(s);
    if (this.trace.length >= 512) this.flushTrace();
  }

  private flushTrace(): void {
    this.traceAcc = sha256(utf8Bytes(bytesToHex(this.traceAcc) + this.trace.join('|')));
    this.trace = [];
  }

  /** The next occurrence of a recurring fault: uniform in [every/2, 3·every/2]; 0 = never. */
  private schedule(every: number, ev: Ev): void {
    if (every > 0) this.q.push(this.now + this.prng.range(every >> 1, every + (every >> 1)), ev);
  }

  /** Clients send each intent to every node (client links suffer loss and delay, not partitions). */
  private submit(intents: readonly Intent[]): void {
    for (const intent of intents) {
      this.intents++;
      for (let t = 0; t < this.nodes.length; t++) this.transmit({ k: 'deliver', to: t, msg: { t: 'intent', intent } }, null);
    }
  }

  private step(ev: Ev): void {
    const k = this.knobs;
    switch (ev.k) {
      case 'deliver': {
        const sn = this.nodes[ev.to] as SimNode;
        if (sn.node) this.handle(ev.to, sn.node.onMessage(ev.msg, this.local(ev.to)));
        break;
      }
      case 'timer': {
        const sn = this.nodes[ev.node] as SimNode;
        if (sn.node && sn.inc === ev.inc) this.handle(ev.node, sn.node.onTimer(ev.timer, this.local(ev.node)));
        break;
      }
      case 'receipt': {
        const e = (this.clients[ev.client] as SimClient).onReceipt(ev.from, ev.height, ev.time, ev.rc, this.now);
        if (e) this.history.push(e);
        break;
      }
      case 'wake': {
        const c = this.clients[ev.client] as SimClient;
        this.submit(c.wake(this.now, this.prng, this.market));
        const think = c.role === 'oracle' ? 250 : k.thinkMs;
        this.q.push(this.now + this.prng.range(1, 2 * think), ev);
        break;
      }
      case 'retry':
        for (const c of this.clients) this.submit(c.due(this.now, RETRY_MS));
        this.q.push(this.now + RETRY_MS / 2, ev);
        break;
      case 'partition':
        if (this.faultsOn) this.partition();
        break;
      case 'heal-partition':
        this.blocked = new Set();
        this.schedule(k.partitionEveryMs, { k: 'partition' });
        break;
      case 'crash':
        if (this.faultsOn) this.crash();
        break;
      case 'restart':
        this.restart(ev.node);
        break;
      case 'outage':
        this.submit([this.operator.slabStatus(this.now, ev.slab, ev.down)]);
        if (ev.down) this.q.push(this.now + k.outageMs, { k: 'outage', slab: ev.slab, down: false });
        else if (this.faultsOn) this.schedule(k.outageEveryMs, { k: 'outage', slab: this.prng.pick([this.slabs.a, this.slabs.b]), down: true });
        break;
      case 'heal':
        this.healAll();
        break;
    }
  }

  /** A random split of the validators; one-way with the configured chance. */
  private partition(): void {
    const n = this.nodes.length;
    const side = this.nodes.map(() => this.prng.below(2));
    if (side.every((s) => s === side[0])) {
      const j = this.prng.below(n);
      side[j] = 1 - (side[j] as number);
    }
    const oneWay = this.prng.chance(this.knobs.asymmetricPerMille, 1000);
    this.blocked = new Set();
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (side[a] !== side[b] && (!oneWay || side[a] === 0)) this.blocked.add(`${a}>${b}`);
    this.q.push(this.now + this.knobs.partitionMs, { k: 'heal-partition' });
  }

  private crash(): void {
    const live = this.nodes.map((n, i) => [n, i] as const).filter(([n]) => n.node && !n.node.halted);
    const [sn, i] = this.prng.pick(live);
    sn.node = null;
    sn.inc++;
    this.q.push(this.now + this.knobs.downMs, { k: 'restart', node: i });
    this.schedule(this.knobs.crashEveryMs, { k: 'crash' });
  }

  /** SEQ-DUR-002: recovery from the durable snapshot and log; the checker compares the chain with what it had. */
  private restart(i: number): void {
    const sn = this.nodes[i] as SimNode;
    if (sn.node) return;
    const before = sn.durable.chain.slice();
    const node = SequencerNode.recover(sn.config, sn.durable);
    this.checkers.onRecover(i, before, node.committed);
    sn.node = node;
    sn.inc++;
    this.handle(i, node.start(this.local(i)));
  }

  private healAll(): void {
    this.faultsOn = false;
    this.blocked = new Set();
    this.nodes.forEach((n, i) => {
      if (!n.node) this.restart(i);
    });
    this.healAt = this.now;
    const hs = this.honest().map((n) => (n.node ? n.node.committed.length : 0));
    this.target = Math.max(0, ...hs) + 3;
  }

  run(): SimResult {
    const k = this.knobs;
    this.nodes.forEach((n, i) => n.node && this.handle(i, n.node.start(this.local(i))));
    this.clients.forEach((c, i) => c.role !== 'operator' && this.q.push(this.prng.range(1, 50), { k: 'wake', client: i }));
    this.q.push(RETRY_MS, { k: 'retry' });
    this.schedule(k.partitionEveryMs, { k: 'partition' });
    this.schedule(k.crashEveryMs, { k: 'crash' });
    this.schedule(k.outageEveryMs, { k: 'outage', slab: this.prng.pick([this.slabs.a, this.slabs.b]), down: true });
    const bound = this.options.livenessBoundMs ?? DEFAULT_LIVENESS_BOUND_MS;
    const mode = this.options.mode ?? 'both';
    if (mode === 'liveness') this.faultsOn = false;
    for (;;) {
      if (this.healAt === null && this.events >= this.options.events) {
        if (mode === 'safety') break;
        this.healAll();
      }
      if (this.healAt !== null && (this.convergenceMs !== null || this.now - this.healAt > bound)) break;
      const e = this.q.pop();
      if (!e) break;
      this.now = e.at;
      this.checkers.now = e.at;
      this.events++;
      this.addTrace(`${e.at}:${e.item.k}`);
      try {
        this.step(e.item);
      } catch (err) {
        this.checkers.fail('crash', 'SEQ-SOAK-CRASH', `${e.item.k} at ${e.at}ms: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        break;
      }
      if (this.checkers.violations.length > 0) break;
    }
    if (mode !== 'safety' && this.convergenceMs === null && this.checkers.violations.length === 0) {
      this.checkers.fail('liveness', 'SEQ-SOAK-LIVE', `honest nodes did not all reach height ${this.target} within ${bound}ms of the heal`);
    }
    if (this.checkers.violations.length === 0) this.checkers.history(this.history);
    this.flushTrace();
    return {
      seed: this.options.seed,
      knobs: k,
      events: this.events,
      messages: this.messages,
      intents: this.intents,
      simulatedMs: this.now,
      committedBatches: this.checkers.canonical.size,
      violations: this.checkers.violations,
      convergenceMs: this.convergenceMs,
      halts: this.halts,
      traceHash: bytesToHex(this.traceAcc),
      history: this.history.length,
    };
  }
}

/** What a planted bug needs from the fault mix to show up (a byzantine node of the right kind). */
function plantKnobs(plant: PlantedBug | undefined, k: FaultKnobs): Partial<FaultKnobs> {
  if (plant === 'no-quorum') return { byzantine: ['equivocate'], nodes: 4, lossPerMille: Math.min(k.lossPerMille, 20) };
  if (plant === 'skip-cert-check') return { byzantine: ['forge-sync'], nodes: 4 };
  return {};
}

