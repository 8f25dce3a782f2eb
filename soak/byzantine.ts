/**
 * Byzantine validators (at most f): an honest node inside, whose outgoing messages are rewritten and
 * re-signed with its own key — equivocation (a twin block to half the peers and votes to match),
 * withheld proposals and votes, precommits with a wrong post-state root, and forged catch-up responses
 * whose certificates carry fake signatures. Honest nodes must stay safe against all of them.
 */
import { sha256, utf8Bytes } from '../reference/lib/hash.ts';
import { bytesToHex } from '../reference/lib/hex.ts';
import { blockHash, signProposal, signVote, type Block, type Proposal, type Vote } from '../reference/sequencer/block.ts';
import type { KeyPair } from '../reference/sequencer/crypto.ts';
import type { Message, SequencerNode } from '../reference/sequencer/node.ts';
import type { ByzantineBehaviour } from './faults.ts';

export interface Outgoing {
  readonly to: number | 'all';
  readonly msg: Message;
}

const fakeHash = (h: string): string => bytesToHex(sha256(utf8Bytes(`byzantine:${h}`)));

export class Byzantine {
  /** The twin block this node proposed to odd peers, by `${height}/${round}`. */
  private readonly twins = new Map<string, Block>();

  constructor(
    readonly behaviour: ByzantineBehaviour,
    private readonly node: () => SequencerNode | null,
    private readonly key: KeyPair,
    private readonly n: number,
    private readonly self: number,
  ) {}

  /** Rewrite one outgoing message into what this byzantine node actually sends. */
  rewrite(o: Outgoing): Outgoing[] {
    const m = o.msg;
    switch (this.behaviour) {
      case 'withhold':
        return m.t === 'proposal' || m.t === 'vote' ? [] : [o];
      case 'wrong-root':
        if (m.t === 'vote' && m.v.type === 'precommit' && m.v.root) return [{ to: o.to, msg: { t: 'vote', v: this.resign(m.v, m.v.block, fakeHash(m.v.root)) } }];
        return [o];
      case 'equivocate':
        return this.equivocate(o);
      case 'forge-sync':
        return m.t === 'status' ? [o, ...this.forge()] : [o];
    }
  }

  private resign(v: Vote, block: string | null, root: string | null): Vote {
    return signVote(this.key, { type: v.type, height: v.height, round: v.round, block, root, from: v.from });
  }

  private split(to: number | 'all'): { even: number[]; odd: number[] } {
    const peers = to === 'all' ? [...Array(this.n).keys()].filter((i) => i !== this.self) : [to];
    return { even: peers.filter((i) => i % 2 === 0), odd: peers.filter((i) => i % 2 === 1) };
  }

  private equivocate(o: Outgoing): Outgoing[] {
    const m = o.msg;
    const { even, odd } = this.split(o.to);
    const node = this.node();
    if (m.t === 'proposal' && node) {
      const twin: Block = { ...m.p.block, time: m.p.block.time + 1n, intents: m.p.block.intents.slice(0, Math.floor(m.p.block.intents.length / 2)) };
      this.twins.set(`${m.p.height}/${m.p.round}`, twin);
      const p2: Proposal = signProposal(this.key, { height: m.p.height, round: m.p.round, block: twin, validRound: -1, from: m.p.from });
      return [...even.map((to) => ({ to, msg: m })), ...odd.map((to) => ({ to, msg: { t: 'proposal', p: p2 } as Message }))];
    }
    if (m.t === 'vote' && m.v.block && node) {
      const twin = this.twins.get(`${m.v.height}/${m.v.round}`);
      const block = twin ? blockHash(twin) : fakeHash(m.v.block);
      let root: string | null = null;
      if (m.v.type === 'precommit') root = twin && twin.height === node.height ? node.rootOf(twin) : fakeHash(m.v.root ?? '');
      const v2 = this.resign(m.v, block, root);
      return [...even.map((to) => ({ to, msg: m })), ...odd.map((to) => ({ to, msg: { t: 'vote', v: v2 } as Message }))];
    }
    return [o];
  }

  /** Per peer, a different block at this node's height with a certificate of one real and 2f fake signatures. */
  private forge(): Outgoing[] {
    const node = this.node();
    if (!node) return [];
    const tip = node.tipOf();
    const out: Outgoing[] = [];
    for (let to = 0; to < this.n; to++) {
      if (to === this.self) continue;
      const block: Block = { height: node.height, prevHash: tip.hash, time: tip.time + 1n + BigInt(to), proposer: this.self, intents: [] };
      const h = blockHash(block);
      const root = node.rootOf(block);
      const own = signVote(this.key, { type: 'precommit', height: block.height, round: 0, block: h, root, from: this.self });
      const fakes = [...Array(this.n).keys()].filter((i) => i !== this.self).slice(0, 2 * Math.floor((this.n - 1) / 3)).map((from) => ({ from, sig: 'ab'.repeat(64) }));
      const cert = { height: block.height, round: 0, block: h, root, votes: [{ from: this.self, sig: own.sig }, ...fakes] };
      out.push({ to, msg: { t: 'sync-resp', from: this.self, blocks: [{ block, cert }] } });
    }
    return out;
  }
}
