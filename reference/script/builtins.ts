/**
 * Types and built-ins of the function sublanguage (spec/curvescript.md §7, CS-TYPE-*, CS-BUILTIN-*).
 * Syscall built-ins are linked to the CurveVM syscall table by name (`satisfies` a `SyscallName`), so a
 * renamed syscall is a compile error here; the compiler reads `syscall` to derive a module's
 * capability needs (CS-ANALYZE-CAPS).
 */
import { I128_MAX, I128_MIN, U128_MAX, U64_MAX } from '../lib/u128.ts';
import { SYS_STATUS } from '../vm/syscalls.ts';
import type { SyscallName } from '../vm/syscalls.ts';

export const SCALARS = ['u64', 'u128', 'i128', 'bool', 'bytes32', 'address'] as const;
export type Scalar = (typeof SCALARS)[number];

export type Type =
  | { readonly k: Scalar }
  | { readonly k: 'unit' }
  /** A length is a constant, or the `cfg.*` binding it is instantiated with. */
  | { readonly k: 'array'; readonly elem: Type; readonly len: bigint | string }
  | { readonly k: 'struct'; readonly name: string }
  /** The type of an ill-typed expression: compatible with everything, so one mistake reports once. */
  | { readonly k: 'error' };

export const T = {
  u64: { k: 'u64' },
  u128: { k: 'u128' },
  i128: { k: 'i128' },
  bool: { k: 'bool' },
  bytes32: { k: 'bytes32' },
  address: { k: 'address' },
  unit: { k: 'unit' },
  error: { k: 'error' },
} as const satisfies Record<string, Type>;

export const INTEGER_RANGE: { readonly [K in 'u64' | 'u128' | 'i128']: readonly [bigint, bigint] } = {
  u64: [0n, U64_MAX],
  u128: [0n, U128_MAX],
  i128: [I128_MIN, I128_MAX],
};

export function isInteger(t: Type): t is { k: 'u64' | 'u128' | 'i128' } {
  return t.k === 'u64' || t.k === 'u128' || t.k === 'i128';
}
export function isUnsigned(t: Type): t is { k: 'u64' | 'u128' } {
  return t.k === 'u64' || t.k === 'u128';
}

export function typeEq(a: Type, b: Type): boolean {
  if (a.k === 'error' || b.k === 'error') return true;
  if (a.k === 'array' && b.k === 'array') return a.len === b.len && typeEq(a.elem, b.elem);
  if (a.k === 'struct' && b.k === 'struct') return a.name === b.name;
  return a.k === b.k;
}

export function typeName(t: Type): string {
  switch (t.k) {
    case 'array':
      return `[${typeName(t.elem)}; ${typeof t.len === 'bigint' ? t.len : 'cfg.' + t.len}]`;
    case 'struct':
      return t.name;
    case 'unit':
      return '()';
    case 'error':
      return '<error>';
    default:
      return t.k;
  }
}

/** A parameter or result: a concrete type, or `T` — one integer type chosen per call. */
type Sig = Scalar | 'T' | 'OracleReading';

export interface Builtin {
  readonly name: string;
  readonly params: readonly (readonly [string, Sig])[];
  readonly ret: Sig;
  /** What `T` may be: unsigned (u64, u128) or any integer. */
  readonly generic?: 'unsigned' | 'integer';
  readonly syscall?: SyscallName;
  readonly spec: string;
  readonly doc: string;
}

/** The record `oracle(feed)` returns (VM-SYS-ORACLE pushes price then publish time). */
export const BUILTIN_STRUCTS: Readonly<Record<string, readonly (readonly [string, Type])[]>> = {
  OracleReading: [
    ['price', T.u128],
    ['publish_time', T.u64],
  ],
};

const user = ['user', 'address'] as const;
const slab = ['slab', 'address'] as const;
const asset = ['asset', 'u128'] as const;
const amount = ['amount', 'u128'] as const;
const cap = ['cap', 'u128'] as const;

