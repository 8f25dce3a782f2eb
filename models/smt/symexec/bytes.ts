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
import { canonicalIndex, linearOf, type Linear } from './linear.ts';
import { constOf, missesFields, placesOf, type Expr, type Fields, type Place } from './span.ts';

export { spanOf, type Fields } from './span.ts';

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
    /** Array mode: how the array was built (for `within`); null = unknown (nothing is dropped). */
    private log: WriteLog | null = null,
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
    return new ByteStore(this.w, this.base, this.overlay ? new Map(this.overlay) : null, this.array, this.log);
  }

  private get ctx(): Z3Context {
    return this.w.ctx;
  }

  private baseByte(addr: number): SymByte {
    return this.base ? (this.base.select(this.ctx.BitVec.val(BigInt(addr), ADDR_BITS)) as BV) : 0;
  }

  /** The whole store as one z3 array term. */
  asArray(): ByteArray {
    return this.array ?? this.asArrayOver(this.base, this.overlay as Map<number, SymByte>);
  }

  /** `overlay` stored over `base` (null: zeros) as one z3 array term. */
  asArrayOver(base: ByteArray | null, overlay: ReadonlyMap<number, SymByte>): ByteArray {
    const c = this.ctx;
    let arr: ByteArray = base ?? (c.Array.K(c.BitVec.sort(ADDR_BITS), c.BitVec.val(0n, 8)) as unknown as ByteArray);
    for (const [a, v] of [...overlay].sort((x, y) => x[0] - y[0])) {
      arr = arr.store(c.BitVec.val(BigInt(a), ADDR_BITS), typeof v === 'number' ? c.BitVec.val(BigInt(v), 8) : v) as ByteArray;
    }
    return arr;
  }

  private toArrayMode(): void {
    if (this.array) return;
    this.log = this.logged();
    this.array = this.asArray();
    this.overlay = null;
  }

  /** The write log of this store (overlay mode: its base and concrete writes). */
  private logged(): WriteLog | null {
    return this.overlay ? { k: 'base', base: this.base, overlay: new Map(this.overlay) } : this.log;
  }

  /** The array index of an address. */
  index(addr: SymWord): BV {
    return typeof addr === 'bigint' ? this.ctx.BitVec.val(addr, ADDR_BITS) : addr.extract(ADDR_BITS - 1, 0);
  }

  /**
   * The little-endian word of `width` bytes at `addr` (bounds already checked); `pc` and `limit` (the
   * path condition with the bounds check, the storage size) let a symbolic address's linear form resolve
   * the load through the writes (linear.ts, `linByte`).
   */
  load(addr: SymWord, width: number, pc?: ZBool | boolean, limit?: number): SymWord {
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
    if (typeof addr === 'bigint' && this.log) {
      // a concrete address: each byte looked up through the writes that may touch it (byteAt)
      const memo = new Map<WriteLog, SymByte>();
      for (let i = 0; i < width; i++) {
        memo.clear();
        bytes.push(byteAt(this.w, this.log, Number(addr) + i, memo));
      }
      return this.combine(bytes);
    }
    // a symbolic address with a linear form on its path condition: resolved through the writes (linByte)
    const lin = this.log && typeof addr !== 'bigint' ? linearOf(addr, width, pc, limit) : undefined;
    if (lin) {
      const exact = canonicalIndex(lin, width) !== undefined;
      // byte b at low32(idx)·m + (c + b) when that is exact (one term per record byte), else at the address + b
      const byte = (b: number): BV => (exact ? (canonicalIndex({ ...lin, c: lin.c + BigInt(b) }, width - b) as BV) : b === 0 ? at : (at.add(b) as BV));
      return this.linearLoad({ lin, at: byte, lo: Number(lin.c), hi: Number(lin.c + lin.m * lin.idxMax) + width }, width);
    }
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

  /**
   * Store the low `width` bytes of `value` at `addr` (bounds already checked: `addr + width ≤ limit`);
   * `pc`, the path condition the store happens under (the bounds check included), bounds a symbolic
   * address for `within`.
   */
  store(addr: SymWord, width: number, value: SymWord, pc?: ZBool | boolean, limit?: number): void {
    const bytes = this.split(value, width);
    if (typeof addr === 'bigint' && this.overlay) {
      const a = Number(addr);
      bytes.forEach((b, i) => (this.overlay as Map<number, SymByte>).set(a + i, b));
      return;
    }
    this.toArrayMode();
    const at = this.index(addr);
    this.array = storeBytes(this.w, this.array as ByteArray, at, bytes);
    if (this.log) {
      const places = placesOf(addr, width, pc, limit);
      // the linear form is wanted by record-field loads only (S8): computed on first use
      let lin: Linear | undefined | null = null;
      const linear = (): Linear | undefined => (lin === null ? (lin = linearOf(addr, width, pc, limit)) : lin);
      this.log = { k: 'store', prev: this.log, at, bytes, arr: this.array, linear, ...(places ? { places } : {}) };
    }
  }

  /**
   * The store as seen by loads inside [lo, hi) only (overlay mode: the writes outside it dropped, so a
   * load at a symbolic address known to lie inside does not carry every unrelated write; array mode:
   * itself). Sound only for such loads.
   */
  within(lo: number, hi: number, rec?: Fields): ByteStore {
    if (this.overlay) return new ByteStore(this.w, this.base, new Map([...this.overlay].filter(([a]) => a >= lo && a < hi)), null);
    if (!this.log) return this;
    return new ByteStore(this.w, this.base, null, rebuild(this.w, this.log, lo, hi, new Map(), rec));
  }

  /**
   * The little-endian field of `width` bytes at record offset `off` of record `k` (a 32-bit word, k <
   * pool.cap assumed by the caller) of a pool of `stride`-byte records from `lo`, resolved through the
   * writes (`fieldByte`) instead of a select from the store's array; `rec` lists the fields such loads
   * read (writes missing them are dropped, as in `within`).
   */
  fieldLoad(pool: Pool, k: BV, off: number, width: number, rec?: Fields): SymWord {
    const lin: Linear = { idx: k, m: BigInt(pool.stride), c: BigInt(pool.lo + off), idxMax: BigInt(pool.cap - 1) };
    const at = (b: number): BV => k.mul(BigInt(pool.stride)).add(BigInt(pool.lo + off + b)) as BV;
    return this.linearLoad({ lin, at, lo: pool.lo, hi: pool.lo + pool.cap * pool.stride, ...(rec ? { rec } : {}) }, width);
  }

  /** The `width` bytes of a linear load, each resolved through the writes (`linByte`). */
  private linearLoad(L: LinLoad, width: number): SymWord {
    const bytes: SymByte[] = [];
    const memo = new Map<WriteLog, SymByte>();
    const arrays = new Map<WriteLog, ByteArray>();
    const log: WriteLog = this.overlay ? { k: 'base', base: this.base, overlay: this.overlay } : (this.log ?? { k: 'base', base: this.array, overlay: new Map() });
    for (let b = 0; b < width; b++) {
      memo.clear();
      bytes.push(linByte(this.w, log, L, b, memo, arrays));
    }
    return this.combine(bytes);
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
    const la = a.logged();
    const lb = b.logged();
    return new ByteStore(w, a.base, null, arr, la && lb ? { k: 'ite', c, a: la, b: lb, arr } : null);
  }
}

