/**
 * The vocabulary of the spec-level encodings (spec/proofs.md §2): declared variables with their ranges,
 * and the perp formulas of spec/perp.md §2 as SMT terms.
 *
 * Two domains, chosen per obligation and documented in each file:
 * - **Bounded integers** (`int`, logic QF_NIA/QF_LIA) for every formula with a product of two variables or a
 *   division. A u128/i128 word is an integer constrained to its range; because every perp operation is
 *   *checked* (PERP-NUM-001: a result outside its type is ARITH_OVERFLOW, never a wrap), integer
 *   semantics plus a proved range is exactly the word semantics. Bit-vector multipliers were measured
 *   first: z3 (WASM) does not decide `a ≤ b ⇒ a·c ≤ b·c` at 128 bits with 32-bit inputs within 20 s,
 *   nor ceil-division monotonicity by the constant 10¹⁰; the integer encodings decide in under 1 s.
 * - **128-bit bit-vectors** (`bv`, logic QF_BV) for the linear custody and reservation steps (additions,
 *   subtractions, comparisons), where the wrap-around of the machine word is the thing to rule out: each
 *   addition is checked by a 129-bit zero-extended sum.
 *
 * Every variable is made through `Vars` so the certificate declares it and the concrete evaluator can
 * substitute it.
 */
import type { Arith, BitVec, Bool, Expr } from 'z3-solver';
import type { Z3Context } from '../z3.ts';

export type Domain = 'int' | 'bv';

/** A declared variable: its domain and inclusive range (the obligation's declared bounds). */
export interface VarSpec {
  readonly lo: bigint;
  readonly hi: bigint;
}

export const U64_MAX = (1n << 64n) - 1n;
export const U128_MAX = (1n << 128n) - 1n;
export const I128_MIN = -(1n << 127n);
export const I128_MAX = (1n << 127n) - 1n;
export const BPS = 10_000n;
/** PERP-UNIT-002: the oracle scale U. */
export const ORACLE_UNIT = 1_000_000n;

export const range = (lo: bigint, hi: bigint): VarSpec => ({ lo, hi });
export const bits = (n: number): VarSpec => range(0n, (1n << BigInt(n)) - 1n);
export const sbits = (n: number): VarSpec => range(-(1n << BigInt(n - 1)), (1n << BigInt(n - 1)) - 1n);

type I = Arith<'main'>;
type B = Bool<'main'>;
type V = BitVec<number, 'main'>;

/** Integer helpers over one z3 context (the formulas of spec/perp.md §2 on integers). */
export class IntEnc {
  constructor(readonly ctx: Z3Context) {}
  n(x: bigint | number): I {
    return this.ctx.Int.val(x);
  }
  inRange(x: I, lo: bigint, hi: bigint): B {
    return this.ctx.And(x.ge(this.n(lo)), x.le(this.n(hi)));
  }
  u128(x: I): B {
    return this.inRange(x, 0n, U128_MAX);
  }
  i128(x: I): B {
    return this.inRange(x, I128_MIN, I128_MAX);
  }
  /** PERP-NUM-003 floor_div(n, d), d > 0: SMT-LIB `div` is Euclidean, i.e. floor for a positive divisor. */
  floorDiv(n: I, d: I): I {
    return n.div(d);
  }
  /** PERP-NUM-003 ceil_div(n, d) = −floor_div(−n, d), d > 0. */
  ceilDiv(n: I, d: I): I {
    return n.neg().div(d).neg();
  }
  /** PERP-NUM-002 mul_div_down(a, b, d) = ⌊a·b/d⌋ (operands ≥ 0, d > 0). */
  mulDivDown(a: I, b: I, d: I): I {
    return a.mul(b).div(d);
  }
  /** PERP-NUM-002 mul_div_up(a, b, d) = ⌈a·b/d⌉: the floor, plus one when the division leaves a remainder (lib/u128 mulDiv). */
  mulDivUp(a: I, b: I, d: I): I {
    const p = a.mul(b);
    const q = p.div(d);
    return this.ctx.If(q.mul(d).eq(p), q, q.add(1)) as I;
  }
  abs(x: I): I {
    return this.ctx.If(x.lt(0), x.neg(), x) as I;
  }
  min(a: I, b: I): I {
    return this.ctx.If(a.lt(b), a, b) as I;
  }
  max(a: I, b: I): I {
    return this.ctx.If(a.gt(b), a, b) as I;
  }
}

/** 128-bit bit-vector helpers (unsigned words). */
export class BvEnc {
  static readonly W = 128;
  constructor(readonly ctx: Z3Context) {}
  n(x: bigint | number): V {
    return this.ctx.BitVec.val(x, BvEnc.W);
  }
  /** The sum does not wrap: the 129-bit zero-extended sum is ≤ 2¹²⁸ − 1 (the host's OVERFLOW check). */
  addFits(a: V, b: V): B {
    return a.zeroExt(1).add(b.zeroExt(1)).ule(this.ctx.BitVec.val(U128_MAX, BvEnc.W + 1));
  }
}

/** The variables of one obligation, in declaration order (declared in its certificate). */
export class Vars {
  readonly decls: { name: string; domain: Domain; spec: VarSpec; expr: Expr<'main'> }[] = [];
  constructor(readonly ctx: Z3Context) {}
  int(name: string, spec: VarSpec): I {
    const e = this.ctx.Int.const(name);
    this.decls.push({ name, domain: 'int', spec, expr: e });
    return e;
  }
  bv(name: string, spec: VarSpec): V {
    if (spec.lo < 0n || spec.hi > U128_MAX) throw new Error(`internal: bit-vector variable ${name} outside u128`);
    const e = this.ctx.BitVec.const(name, BvEnc.W);
    this.decls.push({ name, domain: 'bv', spec, expr: e });
    return e;
  }
  /** Range constraints of every declared variable (the declared bounds). */
  bounds(): B[] {
    const { ctx } = this;
    return this.decls.map((d) =>
      d.domain === 'int'
        ? ctx.And((d.expr as I).ge(ctx.Int.val(d.spec.lo)), (d.expr as I).le(ctx.Int.val(d.spec.hi)))
        : ctx.And((d.expr as V).uge(ctx.BitVec.val(d.spec.lo, BvEnc.W)), (d.expr as V).ule(ctx.BitVec.val(d.spec.hi, BvEnc.W))),
    );
  }
  /** The constant of each variable for a concrete assignment (for `substitute`). */
  constants(values: Readonly<Record<string, bigint>>): [Expr<'main'>, Expr<'main'>][] {
    return this.decls.map((d) => {
      const v = values[d.name];
      if (v === undefined) throw new Error(`internal: no value for ${d.name}`);
      return [d.expr, d.domain === 'int' ? this.ctx.Int.val(v) : this.ctx.BitVec.val(BigInt.asUintN(BvEnc.W, v), BvEnc.W)];
    });
  }
}
