/**
 * CS-ANALYZE-GAS: a static upper bound on the gas of one call of each function, computed over the
 * optimised IR by walking exactly the instruction sequences codegen.ts emits, priced from the VM's own
 * opcode and syscall tables (so a gas change in the VM moves the bound with it). Branches take their
 * dearer arm, loops run their full constant trip count, calls add the callee's bound (the call graph is
 * acyclic, CS-NAME-007). A property test checks measured gas ≤ bound on compiled templates, and
 * equality on straight-line code.
 */
import { assert } from '../lib/errors.ts';
import { G_LOG_BYTE, G_LOG_TOPIC, G_SHA256_WORD, G_KECCAK256_WORD, words32 } from '../vm/gas.ts';
import { opByName } from '../vm/opcodes.ts';
import { syscallByName } from '../vm/syscalls.ts';
import { loopShape, negatedCondition, stmtTerminates, type IrExpr, type IrFunction, type IrStmt } from './ir.ts';

/** The limit an entry's bound must stay under (CS4004): the sequencer's per-call gas budget. */
export const ENTRY_GAS_LIMIT = 2_000_000_000n;

const g = (name: string): bigint => {
  const op = opByName(name);
  assert(op !== undefined, `no opcode ${name}`);
  return BigInt(op.gas);
};

const WIDTH_SUFFIX = { 1: '8', 8: '64', 16: '' } as const;

class GasBound {
  private readonly memo = new Map<string, bigint>();

  constructor(private readonly fns: ReadonlyMap<string, IrFunction>) {}

  fn(name: string): bigint {
    const known = this.memo.get(name);
    if (known !== undefined) return known;
    const f = this.fns.get(name);
    assert(f !== undefined, `gas: no function ${name}`);
    let cost = this.block(f.body);
    if (!f.body.some(stmtTerminates)) cost += g('RET');
    this.memo.set(name, cost);
    return cost;
  }

  private expr(e: IrExpr): bigint {
    switch (e.k) {
      case 'const':
        return g('PUSH8');
      case 'local':
        return g('LGET');
      case 'bin':
        return this.expr(e.a) + this.expr(e.b) + g(e.op);
      case 'un':
        return this.expr(e.a) + g(e.op);
      case 'muldiv':
        return this.expr(e.a) + this.expr(e.b) + this.expr(e.d) + g(e.rounding === 'down' ? 'MULDIV_DOWN' : 'MULDIV_UP');
      case 'select':
        return this.expr(e.a) + this.expr(e.b) + this.expr(e.c) + g('SELECT');
      case 'cond': {
        const other = this.expr(e.b) + g('JUMP');
        const chosen = this.expr(e.a);
        return this.expr(e.c) + g('JUMPI') + (other > chosen ? other : chosen);
      }
      case 'call':
        return e.args.reduce((n, a) => n + this.expr(a), 0n) + g('CALLF') + this.fn(e.fn);
      case 'sys': {
        const s = syscallByName(e.name);
        assert(s !== undefined, `no syscall ${e.name}`);
        return e.args.reduce((n, a) => n + this.expr(a), 0n) + g('SYSCALL') + BigInt(s.gas);
      }
      case 'sload':
        return this.expr(e.off) + g(`SLOAD${WIDTH_SUFFIX[e.width]}`);
      case 'mload':
        return this.expr(e.addr) + g(`MLOAD${WIDTH_SUFFIX[e.width]}`);
      case 'tee':
        return this.expr(e.e) + g('LTEE');
    }
  }

  /** A block stops at its first terminating statement, as codegen does. */
  private block(stmts: readonly IrStmt[]): bigint {
    let n = 0n;
    for (const s of stmts) {
      n += this.stmt(s);
      if (stmtTerminates(s)) break;
    }
    return n;
  }

  private stmt(s: IrStmt): bigint {
    switch (s.k) {
      case 'set':
        return this.expr(s.e) + g('LSET');
      case 'multi':
        return this.expr(s.src) + BigInt(s.slots.length) * g('LSET');
      case 'if': {
        const thenCost = this.block(s.then) + (s.else.length > 0 && !s.then.some(stmtTerminates) ? g('JUMP') : 0n);
        const elseCost = this.block(s.else);
        const skip = negatedCondition(s.c); // CS-OPT-006, as codegen.ts emits it
        const test = skip !== undefined ? this.expr(skip) : this.expr(s.c) + g('ISZERO');
        return test + g('JUMPI') + (thenCost > elseCost ? thenCost : elseCost);
      }
      case 'for': {
        assert(s.from.k === 'const' && s.to.k === 'const', 'gas: loop bounds must be constants after instantiation');
        const trips = s.to.v > s.from.v ? s.to.v - s.from.v : 0n;
        const shape = loopShape(s); // CS-OPT-008, as codegen.ts lays it out
        const limit = g('PUSH8'); // constant `to`
        const test = g('LGET') + limit + g('GE') + g('JUMPI');
        const entry = this.expr(s.from) + g('LSET') + (shape.entryTest ? test : 0n);
        if (!shape.rotated) return entry + this.block(s.body); // the body ends the call on its first trip
        const step = g('LGET') + g('PUSH8') + g('ADD') + g('LTEE') + limit + g('LT') + g('JUMPI');
        return entry + trips * (this.block(s.body) + step);
      }
      case 'require':
        return this.expr(s.c) + g('JUMPI') + g('PUSH8') + g('REVERT');
      case 'revert':
        return this.expr(s.code) + g('REVERT');
      case 'return':
        return s.values.reduce((n, v) => n + this.expr(v), 0n) + g('RET');
      case 'drop':
        return this.expr(s.e) + BigInt(s.results) * g('POP');
      case 'sstore':
        return this.expr(s.off) + this.expr(s.v) + g(`SSTORE${WIDTH_SUFFIX[s.width]}`);
      case 'mstore':
        return this.expr(s.addr) + this.expr(s.v) + g(`MSTORE${WIDTH_SUFFIX[s.width]}`);
      case 'log': {
        assert(s.len.k === 'const', 'gas: log lengths are constants');
        return this.expr(s.ptr) + this.expr(s.len) + s.topics.reduce((n, t) => n + this.expr(t), 0n) + g('LOG') + BigInt(s.topics.length * G_LOG_TOPIC) + s.len.v * BigInt(G_LOG_BYTE);
      }
      case 'hash': {
        assert(s.len.k === 'const', 'gas: hash lengths are constants');
        const perWord = s.op === 'SHA256' ? G_SHA256_WORD : G_KECCAK256_WORD;
        return this.expr(s.ptr) + this.expr(s.len) + this.expr(s.out) + g(s.op) + BigInt(words32(Number(s.len.v)) * perWord);
      }
      case 'trap':
        return g('TRAP');
      case 'xcall':
        // CS-ANALYZE-GAS: the whole sub-grant counts — the callee may use all of it (VM-CALL-003)
        return s.args.reduce((n, a) => n + this.expr(a), 0n) + 3n * g('PUSH8') + g('CALL') + s.gas + BigInt(s.slots.length) * g('LSET');
    }
  }
}

/** The bound of each function, by name. */
export function gasBounds(functions: readonly IrFunction[]): Map<string, bigint> {
  const gb = new GasBound(new Map(functions.map((f) => [f.name, f])));
  return new Map(functions.map((f) => [f.name, gb.fn(f.name)]));
}
