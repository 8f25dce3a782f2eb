/**
 * The journaled host state a CurveVM call reads and writes (spec/curvevm.md §7–8, VM-STATE-*):
 * storage segments of modules, wallets, vaults, escrows and debit caps. Every write appends an undo
 * record to the journal; a frame that traps or reverts rolls the journal back to its start, so its
 * writes vanish exactly (VM-TRAP-002). State has a canonical Merkle root (VM-STATE-ROOT).
 */
import { leafHash, merkleRoot } from '../lib/merkle.ts';
import { sha256 } from '../lib/hash.ts';
import { bytesToHex } from '../lib/hex.ts';
import { readUintLE, wordToBytesLE } from '../lib/u128.ts';
import { PendingDiff, bytesHexOrEmpty, capBytes, escrowBytes, itemHex, oldWord, type DiffEntry, type ItemValue, type ValueEntry } from './state-diff.ts';

export type { DiffEntry } from './state-diff.ts';

export interface Escrow {
  readonly balance: bigint;
  readonly nonce: bigint;
}

export interface DebitCap {
  readonly user: bigint;
  readonly slab: bigint;
  readonly asset: bigint;
  readonly amountMax: bigint;
  readonly remaining: bigint;
  readonly expiry: bigint;
  /** The escrow nonce at mint time (anti-replay, F3). */
  readonly nonce: bigint;
  readonly burned: boolean;
}

export interface OracleQuote {
  readonly price: bigint;
  readonly publishTime: bigint;
}

/** A storage segment: zero-initialised bytes with a per-page hash cache for the state root. */
export class Segment {
  readonly bytes: Uint8Array;
  private readonly pageHashes = new Map<number, Uint8Array | null>();
  private readonly dirty = new Set<number>();
  /** The page last added to `dirty` (−1 after the set is cleared): most writes land on the same page. */
  private lastDirty = -1;
  /**
   * Per 16-byte word, the world's journal epoch in which the word was last journaled (World.segmentWillWrite),
   * allocated on the first journaled write.
   */
  journaled: Int32Array | undefined;
  static readonly PAGE = 4096;

  /** The bytes as a DataView (the fast path's 8- and 16-byte storage accesses). */
  readonly view: DataView;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  touch(offset: number, len: number): void {
    const first = Math.floor(offset / Segment.PAGE);
    const last = Math.floor((offset + len - 1) / Segment.PAGE);
    if (last < first || (first === last && first === this.lastDirty)) return;
    for (let p = first; p <= last; p++) this.dirty.add(p);
    this.lastDirty = last;
  }

  /** Hashes of the non-zero pages, by page index, ascending. */
  pageLeaves(): [number, Uint8Array][] {
    for (const p of this.dirty) {
      const page = this.bytes.subarray(p * Segment.PAGE, Math.min(this.bytes.length, (p + 1) * Segment.PAGE));
      this.pageHashes.set(p, page.some((b) => b !== 0) ? sha256(page) : null);
    }
    this.dirty.clear();
    this.lastDirty = -1;
    const out: [number, Uint8Array][] = [];
    for (const [p, h] of this.pageHashes) if (h) out.push([p, h]);
    return out.sort((a, b) => a[0] - b[0]);
  }
}

/**
 * One undo record. `wordIndex` is the 16-byte-aligned word of a segment write; its old bytes are
 * `log[at, at + len)` (see `oldWord`): a chunk of the world's byte log, never overwritten once written
 * (a full chunk is replaced by a fresh one), so recording a write allocates no buffer of its own (PFM1).
 */
export type JournalEntry =
  | { readonly kind: 'seg'; readonly module: string; readonly wordIndex: number; readonly log: Uint8Array; readonly at: number; readonly len: number }
  | { readonly kind: 'wallet'; readonly key: string; readonly old: bigint }
  | { readonly kind: 'vault'; readonly key: string; readonly old: bigint }
  | { readonly kind: 'escrow'; readonly key: string; readonly old: Escrow | undefined }
  | { readonly kind: 'cap'; readonly key: string; readonly old: DebitCap | undefined }
  | { readonly kind: 'nextCap'; readonly old: bigint }
  /** A segment created by this call (undo deletes it, so a trapped call leaves no empty segment behind). */
  | { readonly kind: 'segNew'; readonly module: string };

