/**
 * Symbolic words of the CurveVM symbolic executor (spec/symexec.md): a word is a concrete bigint or a z3
 * 128-bit bitvector. "One semantics": each value opcode has a symbolic semantics here beside its concrete
 * one in reference/vm/semantics.ts; when every operand is concrete the concrete function runs (so the two
 * executors cannot drift on concrete inputs), otherwise the z3 term is built with the trap conditions of
 * the opcode (VM-OP-<NAME>, VM-TRAP-*) as side conditions.
 */
import type { BitVec, Bool } from 'z3-solver';
import { U128_MAX } from '../../../reference/lib/u128.ts';
import { Halt, type HaltKind } from '../../../reference/vm/halts.ts';
import { BINARY, UNARY, muldiv, type BinaryOpName, type UnaryOpName } from '../../../reference/vm/semantics.ts';
import type { Z3Context } from '../z3.ts';

export type BV = BitVec<number, 'main'>;
export type ZBool = Bool<'main'>;
export type SymWord = bigint | BV;

/** A trap the operation raises when `cond` holds (checked in the listed order, like the interpreter). */
export interface TrapCond {
  readonly cond: ZBool;
  readonly kind: HaltKind;
}

/** The result of one value operation: a word, or (concretely) a halt, plus symbolic trap conditions. */
export type OpResult = { readonly value: SymWord; readonly traps: readonly TrapCond[] } | { readonly halt: HaltKind };

export const WORD = 128;

/** Comparison results remember the boolean they came from, so `JUMPI` on them needs no `≠ 0` wrapper. */
const boolOf = new WeakMap<object, ZBool>();

export class Words {
  constructor(readonly ctx: Z3Context) {}

  bv(w: SymWord): BV {
    return typeof w === 'bigint' ? this.ctx.BitVec.val(w, WORD) : w;
  }

  fresh(name: string, bits = WORD): BV {
    return this.ctx.BitVec.const(name, bits);
  }

  /** 1 when c, else 0 — as a word that remembers c. */
  fromBool(c: ZBool | boolean): SymWord {
    if (typeof c === 'boolean') return c ? 1n : 0n;
    const w = this.ctx.If(c, this.ctx.BitVec.val(1n, WORD), this.ctx.BitVec.val(0n, WORD)) as BV;
    boolOf.set(w, c);
    return w;
  }

  /** w ≠ 0 as a boolean (concrete when w is). */
  truthy(w: SymWord): ZBool | boolean {
    if (typeof w === 'bigint') return w !== 0n;
    return boolOf.get(w) ?? w.neq(this.ctx.BitVec.val(0n, w.size()));
  }

  bool(c: ZBool | boolean): ZBool {
    return typeof c === 'boolean' ? this.ctx.Bool.val(c) : c;
  }

  ite(c: ZBool | boolean, a: SymWord, b: SymWord): SymWord {
    if (typeof c === 'boolean') return c ? a : b;
    if (a === b) return a;
    return this.ctx.If(c, this.bv(a), this.bv(b)) as BV;
  }

  and(...cs: (ZBool | boolean)[]): ZBool | boolean {
    const sym = cs.filter((c): c is ZBool => typeof c !== 'boolean');
    if (cs.some((c) => c === false)) return false;
    if (sym.length === 0) return true;
    return sym.length === 1 ? (sym[0] as ZBool) : this.ctx.And(...sym);
  }

  not(c: ZBool | boolean): ZBool | boolean {
    return typeof c === 'boolean' ? !c : this.ctx.Not(c);
  }

  eq(a: SymWord, b: SymWord): ZBool | boolean {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
    return this.bv(a).eq(this.bv(b));
  }

  ult(a: SymWord, b: SymWord): ZBool | boolean {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b;
    return this.bv(a).ult(this.bv(b));
  }

  add(a: SymWord, b: SymWord): SymWord {
    if (typeof a === 'bigint' && typeof b === 'bigint') return (a + b) & U128_MAX;
    return this.bv(a).add(this.bv(b));
  }

