/**
 * IR building blocks the lowering uses for CurveScript's checked arithmetic (spec/curvescript.md
 * CS-SEM-ARITH, CS-LOWER-ARITH): which VM operation each operator becomes per type, and the branch-free
 * checks that make `u64` arithmetic, shifts and conversions trap exactly where the language says.
 *
 * A check is `overflowAbove(v, max)` = `max − v`, an `overflow` halt (VM-OP-SUB) exactly when v > max,
 * or `overflowIf(flag)` = `0 − flag` for a 0/1 flag — so a failed check halts with the same kind as a
 * 128-bit overflow. Its value is dropped.
 */
import { U64_MAX } from '../lib/u128.ts';
import type { BinaryOpName } from '../vm/semantics.ts';
import type { IrExpr } from './ir.ts';

export const c = (v: bigint): IrExpr => ({ k: 'const', v });
export const local = (slot: number): IrExpr => ({ k: 'local', slot });
export const bin = (op: BinaryOpName, a: IrExpr, b: IrExpr): IrExpr => ({ k: 'bin', op, a, b });
export const not = (a: IrExpr): IrExpr => ({ k: 'un', op: 'ISZERO', a });
export const select = (cond: IrExpr, a: IrExpr, b: IrExpr): IrExpr => ({ k: 'select', c: cond, a, b });

/** 0, or an `overflow` halt when `flag` (a 0/1 word) is 1. */
export function overflowIf(flag: IrExpr): IrExpr {
  return bin('SUB', c(0n), flag);
}

/** An `overflow` halt when `v` > `max`; otherwise a value to drop. */
export function overflowAbove(v: IrExpr, max: bigint): IrExpr {
  return bin('SUB', c(max), v);
}

export type IntKind = 'u64' | 'u128' | 'i128';

/** The VM comparison for an operator on integers of one kind (signed kinds use the S* forms). */
export function comparison(op: '<' | '<=' | '>' | '>=', kind: IntKind): BinaryOpName {
  const signed = kind === 'i128';
  switch (op) {
    case '<':
      return signed ? 'SLT' : 'LT';
    case '<=':
      return signed ? 'SLE' : 'LE';
    case '>':
      return signed ? 'SGT' : 'GT';
    case '>=':
      return signed ? 'SGE' : 'GE';
  }
}

/** The VM operation of `+ - * %` and the bitwise operators; u64 results are range-checked after. */
export function arithmetic(op: '+' | '-' | '*' | '%' | '&' | '|' | '^', kind: IntKind): BinaryOpName {
  const signed = kind === 'i128';
  switch (op) {
    case '+':
      return signed ? 'SADD' : 'ADD';
    case '-':
      return signed ? 'SSUB' : 'SUB';
    case '*':
      return signed ? 'SMUL' : 'MUL';
    case '%':
      return 'MOD';
    case '&':
      return 'AND';
    case '|':
      return 'OR';
    case '^':
      return 'XOR';
  }
}

/** True when `op` on `kind` can produce a value past the type's range without a VM trap (u64 `+`, `*`). */
export function needsRangeCheck(op: string, kind: IntKind): boolean {
  return kind === 'u64' && (op === '+' || op === '*');
}

/**
 * What a conversion `from as to` checks (CS-SEM-ARITH): the largest word that converts, or null when
 * every word does. A negative i128 word is ≥ 2^127, so `i128 as u128` and `u128 as i128` both stop at
 * 2^127 − 1.
 */
export function conversionLimit(from: string, to: string): bigint | null {
  if (from === to) return null;
  if (to === 'u64' && (from === 'u128' || from === 'i128')) return U64_MAX;
  if ((to === 'u128' && from === 'i128') || (to === 'i128' && from === 'u128')) return (1n << 127n) - 1n;
  return null; // u64 → u128/i128 always fit; address ↔ u128 reinterpret
}