/**
 * How an array-mode store was built: its overlay-mode start, the stores since (each with the byte span
 * its path condition confines it to, when one is known) and the joins. `within` rebuilds the array from
 * it without the writes that provably miss the region.
 */
type WriteLog =
  | { readonly k: 'base'; readonly base: ByteArray | null; readonly overlay: ReadonlyMap<number, SymByte> }
  | { readonly k: 'store'; readonly prev: WriteLog; readonly at: BV; readonly bytes: readonly SymByte[]; readonly arr: ByteArray; readonly linear: () => Linear | undefined; readonly places?: readonly Place[] }
  | { readonly k: 'ite'; readonly c: ZBool; readonly a: WriteLog; readonly b: WriteLog; readonly arr: ByteArray };

/**
 * The byte at concrete address `a` of the array `log` builds, without the array where the writes allow:
 * a concrete-address write covering `a` gives its byte, one not covering it and a symbolic-address write
 * whose span (`placesOf`, from its path condition) excludes `a` are skipped, a join is an `ite` of its
 * branches' bytes, the base gives its overlay byte or its array's; a write that may hit `a` ends the walk
 * with a select of the array after it. Equal to `select(array, a)` on every model of the path condition
 * of the load (the skipped writes' conditions hold there: the argument of `rebuild`), and it spares the
 * solver the array reasoning a concrete header read after a symbolic record write costs (place: the
 * reads of `pending_tail`, `live_seq`, … after `orders[slot] = Order {…}`).
 */
