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
import { ITEM_CAP, ITEM_ESCROW, ITEM_NEXT_CAP, ITEM_SEG_NEW, ITEM_VAULT, ITEM_WALLET, Journal, itemKindName, type ItemKindName, type ItemValue } from './journal.ts';
import { DIFF_STRIDE, PendingDiff, bytesHexOrEmpty, capBytes, escrowBytes, itemHex, type DiffEntry } from './state-diff.ts';

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
  /** The bytes as 32-bit words (whole storage words copied to and from the journal in four moves). */
  readonly words: Int32Array;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.words = new Int32Array(this.bytes.buffer, 0, size >> 2);
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
 * One undo record, as `World.journalSince` shows it (the journal itself is flat: journal.ts).
 * `wordIndex` is the 16-byte-aligned word of a segment write and `old` its bytes before the write.
 */
export type JournalEntry =
  | { readonly kind: 'seg'; readonly module: string; readonly wordIndex: number; readonly old: Uint8Array }
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
  private readonly journal = new Journal();
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
    for (let i = this.journal.length - 1; i >= s.journal; i--) this.undo(i);
    this.journal.truncate(Math.min(s.journal, this.journal.length));
    // (setting an array's length is a call into the runtime even when it does not change: PFM1)
    if (this.logs.length !== s.logs) this.logs.length = s.logs;
    this.newEpoch();
  }

  private newEpoch(): void {
    if (++this.epoch < 0x7fffffff) return;
    this.epoch = 1;
    for (const seg of this.segments.values()) seg.journaled?.fill(0);
  }

  /** Entries since a snapshot (oldest first); used to build the state diff. */
  journalSince(s: { journal: number }): readonly JournalEntry[] {
    const j = this.journal;
    const out: JournalEntry[] = [];
    for (let i = s.journal; i < j.length; i++) {
      const w = j.word[i] as number;
      const ref = j.ref[i] as string;
      if (w >= 0) out.push({ kind: 'seg', module: ref, wordIndex: w, old: j.log.slice(16 * i, 16 * i + (j.len[i] as number)) });
      else if (w === ITEM_SEG_NEW) out.push({ kind: 'segNew', module: ref });
      else {
        const kind = itemKindName(w);
        out.push((kind === 'nextCap' ? { kind, old: j.old[i] } : { kind, key: ref, old: j.old[i] }) as JournalEntry);
      }
    }
    return out;
  }

  /** Forget undo records (end of a top-level call that committed). */
  commit(): void {
    this.journal.truncate(0);
    if (this.logs.length !== 0) this.logs.length = 0;
    this.newEpoch();
  }

  /** Undo journal record `i`. */
  private undo(i: number): void {
    const j = this.journal;
    const w = j.word[i] as number;
    const key = j.ref[i] as string;
    const old = j.old[i];
    switch (w) {
      case ITEM_WALLET:
        setOrDelete(this.wallets, key, old as bigint);
        return;
      case ITEM_VAULT:
        setOrDelete(this.vaults, key, old as bigint);
        return;
      case ITEM_ESCROW:
        if (old) this.escrows.set(key, old as Escrow);
        else this.escrows.delete(key);
        return;
      case ITEM_CAP:
        if (old) this.caps.set(key, old as DebitCap);
        else this.caps.delete(key);
        return;
      case ITEM_NEXT_CAP:
        this.nextCap = old as bigint;
        return;
      case ITEM_SEG_NEW:
        this.segments.delete(key);
        return;
      default: {
        const seg = this.segments.get(key) as Segment;
        const n = j.len[i] as number;
        for (let k = 0; k < n; k++) seg.bytes[16 * w + k] = j.log[16 * i + k] as number;
        seg.touch(w * 16, n);
      }
    }
  }

  // ---- segments ----
  /** The segment of a module, created zeroed with `size` bytes on first use. */
  segment(moduleHex: string, size: number): Segment {
    let s = this.segments.get(moduleHex);
    if (!s) {
      s = new Segment(size);
      this.segments.set(moduleHex, s);
      this.journal.pushItem(ITEM_SEG_NEW, moduleHex, undefined);
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
      this.journal.pushWord(moduleHex, bytes, seg.words, w, Math.min(16, bytes.length - w * 16));
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
    this.journal.pushItem(ITEM_WALLET, key, this.wallets.get(key) ?? 0n);
    setOrDelete(this.wallets, key, amount);
  }

  setVault(asset: bigint, amount: bigint): void {
    const key = k1(asset);
    this.journal.pushItem(ITEM_VAULT, key, this.vaults.get(key) ?? 0n);
    setOrDelete(this.vaults, key, amount);
  }

  setEscrow(user: bigint, slab: bigint, asset: bigint, e: Escrow): void {
    const key = k3(user, slab, asset);
    this.journal.pushItem(ITEM_ESCROW, key, this.escrows.get(key));
    if (e.balance === 0n && e.nonce === 0n) this.escrows.delete(key);
    else this.escrows.set(key, e);
  }

  setCap(id: bigint, c: DebitCap): void {
    const key = k1(id);
    this.journal.pushItem(ITEM_CAP, key, this.caps.get(key));
    this.caps.set(key, c);
  }

  /** Set the next cap id (loading a pre-state; journaled like any write). */
  setNextCap(id: bigint): void {
    this.journal.pushItem(ITEM_NEXT_CAP, '', this.nextCap);
    this.nextCap = id;
  }

  mintCapId(): bigint {
    const id = this.nextCap;
    this.journal.pushItem(ITEM_NEXT_CAP, '', id);
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
  private itemValue(kind: ItemKindName, key: string): ItemValue {
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
    const j = this.journal;
    const end = j.length;
    const jWord = j.word;
    const jLen = j.len;
    const jRef = j.ref;
    const log32 = j.log32;
    // Per storage record DIFF_STRIDE bytes of the shared chunk: old word, word after the call, meta.
    const at = diffRegion(DIFF_STRIDE * (end - s.journal));
    const c32 = diffChunk32;
    let words = 0;
    let module: string | undefined;
    let modules: string[] | undefined;
    let items: unknown[] | undefined;
    let segModule: string | undefined;
    let seg: Segment | undefined;
    for (let i = s.journal; i < end; i++) {
      const w = jWord[i] as number;
      const ref = jRef[i] as string;
      if (w < 0) {
        if (w !== ITEM_SEG_NEW) {
          const kind = itemKindName(w);
          (items ??= []).push(kind, ref, j.old[i], this.itemValue(kind, ref));
        }
        continue;
      }
      const len = jLen[i] as number;
      const d = (at >> 2) + (DIFF_STRIDE >> 2) * words;
      if (ref !== segModule) {
        segModule = ref;
        seg = this.segments.get(ref);
      }
      if (len === 16 && seg) {
        const o = 4 * i;
        c32[d] = log32[o] as number;
        c32[d + 1] = log32[o + 1] as number;
        c32[d + 2] = log32[o + 2] as number;
        c32[d + 3] = log32[o + 3] as number;
        const sw = seg.words;
        const f = 4 * w;
        c32[d + 4] = sw[f] as number;
        c32[d + 5] = sw[f + 1] as number;
        c32[d + 6] = sw[f + 2] as number;
        c32[d + 7] = sw[f + 3] as number;
      } else this.copyWordSlow(d * 4, i, w, len, seg);
      c32[d + 8] = w * 32 + len;
      if (modules) modules.push(ref);
      else if (module === undefined) module = ref;
      else if (ref !== module) {
        modules = new Array<string>(words).fill(module);
        modules.push(ref);
      }
      words++;
    }
    return new PendingDiff(diffChunk, at, words, modules ?? module ?? '', items);
  }

  /**
   * pendingDiff for a short last word of a segment, or a word of a segment no longer there (undone with a
   * callee's writes: it reads as zero bytes, as in valueHex): old and after bytes one by one.
   */
  private copyWordSlow(b: number, i: number, w: number, len: number, seg: Segment | undefined): void {
    const c8 = diffChunk;
    const log = this.journal.log;
    for (let k = 0; k < 32; k++) c8[b + k] = 0;
    for (let k = 0; k < len; k++) c8[b + k] = log[16 * i + k] as number;
    if (seg) for (let k = 0; k < len; k++) c8[b + 16 + k] = seg.bytes[16 * w + k] as number;
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
let diffChunk32 = new Int32Array(0);
let diffUsed = 0;
/** Where `bytes` bytes (a multiple of 4) of `diffChunk` start (a new chunk when they do not fit). */
function diffRegion(bytes: number): number {
  if (diffUsed + bytes > diffChunk.length) {
    diffChunk = new Uint8Array(Math.max(DIFF_CHUNK, bytes));
    diffChunk32 = new Int32Array(diffChunk.buffer);
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