export interface Log {
  /** Hex hash of the emitting module. */
  readonly module: string;
  readonly topics: readonly bigint[];
  readonly data: Uint8Array;
}

/**
 * Bytes per chunk of the byte log of segment undo records: 1 MiB (65,536 records) because a fresh chunk
 * costs more than its size suggests (a backing store, zeroed); 64 KiB chunks showed in the perp bench
 * profile (PFM1).
 */
const LOG_CHUNK = 1 << 20;

/*
 * Item keys. Memoised: `toString(16)` of a 128-bit id and a fresh concatenated key to hash on every
 * lookup were ~8 % of a perp pair (PFM1), whose syscalls look up the same few ids (feed, asset, module,
 * the escrow of one user) over and over. The memo of ids is bounded; the composite keys remember the
 * last one (each is flat, so the map hashes it once).
 */
const ID_KEYS = new Map<bigint, string>();
const ID_KEYS_MAX = 4096;
function k1(a: bigint): string {
  let s = ID_KEYS.get(a);
  if (s === undefined) {
    if (ID_KEYS.size >= ID_KEYS_MAX) ID_KEYS.clear();
    s = a.toString(16);
    ID_KEYS.set(a, s);
  }
  return s;
}
let last2 = { a: -1n, b: -1n, key: '' };
function k2(a: bigint, b: bigint): string {
  if (a !== last2.a || b !== last2.b) last2 = { a, b, key: `${k1(a)}/${k1(b)}` };
  return last2.key;
}
let last3 = { a: -1n, b: -1n, c: -1n, key: '' };
function k3(a: bigint, b: bigint, c: bigint): string {
  if (a !== last3.a || b !== last3.b || c !== last3.c) last3 = { a, b, c, key: `${k1(a)}/${k1(b)}/${k1(c)}` };
  return last3.key;
}

export class World {
  private readonly segments = new Map<string, Segment>();
  private readonly wallets = new Map<string, bigint>();
  private readonly vaults = new Map<string, bigint>();
  private readonly escrows = new Map<string, Escrow>();
  private readonly caps = new Map<string, DebitCap>();
  private readonly oracles = new Map<string, OracleQuote>();
  private nextCap = 1n;
  private journal: JournalEntry[] = [];
  /** The byte log of segment undo records (see JournalEntry) and how much of its chunk is used; the first write allocates a chunk. */
  private log = new Uint8Array(0);
  private logUsed = 0;
  /**
   * The journal epoch: a new one starts at every snapshot, revert and commit. A storage word already
   * journaled in the current epoch is not journaled again: the journal then already holds its value as of
   * the latest snapshot (every earlier, still live snapshot is older), which is all any revert or diff
   * reads. Measured on `npm run bench -- perp` (PFM1): a slab commit stores ~65 times into far fewer
   * words, and journaling every store was ~13 % of a pair's time.
   */
  private epoch = 1;
  readonly logs: Log[] = [];

  // ---- journal ----
  snapshot(): { journal: number; logs: number } {
    this.newEpoch();
    return { journal: this.journal.length, logs: this.logs.length };
  }

  revertTo(s: { journal: number; logs: number }): void {
    while (this.journal.length > s.journal) this.undo(this.journal.pop() as JournalEntry);
    this.logs.length = s.logs;
    this.newEpoch();
  }

  private newEpoch(): void {
    if (++this.epoch < 0x7fffffff) return;
    this.epoch = 1;
    for (const seg of this.segments.values()) seg.journaled?.fill(0);
  }

  /** Entries since a snapshot (oldest first); used to build the state diff. */
  journalSince(s: { journal: number }): readonly JournalEntry[] {
    return this.journal.slice(s.journal);
  }

  /** Forget undo records (end of a top-level call that committed). */
  commit(): void {
    this.journal = [];
    this.logs.length = 0;
    this.newEpoch();
  }