function byteAt(w: Words, log: WriteLog, a: number, memo: Map<WriteLog, SymByte>): SymByte {
  const hit = memo.get(log);
  if (hit !== undefined) return hit;
  let out: SymByte;
  if (log.k === 'base') {
    out = log.overlay.get(a) ?? (log.base ? (log.base.select(w.ctx.BitVec.val(BigInt(a), ADDR_BITS)) as BV) : 0);
  } else if (log.k === 'store') {
    const at = constOf(log.at as unknown as Expr);
    const d = at === undefined ? -1 : a - Number(at);
    if (at !== undefined && d >= 0 && d < log.bytes.length) out = log.bytes[d] as SymByte;
    else if (at !== undefined || (log.places !== undefined && log.places.every((p) => p.ivs.every((r) => r[1] <= BigInt(a) || r[0] > BigInt(a))))) out = byteAt(w, log.prev, a, memo);
    else out = log.arr.select(w.ctx.BitVec.val(BigInt(a), ADDR_BITS)) as BV;
  } else {
    const x = byteAt(w, log.a, a, memo);
    const y = byteAt(w, log.b, a, memo);
    out = x === y ? x : (w.ctx.If(log.c, toByte(w, x), toByte(w, y)) as BV);
  }
  memo.set(log, out);
  return out;
}

/** A pool of `cap` records of `stride` bytes from storage offset `lo`. */
export interface Pool {
  readonly lo: number;
  readonly stride: number;
  readonly cap: number;
}

/**
 * A load whose address is `idx·m + c` (integers, idx ≤ idxMax: `lin`), `at` its array index; it reads
 * inside [lo, hi) only, and only the fields of `rec` when given (S8's record view).
 */
interface LinLoad {
  readonly lin: Linear;
  /** The array index of byte b (one shape, idx·m + (c + b), wherever exact: nonlinear.ts matches it). */
  readonly at: (b: number) => BV;
  readonly lo: number;
  readonly hi: number;
  readonly rec?: Fields;
}

/**
 * Byte `b` of a linear load as `log` builds it (spec/symexec.md "S8", record view): writes `rebuild`
 * would drop for its region are skipped; a concrete-address write is `ite(idx = q, its byte, earlier)`
 * for each of its bytes the load can reach (address = q·m + c + b); a write whose address has a linear
 * form `idx′·m + c′` with the load's m likewise with `idx = idx′ + q`, q = (c′ + d − c − b) / m when that
 * divides; any other write ends the walk with a select of the region's rebuilt array. Equal to the full
 * store's byte on every model of the load's path condition: the forms and skipped writes hold on their
 * stores' path conditions (as in `rebuild`), and with no wrap-around `idx′·m + c′ + d = idx·m + c + b` is
 * exactly that equation over integers.
 */
function linByte(w: Words, log: WriteLog, L: LinLoad, b: number, memo: Map<WriteLog, SymByte>, arrays: Map<WriteLog, ByteArray>): SymByte {
  const hit = memo.get(log);
  if (hit !== undefined) return hit;
  const c = w.ctx;
  const { lin, lo, hi, rec } = L;
  const at = (): BV => L.at(b);
  // ite over the (condition, byte) pairs that may hit, over `prev`
  const over = (hits: readonly [ZBool, SymByte][], prev: () => SymByte): SymByte => {
    let out = prev();
    for (const [cond, v] of hits) out = c.If(cond, toByte(w, v), toByte(w, out)) as BV;
    return out;
  };
  const concreteHits = (entries: Iterable<readonly [number, SymByte]>): [ZBool, SymByte][] => {
    const out: [ZBool, SymByte][] = [];
    for (const [a, v] of entries) {
      const diff = BigInt(a) - lin.c - BigInt(b);
      if (a < lo || a >= hi || diff < 0n || diff % lin.m !== 0n || diff / lin.m > lin.idxMax) continue;
      out.push([lin.idx.eq(c.BitVec.val(diff / lin.m, lin.idx.size())), v]);
    }
    return out;
  };
  let out: SymByte;
  if (log.k === 'base') {
    out = over(concreteHits(log.overlay), () => (log.base ? (log.base.select(at()) as BV) : 0));
  } else if (log.k === 'ite') {
    const x = linByte(w, log.a, L, b, memo, arrays);
    const y = linByte(w, log.b, L, b, memo, arrays);
    out = x === y ? x : (c.If(log.c, toByte(w, x), toByte(w, y)) as BV);
  } else {
    const prev = (): SymByte => linByte(w, log.prev, L, b, memo, arrays);
    const a0 = constOf(log.at as unknown as Expr);
    if (a0 !== undefined) out = over(concreteHits(log.bytes.map((v, d) => [Number(a0) + d, v] as const)), prev);
    else if (dropped(log, lo, hi, rec)) out = prev();
    else {
      const wl = log.linear();
      const hits = wl && wl.m === lin.m ? linearHits(wl, log.bytes, L, b) : undefined;
      out = hits ? over(hits, prev) : (rebuild(w, log, lo, hi, arrays, rec).select(at()) as BV);
    }
  }
  memo.set(log, out);
  return out;
}

