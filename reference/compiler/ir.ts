/**
 * The compiler's IR (spec/curvescript.md, lowering): a typed-away tree of word expressions and
 * statements, one step above CurveVM code. Every value is a word; locals are numbered slots (params
 * first). The front end lowers checked CurveScript to this; opt.ts folds and prunes it; codegen.ts
 * emits CurveVM code that passes the validator.
 */
import type { ImportDef, MemoryLayout, ValueType, DataSegment } from '../vm/module.ts';
import type { BinaryOpName, UnaryOpName } from '../vm/semantics.ts';
import type { SyscallName } from '../vm/syscalls.ts';

export type Width = 1 | 8 | 16;

export type IrExpr =
  | { readonly k: 'const'; readonly v: bigint }
  | { readonly k: 'local'; readonly slot: number }
  | { readonly k: 'bin'; readonly op: BinaryOpName; readonly a: IrExpr; readonly b: IrExpr }
  | { readonly k: 'un'; readonly op: UnaryOpName; readonly a: IrExpr }
  | { readonly k: 'muldiv'; readonly rounding: 'down' | 'up'; readonly a: IrExpr; readonly b: IrExpr; readonly d: IrExpr }
  /** Both arms evaluated, then one chosen (no jumps). */
  | { readonly k: 'select'; readonly c: IrExpr; readonly a: IrExpr; readonly b: IrExpr }
  /** Only the chosen arm is evaluated (short-circuit `&&`, `||`, `if` expressions). */
  | { readonly k: 'cond'; readonly c: IrExpr; readonly a: IrExpr; readonly b: IrExpr }
  /** A single-result call of a function of this module. */
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly IrExpr[] }
  /** A single-result syscall. */
  | { readonly k: 'sys'; readonly name: SyscallName; readonly args: readonly IrExpr[] }
  | { readonly k: 'sload'; readonly width: Width; readonly off: IrExpr }
  | { readonly k: 'mload'; readonly width: Width; readonly addr: IrExpr }
  /**
   * Evaluate `e`, store its value into `slot` and keep it as the value (`LTEE`, CS-OPT-004). Only the
   * last optimisation pass (opt-stack.ts) makes these: a write in the middle of an expression.
   */
  | { readonly k: 'tee'; readonly slot: number; readonly e: IrExpr };

export type IrStmt =
  | { readonly k: 'set'; readonly slot: number; readonly e: IrExpr }
  /** A multi-result call or syscall, results stored into slots (deepest result first). */
  | { readonly k: 'multi'; readonly slots: readonly number[]; readonly src: Extract<IrExpr, { k: 'call' | 'sys' }> }
  | { readonly k: 'if'; readonly c: IrExpr; readonly then: readonly IrStmt[]; readonly else: readonly IrStmt[] }
  /** `for slot in from..to` (to exclusive, evaluated once into limitSlot). */
  | { readonly k: 'for'; readonly slot: number; readonly limitSlot: number; readonly from: IrExpr; readonly to: IrExpr; readonly body: readonly IrStmt[] }
  | { readonly k: 'require'; readonly c: IrExpr; readonly code: bigint }
  | { readonly k: 'revert'; readonly code: IrExpr }
  | { readonly k: 'return'; readonly values: readonly IrExpr[] }
  /** Evaluate for effect; the function's or syscall's `results` words are dropped. */
  | { readonly k: 'drop'; readonly e: IrExpr; readonly results: number }
  | { readonly k: 'sstore'; readonly width: Width; readonly off: IrExpr; readonly v: IrExpr }
  | { readonly k: 'mstore'; readonly width: Width; readonly addr: IrExpr; readonly v: IrExpr }
  | { readonly k: 'log'; readonly ptr: IrExpr; readonly len: IrExpr; readonly topics: readonly IrExpr[] }
  /** Hash memory [ptr, ptr+len) into the 32 bytes at out (VM-OP-SHA256, VM-OP-KECCAK256). */
  | { readonly k: 'hash'; readonly op: 'SHA256' | 'KECCAK256'; readonly ptr: IrExpr; readonly len: IrExpr; readonly out: IrExpr }
  | { readonly k: 'trap' }
  /**
   * CS-CALL-001: `CALL import` with the arguments and the gas, page and capability grants (VM-CALL-001);
   * the import's result words, then the code, then the status go into `slots` (deepest first).
   */
  | { readonly k: 'xcall'; readonly import: string; readonly args: readonly IrExpr[]; readonly gas: bigint; readonly pages: bigint; readonly caps: bigint; readonly slots: readonly number[] };