  /** A binary value opcode: concrete semantics when both are concrete, else the z3 term and its traps. */
  binary(name: BinaryOpName, a: SymWord, b: SymWord): OpResult {
    if (typeof a === 'bigint' && typeof b === 'bigint') return concrete(() => BINARY[name](a, b));
    const x = this.bv(a);
    const y = this.bv(b);
    const c = this.ctx;
    const zero = (v: BV): ZBool => v.eq(c.BitVec.val(0n, v.size()));
    const ok = (value: SymWord, ...traps: TrapCond[]): OpResult => ({ value, traps });
    switch (name) {
      case 'ADD':
        return ok(x.add(y), { cond: c.Not(x.addNoOverflow(y, false)), kind: 'overflow' });
      case 'SUB':
        return ok(x.sub(y), { cond: y.ugt(x), kind: 'overflow' });
      case 'MUL':
        return ok(x.mul(y), { cond: c.Not(x.mulNoOverflow(y, false)), kind: 'overflow' });
      case 'DIV':
        return ok(x.udiv(y), { cond: zero(y), kind: 'div_by_zero' });
      case 'MOD':
        return ok(x.urem(y), { cond: zero(y), kind: 'div_by_zero' });
      case 'ADDW':
        return ok(x.add(y), ...[]);
      case 'SUBW':
        return ok(x.sub(y));
      case 'MULW':
        return ok(x.mul(y));
      case 'DIV_UP':
        return ok(x.udiv(y).add(c.If(zero(x.urem(y)), c.BitVec.val(0n, WORD), c.BitVec.val(1n, WORD)) as BV), { cond: zero(y), kind: 'div_by_zero' });
      case 'MIN':
        return ok(this.ite(x.ult(y), x, y));
      case 'MAX':
        return ok(this.ite(x.ugt(y), x, y));
      case 'SADD':
        return ok(x.add(y), { cond: c.Not(c.And(x.addNoOverflow(y, true), x.addNoUnderflow(y))), kind: 'overflow' });
      case 'SSUB':
        return ok(x.sub(y), { cond: c.Not(c.And(x.subNoOverflow(y), x.subNoUnderflow(y, true))), kind: 'overflow' });
      case 'SMUL':
        return ok(x.mul(y), { cond: c.Not(c.And(x.mulNoOverflow(y, true), x.mulNoUnderflow(y))), kind: 'overflow' });
      case 'SDIV':
        return ok(x.sdiv(y), { cond: zero(y), kind: 'div_by_zero' }, { cond: c.Not(x.sdivNoOverflow(y)), kind: 'overflow' });
      case 'SMOD':
        return ok(x.srem(y), { cond: zero(y), kind: 'div_by_zero' });
      case 'SLT':
        return ok(this.fromBool(x.slt(y)));
      case 'SGT':
        return ok(this.fromBool(x.sgt(y)));
      case 'SLE':
        return ok(this.fromBool(x.sle(y)));
      case 'SGE':
        return ok(this.fromBool(x.sge(y)));
      case 'EQ':
        return ok(this.fromBool(x.eq(y)));
      case 'NE':
        return ok(this.fromBool(x.neq(y)));
      case 'LT':
        return ok(this.fromBool(x.ult(y)));
      case 'GT':
        return ok(this.fromBool(x.ugt(y)));
      case 'LE':
        return ok(this.fromBool(x.ule(y)));
      case 'GE':
        return ok(this.fromBool(x.uge(y)));
      case 'AND':
        return ok(x.and(y));
      case 'OR':
        return ok(x.or(y));
      case 'XOR':
        return ok(x.xor(y));
      // z3's shifts agree with VM-OP-SHL/SHR/SAR for every amount (0 / sign fill at ≥ 128)
      case 'SHL':
        return ok(x.shl(y));
      case 'SHR':
        return ok(x.lshr(y));
      case 'SAR':
        return ok(x.shr(y));
    }
  }

  unary(name: UnaryOpName, a: SymWord): OpResult {
    if (typeof a === 'bigint') return concrete(() => UNARY[name](a));
    switch (name) {
      case 'ISZERO':
        return { value: this.fromBool(a.eq(this.ctx.BitVec.val(0n, WORD))), traps: [] };
      case 'NOT':
        return { value: a.not(), traps: [] };
      case 'SNEG':
        return { value: a.neg(), traps: [{ cond: this.ctx.Not(a.negNoOverflow()), kind: 'overflow' }] };
    }
  }

  /**
   * `a b d MULDIV_*` with a fresh 256-bit quotient `q` named `name` (spec/symexec.md "MULDIV"): the value
   * is q's low word and the overflow trap is q's high word ≠ 0, while the definition
   * q = (a·b [+ d − 1]) / d is returned apart (`def`) — the explorer keeps it out of the path condition,
   * guarded by it, so a query pays for the 256-bit division only when the slice needs it (slice.ts).
   * Concrete operands run the concrete semantics.
   */
  muldivDefined(a: SymWord, b: SymWord, d: SymWord, rounding: 'down' | 'up', name: string): OpResult & { def?: ZBool } {
    if (typeof a === 'bigint' && typeof b === 'bigint' && typeof d === 'bigint') return concrete(() => muldiv(a, b, d, rounding));
    const c = this.ctx;
    const wide = (v: SymWord): BV => this.bv(v).zeroExt(WORD);
    const dd = wide(d);
    const num = rounding === 'down' ? wide(a).mul(wide(b)) : wide(a).mul(wide(b)).add(dd).sub(1n);
    const q = this.fresh(name, 2 * WORD);
    return {
      value: q.extract(WORD - 1, 0),
      traps: [
        { cond: this.bv(d).eq(c.BitVec.val(0n, WORD)), kind: 'div_by_zero' },
        { cond: c.Not(q.extract(2 * WORD - 1, WORD).eq(c.BitVec.val(0n, WORD))), kind: 'overflow' },
      ],
      def: q.eq(num.udiv(dd)),
    };
  }

  /** `a b d MULDIV_*` over a 256-bit intermediate (VM-OP-MULDIV). */
  muldiv(a: SymWord, b: SymWord, d: SymWord, rounding: 'down' | 'up'): OpResult {
    if (typeof a === 'bigint' && typeof b === 'bigint' && typeof d === 'bigint') return concrete(() => muldiv(a, b, d, rounding));
    const c = this.ctx;
    const wide = (v: SymWord): BV => this.bv(v).zeroExt(WORD);
    const dd = wide(d);
    const num = rounding === 'down' ? wide(a).mul(wide(b)) : wide(a).mul(wide(b)).add(dd).sub(1n);
    const q = num.udiv(dd);
    return {
      value: q.extract(WORD - 1, 0),
      traps: [
        { cond: this.bv(d).eq(c.BitVec.val(0n, WORD)), kind: 'div_by_zero' },
        { cond: c.Not(q.extract(2 * WORD - 1, WORD).eq(c.BitVec.val(0n, WORD))), kind: 'overflow' },
      ],
    };
  }
}

function concrete(f: () => bigint): OpResult {
  try {
    return { value: f(), traps: [] };
  } catch (e) {
    if (e instanceof Halt) return { halt: e.kind };
    throw e;
  }
}
