/**
 * Checked fixed-point arithmetic of the perp semantics (spec/perp.md §2, PERP-NUM-*). Every helper is
 * implementable with u128/i128 words and the VM's MULDIV opcodes: a result outside its range is the
 * error ARITH_OVERFLOW (a template traps, the model returns the error), and every division names its
 * rounding.
 */
import { I128_MAX, I128_MIN, U128_MAX, mulDiv } from '../../lib/u128.ts';
import { fail } from './errors.ts';

export const BPS = 10_000n;

/** PERP-NUM-001: u128 range check. */
export function u128(x: bigint): bigint {
  if (x < 0n || x > U128_MAX) fail('ARITH_OVERFLOW', `u128 ${x}`);
  return x;
}

/** PERP-NUM-001: i128 range check. */
export function i128(x: bigint): bigint {
  if (x < I128_MIN || x > I128_MAX) fail('ARITH_OVERFLOW', `i128 ${x}`);
  return x;
}

/** PERP-NUM-002: ⌊a·b/d⌋ over unsigned words (256-bit intermediate). */
export function mulDivDown(a: bigint, b: bigint, d: bigint): bigint {
  const q = mulDiv(u128(a), u128(b), u128(d), 'down');
  return q === undefined ? fail('ARITH_OVERFLOW', 'mul_div_down') : q;
}

/** PERP-NUM-002: ⌈a·b/d⌉ over unsigned words (256-bit intermediate). */
export function mulDivUp(a: bigint, b: bigint, d: bigint): bigint {
  const q = mulDiv(u128(a), u128(b), u128(d), 'up');
  return q === undefined ? fail('ARITH_OVERFLOW', 'mul_div_up') : q;
}

export function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** PERP-NUM-003: ⌊n/d⌋ for a signed n and d > 0 (rounds toward −∞). */
export function floorDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

/** PERP-NUM-003: ⌈n/d⌉ for a signed n and d > 0 (rounds toward +∞). */
export function ceilDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n > 0n ? q + 1n : q;
}

/** PERP-NUM-004: sign(side): buy (0) → +1, sell (1) → −1. */
export function sideSign(side: 0 | 1): bigint {
  return side === 0 ? 1n : -1n;
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