export const BUILTINS = [
  // syscalls (spec/curvevm.md §8)
  { name: 'clock', params: [], ret: 'u64', syscall: 'CLOCK', spec: 'CS-BUILTIN-SYS', doc: 'the injected clock (ticks)' },
  { name: 'oracle', params: [['feed', 'u128']], ret: 'OracleReading', syscall: 'ORACLE', spec: 'CS-BUILTIN-SYS', doc: 'latest price and publish time of a feed' },
  { name: 'self_id', params: [], ret: 'address', syscall: 'SELF', spec: 'CS-BUILTIN-SYS', doc: 'this module' },
  { name: 'caller', params: [], ret: 'address', syscall: 'CALLER', spec: 'CS-BUILTIN-SYS', doc: 'the calling module, or the origin' },
  { name: 'origin', params: [], ret: 'address', syscall: 'ORIGIN', spec: 'CS-BUILTIN-SYS', doc: 'the signer of the top-level call' },
  { name: 'escrow_balance', params: [user, slab, asset], ret: 'u128', syscall: 'ESCROW_BALANCE', spec: 'CS-BUILTIN-SYS', doc: 'escrow balance' },
  { name: 'escrow_nonce', params: [user, slab, asset], ret: 'u64', syscall: 'ESCROW_NONCE', spec: 'CS-BUILTIN-SYS', doc: 'escrow anti-replay nonce' },
  { name: 'escrow_credit', params: [user, slab, asset, amount], ret: 'u64', syscall: 'ESCROW_CREDIT', spec: 'CS-BUILTIN-SYS', doc: 'vault → escrow; status' },
  { name: 'escrow_debit', params: [user, slab, asset, amount], ret: 'u64', syscall: 'ESCROW_DEBIT', spec: 'CS-BUILTIN-SYS', doc: 'escrow → vault; status' },
  { name: 'escrow_bump_nonce', params: [user, slab, asset], ret: 'u64', syscall: 'ESCROW_BUMP_NONCE', spec: 'CS-BUILTIN-SYS', doc: 'increment the nonce; the new nonce' },
  { name: 'vault_balance', params: [asset], ret: 'u128', syscall: 'VAULT_BALANCE', spec: 'CS-BUILTIN-SYS', doc: 'vault balance' },
  { name: 'vault_deposit', params: [user, asset, amount], ret: 'u64', syscall: 'VAULT_DEPOSIT', spec: 'CS-BUILTIN-SYS', doc: 'wallet → vault; status' },
  { name: 'vault_withdraw', params: [user, asset, amount], ret: 'u64', syscall: 'VAULT_WITHDRAW', spec: 'CS-BUILTIN-SYS', doc: 'vault → wallet; status' },
  { name: 'cap_mint', params: [user, slab, asset, ['amount_max', 'u128'], ['expiry', 'u64']], ret: 'u128', syscall: 'CAP_MINT', spec: 'CS-BUILTIN-SYS', doc: 'mint a debit cap; its id' },
  { name: 'cap_burn', params: [cap], ret: 'u64', syscall: 'CAP_BURN', spec: 'CS-BUILTIN-SYS', doc: 'burn a cap; status' },
  { name: 'cap_remaining', params: [cap], ret: 'u128', syscall: 'CAP_REMAINING', spec: 'CS-BUILTIN-SYS', doc: 'remaining amount of a cap' },
  { name: 'cap_debit', params: [cap, amount], ret: 'u64', syscall: 'CAP_DEBIT', spec: 'CS-BUILTIN-SYS', doc: 'the guarded debit; status' },
  // pure arithmetic (CS-SEM-ARITH)
  { name: 'mul_div_up', params: [['a', 'T'], ['b', 'T'], ['d', 'T']], ret: 'T', generic: 'unsigned', spec: 'CS-BUILTIN-MULDIV', doc: '⌈a·b/d⌉, 256-bit intermediate' },
  { name: 'mul_div_down', params: [['a', 'T'], ['b', 'T'], ['d', 'T']], ret: 'T', generic: 'unsigned', spec: 'CS-BUILTIN-MULDIV', doc: '⌊a·b/d⌋, 256-bit intermediate' },
  { name: 'div_up', params: [['a', 'T'], ['d', 'T']], ret: 'T', generic: 'unsigned', spec: 'CS-BUILTIN-MULDIV', doc: '⌈a/d⌉' },
  { name: 'div_down', params: [['a', 'T'], ['d', 'T']], ret: 'T', generic: 'unsigned', spec: 'CS-BUILTIN-MULDIV', doc: '⌊a/d⌋' },
  { name: 'min', params: [['a', 'T'], ['b', 'T']], ret: 'T', generic: 'integer', spec: 'CS-BUILTIN-PURE', doc: 'the smaller' },
  { name: 'max', params: [['a', 'T'], ['b', 'T']], ret: 'T', generic: 'integer', spec: 'CS-BUILTIN-PURE', doc: 'the larger' },
  { name: 'abs', params: [['a', 'i128']], ret: 'u128', spec: 'CS-BUILTIN-PURE', doc: '|a| (never traps: |i128 min| fits u128)' },
  { name: 'wrapping_add', params: [['a', 'T'], ['b', 'T']], ret: 'T', generic: 'unsigned', spec: 'CS-BUILTIN-PURE', doc: 'a + b modulo 2^width' },
  { name: 'wrapping_sub', params: [['a', 'T'], ['b', 'T']], ret: 'T', generic: 'unsigned', spec: 'CS-BUILTIN-PURE', doc: 'a − b modulo 2^width' },
  { name: 'wrapping_mul', params: [['a', 'T'], ['b', 'T']], ret: 'T', generic: 'unsigned', spec: 'CS-BUILTIN-PURE', doc: 'a · b modulo 2^width' },
  // deterministic ids (§8)
  { name: 'route_id', params: [user, ['nonce', 'u64']], ret: 'u128', spec: 'CS-ID-003', doc: 'route id of a user intent' },
  { name: 'hold_id', params: [slab, ['route', 'u128'], ['book_seqno', 'u64']], ret: 'u128', spec: 'CS-ID-004', doc: 'hold id of a reservation' },
  {
    name: 'commitment',
    params: [['route', 'u128'], ['instrument', 'u64'], ['side', 'u64'], ['qty', 'u128'], ['limit_px', 'u128'], ['salt', 'bytes32']],
    ret: 'bytes32', spec: 'CS-ID-005', doc: 'commit-reveal commitment (M6)',
  },
] as const satisfies readonly Builtin[];