/** The bytes of a write at `idx′·m + c′` a linear load's byte b may read, with their conditions `idx = idx′ + q`. */
function linearHits(wl: Linear, bytes: readonly SymByte[], L: LinLoad, b: number): [ZBool, SymByte][] | undefined {
  const out: [ZBool, SymByte][] = [];
  let exact = true;
  const { lin } = L;
  const width = Math.max(wl.idx.size(), lin.idx.size(), 32);
  const top = 1n << BigInt(width);
  const wide = (x: BV): BV => (width > x.size() ? x.zeroExt(width - x.size()) : x);
  bytes.forEach((v, d) => {
    const diff = wl.c + BigInt(d) - lin.c - BigInt(b);
    if (diff % lin.m !== 0n) return;
    const q = diff / lin.m;
    // idx = idx′ + q must be possible for some idx′ in [0, wl.idxMax], idx in [0, lin.idxMax]
    if (wl.idxMax + q < 0n || q > lin.idxMax) return;
    const abs = q < 0n ? -q : q;
    if (wl.idxMax + abs >= top || lin.idxMax + abs >= top) {
      exact = false;
      return;
    }
    out.push([q >= 0n ? wide(wl.idx).add(q).eq(wide(lin.idx)) : wide(wl.idx).eq(wide(lin.idx).add(abs)), v]);
  });
  return exact ? out : undefined;
}

/** A write `rebuild` leaves out for loads inside [lo, hi) (reading only `rec`'s fields when given). */
function dropped(log: Extract<WriteLog, { k: 'store' }>, lo: number, hi: number, rec?: Fields): boolean {
  if (log.places !== undefined && log.places.every((p) => p.ivs.every((r) => r[1] <= BigInt(lo) || r[0] >= BigInt(hi)) || (rec !== undefined && missesFields(p, log.bytes.length, lo, rec)))) return true;
  if (constOf(log.at as unknown as Expr) !== undefined) return false;
  // the linear form idx·m + c (idx ≤ idxMax) bounds the write too, and fixes its residues when m is a multiple of the stride
  const lin = log.linear();
  if (!lin) return false;
  const width = BigInt(log.bytes.length);
  if (lin.c + lin.m * lin.idxMax + width <= BigInt(lo) || lin.c >= BigInt(hi)) return true;
  if (!rec || lin.m % BigInt(rec.stride) !== 0n) return false;
  const s = BigInt(rec.stride);
  const hit = new Set<bigint>();
  for (const [off, fw] of rec.fields) for (let d = 0; d < fw; d++) hit.add(BigInt(off + d));
  return Array.from({ length: log.bytes.length }, (_, d) => ((((lin.c + BigInt(d) - BigInt(lo)) % s) + s) % s)).every((r) => !hit.has(r));
}

function storeBytes(w: Words, arr: ByteArray, at: BV, bytes: readonly SymByte[]): ByteArray {
  bytes.forEach((b, i) => {
    arr = arr.store(i === 0 ? at : at.add(i), toByte(w, b)) as ByteArray;
  });
  return arr;
}

/**
 * The array of `log` as loads inside [lo, hi) see it: concrete writes outside dropped, and symbolic-address
 * writes whose span (the bytes they can touch on their path: `spanOf`) lies outside dropped. Sound for such
 * loads: a dropped write changes no byte they read on any model of its path condition, and in every
 * model of a later path condition where the write's branch is the one selected, its path condition holds
 * (path conditions only grow along a path; a join selects a branch by that branch's own condition).
 */
function rebuild(w: Words, log: WriteLog, lo: number, hi: number, memo: Map<WriteLog, ByteArray>, rec?: Fields): ByteArray {
  const hit = memo.get(log);
  if (hit) return hit;
  let out: ByteArray;
  if (log.k === 'base') {
    out = ByteStore.zeros(w).asArrayOver(log.base, new Map([...log.overlay].filter(([a]) => a >= lo && a < hi)));
  } else if (log.k === 'store') {
    const prev = rebuild(w, log.prev, lo, hi, memo, rec);
    out = dropped(log, lo, hi, rec) ? prev : storeBytes(w, prev, log.at, log.bytes);
  } else {
    out = w.ctx.If(log.c, rebuild(w, log.a, lo, hi, memo, rec), rebuild(w, log.b, lo, hi, memo, rec)) as unknown as ByteArray;
  }
  memo.set(log, out);
  return out;
}

function toByte(w: Words, b: SymByte): BV {
  return typeof b === 'number' ? w.ctx.BitVec.val(BigInt(b), 8) : b;
}
