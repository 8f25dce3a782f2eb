/**
 * Code generation (spec/curvescript.md, CS-GEN-*): IR → `.casm` text → module through the assembler, so
 * label layout, maxStack and encoding have one implementation, and the listing is available to readers
 * (`curve compile --emit-asm`). Invariants the emitted code keeps, so that it always passes the VM
 * validator: every statement starts and ends at operand height 0; no instruction is emitted where
 * control cannot reach (terminating branches get no jump-over, a join label only when something
 * reaches it); every body ends with a terminator.
 */
import { assert } from '../lib/errors.ts';
import { bytesToHex } from '../lib/hex.ts';
import { assemble } from '../vm/asm.ts';
import { capNames, CAP_ALL } from '../vm/capabilities.ts';
import type { Module } from '../vm/module.ts';
import { loopShape, negatedCondition, stmtTerminates, terminates as ends, type IrExpr, type IrFunction, type IrModule, type IrStmt, type Width } from './ir.ts';

const WIDTH_SUFFIX: Record<Width, string> = { 1: '8', 8: '64', 16: '' };

class FunctionEmitter {
  readonly lines: string[] = [];
  private labels = 0;

  constructor(private readonly fn: IrFunction) {}

  label(): string {
    return `L${this.labels++}`;
  }

  op(text: string): void {
    this.lines.push(`  ${text}`);
  }

  place(label: string): void {
    this.lines.push(`${label}:`);
  }

  expr(e: IrExpr): void {
    switch (e.k) {
      case 'const':
        return this.op(`PUSH 0x${e.v.toString(16)}`);
      case 'local':
        return this.op(`LGET ${e.slot}`);
      case 'bin':
        this.expr(e.a);
        this.expr(e.b);
        return this.op(e.op);
      case 'un':
        this.expr(e.a);
        return this.op(e.op);
      case 'muldiv':
        this.expr(e.a);
        this.expr(e.b);
        this.expr(e.d);
        return this.op(e.rounding === 'down' ? 'MULDIV_DOWN' : 'MULDIV_UP');
      case 'select':
        this.expr(e.a);
        this.expr(e.b);
        this.expr(e.c);
        return this.op('SELECT');
      case 'cond': {
        const yes = this.label();
        const end = this.label();
        this.expr(e.c);
        this.op(`JUMPI ${yes}`);
        this.expr(e.b);
        this.op(`JUMP ${end}`);
        this.place(yes);
        this.expr(e.a);
        return this.place(end);
      }
      case 'call':
        e.args.forEach((a) => this.expr(a));
        return this.op(`CALLF ${e.fn}`);
      case 'sys':
        e.args.forEach((a) => this.expr(a));
        return this.op(`SYSCALL ${e.name}`);
      case 'sload':
        this.expr(e.off);
        return this.op(`SLOAD${WIDTH_SUFFIX[e.width]}`);
      case 'mload':
        this.expr(e.addr);
        return this.op(`MLOAD${WIDTH_SUFFIX[e.width]}`);
      case 'tee':
        this.expr(e.e);
        return this.op(`LTEE ${e.slot}`);
    }
  }

  /** Emit a block; nothing after a statement that terminates is reachable, so nothing more is emitted. */
  stmts(list: readonly IrStmt[]): void {
    for (const s of list) {
      this.stmt(s);
      if (stmtTerminates(s)) return;
    }
  }

