/**
 * Where a symbolic-address store can land (spec/symexec.md "S8: induction over segments"): the byte
 * ranges its path condition confines it to (interval arithmetic over the address term with the bounds
 * the path condition's conjuncts put on its subterms), its residues modulo a record stride, and its
 * linear form `idx·m + c` (linear.ts). Used by bytes.ts to drop or resolve writes a load cannot see.
 */
import type { SymWord, ZBool, BV } from './word.ts';

/** The array index is the low 32 bits of an address (bytes.ts). */
const ADDR_BITS = 32;

/**
 * The bytes loads read inside a pool of records: `stride`-byte records from the region's start, and the
 * [offset, offset + width) ranges of the fields read. A write whose every byte lies at another offset
 * modulo the stride touches none of them.
 */
export interface Fields {
  readonly stride: number;
  readonly fields: readonly (readonly [number, number])[];
}

/** Every byte of a `width`-byte write at `p` lies at a record offset outside the fields (residues known). */
export function missesFields(p: Place, width: number, lo: number, rec: Fields): boolean {
  const m = BigInt(rec.stride);
  const rs = residues(p.term, m, p.ub);
  if (!rs) return false;
  const hit = new Set<bigint>();
  for (const [off, fw] of rec.fields) for (let d = 0; d < fw; d++) hit.add((BigInt(lo + off + d)) % m);
  return [...rs].every((r) => Array.from({ length: width }, (_, i) => (r + BigInt(i)) % m).every((b) => !hit.has(b)));
}

/** A closed interval [min, max] of unsigned values. */
export type Iv = readonly [bigint, bigint];

/**
 * The byte ranges [first, end) a store of `width` bytes at `addr` can touch on any model of `pc`, by
 * interval arithmetic over the address term (a union of intervals: one per `ite` branch) with the upper
 * bounds `pc`'s conjuncts put on its subterms (`t < C`, `t ≤ C`, their negated `≥`/`>` forms) and the
 * storage bound `addr + width ≤ limit` the store's bounds check put in `pc` (a branch wholly above it is
 * infeasible: the compiler's out-of-range sentinel); undefined when no bound follows.
 */
export function spanOf(addr: SymWord, width: number, pc: ZBool | boolean | undefined, limit?: number): Iv[] | undefined {
  return placesOf(addr, width, pc, limit)?.flatMap((p) => p.ivs);
}

/** One `ite`-free form of a store's address with the bounds its branch conditions add, and its byte ranges. */
export interface Place {
  readonly term: SymWord;
  readonly ub: ReadonlyMap<number, bigint>;
  readonly ivs: readonly Iv[];
}

/** `spanOf` per `ite`-free form of the address (branches wholly above the storage bound left out). */
export function placesOf(addr: SymWord, width: number, pc: ZBool | boolean | undefined, limit?: number): Place[] | undefined {
  if (typeof addr === 'bigint') return [{ term: addr, ub: new Map(), ivs: [[addr, addr + BigInt(width)]] }];
  if (pc === undefined || typeof pc === 'boolean' || limit === undefined || limit > 2 ** ADDR_BITS) return undefined;
  const ub = new Map<number, bigint>();
  collectBounds(pc, ub, false);
  const last = BigInt(limit - width);
  return variants(addr, ub, 0)
    .map((v) => ({ ...v, ivs: interval(v.term, v.ub).filter((r) => r[0] <= last).map((r): Iv => [r[0], (r[1] < last ? r[1] : last) + BigInt(width)]) }))
    .filter((p) => p.ivs.length > 0);
}

/** The `ite`-free forms of a term (sums, products and zero extensions distributed over `ite`), each with its branch's bounds. */
function variants(t: BV, ub: ReadonlyMap<number, bigint>, depth: number): { term: BV; ub: ReadonlyMap<number, bigint> }[] {
  const e = t as unknown as Expr;
  const op = String(e.decl().name());
  const kids = e.children() as unknown as BV[];
  if (depth > 6) return [{ term: t, ub }];
  if ((op === 'if' || op === 'ite') && kids.length === 3) {
    const yes = new Map(ub);
    collectBounds(kids[0] as unknown as ZBool, yes, false);
    const no = new Map(ub);
    collectBounds(kids[0] as unknown as ZBool, no, true);
    return [...variants(kids[1] as BV, yes, depth + 1), ...variants(kids[2] as BV, no, depth + 1)];
  }
  if ((op === 'bvadd' || op === 'bvmul') && kids.length === 2) {
    const [xs, ys] = [variants(kids[0] as BV, ub, depth + 1), variants(kids[1] as BV, ub, depth + 1)];
    if (xs.length * ys.length === 1 || xs.length * ys.length > 16) return [{ term: t, ub }];
    // a branch's bounds hold for the other operand too (both are evaluated on that model)
    return xs.flatMap((x) => ys.map((y) => ({ term: op === 'bvadd' ? x.term.add(y.term) : x.term.mul(y.term), ub: new Map([...x.ub, ...y.ub].sort((p, q) => (p[1] < q[1] ? 1 : -1))) })));
  }
  return [{ term: t, ub }];
}

