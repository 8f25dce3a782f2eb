/**
 * Pure word semantics of the value opcodes (spec/curvevm.md §5, VM-OP-<NAME>): one function per opcode
 * from operand words to a result word, throwing Halt('overflow' | 'div_by_zero') exactly where the spec
 * says. The interpreter's handlers, the compiler's constant folder and the symbolic executor's concrete
 * mode all use these, so the three cannot drift.
 */
import { I128_MAX, I128_MIN, U128_MAX, fromSigned, mulDiv, toSigned, wrap } from '../lib/u128.ts';
import { Halt } from './halts.ts';

const checked = (x: bigint): bigint => {
  if (x < 0n || x > U128_MAX) throw new Halt('overflow');
  return x;
};
const checkedSigned = (x: bigint): bigint => {
  if (x < I128_MIN || x > I128_MAX) throw new Halt('overflow');
  return fromSigned(x);
};
const nonZero = (b: bigint): bigint => {
  if (b === 0n) throw new Halt('div_by_zero');
  return b;
};
const bool = (c: boolean): bigint => (c ? 1n : 0n);
const shift = (n: bigint): bigint => (n >= 128n ? 128n : n);

/** `a b OP` → OP(a, b), b being the top of the stack. */
export const BINARY = {
  ADD: (a: bigint, b: bigint) => checked(a + b),
  SUB: (a: bigint, b: bigint) => checked(a - b),
  MUL: (a: bigint, b: bigint) => checked(a * b),
  DIV: (a: bigint, b: bigint) => a / nonZero(b),
  MOD: (a: bigint, b: bigint) => a % nonZero(b),
  ADDW: (a: bigint, b: bigint) => wrap(a + b),
  SUBW: (a: bigint, b: bigint) => wrap(a - b),
  MULW: (a: bigint, b: bigint) => wrap(a * b),
  DIV_UP: (a: bigint, b: bigint) => a / nonZero(b) + (a % b === 0n ? 0n : 1n),
  MIN: (a: bigint, b: bigint) => (a < b ? a : b),
  MAX: (a: bigint, b: bigint) => (a > b ? a : b),
  SADD: (a: bigint, b: bigint) => checkedSigned(toSigned(a) + toSigned(b)),
  SSUB: (a: bigint, b: bigint) => checkedSigned(toSigned(a) - toSigned(b)),
  SMUL: (a: bigint, b: bigint) => checkedSigned(toSigned(a) * toSigned(b)),
  SDIV: (a: bigint, b: bigint) => checkedSigned(toSigned(a) / toSigned(nonZero(b))),
  SMOD: (a: bigint, b: bigint) => fromSigned(toSigned(a) % toSigned(nonZero(b))),
  SLT: (a: bigint, b: bigint) => bool(toSigned(a) < toSigned(b)),
  SGT: (a: bigint, b: bigint) => bool(toSigned(a) > toSigned(b)),
  SLE: (a: bigint, b: bigint) => bool(toSigned(a) <= toSigned(b)),
  SGE: (a: bigint, b: bigint) => bool(toSigned(a) >= toSigned(b)),
  EQ: (a: bigint, b: bigint) => bool(a === b),
  NE: (a: bigint, b: bigint) => bool(a !== b),
  LT: (a: bigint, b: bigint) => bool(a < b),
  GT: (a: bigint, b: bigint) => bool(a > b),
  LE: (a: bigint, b: bigint) => bool(a <= b),
  GE: (a: bigint, b: bigint) => bool(a >= b),
  AND: (a: bigint, b: bigint) => a & b,
  OR: (a: bigint, b: bigint) => a | b,
  XOR: (a: bigint, b: bigint) => a ^ b,
  SHL: (a: bigint, n: bigint) => wrap(a << shift(n)),
  SHR: (a: bigint, n: bigint) => a >> shift(n),
  SAR: (a: bigint, n: bigint) => fromSigned(toSigned(a) >> (shift(n) > 127n ? 127n : shift(n))),
} as const;

export type BinaryOpName = keyof typeof BINARY;

export const UNARY = {
  ISZERO: (a: bigint) => bool(a === 0n),
  NOT: (a: bigint) => U128_MAX ^ a,
  SNEG: (a: bigint) => checkedSigned(-toSigned(a)),
} as const;

export type UnaryOpName = keyof typeof UNARY;

/** `a b d MULDIV_*` → a·b/d rounded as named (VM-OP-MULDIV). */
export function muldiv(a: bigint, b: bigint, d: bigint, rounding: 'down' | 'up'): bigint {
  nonZero(d);
  const q = mulDiv(a, b, d, rounding);
  if (q === undefined) throw new Halt('overflow');
  return q;
}