export function findBuiltin(name: string): Builtin | undefined {
  return (BUILTINS as readonly Builtin[]).find((b) => b.name === name);
}

/** Built-in constants: the syscall status words as `SYS_<NAME>: u64` (VM-SYS-*), from the VM's table. */
const SYS_CONSTS = Object.entries(SYS_STATUS).map(([k, v]) => [`SYS_${k}`, v] as const);

/**
 * CS-CALL-001…003: the status of a cross-module call (the VM's status word, VM-CALL-004, plus
 * CALL_NO_MODULE for an index naming no module), and the base of the revert code a propagating call
 * gives a callee halt: CALL_FAILED_BASE + halt code (CALL_FAILED_BASE itself for CALL_NO_MODULE).
 */
export const CALL_CONSTS: ReadonlyMap<string, bigint> = new Map([
  ['CALL_OK', 0n], ['CALL_REVERTED', 1n], ['CALL_HALTED', 2n], ['CALL_NO_MODULE', 3n], ['CALL_FAILED_BASE', 65_536n],
]);

export const BUILTIN_CONSTS: ReadonlyMap<string, bigint> = new Map([...SYS_CONSTS, ...CALL_CONSTS]);

/** CS-TYPE-030: the most iterations a `for` loop may run (the static gas bound needs it). */
export const MAX_LOOP_ITERATIONS = 65_536n;
/** CS-TYPE-004: array lengths lie in 1..=MAX_ARRAY_LENGTH (the largest pool the schema allows). */
export const MAX_ARRAY_LENGTH = 1n << 20n;

export function sigType(s: Sig, generic: Type): Type {
  if (s === 'T') return generic;
  if (s === 'OracleReading') return { k: 'struct', name: 'OracleReading' };
  return T[s];
}
