/** A small in-process cluster for the BFT tests: fixed 5 ms links, node isolation, crashes and restarts, one executor factory per node. */
import { keyPairOf } from '../../reference/sequencer/crypto.ts';
import type { BatchExecutor } from '../../reference/sequencer/executor.ts';
import type { Intent } from '../../reference/sequencer/intent.ts';
import { ExecutionMemo } from '../../reference/sequencer/ledger.ts';
import { ModelExecutor } from '../../reference/sequencer/model-executor.ts';
import { DEFAULT_TIMING, newDurable, SequencerNode, type Action, type DivergenceReport, type Durable, type Message, type NodeConfig, type PlantedNodeBugs, type Timer } from '../../reference/sequencer/node.ts';
import { EventQueue } from '../../soak/queue.ts';
import { execConfig, policy, verifier } from './helpers.ts';

type Ev = { k: 'msg'; to: number; msg: Message } | { k: 'timer'; node: number; inc: number; timer: Timer };

export const validatorKeys = [0, 1, 2, 3].map((i) => keyPairOf(`cluster-validator-${i}`));

export class Cluster {
  readonly nodes: (SequencerNode | null)[] = [];
  readonly durables: Durable[] = [];
  readonly configs: NodeConfig[] = [];
  readonly inc: number[] = [];
  readonly halts: DivergenceReport[] = [];
  readonly isolated = new Set<number>();
  now = 0;
  private readonly q = new EventQueue<Ev>();

  constructor(opts: { executor?: (i: number) => BatchExecutor; bugs?: (i: number) => PlantedNodeBugs | undefined; snapshotEvery?: number } = {}) {
    const memo = new ExecutionMemo();
    for (let i = 0; i < 4; i++) {
      const bugs = opts.bugs?.(i);
      const config: NodeConfig = {
        id: i,
        key: validatorKeys[i]!,
        validators: { keys: validatorKeys.map((k) => k.publicHex) },
        policy,
        verifier,
        makeExecutor: () => opts.executor?.(i) ?? new ModelExecutor(execConfig()),
        timing: DEFAULT_TIMING,
        maxIntents: 32,
        snapshotEvery: opts.snapshotEvery ?? 4,
        memo,
        ...(bugs ? { bugs } : {}),
      };
      this.configs.push(config);
      this.durables.push(newDurable());
      this.nodes.push(SequencerNode.create(config, this.durables[i]!));
      this.inc.push(0);
    }
    this.nodes.forEach((n, i) => n && this.handle(i, n.start(BigInt(this.now))));
  }

  private handle(from: number, actions: readonly Action[]): void {
    for (const a of actions) {
      if (a.a === 'send') {
        for (let to = 0; to < 4; to++) {
          if ((a.to === 'all' && to !== from) || a.to === to) {
            if (!this.isolated.has(from) && !this.isolated.has(to)) this.q.push(this.now + 5, { k: 'msg', to, msg: a.msg });
          }
        }
      } else if (a.a === 'timer') this.q.push(Math.max(this.now + 1, Number(a.at)), { k: 'timer', node: from, inc: this.inc[from]!, timer: a.timer });
      else if (a.a === 'halt') this.halts.push(a.report);
    }
  }

  submit(intent: Intent): void {
    for (const n of this.nodes) n?.submit(intent);
  }

  run(untilMs: number): void {
    for (;;) {
      const e = this.q.pop();
      if (!e) return;
      if (e.at > untilMs) {
        this.q.push(e.at, e.item);
        this.now = untilMs;
        return;
      }
      this.now = e.at;
      const i = e.item.k === 'msg' ? e.item.to : e.item.node;
      const n = this.nodes[i];
      if (!n) continue;
      if (e.item.k === 'msg') this.handle(i, n.onMessage(e.item.msg, BigInt(this.now)));
      else if (e.item.inc === this.inc[i]) this.handle(i, n.onTimer(e.item.timer, BigInt(this.now)));
    }
  }

  crash(i: number): void {
    this.nodes[i] = null;
    this.inc[i]! += 1;
  }

  restart(i: number): SequencerNode {
    const n = SequencerNode.recover(this.configs[i]!, this.durables[i]!);
    this.nodes[i] = n;
    this.inc[i]! += 1;
    this.handle(i, n.start(BigInt(this.now)));
    return n;
  }

  heights(): number[] {
    return this.nodes.map((n) => n?.committed.length ?? -1);
  }
}