  private undo(e: JournalEntry): void {
    switch (e.kind) {
      case 'seg': {
        const seg = this.segments.get(e.module) as Segment;
        seg.bytes.set(oldWord(e), e.wordIndex * 16);
        seg.touch(e.wordIndex * 16, e.len);
        return;
      }
      case 'wallet':
        setOrDelete(this.wallets, e.key, e.old);
        return;
      case 'vault':
        setOrDelete(this.vaults, e.key, e.old);
        return;
      case 'escrow':
        if (e.old) this.escrows.set(e.key, e.old);
        else this.escrows.delete(e.key);
        return;
      case 'cap':
        if (e.old) this.caps.set(e.key, e.old);
        else this.caps.delete(e.key);
        return;
      case 'nextCap':
        this.nextCap = e.old;
        return;
      case 'segNew':
        this.segments.delete(e.module);
        return;
    }
  }

  // ---- segments ----
  /** The segment of a module, created zeroed with `size` bytes on first use. */
  segment(moduleHex: string, size: number): Segment {
    let s = this.segments.get(moduleHex);
    if (!s) {
      s = new Segment(size);
      this.segments.set(moduleHex, s);
      this.journal.push({ kind: 'segNew', module: moduleHex });
    }
    return s;
  }

  hasSegment(moduleHex: string): boolean {
    return this.segments.has(moduleHex);
  }

  /** Write `data` at `offset` of a segment (bounds already checked), journaling every word touched. */
  segmentWrite(moduleHex: string, seg: Segment, offset: number, data: Uint8Array): void {
    this.segmentWillWrite(moduleHex, seg, offset, data.length);
    seg.bytes.set(data, offset);
  }

  /**
   * Journal the words of [offset, offset + len) of a segment (len ≥ 1, bounds already checked) and mark
   * their pages for the state root, before the caller writes those bytes in place (the fast path's
   * storage stores; segmentWrite).
   */
  segmentWillWrite(moduleHex: string, seg: Segment, offset: number, len: number): void {
    const first = Math.floor(offset / 16);
    const last = Math.floor((offset + len - 1) / 16);
    const bytes = seg.bytes;
    const marks = (seg.journaled ??= new Int32Array(Math.ceil(bytes.length / 16)));
    const epoch = this.epoch;
    for (let w = first; w <= last; w++) {
      if (marks[w] === epoch) continue; // journaled since the latest snapshot (see `epoch`)
      marks[w] = epoch;
      const start = w * 16;
      const n = Math.min(16, bytes.length - start);
      if (this.logUsed + n > this.log.length) {
        this.log = new Uint8Array(LOG_CHUNK);
        this.logUsed = 0;
      }
      const log = this.log;
      const at = this.logUsed;
      for (let k = 0; k < n; k++) log[at + k] = bytes[start + k] as number;
      this.logUsed = at + n;
      this.journal.push({ kind: 'seg', module: moduleHex, wordIndex: w, log, at, len: n });
    }
    seg.touch(offset, len);
  }

  // ---- balances ----
  wallet(user: bigint, asset: bigint): bigint {
    return this.wallets.get(k2(user, asset)) ?? 0n;
  }

  vault(asset: bigint): bigint {
    return this.vaults.get(k1(asset)) ?? 0n;
  }

  escrow(user: bigint, slab: bigint, asset: bigint): Escrow {
    return this.escrows.get(k3(user, slab, asset)) ?? { balance: 0n, nonce: 0n };
  }

  cap(id: bigint): DebitCap | undefined {
    return this.caps.get(k1(id));
  }

  oracle(feed: bigint): OracleQuote {
    return this.oracles.get(k1(feed)) ?? { price: 0n, publishTime: 0n };
  }

  setWallet(user: bigint, asset: bigint, amount: bigint): void {
    const key = k2(user, asset);
    this.journal.push({ kind: 'wallet', key, old: this.wallets.get(key) ?? 0n });
    setOrDelete(this.wallets, key, amount);
  }

  setVault(asset: bigint, amount: bigint): void {
    const key = k1(asset);
    this.journal.push({ kind: 'vault', key, old: this.vaults.get(key) ?? 0n });
    setOrDelete(this.vaults, key, amount);
  }

  setEscrow(user: bigint, slab: bigint, asset: bigint, e: Escrow): void {
    const key = k3(user, slab, asset);
    this.journal.push({ kind: 'escrow', key, old: this.escrows.get(key) });
    if (e.balance === 0n && e.nonce === 0n) this.escrows.delete(key);
    else this.escrows.set(key, e);
  }

