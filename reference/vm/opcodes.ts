/**
 * The CurveVM opcode table (spec/curvevm.md §5, VM-OP-*). One frozen table is the single source of truth:
 * the decoder, validator, interpreters, assembler, symbolic executor and the spec's generated opcode
 * table all read it. Handlers are linked with `satisfies Record<OpName, …>` so a missing one is a compile
 * error (STYLE.md §2).
 *
 * Stack notation: `a b OP` pops b (top) then a; binary results are `a op b`.
 */
import * as G from './gas.ts';

/** Immediate operand kinds, little-endian, fixed width. */
export type ImmKind = 'u8' | 'u16' | 'u32' | 'u64' | 'u128';
export const IMM_WIDTH: { readonly [K in ImmKind]: number } = { u8: 1, u16: 2, u32: 4, u64: 8, u128: 16 };

export type Family =
  | 'control'
  | 'stack'
  | 'locals'
  | 'arith'
  | 'signed'
  | 'compare'
  | 'bitwise'
  | 'memory'
  | 'storage'
  | 'hash'
  | 'host';

/** 'dyn' means the effect comes from the immediate (function type, import, syscall, topic count). */
export type Arity = number | 'dyn';

export interface OpInfo {
  readonly code: number;
  readonly name: string;
  readonly family: Family;
  readonly imm: readonly ImmKind[];
  readonly pops: Arity;
  readonly pushes: Arity;
  /** Static gas charged before the operation; dynamic parts are documented in `doc` and spec §6. */
  readonly gas: number;
  /** Ends a basic block with no fall-through. */
  readonly terminal?: boolean;
  /** Traps the operation can raise (spec §7). */
  readonly traps: readonly string[];
  readonly doc: string;
}

/** One table row; generic in the name so `OpName` is the union of the literal mnemonics. */
const op = <N extends string>(
  code: number,
  name: N,
  family: Family,
  imm: readonly ImmKind[],
  pops: Arity,
  pushes: Arity,
  gas: number,
  traps: readonly string[],
  doc: string,
  terminal = false,
): OpInfo & { readonly name: N } => ({ code, name, family, imm, pops, pushes, gas, traps, doc, ...(terminal ? { terminal } : {}) });

const OOB = ['memory_oob'];
const SOOB = ['storage_oob'];

