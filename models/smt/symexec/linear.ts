/**
 * The linear form of a store's address (spec/symexec.md "S8: induction over segments", record view): on
 * every model of the store's path condition the address equals `idx·m + c` as integers — no sum or
 * product on the way wraps around, no extract cuts a bit — with `idx ≤ idxMax`, where `idx` is an opaque
 * term (a loaded slot number, a merged `ite` of candidates). The compiler's checked index
 * `ite(i < cap, base + i·stride, sentinel)` is read as its in-range branch when the sentinel branch puts
 * the whole address above the storage bound the path condition holds (`addr + width ≤ limit`): on every
 * model the in-range branch is taken, so the address equals the term with that branch substituted and
 * the condition `i < cap` holds too (its bounds are used). bytes.ts resolves a record-field load at record k
 * through such a write as `ite(idx + q = k, written byte, earlier byte)` instead of array reasoning.
 */
import { collectBounds, constOf, interval, literals, type Expr } from './span.ts';
import type { BV, SymWord, ZBool } from './word.ts';

export interface Linear {
  readonly idx: BV;
  readonly m: bigint;
  readonly c: bigint;
  readonly idxMax: bigint;
}

type Form = { readonly idx?: BV; readonly m: bigint; readonly c: bigint };

const opOf = (e: Expr): string => String(e.decl().name());
const maxOf = (t: BV, ub: ReadonlyMap<number, bigint>): bigint => interval(t, ub).reduce((a, r) => (r[1] > a ? r[1] : a), 0n);
const topOf = (t: BV): bigint => (1n << BigInt(t.size())) - 1n;

/** `addr` as `idx·m + c` on every model of `pc` (undefined when no such form is established). */
export function linearOf(addr: SymWord, width: number, pc: ZBool | boolean | undefined, limit?: number): Linear | undefined {
  if (typeof addr === 'bigint' || pc === undefined || typeof pc === 'boolean' || limit === undefined) return undefined;
  // the executor's storage bound of this access must be a conjunct (step.ts `bounds`): what excludes the sentinel
  if (!storageBounded(pc, addr, limit)) return undefined;
  const ub = new Map<number, bigint>();
  collectBounds(pc, ub, false);
  const ctx = (addr as unknown as { ctx: { substitute(t: BV, ...p: [BV, BV][]): BV } }).ctx;
  // a branch whose value puts the whole address above the last byte a store of `width` may start at
  const infeasible = (ite: BV, branch: BV): boolean => {
    const whole = ctx.substitute(addr, [ite, branch]);
    return interval(whole, ub).every((r) => r[0] > BigInt(limit - width));
  };
  // first the sentinels (their conditions' bounds then hold for every check below), then the form
  const pairs: [BV, BV][] = [];
  const strip = (t: BV, depth: number): void => {
    const e = t as unknown as Expr;
    const op = opOf(e);
    const kids = e.children() as unknown as BV[];
    if (depth > 8 || constOf(e) !== undefined) return;
    if ((op === 'if' || op === 'ite') && kids.length === 3) {
      const [c, y, z] = kids as [BV, BV, BV];
      if (constOf(z as unknown as Expr) !== undefined && infeasible(t, z)) {
        collectBounds(c as unknown as ZBool, ub, false);
        pairs.push([t, y]);
        strip(y, depth + 1);
      } else if (constOf(y as unknown as Expr) !== undefined && infeasible(t, y)) {
        collectBounds(c as unknown as ZBool, ub, true);
        pairs.push([t, z]);
        strip(z, depth + 1);
      }
      return;
    }
    if (op === 'bvadd' || op === 'bvmul' || op === 'zero_extend' || op === 'extract') for (const x of kids) strip(x, depth + 1);
  };
  strip(addr, 0);
  const term = pairs.length ? ctx.substitute(addr, ...pairs) : addr;
  const lin = (t: BV): Form | undefined => {
    const e = t as unknown as Expr;
    const k = constOf(e);
    if (k !== undefined) return { m: 0n, c: k };
    const op = opOf(e);
    const kids = e.children() as unknown as BV[];
    if (op === 'bvadd') {
      if (kids.reduce((a, x) => a + maxOf(x, ub), 0n) > topOf(t)) return undefined;
      let acc: Form = { m: 0n, c: 0n };
      for (const x of kids) {
        const f = lin(x);
        if (!f) return undefined;
        if (f.idx && acc.idx && f.idx.id() !== acc.idx.id()) return undefined;
        acc = { ...(f.idx ? { idx: f.idx } : acc.idx ? { idx: acc.idx } : {}), m: acc.m + f.m, c: acc.c + f.c };
      }
      return acc;
    }
    if (op === 'bvmul' && kids.length === 2) {
      const ki = kids.findIndex((x) => constOf(x as unknown as Expr) !== undefined);
      if (ki < 0) return undefined;
      const kc = constOf(kids[ki] as unknown as Expr) as bigint;
      const x = kids[1 - ki] as BV;
      if (maxOf(x, ub) * kc > topOf(t)) return undefined;
      const f = lin(x);
      return f && f.idx ? { idx: f.idx, m: f.m * kc, c: f.c * kc } : f ? { m: 0n, c: f.c * kc } : { idx: x, m: kc, c: 0n };
    }
    if (op === 'zero_extend') return lin(kids[0] as BV);
    if (op === 'extract') {
      const [hi, lo] = e.decl().params() as [number, number];
      return lo === 0 && maxOf(kids[0] as BV, ub) < 1n << BigInt(hi + 1) ? lin(kids[0] as BV) : undefined;
    }
    return { idx: t, m: 1n, c: 0n };
  };
  const f = lin(term);
  if (!f || !f.idx || f.m === 0n) return undefined;
  const idxMax = maxOf(f.idx, ub);
  return idxMax < topOf(f.idx) ? { idx: f.idx, m: f.m, c: f.c, idxMax } : undefined;
}

/** `pc` has the conjunct ¬(zext(addr) + zext(width) > limit) (step.ts `bounds`, one bit wider: no wrap). */
function storageBounded(pc: ZBool, addr: BV, limit: number): boolean {
  const lits: { e: Expr; negated: boolean }[] = [];
  literals(pc as unknown as Expr, false, lits);
  return lits.some(({ e, negated }) => {
    const [sum, lim] = e.children();
    if (!negated || opOf(e) !== 'bvugt' || !sum || !lim || constOf(lim) !== BigInt(limit) || opOf(sum) !== 'bvadd') return false;
    const [x] = sum.children();
    return x !== undefined && opOf(x) === 'zero_extend' && x.children()[0]?.id() === (addr as unknown as Expr).id();
  });
}

/** The low 32 bits of an index (exact when it is below 2^32): the one term every 32-bit record address uses. */
export function low32(idx: BV): BV {
  return idx.size() > 32 ? (idx.extract(31, 0) as BV) : idx.size() < 32 ? (idx.zeroExt(32 - idx.size()) as BV) : idx;
}

/**
 * The array index `low32(idx)·m + c` of a linear address (32-bit arithmetic), or undefined when that is
 * not exact (idx·m + c + width beyond 2^32). Loads of one record through different address terms (the
 * executor's checked index, S8's probe) then select the same terms, which the solver matches without
 * bit-blasting either multiplication.
 */
export function canonicalIndex(lin: Linear, width: number): BV | undefined {
  if (lin.idxMax >= 1n << 32n || lin.c < 0n || lin.c + lin.m * lin.idxMax + BigInt(width) > 1n << 32n) return undefined;
  return low32(lin.idx).mul(lin.m).add(lin.c) as BV;
}
