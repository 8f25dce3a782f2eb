/**
 * State diffs (spec/curvevm.md VM-STATE-DIFF) and the value bytes of state items they and the state root
 * show. A call's diff is taken in two steps. When the call ends, `World.pendingDiff` records, for every
 * item the journal wrote since the call's snapshot, its value before the first write (the journal's undo
 * record) and its value at that moment, both raw (bytes, words, records: the world's values are
 * immutable, and storage words are copied). Hex strings, the before/after comparison and the sort by key
 * are done only when the diff is read (`PendingDiff.entries`), once. Most callers of a VM call never read
 * its diff, and building it as hex on every writing call was a quarter of a perp call's time (PFM1).
 */
import { bytesToHex } from '../lib/hex.ts';
import { wordToBytesLE, writeUintLE } from '../lib/u128.ts';
import type { ItemKindName, ItemValue } from './journal.ts';
import type { DebitCap, Escrow } from './world.ts';

export type { ItemValue } from './journal.ts';

/** One changed state item: key as in the state root's leaves, values as hex (empty = absent/zero). */
export interface DiffEntry {
  readonly key: string;
  readonly before: string;
  readonly after: string;
}

export function escrowBytes(e: Escrow): Uint8Array {
  const out = new Uint8Array(32);
  wordToBytesLE(e.balance, out, 0);
  wordToBytesLE(e.nonce, out, 16);
  return out;
}

export function capBytes(c: DebitCap): Uint8Array {
  const out = new Uint8Array(16 * 7 + 1);
  [c.user, c.slab, c.asset, c.amountMax, c.remaining, c.expiry, c.nonce].forEach((v, i) => writeUintLE(out, 16 * i, 16, v));
  out[16 * 7] = c.burned ? 1 : 0;
  return out;
}

/** Hex of a word item, '' when absent or zero. */
export function wordHex(v: bigint | undefined): string {
  return v ? bytesToHex(wordToBytesLE(v)) : '';
}

/** Hex of a storage word's bytes, '' when all zero. */
export function bytesHexOrEmpty(bytes: Uint8Array): string {
  return bytes.some((b) => b !== 0) ? bytesToHex(bytes) : '';
}

/** Hex of the value of a non-storage item (see DiffEntry); the next cap id is absent while it is 1. */
export function itemHex(kind: ItemKindName, v: ItemValue): string {
  switch (kind) {
    case 'wallet':
    case 'vault':
      return wordHex(v as bigint | undefined);
    case 'escrow':
      return v ? bytesToHex(escrowBytes(v as Escrow)) : '';
    case 'cap':
      return v ? bytesToHex(capBytes(v as DebitCap)) : '';
    case 'nextCap':
      return v === 1n ? '' : wordHex(v as bigint);
  }
}

/** The diff key of a non-storage item. */
export function itemKey(kind: ItemKindName, key: string): string {
  return kind === 'nextCap' ? 'meta/next_cap' : `${kind}/${key}`;
}

/** Bytes per storage word of a PendingDiff: the old word (16), the word after the call (16), index·32 + length (4). */
export const DIFF_STRIDE = 36;

/**
 * A diff taken at the end of a call (World.pendingDiff), raw: for each storage record of the call's
 * journal (oldest first), DIFF_STRIDE bytes of `chunk` from `at` — its old bytes, its bytes at the end of
 * the call, and its word index and length — and its module (`modules`: one for all, or one per record);
 * for each other item record, four values in `items`: kind, key, old value, value at the end of the call.
 * `entries()` builds (once) what World.diffSince returns: per item, its value before the first write
 * against its value at the end.
 */
export class PendingDiff {
  private built: DiffEntry[] | undefined;

  constructor(
    private readonly chunk: Uint8Array,
    private readonly at: number,
    private readonly words: number,
    private readonly modules: string | readonly string[],
    private readonly items: readonly unknown[] | undefined,
  ) {}

  /** One entry per item whose value changed, sorted by key (VM-STATE-DIFF). */
  entries(): DiffEntry[] {
    if (this.built) return this.built;
    const first = new Map<string, DiffEntry>();
    const meta = new DataView(this.chunk.buffer, this.chunk.byteOffset);
    for (let r = 0; r < this.words; r++) {
      const b = this.at + DIFF_STRIDE * r;
      const m = meta.getInt32(b + 32, LITTLE_ENDIAN);
      const [w, len] = [Math.floor(m / 32), m % 32];
      const module = typeof this.modules === 'string' ? this.modules : (this.modules[r] as string);
      const key = `word/${module}/${w.toString(16)}`;
      if (!first.has(key)) first.set(key, { key, before: bytesHexOrEmpty(this.chunk.subarray(b, b + len)), after: bytesHexOrEmpty(this.chunk.subarray(b + 16, b + 16 + len)) });
    }
    const items = this.items ?? [];
    for (let k = 0; k < items.length; k += 4) {
      const kind = items[k] as ItemKindName;
      const key = itemKey(kind, items[k + 1] as string);
      if (!first.has(key)) first.set(key, { key, before: itemHex(kind, items[k + 2] as ItemValue), after: itemHex(kind, items[k + 3] as ItemValue) });
    }
    const out = [...first.values()].filter((d) => d.after !== d.before);
    this.built = out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return this.built;
  }
}

/** Int32Array stores in the platform's byte order; DataView reads name theirs. */
const LITTLE_ENDIAN = new Uint8Array(Int32Array.of(1).buffer)[0] === 1;
