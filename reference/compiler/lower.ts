/**
 * Lowering (spec/curvescript.md §10, CS-LOWER-*): a checked template module, instantiated with one venue
 * block's constants, becomes IR functions, entries, a storage layout and the memory map of its scratch
 * regions. Table-driven: `cfg.<name>` is a constant from the venue, never an edit to the logic.
 *
 * Evaluation is left to right (CS-LOWER-ORDER). An expression lowers to the words of its value plus
 * statements placed before it (temporaries for checked arithmetic, multi-result calls, hashes); when a
 * later operand needs such statements, earlier operands that are not pure are first saved into
 * temporaries, so traps, reverts and effects happen in source order.
 */
import type { Expr, ExtCall, FnDecl, Stmt } from '../script/ast.ts';
import type { Type } from '../script/builtins.ts';
import type { Builtin } from '../script/builtins.ts';
import { diagnostic } from '../script/diagnostics.ts';
import type { Span } from '../script/diagnostics.ts';
import { nameId } from '../script/ids.ts';
import type { TemplateModule } from '../script/index.ts';
import type { SourceFile } from '../script/ast.ts';
import { U64_MAX } from '../lib/u128.ts';
import type { LocalDecl } from '../script/resolve.ts';
import { MAX_LOCALS } from '../vm/validate.ts';
import type { ValueType } from '../vm/module.ts';
import type { CompiledEvent } from './artifact.ts';
import type { IrExpr, IrFunction, IrStmt, Width } from './ir.ts';
import { byteSize, concreteTypeName, fieldAt, scalarPieces, wordTypes } from './layout.ts';
import { arithmetic, bin, c, comparison, conversionLimit, local, needsRangeCheck, not, overflowAbove, overflowIf, select, type IntKind } from './lower-ops.ts';
import { hashRegion, HASH_BUILTINS, type HashBuiltin } from './lower-hash.ts';
import { checkExterns, externField, lowerExtCall, type CallSite, type ExternTable } from './lower-extern.ts';
import {
  addConst, fnLabel, ModuleLowering, OUT_OF_RANGE_ADDRESS, range, stable, Unsupported, wordOf,
  type LoweredEntry, type LoweredModule, type Place,
} from './lower-module.ts';

export { OUT_OF_RANGE_ADDRESS } from './lower-module.ts';
export type { LoweredEntry, LoweredModule, SyscallUse } from './lower-module.ts';