export interface IrFunction {
  /** A casm identifier, unique in the module. */
  readonly name: string;
  readonly params: number;
  readonly results: number;
  /** Extra local slots after the params. */
  readonly locals: number;
  readonly body: readonly IrStmt[];
}

export interface IrEntry {
  readonly name: string;
  readonly fn: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
}

export interface IrModule {
  readonly memory: MemoryLayout;
  readonly caps: number;
  readonly imports: readonly (ImportDef & { readonly name: string })[];
  readonly functions: readonly IrFunction[];
  readonly entries: readonly IrEntry[];
  readonly data: readonly DataSegment[];
}

/**
 * True when control never continues past this block: some statement in it is a return, revert or trap,
 * an `if` both of whose arms terminate, or a loop over a constant non-empty range whose body terminates.
 * Whatever follows that statement is dead.
 */
export function terminates(stmts: readonly IrStmt[]): boolean {
  return stmts.some(stmtTerminates);
}

export function stmtTerminates(s: IrStmt): boolean {
  switch (s.k) {
    case 'return':
    case 'revert':
    case 'trap':
      return true;
    case 'if':
      return terminates(s.then) && terminates(s.else);
    case 'for': // a constant, non-empty range runs the body at least once
      return s.from.k === 'const' && s.to.k === 'const' && s.from.v < s.to.v && terminates(s.body);
    default:
      return false;
  }
}

/**
 * CS-OPT-008: how codegen.ts lays out a `for` (gas.ts prices the same). A constant `to` is pushed where
 * the loop compares, not kept in `limitSlot`; with constant bounds and `from < to` the first test is
 * known to pass and is not emitted (a body that always ends the call then runs once, with no test); a
 * body that can finish is followed by the step and the test that
 * jumps back (`slot + 1`, `LTEE slot`, `< to`, `JUMPI`), with no jump to a separate header.
 */
export function loopShape(s: Extract<IrStmt, { k: 'for' }>): { readonly constTo: boolean; readonly entryTest: boolean; readonly rotated: boolean } {
  const constTo = s.to.k === 'const';
  const nonEmpty = s.from.k === 'const' && s.to.k === 'const' && s.from.v < s.to.v;
  const rotated = !terminates(s.body);
  return { constTo, entryTest: !nonEmpty, rotated };
}

const NEGATED: Partial<Record<BinaryOpName, BinaryOpName>> = { EQ: 'NE', NE: 'EQ', LT: 'GE', GE: 'LT', GT: 'LE', LE: 'GT', SLT: 'SGE', SGE: 'SLT', SGT: 'SLE', SLE: 'SGT' };

/**
 * CS-OPT-006: an expression non-zero exactly when `c` is zero, without an `ISZERO`, when there is one:
 * `ISZERO x` gives x, a comparison its negation (same operands, same evaluation order, same gas). An
 * `if` jumps over its then-arm on it (codegen.ts; gas.ts prices the same).
 */
export function negatedCondition(c: IrExpr): IrExpr | undefined {
  if (c.k === 'un' && c.op === 'ISZERO') return c.a;
  if (c.k === 'bin') {
    const op = NEGATED[c.op];
    if (op !== undefined) return { ...c, op };
  }
  return undefined;
}

/** True when evaluating the expression can have no effect but its value (no call, syscall or trap). */
export function isPure(e: IrExpr): boolean {
  switch (e.k) {
    case 'const':
    case 'local':
      return true;
    case 'un':
      return e.op !== 'SNEG' && isPure(e.a);
    case 'bin':
      return ['ADDW', 'SUBW', 'MULW', 'MIN', 'MAX', 'EQ', 'NE', 'LT', 'GT', 'LE', 'GE', 'SLT', 'SGT', 'SLE', 'SGE', 'AND', 'OR', 'XOR', 'SHL', 'SHR', 'SAR'].includes(e.op) && isPure(e.a) && isPure(e.b);
    case 'select':
    case 'cond':
      return isPure(e.c) && isPure(e.a) && isPure(e.b);
    default: // calls, syscalls, loads, checked arithmetic, tee (writes a local)
      return false;
  }
}