/**
 * The residues modulo `m` a term can take given the bounds (undefined when unknown): constants,
 * zero extension, and sums and products that cannot wrap around (their intervals stay in range).
 */
function residues(t: SymWord, m: bigint, ub: ReadonlyMap<number, bigint>): Set<bigint> | undefined {
  if (typeof t === 'bigint') return new Set([t % m]);
  const e = t as unknown as Expr;
  const c = constOf(e);
  if (c !== undefined) return new Set([c % m]);
  const op = String(e.decl().name());
  const kids = e.children() as unknown as BV[];
  if (op === 'zero_extend') return residues(kids[0] as BV, m, ub);
  if ((op === 'bvadd' || op === 'bvmul') && kids.length === 2) {
    const top = (1n << BigInt(t.size())) - 1n;
    const ivs = kids.map((k) => interval(k, ub));
    const max = ivs.map((rs) => rs.reduce((a, r) => (r[1] > a ? r[1] : a), 0n)) as [bigint, bigint];
    if ((op === 'bvadd' ? max[0] + max[1] : max[0] * max[1]) > top) return undefined;
    if (op === 'bvmul' && kids.some((k) => constOf(k as unknown as Expr) !== undefined && (constOf(k as unknown as Expr) as bigint) % m === 0n)) return new Set([0n]);
    const [xs, ys] = kids.map((k) => residues(k, m, ub));
    if (!xs || !ys || xs.size * ys.size > 256) return undefined;
    return new Set([...xs].flatMap((x) => [...ys].map((y) => (op === 'bvadd' ? x + y : x * y) % m)));
  }
  return undefined;
}


export type Expr = { decl(): { name(): string | number; params(): unknown[] }; children(): Expr[]; id(): number };
export const constOf = (e: Expr): bigint | undefined => (e.children().length === 0 && 'value' in e ? (e as unknown as { value(): bigint }).value() : undefined);

/** The conjuncts a (possibly negated) condition asserts: `and` flattened, `¬(a ∨ b)` as `¬a ∧ ¬b`, `¬¬a` as `a`. */
export function literals(b: Expr, negated: boolean, out: { e: Expr; negated: boolean }[]): void {
  const op = String(b.decl().name());
  const kids = b.children();
  if (op === 'and' && !negated) for (const k of kids) literals(k, false, out);
  else if (op === 'or' && negated) for (const k of kids) literals(k, true, out);
  else if (op === 'not') literals(kids[0] as Expr, !negated, out);
  else out.push({ e: b, negated });
}

/** `((_ extract n n) (bvadd (zero_extend y) (zero_extend C))) = 0`: y + C does not carry out of n bits (key y.id:C). */
function noCarry(e: Expr): string | undefined {
  const [x, z] = e.children();
  if (String(e.decl().name()) !== '=' || !x || !z || constOf(z) !== 0n || String(x.decl().name()) !== 'extract') return undefined;
  const sum = x.children()[0];
  const [a, c] = sum?.children() ?? [];
  if (!sum || String(sum.decl().name()) !== 'bvadd' || !a || !c || String(a.decl().name()) !== 'zero_extend' || String(c.decl().name()) !== 'zero_extend') return undefined;
  const y = a.children()[0] as Expr;
  const k = constOf(c.children()[0] as Expr);
  // the extracted bit is the carry: bit `width of y` of a sum widened by exactly one bit
  const [hi, lo] = x.decl().params() as [number, number];
  const width = (y as unknown as BV).size();
  if (k === undefined || hi !== lo || hi !== width || a.decl().params()[0] !== 1 || c.decl().params()[0] !== 1) return undefined;
  return `${y.id()}:${k}`;
}

/**
 * Upper bounds `ub[t.id] = max t` from the conjuncts of a path condition: `t < C`, `t ≤ C` and their
 * negated and mirrored forms, pushed down through zero extension, through `y + C` when the condition also
 * says that sum does not carry (or it is a sum of zero-extended words, which cannot), and through
 * `ite(c, y, z)` with z above the bound (then c holds too: its bounds are collected).
 */