  stmt(s: IrStmt): void {
    switch (s.k) {
      case 'set':
        this.expr(s.e);
        return this.op(`LSET ${s.slot}`);
      case 'multi':
        this.expr(s.src);
        for (let i = s.slots.length - 1; i >= 0; i--) this.op(`LSET ${s.slots[i]}`);
        return;
      case 'if': {
        const elseLabel = this.label();
        const end = this.label();
        const skip = negatedCondition(s.c); // CS-OPT-006
        if (skip !== undefined) this.expr(skip);
        else {
          this.expr(s.c);
          this.op('ISZERO');
        }
        const hasElse = s.else.length > 0;
        this.op(`JUMPI ${hasElse ? elseLabel : end}`);
        this.stmts(s.then);
        if (hasElse) {
          const thenEnds = ends(s.then);
          if (!thenEnds) this.op(`JUMP ${end}`);
          this.place(elseLabel);
          this.stmts(s.else);
          if (!thenEnds || !ends(s.else)) this.place(end);
        } else {
          this.place(end);
        }
        return;
      }
      case 'for': {
        const top = this.label();
        const end = this.label();
        const shape = loopShape(s); // CS-OPT-008
        const limit = (): void => (s.to.k === 'const' ? this.op(`PUSH 0x${s.to.v.toString(16)}`) : this.op(`LGET ${s.limitSlot}`));
        this.expr(s.from);
        this.op(`LSET ${s.slot}`);
        if (!shape.constTo) {
          this.expr(s.to);
          this.op(`LSET ${s.limitSlot}`);
        }
        if (shape.entryTest) {
          this.op(`LGET ${s.slot}`);
          limit();
          this.op('GE');
          this.op(`JUMPI ${end}`);
        }
        this.place(top);
        this.stmts(s.body);
        if (shape.rotated) {
          this.op(`LGET ${s.slot}`);
          this.op('PUSH 1');
          this.op('ADD');
          this.op(`LTEE ${s.slot}`);
          limit();
          this.op('LT');
          this.op(`JUMPI ${top}`);
        }
        return this.place(end);
      }
      case 'require': {
        const ok = this.label();
        this.expr(s.c);
        this.op(`JUMPI ${ok}`);
        this.op(`PUSH 0x${s.code.toString(16)}`);
        this.op('REVERT');
        return this.place(ok);
      }
      case 'revert':
        this.expr(s.code);
        return this.op('REVERT');
      case 'return':
        assert(s.values.length === this.fn.results, `return of ${s.values.length} value(s) in ${this.fn.name} → ${this.fn.results}`);
        s.values.forEach((v) => this.expr(v));
        return this.op('RET');
      case 'drop':
        this.expr(s.e);
        for (let i = 0; i < s.results; i++) this.op('POP');
        return;
      case 'sstore':
        this.expr(s.off);
        this.expr(s.v);
        return this.op(`SSTORE${WIDTH_SUFFIX[s.width]}`);
      case 'mstore':
        this.expr(s.addr);
        this.expr(s.v);
        return this.op(`MSTORE${WIDTH_SUFFIX[s.width]}`);
      case 'log':
        this.expr(s.ptr);
        this.expr(s.len);
        s.topics.forEach((t) => this.expr(t));
        return this.op(`LOG ${s.topics.length}`);
      case 'hash':
        this.expr(s.ptr);
        this.expr(s.len);
        this.expr(s.out);
        return this.op(s.op);
      case 'trap':
        return this.op('TRAP');
      case 'xcall':
        s.args.forEach((a) => this.expr(a));
        this.op(`PUSH 0x${s.gas.toString(16)}`);
        this.op(`PUSH 0x${s.pages.toString(16)}`);
        this.op(`PUSH 0x${s.caps.toString(16)}`);
        this.op(`CALL ${s.import}`);
        for (let i = s.slots.length - 1; i >= 0; i--) this.op(`LSET ${s.slots[i]}`);
        return;
    }
  }

  finish(): string[] {
    this.stmts(this.fn.body);
    if (!ends(this.fn.body)) {
      assert(this.fn.results === 0, `function ${this.fn.name} can end without returning its ${this.fn.results} result(s)`);
      this.op('RET');
    }
    const head = `.func ${this.fn.name} params=${this.fn.params} results=${this.fn.results} locals=${this.fn.locals}`;
    return [head, ...this.lines, ''];
  }
}

/** The `.casm` listing of an IR module. */
export function emitAsm(m: IrModule): string {
  const out: string[] = [];
  out.push(`.memory initial=${m.memory.initialPages} max=${m.memory.maxPages} storage=${m.memory.storageBytes}`);
  assert((m.caps & ~CAP_ALL) === 0, 'IR module declares undefined capability bits');
  out.push(`.caps ${m.caps === 0 ? 'none' : capNames(m.caps).join(',')}`);
  for (const imp of m.imports) out.push(`.import ${imp.name} 0x${bytesToHex(imp.module)} ${imp.entry} ${imp.params} ${imp.results}`);
  for (const d of m.data) out.push(`.data ${d.offset} 0x${bytesToHex(d.bytes)}`);
  out.push('');
  for (const fn of m.functions) out.push(...new FunctionEmitter(fn).finish());
  for (const e of m.entries) out.push(`.entry ${e.name} ${e.fn} (${e.params.join(' ')}) -> (${e.results.join(' ')})`);
  return out.join('\n') + '\n';
}

/** IR → module. A failure here is a compiler bug (the IR was checked), so it is an assertion. */
export function codegen(m: IrModule): { module: Module; asm: string } {
  const asm = emitAsm(m);
  try {
    return { module: assemble(asm, '<codegen>'), asm };
  } catch (e) {
    throw new Error(`internal assertion failed: generated code does not assemble: ${(e as Error).message}`);
  }
}