  setCap(id: bigint, c: DebitCap): void {
    const key = k1(id);
    this.journal.push({ kind: 'cap', key, old: this.caps.get(key) });
    this.caps.set(key, c);
  }

  /** Set the next cap id (loading a pre-state; journaled like any write). */
  setNextCap(id: bigint): void {
    this.journal.push({ kind: 'nextCap', old: this.nextCap });
    this.nextCap = id;
  }

  mintCapId(): bigint {
    const id = this.nextCap;
    this.journal.push({ kind: 'nextCap', old: id });
    this.nextCap = id + 1n;
    return id;
  }

  /** Oracle quotes are host inputs (set between calls), not journaled VM writes. */
  setOracle(feed: bigint, q: OracleQuote): void {
    this.oracles.set(k1(feed), q);
  }

  // ---- canonical view ----
  /** Every state item as (key, value bytes), sorted by key: the leaves of the state root. */
  leaves(): [string, Uint8Array][] {
    const out: [string, Uint8Array][] = [];
    for (const [k, v] of this.wallets) out.push([`wallet/${k}`, wordToBytesLE(v)]);
    for (const [k, v] of this.vaults) out.push([`vault/${k}`, wordToBytesLE(v)]);
    for (const [k, e] of this.escrows) out.push([`escrow/${k}`, escrowBytes(e)]);
    for (const [k, c] of this.caps) out.push([`cap/${k}`, capBytes(c)]);
    if (this.nextCap !== 1n) out.push(['meta/next_cap', wordToBytesLE(this.nextCap)]);
    for (const [m, seg] of this.segments) {
      for (const [p, h] of seg.pageLeaves()) out.push([`seg/${m}/${p.toString(16)}`, h]);
    }
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  stateRoot(): Uint8Array {
    const enc = new TextEncoder();
    return merkleRoot(this.leaves().map(([k, v]) => leafHash(enc.encode(k), v)));
  }

  stateRootHex(): string {
    return bytesToHex(this.stateRoot());
  }

  /** The current value of a diff key, as hex (see DiffEntry). */
  valueHex(key: string): string {
    const [kind, ...rest] = key.split('/');
    const id = rest.join('/');
    switch (kind) {
      case 'wallet':
      case 'vault':
      case 'escrow':
      case 'cap':
        return itemHex(kind, this.itemValue(kind, id));
      case 'meta':
        return itemHex('nextCap', this.nextCap);
      case 'word': {
        const [m, w] = rest as [string, string];
        const seg = this.segments.get(m);
        return seg ? bytesHexOrEmpty(wordBytes(seg, parseInt(w, 16))) : '';
      }
      default:
        throw new Error(`internal assertion failed: unknown diff key ${key}`);
    }
  }

  /** The raw current value of a non-storage item (undefined = absent). */
  private itemValue(kind: ValueEntry['kind'], key: string): ItemValue {
    switch (kind) {
      case 'wallet':
        return this.wallets.get(key);
      case 'vault':
        return this.vaults.get(key);
      case 'escrow':
        return this.escrows.get(key);
      case 'cap':
        return this.caps.get(key);
      case 'nextCap':
        return this.nextCap;
    }
  }

  /**
   * The items written since `s`, with their value before the first write and their value now, raw: the
   * diff of a call, to be built as hex only if it is read (state-diff.ts).
   */
  pendingDiff(s: { journal: number }): PendingDiff {
    const entries = this.journal.slice(s.journal);
    const n = entries.length;
    // Storage words after the call, in a region of the shared chunk.
    const at = diffRegion(16 * n);
    const wordsAfter = diffChunk.subarray(at, at + 16 * n);
    const itemsAfter = new Array<ItemValue>(entries.length);
    let module = '';
    let seg: Segment | undefined;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as JournalEntry;
      if (e.kind === 'seg') {
        if (e.module !== module) {
          module = e.module;
          seg = this.segments.get(module);
        }
        // A missing segment (undone with a callee's writes) reads as zero bytes, as in valueHex.
        if (seg) for (let k = 0, from = 16 * e.wordIndex; k < e.len; k++) wordsAfter[16 * i + k] = seg.bytes[from + k] as number;
      } else if (e.kind !== 'segNew') itemsAfter[i] = this.itemValue(e.kind, e.kind === 'nextCap' ? '' : e.key);
    }
    return new PendingDiff(entries, wordsAfter, itemsAfter);
  }

