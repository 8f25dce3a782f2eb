/**
 * IR building blocks the lowering uses for CurveScript's checked arithmetic (spec/curvescript.md
 * CS-SEM-ARITH, CS-LOWER-ARITH): which VM operation each operator becomes per type, and the branch-free
 * checks that make `u64` arithmetic, shifts and conversions trap exactly where the language says.
 *
 * A check is `overflowIf(flag)` = `flag·(2^128−1) + flag`: 0 when the flag is 0, and an `overflow`
 * halt (VM-OP-ADD) when it is 1 — so a failed check halts with the same kind as a 128-bit overflow.
 */
import { U128_MAX, U64_MAX } from '../lib/u128.ts';
import type { BinaryOpName } from '../vm/semantics.ts';
import type { IrExpr } from './ir.ts';

export const c = (v: bigint): IrExpr => ({ k: 'const', v });
export const local = (slot: number): IrExpr => ({ k: 'local', slot });
export const bin = (op: BinaryOpName, a: IrExpr, b: IrExpr): IrExpr => ({ k: 'bin', op, a, b });
export const not = (a: IrExpr): IrExpr => ({ k: 'un', op: 'ISZERO', a });
export const select = (cond: IrExpr, a: IrExpr, b: IrExpr): IrExpr => ({ k: 'select', c: cond, a, b });

/** 0, or an `overflow` halt when `flag` (a 0/1 word) is 1. */
export function overflowIf(flag: IrExpr): IrExpr {
  return bin('ADD', bin('MUL', flag, c(U128_MAX)), flag);
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

/** What a conversion `from as to` checks (CS-SEM-ARITH): the flag expression over `v`, or null. */
export function conversionFlag(from: string, to: string, v: IrExpr): IrExpr | null {
  if (from === to) return null;
  if (to === 'u64' && (from === 'u128' || from === 'i128')) return bin('GT', v, c(U64_MAX)); // negative i128 words are ≥ 2^127
  if (to === 'u128' && from === 'i128') return bin('SLT', v, c(0n));
  if (to === 'i128' && from === 'u128') return bin('GT', v, c((1n << 127n) - 1n));
  return null; // u64 → u128/i128 always fit; address ↔ u128 reinterpret
}
