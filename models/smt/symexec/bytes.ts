/**
 * Byte-addressed symbolic memory of the executor, used for both a call's linear memory and the module's
 * storage segment (spec/symexec.md "State"). Two representations: while every address is concrete, an
 * overlay map address → byte (a number or an 8-bit term) over a base that is all zeros or an
 * unconstrained z3 array (a symbolic pre-state); the first symbolic-address access turns it into one z3
 * array term (Store chains over the base), which it stays. Words are little-endian (VM-MEM-001).
 */
import type { SMTArray, BitVecSort } from 'z3-solver';
import type { Z3Context } from '../z3.ts';
import type { BV, SymWord, ZBool, Words } from './word.ts';

export type SymByte = number | BV;
/** Addresses are below 2^24 once bounds-checked; the array index is the low 32 bits of the address. */
export const ADDR_BITS = 32;
export type ByteArray = SMTArray<'main', [BitVecSort<number, 'main'>], BitVecSort<number, 'main'>>;

export class ByteStore {
  private constructor(
    private readonly w: Words,
    /** null = zero-initialised. */
    readonly base: ByteArray | null,
    private overlay: Map<number, SymByte> | null,
    private array: ByteArray | null,
  ) {}

  static zeros(w: Words, initial?: Iterable<readonly [number, number]>): ByteStore {
    return new ByteStore(w, null, new Map(initial ?? []), null);
  }

  /** An unconstrained pre-state named `name` (every byte a free variable). */
  static symbolic(w: Words, name: string): ByteStore {
    const c = w.ctx;
    const base = c.Array.const(name, c.BitVec.sort(ADDR_BITS), c.BitVec.sort(8)) as ByteArray;
    return new ByteStore(w, base, new Map(), null);
  }

  /** A zeroed store with the same solver context (a call's fresh memory). */
  freshZeros(initial?: Iterable<readonly [number, number]>): ByteStore {
    return ByteStore.zeros(this.w, initial);
  }

  /** Any contents at all (a havoc summary's write): a fresh unconstrained array named `name`. */
  havoc(name: string): ByteStore {
    return ByteStore.symbolic(this.w, name);
  }

  clone(): ByteStore {
    return new ByteStore(this.w, this.base, this.overlay ? new Map(this.overlay) : null, this.array);
  }

  private get ctx(): Z3Context {
    return this.w.ctx;
  }

  private baseByte(addr: number): SymByte {
    return this.base ? (this.base.select(this.ctx.BitVec.val(BigInt(addr), ADDR_BITS)) as BV) : 0;
  }

  /** The whole store as one z3 array term. */
  asArray(): ByteArray {
    if (this.array) return this.array;
    const c = this.ctx;
    let arr: ByteArray = this.base ?? (c.Array.K(c.BitVec.sort(ADDR_BITS), c.BitVec.val(0n, 8)) as unknown as ByteArray);
    for (const [a, v] of [...(this.overlay as Map<number, SymByte>)].sort((x, y) => x[0] - y[0])) {
      arr = arr.store(c.BitVec.val(BigInt(a), ADDR_BITS), typeof v === 'number' ? c.BitVec.val(BigInt(v), 8) : v) as ByteArray;
    }
    return arr;
  }

  private toArrayMode(): void {
    if (this.array) return;
    this.array = this.asArray();
    this.overlay = null;
  }

  /** The array index of an address. */
  index(addr: SymWord): BV {
    return typeof addr === 'bigint' ? this.ctx.BitVec.val(addr, ADDR_BITS) : addr.extract(ADDR_BITS - 1, 0);
  }

  /** The little-endian word of `width` bytes at `addr` (bounds already checked). */
  load(addr: SymWord, width: number): SymWord {
    if (typeof addr === 'bigint' && this.overlay) {
      const a = Number(addr);
      const bytes: SymByte[] = [];
      for (let i = 0; i < width; i++) bytes.push(this.overlay.get(a + i) ?? this.baseByte(a + i));
      return this.combine(bytes);
    }
    this.toArrayMode();
    const arr = this.array as ByteArray;
    const at = this.index(addr);
    const bytes: SymByte[] = [];
    for (let i = 0; i < width; i++) bytes.push(arr.select(i === 0 ? at : at.add(i)) as BV);
    return this.combine(bytes);
  }