/** The operands of a chain of `&&`, left to right. */
function conjuncts(e: Expr): Expr[] {
  return e.kind === 'binary' && e.op === '&&' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/** One function's lowering: slots, the statement buffer, locals in scope. */
class FunctionLowering implements CallSite {
  private out: IrStmt[] = [];
  private top: number;
  private maxTop: number;
  /** Words of all parameters: the first local slots. */
  private readonly params: number;
  private readonly slotsOf = new Map<LocalDecl, readonly number[]>();
  private readonly arraysOf = new Map<LocalDecl, number>();

  constructor(
    readonly m: ModuleLowering,
    private readonly fn: FnDecl,
    private readonly optimize = true,
  ) {
    let slot = 0;
    for (const p of fn.params) {
      const n = this.words(this.m.typeOf(p.type), p.span).length;
      this.slotsOf.set(p, range(slot, n));
      slot += n;
    }
    this.params = slot;
    this.top = slot;
    this.maxTop = slot;
  }

  lower(): IrFunction {
    this.block(this.fn.body.stmts);
    const ret = this.fn.ret ? this.words(this.m.typeOf(this.fn.ret), this.fn.ret.span).length : 0;
    if (this.maxTop > MAX_LOCALS) throw new Unsupported('CS4007', this.fn.name.span, `${this.fn.name.name} needs ${this.maxTop} local slots; the VM allows ${MAX_LOCALS} (split it into functions)`);
    return { name: fnLabel(this.fn.name.name), params: this.params, results: ret, locals: this.maxTop - this.params, body: this.out };
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────────

  private words(t: Type, span: Span): ValueType[] {
    const w = wordTypes(t, this.m);
    if (w === null) throw new Unsupported('CS4006', span, `an array (${concreteTypeName(t, this.m)}) is not a value: index it, or keep it in storage`);
    return w;
  }

  private typeOfExpr(e: Expr): Type {
    const t = this.m.template.types.exprTypes.get(e);
    if (t === undefined) throw new Error(`internal: untyped expression at ${e.span.line}:${e.span.col}`);
    return t.k === 'array' && typeof t.len === 'string' ? { ...t, len: this.m.cfgValue(t.len) } : t;
  }

  private localType(d: LocalDecl): Type {
    const t = this.m.template.types.localTypes.get(d);
    if (t === undefined) throw new Error('internal: untyped local');
    return t.k === 'array' && typeof t.len === 'string' ? { ...t, len: this.m.cfgValue(t.len) } : t;
  }

  temp(n = 1): number {
    const at = this.top;
    this.top += n;
    this.maxTop = Math.max(this.maxTop, this.top);
    return at;
  }

  emit(s: IrStmt): void {
    this.out.push(s);
  }

  /** Lower statements into a fresh buffer (for branches and loop bodies). */
  buffer(f: () => void): IrStmt[] {
    const saved = this.out;
    this.out = [];
    try {
      f();
      return this.out;
    } finally {
      this.out = saved;
    }
  }

  /** CS-LOWER-ARITH: halt with `overflow` when `flag` (a 0/1 word) is 1. */
  private trapIf(flag: IrExpr): void {
    this.emit({ k: 'drop', e: overflowIf(flag), results: 1 });
  }

  /** CS-LOWER-ARITH: halt with `overflow` when `v` > `max`. */
  private trapAbove(v: IrExpr, max: bigint): void {
    this.emit({ k: 'drop', e: overflowAbove(v, max), results: 1 });
  }

  /** The value of `e`, saved, after checking it fits u64. */
  private checkU64(e: IrExpr): IrExpr {
    const s = this.stabilize(e);
    this.trapAbove(s, U64_MAX);
    return s;
  }

  /** Save a word into a temporary unless it is already pure. */
  stabilize(e: IrExpr): IrExpr {
    if (stable(e)) return e;
    const s = this.temp();
    this.emit({ k: 'set', slot: s, e });
    return local(s);
  }

  /** Lower several expressions left to right (CS-LOWER-ORDER). */
  seq<X>(items: readonly X[], f: (x: X) => IrExpr[]): IrExpr[][] {
    const results: IrExpr[][] = [];
    for (const x of items) {
      const mark = this.out.length;
      const w = f(x);
      if (this.out.length > mark) {
        const spills: IrStmt[] = [];
        for (const r of results) {
          r.forEach((word, i) => {
            if (stable(word)) return;
            const s = this.temp();
            spills.push({ k: 'set', slot: s, e: word });
            r[i] = local(s);
          });
        }
        this.out.splice(mark, 0, ...spills);
      }
      results.push(w);
    }
    return results;
  }

  private one(e: Expr): IrExpr {
    const w = this.expr(e);
    if (w.length !== 1) throw new Error(`internal: expected one word at ${e.span.line}:${e.span.col}`);
    return w[0] as IrExpr;
  }

  // ── statements ────────────────────────────────────────────────────────────────────────────────────

  private block(stmts: readonly Stmt[]): void {
    const mark = this.top;
    for (const s of stmts) {
      const before = this.top;
      this.stmt(s);
      // temporaries die with their statement; a `let` keeps its slots until the block ends
      if (s.kind !== 'let') this.top = before;
    }
    this.top = mark;
  }

  private stmt(s: Stmt): void {
    switch (s.kind) {
      case 'let':
        return this.letStmt(s);
      case 'assign':
        return this.assign(s);
      case 'expr':
        if (s.expr.kind === 'extcall') {
          lowerExtCall(this, s.expr);
          return;
        }
        if (s.expr.kind !== 'call') throw new Error('internal: expression statement that is not a call');
        this.call(s.expr, true);
        return;
      case 'if':
        return this.ifStmt(s);
      case 'for':
        return this.forStmt(s);
      case 'require': {
        const b = this.m.binding(s.code);
        const code = b.kind === 'global' && b.decl.kind === 'error' ? b.decl.code.value : 0n;
        // CS-OPT-007: `require(a && b, E)` is `require(a, E); require(b, E)` (b runs only when a holds)
        for (const part of this.optimize ? conjuncts(s.cond) : [s.cond]) this.emit({ k: 'require', c: this.one(part), code });
        return;
      }
      case 'emit':
        return this.emitStmt(s);
      case 'return':
        this.emit({ k: 'return', values: s.value === null ? [] : this.expr(s.value) });
        return;
    }
  }

  private letStmt(s: Extract<Stmt, { kind: 'let' }>): void {
    const t = this.localType(s);
    if (t.k === 'array') {
      const addr = this.m.alloc(byteSize(t, this.m));
      this.arraysOf.set(s, addr);
      this.initArray(s.init, t, addr);
      return;
    }
    const w = this.expr(s.init);
    const slots = range(this.temp(w.length), w.length);
    w.forEach((e, i) => this.emit({ k: 'set', slot: slots[i] as number, e }));
    this.slotsOf.set(s, slots);
  }

  /** A local array is initialised from a literal, element by element (CS-LOWER-VALUE). */
  private initArray(init: Expr, t: Extract<Type, { k: 'array' }>, addr: number): void {
    const stride = byteSize(t.elem, this.m);
    if (init.kind === 'array') {
      init.items.forEach((item, i) => this.store({ k: 'bytes', space: 'memory', addr: c(BigInt(addr + i * stride)), type: t.elem }, this.expr(item)));
      return;
    }
    if (init.kind !== 'repeat') throw new Unsupported('CS4006', init.span, 'a local array is initialised from an array literal ([a, b] or [x; N])');
    const item = this.expr(init.item).map((w) => this.stabilize(w));
    const n = Number(this.m.constOf(init.count));
    const i = this.temp();
    const limit = this.temp();
    const body = this.buffer(() => {
      const at = this.stabilize(bin('ADD', c(BigInt(addr)), bin('MUL', local(i), c(BigInt(stride)))));
      this.store({ k: 'bytes', space: 'memory', addr: at, type: t.elem }, item);
    });
    this.emit({ k: 'for', slot: i, limitSlot: limit, from: c(0n), to: c(BigInt(n)), body });
  }

  private assign(s: Extract<Stmt, { kind: 'assign' }>): void {
    const t = this.typeOfExpr(s.target);
    if (t.k === 'array') throw new Unsupported('CS4006', s.span, 'arrays are assigned element by element');
    const place = this.place(s.target);
    if (s.op === '=') {
      this.store(place, this.expr(s.value));
      return;
    }
    // CS-LOWER-ORDER: the target's address, then the value, then the read of the target
    const v = this.stabilize(this.one(s.value));
    const cur = this.load(place)[0] as IrExpr;
    const op = s.op === '+=' ? '+' : s.op === '-=' ? '-' : '*';
    this.store(place, [this.arith(op, t.k as IntKind, cur, v)]);
  }

  private ifStmt(s: Extract<Stmt, { kind: 'if' }>): void {
    if (this.optimize && s.else === null && s.cond.kind === 'binary' && s.cond.op === '&&') {
      // CS-OPT-007: `if a && b { T }` is `if a { if b { T } }`
      const outer = this.one(s.cond.left);
      const inner = this.buffer(() => this.ifStmt({ ...s, cond: (s.cond as Extract<Expr, { kind: 'binary' }>).right }));
      this.emit({ k: 'if', c: outer, then: inner, else: [] });
      return;
    }
    const cond = this.one(s.cond);
    const then = this.buffer(() => this.block(s.then.stmts));
    const els = s.else === null ? [] : this.buffer(() => (s.else?.kind === 'if' ? this.block([s.else]) : this.block(s.else?.stmts ?? [])));
    this.emit({ k: 'if', c: cond, then, else: els });
  }

  private forStmt(s: Extract<Stmt, { kind: 'for' }>): void {
    const from = this.m.constOf(s.from);
    const to = this.m.constOf(s.to);
    const slot = this.temp();
    const limit = this.temp();
    this.slotsOf.set(s, [slot]);
    const body = this.buffer(() => this.block(s.body.stmts));
    this.emit({ k: 'for', slot, limitSlot: limit, from: c(from), to: c(to), body });
  }

  private emitStmt(s: Extract<Stmt, { kind: 'emit' }>): void {
    this.m.emits.push(s.span);
    const b = this.m.binding(s.event);
    if (b.kind !== 'global' || b.decl.kind !== 'event') throw new Error('internal: emit of a non-event');
    const types = b.decl.params.map((p) => this.m.typeOf(p.type));
    const size = types.reduce((n, t) => n + byteSize(t, this.m), 0);
    const region = this.m.eventRegion(s.event.name, size);
    const values = this.seq(s.args, (a) => this.expr(a));
    let off = region;
    values.forEach((w, i) => {
      const t = types[i] as Type;
      this.store({ k: 'bytes', space: 'memory', addr: c(BigInt(off)), type: t }, w);
      off += byteSize(t, this.m);
    });
    this.emit({ k: 'log', ptr: c(BigInt(region)), len: c(BigInt(size)), topics: [c(nameId(s.event.name))] });
  }

  // ── places ────────────────────────────────────────────────────────────────────────────────────────

  /** Where an assignable (or readable) expression lives; addresses come back pure. */
  private place(e: Expr): Place {
    switch (e.kind) {
      case 'name': {
        const b = this.m.binding(e.name);
        if (b.kind === 'local') {
          const arr = this.arraysOf.get(b.decl);
          if (arr !== undefined) return { k: 'bytes', space: 'memory', addr: c(BigInt(arr)), type: this.localType(b.decl) };
          return { k: 'slots', slots: this.slotsOf.get(b.decl) ?? [], type: this.localType(b.decl) };
        }
        if (b.kind === 'global' && b.decl.kind === 'storage') {
          const slot = this.m.storageSlots.get(e.name.name);
          if (slot === undefined) throw new Error('internal: storage without a slot');
          return { k: 'bytes', space: 'storage', addr: c(BigInt(slot.offset)), type: slot.type };
        }
        throw new Error(`internal: ${e.name.name} is not a place`);
      }
      case 'field': {
        const p = this.place(e.object);
        if (p.type.k !== 'struct') throw new Error('internal: field of a non-record');
        const f = fieldAt(p.type.name, e.field.name, this.m);
        if (p.k === 'slots') return { k: 'slots', slots: p.slots.slice(f.wordIndex, f.wordIndex + (wordTypes(f.type, this.m)?.length ?? 0)), type: f.type };
        return { k: 'bytes', space: p.space, addr: addConst(p.addr, f.offset), type: f.type };
      }
      case 'index': {
        const p = this.place(e.object);
        if (p.k !== 'bytes' || p.type.k !== 'array') throw new Error('internal: index of a non-array place');
        const len = BigInt(p.type.len as bigint);
        const stride = BigInt(byteSize(p.type.elem, this.m));
        const i = this.stabilize(this.one(e.index));
        const at = select(bin('LT', i, c(len)), bin('ADD', p.addr, bin('MUL', i, c(stride))), c(OUT_OF_RANGE_ADDRESS));
        return { k: 'bytes', space: p.space, addr: this.stabilize(at), type: p.type.elem };
      }
      default:
        throw new Error('internal: not a place');
    }
  }

  private isPlace(e: Expr): boolean {
    if (e.kind === 'name') {
      const b = this.m.binding(e.name);
      return b.kind === 'local' || (b.kind === 'global' && b.decl.kind === 'storage');
    }
    if (e.kind === 'field') return !(e.object.kind === 'name' && this.m.binding(e.object.name).kind === 'cfg') && this.isPlace(e.object);
    if (e.kind === 'index') return this.isPlace(e.object);
    return false;
  }

  private load(p: Place): IrExpr[] {
    if (p.k === 'slots') return p.slots.map(local);
    const pieces = scalarPieces(p.type, this.m);
    return pieces.map((piece) => (p.space === 'storage' ? { k: 'sload', width: piece.width, off: addConst(p.addr, piece.offset) } : { k: 'mload', width: piece.width, addr: addConst(p.addr, piece.offset) }));
  }

  private store(p: Place, words: readonly IrExpr[]): void {
    if (p.k === 'slots') {
      // all words are computed before any slot is written (`a = Rec { x: a.y, y: a.x }`)
      const tmp = words.map((w) => this.stabilize(w));
      p.slots.forEach((slot, i) => this.emit({ k: 'set', slot, e: tmp[i] as IrExpr }));
      return;
    }
    scalarPieces(p.type, this.m).forEach((piece, i) => {
      const addr = addConst(p.addr, piece.offset);
      const v = words[i] as IrExpr;
      this.emit(p.space === 'storage' ? { k: 'sstore', width: piece.width as Width, off: addr, v } : { k: 'mstore', width: piece.width as Width, addr, v });
    });
  }

  // ── expressions ───────────────────────────────────────────────────────────────────────────────────

  expr(e: Expr): IrExpr[] {
    const t = this.typeOfExpr(e);
    switch (e.kind) {
      case 'int':
        return [c(e.value)];
      case 'bool':
        return [c(e.value ? 1n : 0n)];
      case 'name': {
        const b = this.m.binding(e.name);
        if (b.kind === 'builtin-const' || (b.kind === 'global' && b.decl.kind === 'const')) return [c(wordOf(this.m.constOf(e)))];
        this.words(t, e.span);
        return this.load(this.place(e));
      }
      case 'unary': {
        if (e.op === '!') return [not(this.one(e.operand))];
        if (e.operand.kind === 'int') return [c(wordOf(-e.operand.value))];
        return [{ k: 'un', op: 'SNEG', a: this.one(e.operand) }];
      }
      case 'binary':
        return this.binary(e, t);
      case 'cast': {
        const from = this.typeOfExpr(e.expr);
        const v = this.stabilize(this.one(e.expr));
        const max = conversionLimit(from.k, t.k);
        if (max !== null) this.trapAbove(v, max);
        return [v];
      }
      case 'call':
        return this.call(e, false);
      case 'extcall':
        return lowerExtCall(this, e);
      case 'field': {
        const ext = externField(this, e);
        if (ext !== null) return ext;
        if (e.object.kind === 'name' && this.m.binding(e.object.name).kind === 'cfg') return [c(this.m.cfgValue(e.field.name))];
        this.words(t, e.span);
        if (this.isPlace(e)) return this.load(this.place(e));
        const ot = this.typeOfExpr(e.object);
        if (ot.k !== 'struct') throw new Error('internal: field of a non-record');
        const w = this.expr(e.object);
        const f = fieldAt(ot.name, e.field.name, this.m);
        return w.slice(f.wordIndex, f.wordIndex + this.words(f.type, e.span).length);
      }
      case 'index':
        this.words(t, e.span);
        if (!this.isPlace(e.object)) throw new Unsupported('CS4006', e.span, 'only arrays in storage or in a local can be indexed');
        return this.load(this.place(e));
      case 'struct': {
        const fields = this.m.structFields(e.name.name);
        const values = this.seq(e.fields, (f) => this.expr(f.value));
        const byName = new Map(e.fields.map((f, i) => [f.name.name, values[i] as IrExpr[]]));
        return fields.flatMap(([n]) => byName.get(n) ?? []);
      }
      case 'array':
      case 'repeat':
        throw new Unsupported('CS4006', e.span, 'an array literal only initialises a local array (let a = [..];)');
      case 'error':
        throw new Error('internal: error node in a checked template');
    }
  }

  private arith(op: '+' | '-' | '*' | '%' | '&' | '|' | '^', kind: IntKind, a: IrExpr, b: IrExpr): IrExpr {
    const r = bin(arithmetic(op, kind), a, b);
    return needsRangeCheck(op, kind) ? this.checkU64(r) : r;
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, t: Type): IrExpr[] {
    if (e.op === '&&' || e.op === '||') return [this.shortCircuit(e.op, e.left, e.right)];
    const lt = this.typeOfExpr(e.left);
    const [l, r] = this.seq([e.left, e.right], (x) => this.expr(x)) as [IrExpr[], IrExpr[]];
    if (e.op === '==' || e.op === '!=') {
      const parts = l.map((w, i) => bin(e.op === '==' ? 'EQ' : 'NE', w, r[i] as IrExpr));
      return [parts.reduce((acc, p) => bin(e.op === '==' ? 'AND' : 'OR', acc, p))];
    }
    const a = l[0] as IrExpr;
    const b = r[0] as IrExpr;
    switch (e.op) {
      case '<':
      case '<=':
      case '>':
      case '>=':
        return [bin(comparison(e.op, lt.k as IntKind), a, b)];
      case '<<':
        return [this.shiftLeft(a, b, t.k as 'u64' | 'u128')];
      case '>>':
        return [bin('SHR', a, b)];
      case '/':
        throw new Error('internal: `/` in a checked template');
      default:
        return [this.arith(e.op, t.k as IntKind, a, b)];
    }
  }

  /** CS-SEM-ARITH: `x << n` traps when n ≥ width or a set bit is shifted out. */
  private shiftLeft(a: IrExpr, b: IrExpr, kind: 'u64' | 'u128'): IrExpr {
    const x = this.stabilize(a);
    const n = this.stabilize(b);
    const r = this.stabilize(bin('SHL', x, n));
    const width = c(kind === 'u64' ? 64n : 128n);
    let flag = bin('OR', bin('GE', n, width), bin('NE', bin('SHR', r, n), x));
    if (kind === 'u64') flag = bin('OR', flag, bin('GT', r, c(U64_MAX)));
    this.trapIf(flag);
    return r;
  }

  private shortCircuit(op: '&&' | '||', left: Expr, right: Expr): IrExpr {
    const l = this.one(left);
    let r: IrExpr = c(0n);
    const pre = this.buffer(() => {
      r = this.one(right);
    });
    if (pre.length === 0) return op === '&&' ? { k: 'cond', c: l, a: r, b: c(0n) } : { k: 'cond', c: l, a: c(1n), b: r };
    const s = this.temp();
    this.emit({ k: 'set', slot: s, e: l });
    const test = op === '&&' ? local(s) : not(local(s));
    this.emit({ k: 'if', c: test, then: [...pre, { k: 'set', slot: s, e: r }], else: [] });
    return local(s);
  }

  private call(e: Extract<Expr, { kind: 'call' }>, asStatement: boolean): IrExpr[] {
    const b = this.m.binding(e.callee);
    if (b.kind === 'builtin') return this.builtin(b.builtin, e);
    if (b.kind !== 'global' || b.decl.kind !== 'fn') throw new Error('internal: call of a non-function');
    const d = b.decl;
    d.params.forEach((p) => this.words(this.m.typeOf(p.type), p.span));
    const args = this.seq(e.args, (a) => this.expr(a)).flat();
    const results = d.ret ? this.words(this.m.typeOf(d.ret), d.ret.span).length : 0;
    const call: Extract<IrExpr, { k: 'call' }> = { k: 'call', fn: fnLabel(d.name.name), args };
    return this.results(call, results, asStatement);
  }

  /** A call's results: one word inline, several into temporaries, none as a statement. */
  private results(src: Extract<IrExpr, { k: 'call' | 'sys' }>, n: number, asStatement: boolean): IrExpr[] {
    if (n === 0 || asStatement) {
      this.emit({ k: 'drop', e: src, results: n });
      return [];
    }
    if (n === 1) return [src];
    const slots = range(this.temp(n), n);
    this.emit({ k: 'multi', slots, src });
    return slots.map(local);
  }

  private builtin(fn: Builtin, e: Extract<Expr, { kind: 'call' }>): IrExpr[] {
    const t = this.typeOfExpr(e);
    const args = this.seq(e.args, (a) => this.expr(a)).flat();
    const a = (i: number): IrExpr => args[i] as IrExpr;
    if (fn.syscall !== undefined) {
      this.m.syscalls.push({ name: fn.syscall, span: e.span });
      return this.results({ k: 'sys', name: fn.syscall, args }, fn.name === 'oracle' ? 2 : 1, false);
    }
    if ((HASH_BUILTINS as readonly string[]).includes(fn.name)) return this.hash(fn.name as HashBuiltin, args);
    const kind = t.k as IntKind;
    switch (fn.name) {
      case 'div_down':
        return [bin('DIV', a(0), a(1))];
      case 'div_up':
        return [bin('DIV_UP', a(0), a(1))];
      case 'mul_div_up':
      case 'mul_div_down': {
        const r: IrExpr = { k: 'muldiv', rounding: fn.name === 'mul_div_up' ? 'up' : 'down', a: a(0), b: a(1), d: a(2) };
        return [kind === 'u64' ? this.checkU64(r) : r];
      }
      case 'min':
      case 'max': {
        if (kind !== 'i128') return [bin(fn.name === 'min' ? 'MIN' : 'MAX', a(0), a(1))];
        const x = this.stabilize(a(0));
        const y = this.stabilize(a(1));
        return [select(bin(fn.name === 'min' ? 'SLT' : 'SGT', x, y), x, y)];
      }
      case 'abs': {
        const x = this.stabilize(a(0));
        return [select(bin('SLT', x, c(0n)), bin('SUBW', c(0n), x), x)];
      }
      case 'wrapping_add':
      case 'wrapping_sub':
      case 'wrapping_mul': {
        const op = fn.name === 'wrapping_add' ? 'ADDW' : fn.name === 'wrapping_sub' ? 'SUBW' : 'MULW';
        const r = bin(op, a(0), a(1));
        return [kind === 'u64' ? bin('AND', r, c(U64_MAX)) : r];
      }
      default:
        throw new Error(`internal: no lowering for built-in ${fn.name}`);
    }
  }

  /** CS-ID-003…005 in bytecode: write the arguments after the preloaded tag, SHA256, read the digest. */
  private hash(which: HashBuiltin, args: readonly IrExpr[]): IrExpr[] {
    const base = this.m.hashRegion(which);
    const r = hashRegion(which);
    const vals = args.map((w) => this.stabilize(w));
    r.fields.forEach((f, i) => {
      const v = vals[i] as IrExpr;
      if (f.width === 1) this.trapAbove(v, 255n);
      this.emit({ k: 'mstore', width: f.width, addr: c(BigInt(base + f.offset)), v });
    });
    const out = base + r.outOffset;
    this.emit({ k: 'hash', op: 'SHA256', ptr: c(BigInt(base)), len: c(BigInt(r.inputBytes)), out: c(BigInt(out)) });
    const words = which === 'commitment' ? [0, 16] : [0];
    return words.map((o) => this.stabilize({ k: 'mload', width: 16, addr: c(BigInt(out + o)) }));
  }
}


/** Lower one instantiated template. Unsupported constructs become CS4006/CS4007 diagnostics. */
/** `optimize: false` lowers without CS-OPT-007 (the unoptimised baseline, spec §10.4). */
export function lowerTemplate(ast: SourceFile, template: TemplateModule, cfg: ReadonlyMap<string, bigint>, externs: ExternTable = new Map(), optimize = true): LoweredModule {
  const m = new ModuleLowering(ast, template, cfg, externs);
  const storage = m.layoutStorage();
  const storageBytes = storage.reduce((n, s) => n + s.bytes, 0);
  checkExterns(m, ast);
  const functions: IrFunction[] = [];
  const entries: LoweredEntry[] = [];
  const fail = (err: unknown): void => {
    if (!(err instanceof Unsupported)) throw err;
    m.diagnostics.push(diagnostic(err.code, err.message, err.span));
  };
  for (const item of ast.items) {
    if (item.kind !== 'fn') continue;
    try {
      functions.push(new FunctionLowering(m, item, optimize).lower());
      if (item.pub) {
        const results = item.ret ? m.typedValues([{ name: { kind: 'ident', name: 'result', span: item.ret.span }, type: item.ret, span: item.ret.span }], 'the result') : [];
        entries.push({ name: item.name.name, fn: fnLabel(item.name.name), params: m.typedValues(item.params, 'parameter'), results });
      }
    } catch (err) {
      fail(err);
    }
  }
  const events: CompiledEvent[] = [];
  const errors: { name: string; code: bigint }[] = [];
  for (const item of ast.items) {
    if (item.kind === 'error') errors.push({ name: item.name.name, code: item.code.value });
    if (item.kind === 'event') {
      try {
        events.push({ name: item.name.name, topic: nameId(item.name.name), fields: m.typedValues(item.params, 'event field') });
      } catch (err) {
        fail(err);
      }
    }
  }
  return {
    functions, entries, data: m.data, memoryBytes: m.memTop, storage, storageBytes, events, errors,
    syscalls: m.syscalls, emits: m.emits, imports: m.imports, calls: m.calls, diagnostics: m.diagnostics,
  };
}