export function collectBounds(b: ZBool, ub: Map<number, bigint>, negated: boolean): void {
  const lits: { e: Expr; negated: boolean }[] = [];
  literals(b as unknown as Expr, negated, lits);
  const carryFree = new Set(lits.filter((l) => !l.negated).map((l) => noCarry(l.e)).filter((x): x is string => x !== undefined));
  const put = (t: Expr, max: bigint): void => {
    if (max < 0n) return;
    const old = ub.get(t.id());
    if (old === undefined || max < old) ub.set(t.id(), max);
    const op = String(t.decl().name());
    const kids = t.children();
    if (op === 'zero_extend') put(kids[0] as Expr, max);
    else if (op === 'bvadd' && kids.length === 2) {
      const [y, c] = kids as [Expr, Expr];
      const k = constOf(c);
      const widened = (e: Expr): boolean => String(e.decl().name()) === 'zero_extend' && (e.decl().params()[0] as number) >= 1;
      const wide = widened(y) && widened(c);
      if (k !== undefined && carryFree.has(`${y.id()}:${k}`)) put(y, max - k);
      else if (wide) {
        // a sum of two zero-extended words cannot wrap: each is at most the bound
        const kc = constOf(c.children()[0] as Expr);
        put(y, kc === undefined ? max : max - kc);
      }
    } else if ((op === 'if' || op === 'ite') && kids.length === 3) {
      const z = constOf(kids[2] as Expr);
      if (z !== undefined && z > max) {
        for (const l of (() => {
          const o: { e: Expr; negated: boolean }[] = [];
          literals(kids[0] as Expr, false, o);
          return o;
        })()) bound(l);
        put(kids[1] as Expr, max);
      }
    }
  };
  const bound = (l: { e: Expr; negated: boolean }): void => {
    const op = String(l.e.decl().name());
    const kids = l.e.children();
    if (kids.length !== 2) return;
    const [x, y] = kids as [Expr, Expr];
    const cy = constOf(y);
    const cx = constOf(x);
    const neg = l.negated;
    // t < C, t ≤ C; ¬(t ≥ C), ¬(t > C); and the mirrored C > t, C ≥ t, ¬(C ≤ t), ¬(C < t)
    if (cy !== undefined && !neg && op === 'bvult') put(x, cy - 1n);
    if (cy !== undefined && !neg && op === 'bvule') put(x, cy);
    if (cy !== undefined && neg && op === 'bvuge') put(x, cy - 1n);
    if (cy !== undefined && neg && op === 'bvugt') put(x, cy);
    if (cx !== undefined && !neg && op === 'bvugt') put(y, cx - 1n);
    if (cx !== undefined && !neg && op === 'bvuge') put(y, cx);
    if (cx !== undefined && neg && op === 'bvule') put(y, cx - 1n);
    if (cx !== undefined && neg && op === 'bvult') put(y, cx);
  };
  for (const l of lits) bound(l);
}

/** At most this many intervals per term (beyond: their hull). */
const MAX_IVS = 16;

function hull(rs: readonly Iv[]): Iv[] {
  if (rs.length <= MAX_IVS) return [...rs];
  return [[rs.reduce((m, r) => (r[0] < m ? r[0] : m), rs[0]?.[0] ?? 0n), rs.reduce((m, r) => (r[1] > m ? r[1] : m), 0n)]];
}

/**
 * The values of a bit-vector term given upper bounds of subterms, as a union of intervals (an
 * over-approximation; a sum or product that could wrap around is the whole range).
 */
export function interval(t: BV, ub: ReadonlyMap<number, bigint>): Iv[] {
  const e = t as unknown as Expr;
  const bits = BigInt(t.size());
  const top = (1n << bits) - 1n;
  const full: Iv[] = [[0n, top]];
  const own = (): Iv[] => {
    const c = constOf(e);
    if (c !== undefined) return [[c, c]];
    const op = String(e.decl().name());
    const kids = e.children() as unknown as BV[];
    if ((op === 'bvadd' || op === 'bvmul') && kids.length > 0) {
      let acc: Iv[] = interval(kids[0] as BV, ub);
      for (const k of kids.slice(1)) {
        const rs = interval(k, ub);
        acc = hull(acc.flatMap((x) => rs.map((y): Iv => (op === 'bvadd' ? [x[0] + y[0], x[1] + y[1]] : [x[0] * y[0], x[1] * y[1]]))));
      }
      return acc.every((r) => r[1] <= top) ? acc : full;
    }
    if (op === 'zero_extend') return interval(kids[0] as BV, ub);
    if (op === 'if' || op === 'ite') return hull([...interval(kids[1] as BV, ub), ...interval(kids[2] as BV, ub)]);
    if (op === 'bvand') {
      const cs = (kids as unknown as Expr[]).map(constOf).filter((x): x is bigint => x !== undefined);
      return cs.length ? [[0n, cs.reduce((a, b) => (a < b ? a : b))]] : full;
    }
    if (op === 'extract') {
      const [hi, lo] = e.decl().params() as [number, number];
      const rs = interval(kids[0] as BV, ub);
      return lo === 0 && rs.every((r) => r[1] < 1n << BigInt(hi + 1)) ? rs : full;
    }
    return full;
  };
  const bound = ub.get(e.id());
  const rs = own();
  return bound === undefined ? rs : rs.filter((r) => r[0] <= bound).map((r): Iv => [r[0], r[1] < bound ? r[1] : bound]);
}