  /**
   * State diff of the journal entries since `s`: one entry per item whose value changed, sorted by key.
   * Segment words appear as `word/<module>/<index hex>`.
   */
  diffSince(s: { journal: number }): DiffEntry[] {
    return this.pendingDiff(s).entries();
  }

  /** Deep copy, for tests and for what-if execution. */
  clone(): World {
    const w = new World();
    for (const [k, s] of this.segments) {
      const c = new Segment(s.bytes.length);
      w.segments.set(k, c);
      c.bytes.set(s.bytes);
      c.touch(0, s.bytes.length || 1);
    }
    for (const [k, v] of this.wallets) w.wallets.set(k, v);
    for (const [k, v] of this.vaults) w.vaults.set(k, v);
    for (const [k, v] of this.escrows) w.escrows.set(k, v);
    for (const [k, v] of this.caps) w.caps.set(k, v);
    for (const [k, v] of this.oracles) w.oracles.set(k, v);
    w.nextCap = this.nextCap;
    return w;
  }

  /** Read a segment word for tests and tools (0 when the segment does not exist). */
  readSegmentWord(moduleHex: string, offset: number): bigint {
    const seg = this.segments.get(moduleHex);
    return seg ? readUintLE(seg.bytes, offset, 16) : 0n;
  }

  /** Plain JSON-able view (bigints as 0x hex). */
  toJSON(): Record<string, unknown> {
    const hex = (v: bigint): string => '0x' + v.toString(16);
    const sortObj = <V>(m: Map<string, V>, f: (v: V) => unknown): Record<string, unknown> =>
      Object.fromEntries([...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => [k, f(v)]));
    return {
      wallets: sortObj(this.wallets, hex),
      vaults: sortObj(this.vaults, hex),
      escrows: sortObj(this.escrows, (e) => ({ balance: hex(e.balance), nonce: hex(e.nonce) })),
      caps: sortObj(this.caps, (c) => ({
        user: hex(c.user),
        slab: hex(c.slab),
        asset: hex(c.asset),
        amountMax: hex(c.amountMax),
        remaining: hex(c.remaining),
        expiry: hex(c.expiry),
        nonce: hex(c.nonce),
        burned: c.burned,
      })),
      oracles: sortObj(this.oracles, (q) => ({ price: hex(q.price), publishTime: hex(q.publishTime) })),
      nextCap: hex(this.nextCap),
      segments: sortObj(this.segments, (seg) => {
        const words: Record<string, string> = {};
        for (let off = 0; off + 16 <= seg.bytes.length; off += 16) {
          const v = readUintLE(seg.bytes, off, 16);
          if (v !== 0n) words[String(off)] = hex(v);
        }
        return { size: seg.bytes.length, words };
      }),
      stateRoot: this.stateRootHex(),
    };
  }
}

/**
 * Bytes for PendingDiffs: a region per diff, cut from a shared chunk and never reused (the diff keeps
 * it). A fresh buffer per call cost ~1 µs (a backing store of its own) in the perp bench (PFM1).
 */
const DIFF_CHUNK = 256 * 1024;
let diffChunk = new Uint8Array(0);
let diffUsed = 0;
/** Where `bytes` bytes of `diffChunk` start (a new chunk when they do not fit). */
function diffRegion(bytes: number): number {
  if (diffUsed + bytes > diffChunk.length) {
    diffChunk = new Uint8Array(Math.max(DIFF_CHUNK, bytes));
    diffUsed = 0;
  }
  diffUsed += bytes;
  return diffUsed - bytes;
}

function setOrDelete(m: Map<string, bigint>, key: string, v: bigint): void {
  if (v === 0n) m.delete(key);
  else m.set(key, v);
}

/** The bytes of storage word `index` (the last word of a segment may be shorter than 16). */
function wordBytes(seg: Segment, index: number): Uint8Array {
  const start = index * 16;
  return seg.bytes.subarray(start, Math.min(start + 16, seg.bytes.length));
}