  private combine(bytes: readonly SymByte[]): SymWord {
    if (bytes.every((b) => typeof b === 'number')) {
      let v = 0n;
      for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] as number);
      return v;
    }
    const c = this.ctx;
    const parts = [...bytes].reverse().map((b) => (typeof b === 'number' ? c.BitVec.val(BigInt(b), 8) : b));
    const cat = parts.length === 1 ? (parts[0] as BV) : (c.Concat(...parts) as BV);
    return cat.size() === 128 ? cat : (cat.zeroExt(128 - cat.size()) as BV);
  }

  private split(value: SymWord, width: number): SymByte[] {
    const out: SymByte[] = [];
    for (let i = 0; i < width; i++) {
      out.push(typeof value === 'bigint' ? Number((value >> BigInt(8 * i)) & 0xffn) : (value.extract(8 * i + 7, 8 * i) as BV));
    }
    return out;
  }

  /** Store the low `width` bytes of `value` at `addr` (bounds already checked). */
  store(addr: SymWord, width: number, value: SymWord): void {
    const bytes = this.split(value, width);
    if (typeof addr === 'bigint' && this.overlay) {
      const a = Number(addr);
      bytes.forEach((b, i) => (this.overlay as Map<number, SymByte>).set(a + i, b));
      return;
    }
    this.toArrayMode();
    const c = this.ctx;
    const at = this.index(addr);
    let arr = this.array as ByteArray;
    bytes.forEach((b, i) => {
      arr = arr.store(i === 0 ? at : at.add(i), typeof b === 'number' ? c.BitVec.val(BigInt(b), 8) : b) as ByteArray;
    });
    this.array = arr;
  }

  /**
   * The store as seen by loads inside [lo, hi) only (overlay mode: the writes outside it dropped, so a
   * load at a symbolic address known to lie inside does not carry every unrelated write; array mode:
   * itself). Sound only for such loads.
   */
  within(lo: number, hi: number): ByteStore {
    if (!this.overlay) return this;
    return new ByteStore(this.w, this.base, new Map([...this.overlay].filter(([a]) => a >= lo && a < hi)), null);
  }

  /** Concrete bytes of a range when every byte is concrete (hash inputs), else undefined. */
  concreteBytes(addr: number, len: number): Uint8Array | undefined {
    if (!this.overlay) return undefined;
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const b = this.overlay.get(addr + i) ?? this.baseByte(addr + i);
      if (typeof b !== 'number') return undefined;
      out[i] = b;
    }
    return out;
  }

  /** Addresses written while in overlay mode (for the honesty comparison), or undefined in array mode. */
  writtenAddresses(): number[] | undefined {
    return this.overlay ? [...this.overlay.keys()].sort((a, b) => a - b) : undefined;
  }

  /** `c ? a : b`, byte by byte while both are overlays over the same base, else as arrays. */
  static merge(w: Words, c: ZBool, a: ByteStore, b: ByteStore): ByteStore {
    if (a === b) return a;
    if (a.overlay && b.overlay && a.base === b.base) {
      const out = new Map<number, SymByte>();
      for (const k of new Set([...a.overlay.keys(), ...b.overlay.keys()])) {
        const x = a.overlay.get(k) ?? a.baseByte(k);
        const y = b.overlay.get(k) ?? b.baseByte(k);
        out.set(k, x === y ? x : (w.ctx.If(c, toByte(w, x), toByte(w, y)) as BV));
      }
      return new ByteStore(w, a.base, out, null);
    }
    const arr = w.ctx.If(c, a.asArray(), b.asArray()) as unknown as ByteArray;
    return new ByteStore(w, a.base, null, arr);
  }
}

function toByte(w: Words, b: SymByte): BV {
  return typeof b === 'number' ? w.ctx.BitVec.val(BigInt(b), 8) : b;
}
