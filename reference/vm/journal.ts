/**
 * The World's undo journal, flat (spec/curvevm.md §8, VM-TRAP-002 / VM-STATE-003): one record per write,
 * kept in typed arrays and two plain arrays that live as long as the world and are reused after every
 * commit, so recording a write allocates nothing. A record is either
 * - a storage word: `word[i]` ≥ 0 is the 16-byte word's index in the segment of module `ref[i]`, and its
 *   old bytes (`len[i]` of them, ≤ 16; only a segment's last word is shorter) are `log[16·i, 16·i + len[i])`;
 * - an item: `word[i]` < 0 is the item kind (ITEM_*), `ref[i]` its key (a wallet/vault/escrow/cap key, the
 *   module of a new segment) and `old[i]` its value before the write.
 * Why (PFM1, `npm run bench -- perp`): an object per record made ~90 objects per perp pair whose
 * allocation site V8 pretenured (a long initialisation call keeps them all alive), so every later record
 * went straight to the old generation and the garbage collector took ~10 % of a pair.
 */
import type { DebitCap, Escrow } from './world.ts';

/** Item kinds (`word[i]` of an item record). */
export const ITEM_WALLET = -1;
export const ITEM_VAULT = -2;
export const ITEM_ESCROW = -3;
export const ITEM_CAP = -4;
export const ITEM_NEXT_CAP = -5;
/** A segment created by the call (undo deletes it, so a trapped call leaves no empty segment behind). */
export const ITEM_SEG_NEW = -6;

/** The raw value of a non-storage item (undefined = absent). */
export type ItemValue = bigint | Escrow | DebitCap | undefined;

export type ItemKindName = 'wallet' | 'vault' | 'escrow' | 'cap' | 'nextCap';

/** The name of a value-item kind (ITEM_WALLET … ITEM_NEXT_CAP). */
export function itemKindName(kind: number): ItemKindName {
  const name = (['wallet', 'vault', 'escrow', 'cap', 'nextCap'] as const)[-1 - kind];
  if (name === undefined) throw new Error(`internal assertion failed: journal item kind ${kind}`);
  return name;
}

export class Journal {
  /** Records in use (records past it are stale and never read). */
  length = 0;
  word = new Int32Array(256);
  len = new Uint8Array(256);
  ref: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);
  old: ItemValue[] = new Array<ItemValue>(256).fill(undefined);
  /** 16 bytes per record; `log32` is the same bytes as 32-bit words (a whole word copies in four). */
  log = new Uint8Array(256 * 16);
  log32 = new Int32Array(this.log.buffer);

  /** Room for one more record; returns its index. */
  next(): number {
    const i = this.length;
    if (i === this.word.length) this.grow();
    return i;
  }

  private grow(): void {
    const n = this.word.length * 2;
    const word = new Int32Array(n);
    word.set(this.word);
    this.word = word;
    const len = new Uint8Array(n);
    len.set(this.len);
    this.len = len;
    const log = new Uint8Array(n * 16);
    log.set(this.log);
    this.log = log;
    this.log32 = new Int32Array(log.buffer);
    for (let i = this.ref.length; i < n; i++) {
      this.ref.push(undefined);
      this.old.push(undefined);
    }
  }

  /** Record a storage word's old bytes: `n` bytes of `bytes` (and `words`, the same buffer as 32-bit words) from word `w`. */
  pushWord(module: string, bytes: Uint8Array, words: Int32Array, w: number, n: number): void {
    const i = this.next();
    this.word[i] = w;
    this.len[i] = n;
    this.ref[i] = module;
    if (n === 16) {
      const log32 = this.log32;
      const from = 4 * w;
      log32[4 * i] = words[from] as number;
      log32[4 * i + 1] = words[from + 1] as number;
      log32[4 * i + 2] = words[from + 2] as number;
      log32[4 * i + 3] = words[from + 3] as number;
    } else {
      const log = this.log;
      for (let k = 0, at = 16 * i, from = 16 * w; k < n; k++) log[at + k] = bytes[from + k] as number;
    }
    this.length = i + 1;
  }

  /** Record an item's old value. */
  pushItem(kind: number, key: string, old: ItemValue): void {
    const i = this.next();
    this.word[i] = kind;
    this.ref[i] = key;
    this.old[i] = old;
    this.length = i + 1;
  }

  /**
   * Forget the records from `from` on (after they were undone, or committed). Item records let go of
   * their values, so a stale record keeps nothing alive.
   */
  truncate(from: number): void {
    for (let i = from; i < this.length; i++) {
      if ((this.word[i] as number) < 0) {
        this.ref[i] = undefined;
        this.old[i] = undefined;
      }
    }
    this.length = from;
  }
}
