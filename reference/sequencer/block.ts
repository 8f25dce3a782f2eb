/**
 * Blocks, proposals, votes and commit certificates (spec/sequencer.md §6, SEQ-BFT-*). A block names its
 * height, parent hash, time (the proposer's injected clock, ms), proposer and intents; its hash is
 * sha256 of the canonical bytes. A precommit carries the post-state root of the block (SEQ-ROOT-003);
 * a certificate is 2f+1 precommits from distinct validators for the same (height, round, block, root),
 * each an ed25519 signature over the vote bytes.
 */
import { hashHex, tagged } from './canon.ts';
import { sign, type KeyPair, type SigVerifier } from './crypto.ts';
import { intentId, type Intent } from './intent.ts';

export interface Block {
  readonly height: number;
  readonly prevHash: string;
  readonly time: bigint;
  readonly proposer: number;
  readonly intents: readonly Intent[];
}

export const GENESIS_HASH = '00'.repeat(32);

/** SEQ-BFT-001: the block hash covers the header and the ids and signatures of its intents. */
const blockHashes = new WeakMap<Block, string>();

/** SEQ-BFT-001 (memoised per block object; blocks are immutable). */
export function blockHash(b: Block): string {
  let h = blockHashes.get(b);
  if (h === undefined) {
    h = computeBlockHash(b);
    blockHashes.set(b, h);
  }
  return h;
}

function computeBlockHash(b: Block): string {
  return hashHex(
    tagged('curve-block-v1', {
      height: b.height,
      prevHash: b.prevHash,
      time: b.time,
      proposer: b.proposer,
      intents: b.intents.map((i) => [intentId(i), i.signature]),
    }),
  );
}

export type VoteType = 'prevote' | 'precommit';

export interface Vote {
  readonly type: VoteType;
  readonly height: number;
  readonly round: number;
  /** null = nil vote. */
  readonly block: string | null;
  /** Post-state root of `block` (precommits for a block only). */
  readonly root: string | null;
  readonly from: number;
  readonly sig: string;
}

export interface Proposal {
  readonly height: number;
  readonly round: number;
  readonly block: Block;
  /** Tendermint's valid round (−1 = none). */
  readonly validRound: number;
  readonly from: number;
  readonly sig: string;
  /** The proof of lock of a re-proposal (validRound ≥ 0): 2f+1 prevotes for the block in validRound; not signed over (votes sign themselves). */
  readonly pol?: readonly Vote[];
}

export function voteBytes(v: Omit<Vote, 'sig'>): Uint8Array {
  return tagged('curve-vote-v1', { type: v.type, height: v.height, round: v.round, block: v.block, root: v.root, from: v.from });
}

export function proposalBytes(p: Omit<Proposal, 'sig' | 'block'> & { blockHash: string }): Uint8Array {
  return tagged('curve-proposal-v1', { height: p.height, round: p.round, block: p.blockHash, validRound: p.validRound, from: p.from });
}

export function signVote(key: KeyPair, v: Omit<Vote, 'sig'>): Vote {
  return { ...v, sig: sign(key, voteBytes(v)) };
}

export function signProposal(key: KeyPair, p: Omit<Proposal, 'sig' | 'pol'>): Proposal {
  return { ...p, sig: sign(key, proposalBytes({ ...p, blockHash: blockHash(p.block) })) };
}

/** The validator set: public keys by index; n = 3f+1. */
export interface Validators {
  readonly keys: readonly string[];
}

export const faultBound = (n: number): number => Math.floor((n - 1) / 3);
export const quorumOf = (n: number): number => 2 * faultBound(n) + 1;

export function verifyVote(v: Vote, vs: Validators, verifier: SigVerifier): boolean {
  const key = vs.keys[v.from];
  return key !== undefined && verifier.verify(key, voteBytes(v), v.sig);
}

export function verifyProposal(p: Proposal, vs: Validators, verifier: SigVerifier): boolean {
  const key = vs.keys[p.from];
  return key !== undefined && verifier.verify(key, proposalBytes({ ...p, blockHash: blockHash(p.block) }), p.sig);
}

export interface Certificate {
  readonly height: number;
  readonly round: number;
  readonly block: string;
  readonly root: string;
  readonly votes: readonly { readonly from: number; readonly sig: string }[];
}

/**
 * SEQ-CATCH-002: a certificate is valid for `block` when it names the block's hash and height and holds
 * ≥ 2f+1 precommits from distinct validators, each verifying, for (height, round, block, root).
 */
export function verifyCertificate(c: Certificate, b: Block, vs: Validators, verifier: SigVerifier): string | null {
  if (c.height !== b.height) return `certificate height ${c.height} ≠ block height ${b.height}`;
  if (c.block !== blockHash(b)) return 'certificate names another block';
  const seen = new Set<number>();
  for (const v of c.votes) {
    if (seen.has(v.from)) return `validator ${v.from} counted twice`;
    const vote: Vote = { type: 'precommit', height: c.height, round: c.round, block: c.block, root: c.root, from: v.from, sig: v.sig };
    if (!verifyVote(vote, vs, verifier)) return `precommit of validator ${v.from} does not verify`;
    seen.add(v.from);
  }
  const q = quorumOf(vs.keys.length);
  return seen.size >= q ? null : `${seen.size} precommits, quorum is ${q}`;
}