export const OPCODES = [
  // control
  op(0x00, 'TRAP', 'control', [], 0, 0, G.G_ZERO, ['unreachable'], 'halt the frame with trap `unreachable`', true),
  op(0x01, 'NOP', 'control', [], 0, 0, G.G_BASE, [], 'do nothing'),
  op(0x02, 'JUMP', 'control', ['u32'], 0, 0, G.G_JUMP, [], 'jump to a byte offset of the current function', true),
  op(0x03, 'JUMPI', 'control', ['u32'], 1, 0, G.G_JUMPI, [], '`c JUMPI t`: jump to t when c ≠ 0'),
  op(0x04, 'CALLF', 'control', ['u16'], 'dyn', 'dyn', G.G_CALLF, ['call_depth'], 'call a function of this module; pops its params, pushes its results'),
  op(0x05, 'RET', 'control', [], 'dyn', 0, G.G_RET, [], 'return from the function; the stack holds exactly its results', true),
  op(0x06, 'REVERT', 'control', [], 1, 0, G.G_ZERO, [], '`code REVERT`: end the module call with status revert and this code; its writes are undone', true),
  op(0x07, 'CALL', 'control', ['u16'], 'dyn', 'dyn', G.G_CALL, ['capability', 'grant'], '`args… gas pages caps CALL i`: call import i with a sub-grant; pushes results… code status (a callee halt, call_depth included, is status 2, not a trap of the caller)'),
  op(0x08, 'SYSCALL', 'host', ['u8'], 'dyn', 'dyn', G.G_ZERO, ['capability', 'overflow'], 'host operation from the syscall table; gas from that table (overflow: ESCROW_BUMP_NONCE at 2^128−1)'),
  op(0x09, 'LOG', 'host', ['u8'], 'dyn', 0, G.G_LOG, ['capability', 'memory_oob'], '`ptr len t1…tn LOG n`: emit a log with n ≤ 4 topics; + G_LOG_TOPIC·n + G_LOG_BYTE·len'),
  op(0x0a, 'GAS', 'control', [], 0, 1, G.G_GAS, [], 'push the gas left after this instruction'),
  op(0x0b, 'SELECT', 'control', [], 3, 1, G.G_VERYLOW, [], '`a b c SELECT`: a when c ≠ 0, else b'),
  // stack
  op(0x10, 'PUSH8', 'stack', ['u8'], 0, 1, G.G_BASE, [], 'push a 1-byte constant'),
  op(0x11, 'PUSH64', 'stack', ['u64'], 0, 1, G.G_BASE, [], 'push an 8-byte constant'),
  op(0x12, 'PUSH128', 'stack', ['u128'], 0, 1, G.G_BASE, [], 'push a 16-byte constant'),
  op(0x13, 'POP', 'stack', [], 1, 0, G.G_BASE, [], 'drop the top word'),
  op(0x14, 'DUP', 'stack', ['u8'], 'dyn', 'dyn', G.G_BASE, [], '`DUP n`: push a copy of the word n below the top (0 = top)'),
  op(0x15, 'SWAP', 'stack', ['u8'], 'dyn', 'dyn', G.G_BASE, [], '`SWAP n` (n ≥ 1): exchange the top with the word n below it'),
  // locals
  op(0x18, 'LGET', 'locals', ['u16'], 0, 1, G.G_BASE, [], 'push local i (params first, then locals, all start at their argument or 0)'),
  op(0x19, 'LSET', 'locals', ['u16'], 1, 0, G.G_BASE, [], 'pop into local i'),
  op(0x1a, 'LTEE', 'locals', ['u16'], 1, 1, G.G_BASE, [], 'copy the top into local i, keeping it'),
  // checked unsigned arithmetic
  op(0x20, 'ADD', 'arith', [], 2, 1, G.G_VERYLOW, ['overflow'], 'a + b; traps when > 2^128−1'),
  op(0x21, 'SUB', 'arith', [], 2, 1, G.G_VERYLOW, ['overflow'], 'a − b; traps when b > a'),
  op(0x22, 'MUL', 'arith', [], 2, 1, G.G_LOW, ['overflow'], 'a · b; traps when > 2^128−1'),
  op(0x23, 'DIV', 'arith', [], 2, 1, G.G_LOW, ['div_by_zero'], '⌊a / b⌋'),
  op(0x24, 'MOD', 'arith', [], 2, 1, G.G_LOW, ['div_by_zero'], 'a mod b'),
  op(0x25, 'ADDW', 'arith', [], 2, 1, G.G_VERYLOW, [], '(a + b) mod 2^128'),
  op(0x26, 'SUBW', 'arith', [], 2, 1, G.G_VERYLOW, [], '(a − b) mod 2^128'),
  op(0x27, 'MULW', 'arith', [], 2, 1, G.G_LOW, [], '(a · b) mod 2^128'),
  op(0x28, 'MULDIV_DOWN', 'arith', [], 3, 1, G.G_MID, ['div_by_zero', 'overflow'], '`a b d`: ⌊a·b / d⌋ exactly (256-bit intermediate)'),
  op(0x29, 'MULDIV_UP', 'arith', [], 3, 1, G.G_MID, ['div_by_zero', 'overflow'], '`a b d`: ⌈a·b / d⌉ exactly (256-bit intermediate)'),
  op(0x2a, 'DIV_UP', 'arith', [], 2, 1, G.G_LOW, ['div_by_zero'], '⌈a / b⌉'),
  op(0x2b, 'MIN', 'arith', [], 2, 1, G.G_VERYLOW, [], 'unsigned minimum'),
  op(0x2c, 'MAX', 'arith', [], 2, 1, G.G_VERYLOW, [], 'unsigned maximum'),
  // checked signed arithmetic (two's-complement i128)
  op(0x30, 'SADD', 'signed', [], 2, 1, G.G_VERYLOW, ['overflow'], 'a + b as i128; traps outside [−2^127, 2^127−1]'),
  op(0x31, 'SSUB', 'signed', [], 2, 1, G.G_VERYLOW, ['overflow'], 'a − b as i128; traps on overflow'),
  op(0x32, 'SMUL', 'signed', [], 2, 1, G.G_LOW, ['overflow'], 'a · b as i128; traps on overflow'),
  op(0x33, 'SDIV', 'signed', [], 2, 1, G.G_LOW, ['div_by_zero', 'overflow'], 'a / b as i128, truncated toward zero; MIN / −1 traps'),
  op(0x34, 'SMOD', 'signed', [], 2, 1, G.G_LOW, ['div_by_zero'], 'a − b·trunc(a/b): takes the sign of a'),
  op(0x35, 'SNEG', 'signed', [], 1, 1, G.G_VERYLOW, ['overflow'], '−a as i128; −MIN traps'),
  op(0x36, 'SLT', 'signed', [], 2, 1, G.G_VERYLOW, [], 'a < b as i128'),
  op(0x37, 'SGT', 'signed', [], 2, 1, G.G_VERYLOW, [], 'a > b as i128'),
  op(0x38, 'SLE', 'signed', [], 2, 1, G.G_VERYLOW, [], 'a ≤ b as i128'),
  op(0x39, 'SGE', 'signed', [], 2, 1, G.G_VERYLOW, [], 'a ≥ b as i128'),
  // unsigned comparison
  op(0x40, 'EQ', 'compare', [], 2, 1, G.G_VERYLOW, [], 'a = b'),
  op(0x41, 'NE', 'compare', [], 2, 1, G.G_VERYLOW, [], 'a ≠ b'),
  op(0x42, 'LT', 'compare', [], 2, 1, G.G_VERYLOW, [], 'a < b'),
  op(0x43, 'GT', 'compare', [], 2, 1, G.G_VERYLOW, [], 'a > b'),
  op(0x44, 'LE', 'compare', [], 2, 1, G.G_VERYLOW, [], 'a ≤ b'),
  op(0x45, 'GE', 'compare', [], 2, 1, G.G_VERYLOW, [], 'a ≥ b'),
  op(0x46, 'ISZERO', 'compare', [], 1, 1, G.G_VERYLOW, [], 'a = 0'),
  // bitwise
  op(0x48, 'AND', 'bitwise', [], 2, 1, G.G_VERYLOW, [], 'a & b'),
  op(0x49, 'OR', 'bitwise', [], 2, 1, G.G_VERYLOW, [], 'a | b'),
  op(0x4a, 'XOR', 'bitwise', [], 2, 1, G.G_VERYLOW, [], 'a ^ b'),
  op(0x4b, 'NOT', 'bitwise', [], 1, 1, G.G_VERYLOW, [], '~a'),
  op(0x4c, 'SHL', 'bitwise', [], 2, 1, G.G_LOW, [], '`a n SHL`: (a << n) mod 2^128; 0 when n ≥ 128'),
  op(0x4d, 'SHR', 'bitwise', [], 2, 1, G.G_LOW, [], '`a n SHR`: a >> n logical; 0 when n ≥ 128'),
  op(0x4e, 'SAR', 'bitwise', [], 2, 1, G.G_LOW, [], '`a n SAR`: a >> n arithmetic (sign fill) as i128'),
  // linear memory (bounds-checked; little-endian)
  op(0x50, 'MLOAD', 'memory', [], 1, 1, G.G_MEMORY, OOB, '`addr MLOAD`: 16-byte word at addr'),
  op(0x51, 'MSTORE', 'memory', [], 2, 0, G.G_MEMORY, OOB, '`addr v MSTORE`: store a 16-byte word'),
  op(0x52, 'MLOAD8', 'memory', [], 1, 1, G.G_MEMORY, OOB, 'byte at addr'),
  op(0x53, 'MSTORE8', 'memory', [], 2, 0, G.G_MEMORY, OOB, 'store the low byte of v'),
  op(0x54, 'MLOAD64', 'memory', [], 1, 1, G.G_MEMORY, OOB, '8-byte word at addr'),
  op(0x55, 'MSTORE64', 'memory', [], 2, 0, G.G_MEMORY, OOB, 'store the low 8 bytes of v'),
  op(0x56, 'MSIZE', 'memory', [], 0, 1, G.G_BASE, [], 'memory size in bytes'),
  op(0x57, 'MGROW', 'memory', [], 1, 1, G.G_BASE, ['memory_limit'], '`n MGROW`: add n pages of 64 KiB; pushes the old page count; + G_MEMORY_PAGE·n'),
  op(0x58, 'MCOPY', 'memory', [], 3, 0, G.G_MEMORY, OOB, '`dst src len MCOPY` (overlap-safe); + G_COPY_WORD per 16 bytes'),
  // persistent storage segment of the running module (journaled)
  op(0x60, 'SLOAD', 'storage', [], 1, 1, G.G_STORAGE_READ, SOOB, '`off SLOAD`: 16-byte word of the segment'),
  op(0x61, 'SSTORE', 'storage', [], 2, 0, G.G_STORAGE_WRITE, SOOB, '`off v SSTORE`'),
  op(0x62, 'SLOAD8', 'storage', [], 1, 1, G.G_STORAGE_READ, SOOB, 'segment byte'),
  op(0x63, 'SSTORE8', 'storage', [], 2, 0, G.G_STORAGE_WRITE, SOOB, 'store the low byte'),
  op(0x64, 'SLOAD64', 'storage', [], 1, 1, G.G_STORAGE_READ, SOOB, '8-byte segment word'),
  op(0x65, 'SSTORE64', 'storage', [], 2, 0, G.G_STORAGE_WRITE, SOOB, 'store the low 8 bytes'),
  op(0x66, 'SSIZE', 'storage', [], 0, 1, G.G_BASE, [], 'segment size in bytes'),
  // hashing precompiles (memory in, memory out)
  op(0x70, 'SHA256', 'hash', [], 3, 0, G.G_SHA256, OOB, '`ptr len out SHA256`: 32-byte digest to out; + G_SHA256_WORD per 32 bytes'),
  op(0x71, 'KECCAK256', 'hash', [], 3, 0, G.G_KECCAK256, OOB, '`ptr len out KECCAK256`; + G_KECCAK256_WORD per 32 bytes'),
  op(0x72, 'POSEIDON', 'hash', [], 3, 0, G.G_POSEIDON, ['memory_oob', 'invalid_argument'], '`ptr n out POSEIDON`: n ∈ 1..16 big-endian 32-byte field elements (circomlib parameters); + G_POSEIDON_INPUT·n'),
  op(0x73, 'MERKLE_VERIFY', 'hash', [], 5, 1, G.G_MERKLE, ['memory_oob', 'invalid_argument'], '`root leaf path depth index MERKLE_VERIFY`: 1 when the sha256 path proves leaf under root; depth ≤ 64; + G_MERKLE_LEVEL·depth'),
] as const satisfies readonly OpInfo[];

export type OpName = (typeof OPCODES)[number]['name'];

/** 256 slots; undefined = invalid opcode (VM-VAL-OP-001). */
export const OP_BY_CODE: readonly (OpInfo | undefined)[] = (() => {
  const t: (OpInfo | undefined)[] = new Array(256).fill(undefined);
  for (const o of OPCODES) {
    if (t[o.code]) throw new Error(`duplicate opcode 0x${o.code.toString(16)}`);
    t[o.code] = o;
  }
  return Object.freeze(t);
})();

export const OP: { readonly [K in OpName]: number } = Object.fromEntries(OPCODES.map((o) => [o.name, o.code])) as {
  [K in OpName]: number;
};

const byName = new Map<string, OpInfo>(OPCODES.map((o) => [o.name, o]));
export function opByName(name: string): OpInfo | undefined {
  return byName.get(name.toUpperCase());
}

/** Encoded size of an instruction (opcode byte + immediates). */
export function instrSize(info: OpInfo): number {
  let n = 1;
  for (const k of info.imm) n += IMM_WIDTH[k];
  return n;
}
