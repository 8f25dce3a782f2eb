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
import type { DebitCap, Escrow, JournalEntry } from './world.ts';

/** One changed state item: key as in the state root's leaves, values as hex (empty = absent/zero). */
export interface DiffEntry {
  readonly key: string;
  readonly before: string;
  readonly after: string;
}

/** Journal entries that record an old value (all but segment creation). */
export type ValueEntry = Exclude<JournalEntry, { kind: 'segNew' | 'seg' }>;

/** The raw value of a non-storage item of kind `ValueEntry['kind']` (undefined = absent). */
export type ItemValue = bigint | Escrow | DebitCap | undefined;

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
export function itemHex(kind: ValueEntry['kind'], v: ItemValue): string {
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

/** The diff key of a non-storage journal entry. */
export function itemKey(e: ValueEntry): string {
  return e.kind === 'nextCap' ? 'meta/next_cap' : `${e.kind}/${e.key}`;
}

/** The old bytes of a segment word's undo record (see JournalEntry). */
export function oldWord(e: Extract<JournalEntry, { kind: 'seg' }>): Uint8Array {
  return e.log.subarray(e.at, e.at + e.len);
}

/**
 * A diff taken at the end of a call: the call's journal entries (oldest first) with, for each, the value
 * of its item at the end of the call — storage words as bytes in `wordsAfter` (16 per entry, as many
 * used as the entry's undo record holds), other items in `itemsAfter`. `entries()` builds (once) what
 * World.diffSince returns: per item, its value before the first write against its value at the end.
 */
export class PendingDiff {
  private built: DiffEntry[] | undefined;

  constructor(
    private readonly journal: readonly JournalEntry[],
    private readonly wordsAfter: Uint8Array,
    private readonly itemsAfter: readonly ItemValue[],
  ) {}

  /** One entry per item whose value changed, sorted by key (VM-STATE-DIFF). */
  entries(): DiffEntry[] {
    if (this.built) return this.built;
    const first = new Map<string, DiffEntry>();
    this.journal.forEach((e, i) => {
      if (e.kind === 'segNew') return; // no value of its own: its words appear as `word/` entries
      const key = e.kind === 'seg' ? `word/${e.module}/${e.wordIndex.toString(16)}` : itemKey(e);
      if (first.has(key)) return;
      if (e.kind === 'seg') first.set(key, { key, before: bytesHexOrEmpty(oldWord(e)), after: bytesHexOrEmpty(this.wordsAfter.subarray(16 * i, 16 * i + e.len)) });
      else first.set(key, { key, before: itemHex(e.kind, e.old), after: itemHex(e.kind, this.itemsAfter[i]) });
    });
    const out = [...first.values()].filter((d) => d.after !== d.before);
    this.built = out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return this.built;
  }
}
