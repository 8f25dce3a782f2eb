/**
 * The type checker of the function sublanguage (spec/curvescript.md §7, CS-TYPE-*). Bidirectional:
 * an integer literal takes the type its context expects (u128 when nothing is expected); there are no
 * implicit conversions (`as` converts, checked); every division names its rounding; loops and array
 * lengths are static. An ill-typed expression gets the `error` type, which fits everywhere, so one
 * mistake is reported once.
 */
import type { Expr, ExternDecl, ExtCall, FnDecl, Ident, SourceFile, Stmt, TypeExpr } from './ast.ts';
import type { Builtin, Type } from './builtins.ts';
import {
  BUILTIN_STRUCTS, INTEGER_RANGE, isInteger, isUnsigned, MAX_ARRAY_LENGTH, MAX_LOOP_ITERATIONS, SCALARS, sigType, T, typeEq, typeName,
} from './builtins.ts';
import { diagnostic } from './diagnostics.ts';
import type { Diagnostic, DiagnosticCode, Span } from './diagnostics.ts';
import { cfgBindings } from './directives.ts';
import type { CfgBinding } from './directives.ts';
import { TEMPLATE_BLOCK } from './resolve.ts';
import type { Binding, GlobalDecl, LocalDecl, Resolution } from './resolve.ts';

export interface TypeInfo {
  readonly exprTypes: ReadonlyMap<Expr, Type>;
  readonly localTypes: ReadonlyMap<LocalDecl, Type>;
}

/** A compile-time value: known, or a `cfg.*` constant known at instantiation with its schema bound. */
type ConstValue = { readonly known: bigint } | { readonly cfg: string; readonly max: bigint } | null;

/** The largest value a `cfg.*` binding can take, from the schema (CS-BIND-002). */
function bindingMax(b: CfgBinding): bigint {
  const t = b.argType;
  if (t.kind === 'int') return t.max;
  if (t.kind === 'bool') return 1n;
  if (t.kind === 'enum') return BigInt(t.values.length - 1);
  return INTEGER_RANGE.u128[1];
}

/**
 * CS-CONST-001: one binary operator of a constant expression on exact integers; null when the operator
 * is not a constant operator or the operation is undefined (zero divisor, shift out of 0..255).
 * The type checker and the compiler's instantiation both fold with this.
 */
export function foldConstBinary(op: string, a: bigint, b: bigint): bigint | null {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '%':
      return b === 0n ? null : a % b;
    case '<<':
      return b > 255n || b < 0n ? null : a << b;
    case '>>':
      return b < 0n ? null : a >> b;
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    default:
      return null;
  }
}

/** CS-CALL-003: the record type of `try m[i].f(…)`. */
export const outcomeName = (module: string, entry: string): string => `Outcome<${module}.${entry}>`;

/**
 * CS-CALL-003: `Outcome<m.f>` is `{ status: u64, code: u128, value: R }` (no `value` when f returns
 * nothing); null for any other name. The checker and the lowering both read records through this.
 */
export function outcomeFields(name: string, globals: ReadonlyMap<string, GlobalDecl>, typeOf: (t: TypeExpr) => Type): (readonly [string, Type])[] | null {
  const m = /^Outcome<(\w+)\.(\w+)>$/.exec(name);
  if (!m) return null;
  const ext = globals.get(m[1] as string);
  const fn = ext?.kind === 'extern' ? ext.fns.find((f) => f.name.name === m[2]) : undefined;
  const head: (readonly [string, Type])[] = [['status', T.u64], ['code', T.u128]];
  return fn?.ret ? [...head, ['value', typeOf(fn.ret)]] : head;
}

function containsArray(t: Type, fields: (name: string) => readonly (readonly [string, Type])[], depth = 0): boolean {
  if (t.k === 'array') return true;
  if (t.k !== 'struct' || depth > 64) return false;
  return fields(t.name).some(([, ft]) => containsArray(ft, fields, depth + 1));
}

const isUntypedLiteral = (e: Expr): boolean => e.kind === 'int' || (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'int');

function definitelyReturns(stmts: readonly Stmt[]): boolean {
  const last = stmts[stmts.length - 1];
  if (last === undefined) return false;
  if (last.kind === 'return') return true;
  if (last.kind !== 'if' || last.else === null) return false;
  return definitelyReturns(last.then.stmts) && (last.else.kind === 'if' ? definitelyReturns([last.else]) : definitelyReturns(last.else.stmts));
}

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  readonly exprTypes = new Map<Expr, Type>();
  readonly localTypes = new Map<LocalDecl, Type>();
  private readonly cfg: ReadonlyMap<string, { type: Type; max: bigint }>;
  private readonly constValues = new Map<string, ConstValue>();
  private fnRet: Type = T.unit;
  private readonly typeCache = new Map<TypeExpr, Type>();

  constructor(
    private readonly res: Resolution,
    private readonly brokenOffsets: readonly number[],
  ) {
    const target = res.template;
    this.cfg = new Map(target === null ? [] : cfgBindings(TEMPLATE_BLOCK[target]).map((b) => [b.name, { type: T[b.type], max: bindingMax(b) }]));
  }

  private report(code: DiagnosticCode, message: string, span: Span): Type {
    this.diagnostics.push(diagnostic(code, message, span));
    return T.error;
  }

  private binding(id: Ident): Binding | undefined {
    return this.res.refs.get(id);
  }

  // ── types and constants ───────────────────────────────────────────────────────────────────────────

  /** A written type as a Type; memoised so an array length is checked once per occurrence. */
  resolveType(t: TypeExpr): Type {
    let r = this.typeCache.get(t);
    if (r === undefined) {
      r = this.resolveTypeUncached(t);
      this.typeCache.set(t, r);
    }
    return r;
  }

  private resolveTypeUncached(t: TypeExpr): Type {
    if (t.kind === 'named') {
      const n = t.name.name;
      if ((SCALARS as readonly string[]).includes(n)) return T[n as keyof typeof T];
      if (n in BUILTIN_STRUCTS || this.res.globals.get(n)?.kind === 'struct') return { k: 'struct', name: n };
      return T.error;
    }
    const elem = this.resolveType(t.elem);
    this.expr(t.len, T.u64);
    const len = this.constValue(t.len);
    if (len === null) return this.report('CS2210', 'an array length must be a constant or a cfg value', t.len.span);
    const max = 'known' in len ? len.known : len.max;
    if (('known' in len && len.known < 1n) || max > MAX_ARRAY_LENGTH) {
      return this.report('CS2210', `array length must lie in 1..=${MAX_ARRAY_LENGTH}${'cfg' in len ? ` (cfg.${len.cfg} may reach ${len.max})` : ''}`, t.len.span);
    }
    return { k: 'array', elem, len: 'known' in len ? len.known : len.cfg };
  }

  private structFields(name: string): readonly (readonly [string, Type])[] {
    const builtin = BUILTIN_STRUCTS[name];
    if (builtin) return builtin;
    const outcome = outcomeFields(name, this.res.globals, (t) => this.resolveType(t));
    if (outcome) return outcome;
    const d = this.res.globals.get(name);
    return d?.kind === 'struct' ? d.fields.map((f) => [f.name.name, this.resolveType(f.type)] as const) : [];
  }

  /** CS-TYPE-030, CS-NAME-009: evaluate a compile-time constant (null when it is not one). */
  constValue(e: Expr): ConstValue {
    switch (e.kind) {
      case 'int':
        return { known: e.value };
      case 'name': {
        const b = this.binding(e.name);
        if (b?.kind === 'builtin-const') return { known: b.value };
        if (b?.kind !== 'global' || b.decl.kind !== 'const') return null;
        const name = b.decl.name.name;
        if (!this.constValues.has(name)) {
          this.constValues.set(name, null); // a cycle (CS2107-style, reported by resolve) evaluates to null
          this.constValues.set(name, this.constValue(b.decl.value));
        }
        return this.constValues.get(name) ?? null;
      }
      case 'field': {
        if (e.object.kind !== 'name' || this.binding(e.object.name)?.kind !== 'cfg') return null;
        const c = this.cfg.get(e.field.name);
        return c ? { cfg: e.field.name, max: c.max } : null;
      }
      case 'cast':
        return this.constValue(e.expr);
      case 'unary': {
        const v = this.constValue(e.operand);
        return e.op === '-' && v !== null && 'known' in v ? { known: -v.known } : null;
      }
      case 'binary': {
        const l = this.constValue(e.left);
        const r = this.constValue(e.right);
        if (l === null || r === null || !('known' in l) || !('known' in r)) return null;
        const v = foldConstBinary(e.op, l.known, r.known);
        return v === null ? null : { known: v };
      }
      default:
        return null;
    }
  }

  // ── expressions ───────────────────────────────────────────────────────────────────────────────────

  /** Type `e`; when `expected` is given, a different type is a CS2201 here. */
  expr(e: Expr, expected?: Type): Type {
    let t = this.infer(e, expected);
    if (expected !== undefined && !typeEq(t, expected)) {
      t = this.report('CS2201', `expected ${typeName(expected)}, found ${typeName(t)}`, e.span);
    }
    this.exprTypes.set(e, t);
    return t;
  }

  private literal(value: bigint, span: Span, expected: Type | undefined): Type {
    const t = expected !== undefined && isInteger(expected) ? expected : expected?.k === 'error' ? T.error : T.u128;
    if (!isInteger(t)) return t;
    const [lo, hi] = INTEGER_RANGE[t.k];
    if (value < lo || value > hi) return this.report('CS2208', `${value} does not fit in ${t.k} (${lo}..=${hi})`, span);
    return t;
  }

  /** Both operands of a binary operator: an untyped literal takes its type from the other side. */
  private pair(left: Expr, right: Expr, hint: Type | undefined): [Type, Type] {
    if (isUntypedLiteral(left) && !isUntypedLiteral(right)) {
      const rt = this.expr(right, hint);
      return [this.expr(left, rt), rt];
    }
    const lt = this.expr(left, hint);
    return [lt, this.expr(right, lt)];
  }

  private infer(e: Expr, expected: Type | undefined): Type {
    const intHint = expected !== undefined && (isInteger(expected) || expected.k === 'error') ? expected : undefined;
    switch (e.kind) {
      case 'int':
        return expected !== undefined && !isInteger(expected) && expected.k !== 'error' ? T.u128 : this.literal(e.value, e.span, expected);
      case 'bool':
        return T.bool;
      case 'error':
        return T.error;
      case 'name':
        return this.nameType(e.name);
      case 'unary':
        if (e.op === '!') return this.expect(e.operand, T.bool);
        if (e.operand.kind === 'int') {
          const t = expected?.k === 'i128' ? T.i128 : expected?.k === 'error' ? T.error : undefined;
          if (t === undefined) return this.report('CS2203', "negation is defined for i128 only (write the literal as `-N as i128`, or give it an i128 context)", e.span);
          this.exprTypes.set(e.operand, t);
          return this.literal(-e.operand.value, e.span, t);
        }
        {
          const t = this.expr(e.operand, intHint);
          return t.k === 'i128' || t.k === 'error' ? t : this.report('CS2203', `negation is defined for i128, not ${typeName(t)}`, e.span);
        }
      case 'binary':
        return this.binary(e, intHint);
      case 'cast':
        return this.cast(e);
      case 'call':
        return this.call(e.callee, e.args, expected, e.span);
      case 'extcall':
        return this.extcall(e);
      case 'field':
        return this.field(e);
      case 'index':
        return this.index(e);
      case 'array':
      case 'repeat':
        return this.arrayLit(e, expected);
      case 'struct':
        return this.structLit(e);
    }
  }

  private expect(e: Expr, t: Type): Type {
    this.expr(e, t);
    return t;
  }

  private nameType(id: Ident): Type {
    const b = this.binding(id);
    if (b === undefined) return T.error;
    switch (b.kind) {
      case 'local':
        return this.localTypes.get(b.decl) ?? T.error;
      case 'builtin-const':
        return T.u64;
      case 'cfg':
        return this.report('CS2201', "'cfg' is not a value: read one of its fields, e.g. cfg.imr_bps", id.span);
      case 'builtin':
        return this.report('CS2201', `'${id.name}' is a function, not a value`, id.span);
      case 'global':
        return this.globalType(b.decl, id);
      case 'extern-fn':
        return this.report('CS2117', `'${id.name}' is an extern entry: call it as module[i].${id.name}(…)`, id.span);
    }
  }

  private globalType(d: GlobalDecl, id: Ident): Type {
    if (d.kind === 'const' || d.kind === 'storage') return this.resolveType(d.type);
    if (d.kind === 'extern') {
      return this.report('CS2117', `'${id.name}' is an extern module, not a value: call ${id.name}[i].entry(…), or read ${id.name}[i].id or ${id.name}.count`, id.span);
    }
    return this.report('CS2201', `'${id.name}' is ${d.kind === 'error' ? 'an error code' : `a ${d.kind}`}, not a value`, id.span);
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, hint: Type | undefined): Type {
    const op = e.op;
    if (op === '&&' || op === '||') {
      this.expr(e.left, T.bool);
      this.expr(e.right, T.bool);
      return T.bool;
    }
    if (op === '<<' || op === '>>') {
      const lt = this.expr(e.left, hint);
      this.expr(e.right, T.u64);
      return isUnsigned(lt) || lt.k === 'error' ? lt : this.report('CS2203', `'${op}' needs an unsigned left operand, found ${typeName(lt)}`, e.span);
    }
    const comparison = ['==', '!=', '<', '<=', '>', '>='].includes(op);
    const [lt] = this.pair(e.left, e.right, comparison ? undefined : hint);
    if (lt.k === 'error') return comparison ? T.bool : T.error;
    const bad = (what: string): Type => this.report('CS2203', `'${op}' is not defined for ${typeName(lt)}${what}`, e.span);
    if (op === '==' || op === '!=') return lt.k === 'array' || lt.k === 'struct' || lt.k === 'unit' ? (bad(''), T.bool) : T.bool;
    if (comparison) return isInteger(lt) ? T.bool : (bad(''), T.bool);
    if (op === '&' || op === '|' || op === '^' || op === '%') return isUnsigned(lt) ? lt : bad(' (unsigned integers only)');
    if (op === '/') {
      return this.report('CS2204', 'every division names its rounding: use div_down/div_up or mul_div_down/mul_div_up', e.span);
    }
    return isInteger(lt) ? lt : bad('');
  }

  /** CS-TYPE-012: integer ↔ integer (checked), address ↔ u128. */
  private cast(e: Extract<Expr, { kind: 'cast' }>): Type {
    const from = this.expr(e.expr);
    const to = this.resolveType(e.type);
    if (from.k === 'error' || to.k === 'error') return to;
    const ok = (isInteger(from) && isInteger(to)) || (from.k === 'address' && to.k === 'u128') || (from.k === 'u128' && to.k === 'address');
    return ok ? to : this.report('CS2211', `cannot convert ${typeName(from)} to ${typeName(to)}`, e.span);
  }

  private args(name: string, args: readonly Expr[], params: readonly Type[], span: Span): void {
    if (args.length !== params.length) {
      this.report('CS2202', `${name} takes ${params.length} argument${params.length === 1 ? '' : 's'}, found ${args.length}`, span);
      args.forEach((a) => this.expr(a));
      return;
    }
    args.forEach((a, i) => this.expr(a, params[i]));
  }

  private call(callee: Ident, args: readonly Expr[], expected: Type | undefined, span: Span): Type {
    const b = this.binding(callee);
    if (b === undefined) {
      args.forEach((a) => this.expr(a));
      return T.error;
    }
    if (b.kind === 'builtin') return this.builtinCall(b.builtin, args, expected, span);
    if (b.kind === 'global' && b.decl.kind === 'fn') {
      const d = b.decl;
      this.args(`${callee.name}`, args, d.params.map((p) => this.resolveType(p.type)), span);
      return d.ret ? this.resolveType(d.ret) : T.unit;
    }
    args.forEach((a) => this.expr(a));
    return this.report('CS2207', `'${callee.name}' is not a function`, callee.span);
  }

  /** CS-BUILTIN-*: a generic `T` is the type of the first typed argument at a `T` position. */
  private builtinCall(fn: Builtin, args: readonly Expr[], expected: Type | undefined, span: Span): Type {
    let generic: Type = expected !== undefined && isInteger(expected) ? expected : T.u128;
    if (fn.generic !== undefined) {
      const typed = args.find((a, i) => fn.params[i]?.[1] === 'T' && !isUntypedLiteral(a));
      if (typed !== undefined) generic = this.expr(typed);
      const ok = fn.generic === 'unsigned' ? isUnsigned(generic) : isInteger(generic);
      if (!ok && generic.k !== 'error') {
        this.report('CS2201', `${fn.name} works on ${fn.generic === 'unsigned' ? 'u64 or u128' : 'integers'}, found ${typeName(generic)}`, span);
        generic = T.error;
      }
    }
    this.args(fn.name, args, fn.params.map(([, s]) => sigType(s, generic)), span);
    return sigType(fn.ret, generic);
  }

  /** CS-CALL-001…003: a cross-module call: `T` (propagating) or `Outcome<module.entry>` (try). */
  private extcall(e: ExtCall): Type {
    this.expr(e.index, T.u64);
    const b = this.binding(e.entry);
    if (b?.kind !== 'extern-fn') {
      e.args.forEach((a) => this.expr(a));
      return T.error;
    }
    this.args(`${b.ext.name.name}.${b.fn.name.name}`, e.args, b.fn.params.map((p) => this.resolveType(p.type)), e.span);
    if (e.mode === 'try') return { k: 'struct', name: outcomeName(b.ext.name.name, b.fn.name.name) };
    return b.fn.ret ? this.resolveType(b.fn.ret) : T.unit;
  }

  /** CS-EXTERN-004: `m[i].id` (the module's address) and `m.count` (how many modules of the kind). */
  private externField(e: Extract<Expr, { kind: 'field' }>): Type | null {
    const ext = (x: Expr): boolean => x.kind === 'name' && (() => {
      const b = this.binding(x.name);
      return b?.kind === 'global' && b.decl.kind === 'extern';
    })();
    if (ext(e.object)) return e.field.name === 'count' ? T.u64 : this.report('CS2104', `an extern has one field, count (found '${e.field.name}')`, e.field.span);
    if (e.object.kind === 'index' && ext(e.object.object)) {
      this.expr(e.object.index, T.u64);
      return e.field.name === 'id' ? T.address : this.report('CS2104', `a module has one field, id (found '${e.field.name}'); call an entry with (…)`, e.field.span);
    }
    return null;
  }

  /** CS-EXTERN-003: extern entries exchange words (no arrays); grants are constant u64 expressions. */
  externDecl(d: ExternDecl): void {
    for (const f of d.fns) {
      for (const t of [...f.params.map((p) => p.type), ...(f.ret ? [f.ret] : [])]) {
        if (containsArray(this.resolveType(t), (n) => this.structFields(n))) this.report('CS2117', 'modules exchange words: an array cannot cross a module call', t.span);
      }
      for (const g of f.grants) {
        if (g.kind === 'caps') continue;
        this.expr(g.value, T.u64);
        const v = this.constValue(g.value);
        if (v === null) this.report('CS2117', `the ${g.kind} grant must be a constant expression (or a cfg value)`, g.value.span);
      }
    }
  }

  private field(e: Extract<Expr, { kind: 'field' }>): Type {
    const ef = this.externField(e);
    if (ef !== null) return ef;
    if (e.object.kind === 'name' && this.binding(e.object.name)?.kind === 'cfg') {
      const c = this.cfg.get(e.field.name);
      if (c) return c.type;
      return this.report('CS2104', `cfg has no field '${e.field.name}' for this template kind (see spec §5.1)`, e.field.span);
    }
    const ot = this.expr(e.object);
    if (ot.k === 'error') return T.error;
    if (ot.k !== 'struct') return this.report('CS2213', `${typeName(ot)} has no fields`, e.field.span);
    const f = this.structFields(ot.name).find(([n]) => n === e.field.name);
    return f ? f[1] : this.report('CS2104', `${ot.name} has no field '${e.field.name}'`, e.field.span);
  }

  private index(e: Extract<Expr, { kind: 'index' }>): Type {
    const ot = this.expr(e.object);
    this.expr(e.index, T.u64);
    if (ot.k === 'error') return T.error;
    if (ot.k !== 'array') return this.report('CS2213', `${typeName(ot)} cannot be indexed`, e.span);
    const i = this.constValue(e.index);
    if (i !== null && 'known' in i && typeof ot.len === 'bigint' && i.known >= ot.len) {
      return this.report('CS2210', `index ${i.known} is past the end of ${typeName(ot)}`, e.index.span);
    }
    return ot.elem;
  }

  private arrayLit(e: Extract<Expr, { kind: 'array' | 'repeat' }>, expected: Type | undefined): Type {
    const want = expected?.k === 'array' ? expected.elem : undefined;
    if (e.kind === 'repeat') {
      const elem = this.expr(e.item, want);
      this.expr(e.count, T.u64);
      const n = this.constValue(e.count);
      if (n === null || ('known' in n && (n.known < 1n || n.known > MAX_ARRAY_LENGTH))) {
        return this.report('CS2210', `a repeat count must be a constant in 1..=${MAX_ARRAY_LENGTH}`, e.count.span);
      }
      return { k: 'array', elem, len: 'known' in n ? n.known : n.cfg };
    }
    const [first, ...rest] = e.items;
    if (first === undefined) return this.report('CS2210', 'an array literal needs at least one element', e.span);
    const elem = this.expr(first, want);
    rest.forEach((x) => this.expr(x, elem));
    return { k: 'array', elem, len: BigInt(e.items.length) };
  }

  private structLit(e: Extract<Expr, { kind: 'struct' }>): Type {
    const b = this.binding(e.name);
    if (b === undefined) {
      e.fields.forEach((f) => this.expr(f.value));
      return T.error;
    }
    const fields = this.structFields(e.name.name);
    const given = new Set<string>();
    for (const f of e.fields) {
      const decl = fields.find(([n]) => n === f.name.name);
      if (decl === undefined) this.report('CS2214', `${e.name.name} has no field '${f.name.name}'`, f.name.span);
      else if (given.has(f.name.name)) this.report('CS2214', `field '${f.name.name}' given twice`, f.name.span);
      given.add(f.name.name);
      this.expr(f.value, decl?.[1]);
    }
    const missing = fields.filter(([n]) => !given.has(n)).map(([n]) => n);
    if (missing.length > 0) this.report('CS2214', `${e.name.name} literal is missing ${missing.join(', ')}`, e.span);
    return { k: 'struct', name: e.name.name };
  }

  // ── statements ────────────────────────────────────────────────────────────────────────────────────

  /** CS-NAME-010: what an assignment may write: a `let mut` local or storage, or a field/element of one. */
  private assignable(target: Expr): void {
    let root = target;
    while (root.kind === 'field' || root.kind === 'index') root = root.object;
    if (root.kind !== 'name') {
      this.report('CS2113', 'only variables, storage, and their fields and elements can be assigned', target.span);
      return;
    }
    const b = this.binding(root.name);
    if (b === undefined) return;
    const immutable =
      b.kind === 'local' ? (b.mutable ? null : 'kind' in b.decl ? (b.decl.kind === 'for' ? 'a loop variable' : `declared without 'mut'`) : 'a parameter')
        : b.kind === 'global' && b.decl.kind === 'storage' ? null
          : b.kind === 'cfg' ? 'venue configuration' : 'not a variable';
    if (immutable !== null) this.report('CS2112', `cannot assign to '${root.name.name}': ${immutable}`, target.span);
  }

  private body(stmts: readonly Stmt[]): void {
    stmts.forEach((s) => this.stmt(s));
  }

  private stmt(s: Stmt): void {
    switch (s.kind) {
      case 'let': {
        const declared = s.type ? this.resolveType(s.type) : undefined;
        const t = this.expr(s.init, declared);
        if (t.k === 'unit') this.report('CS2201', 'this call returns no value', s.init.span);
        this.localTypes.set(s, declared ?? t);
        return;
      }
      case 'assign': {
        this.assignable(s.target);
        const t = this.expr(s.target);
        this.expr(s.value, t);
        if (s.op !== '=' && !isInteger(t) && t.k !== 'error') this.report('CS2203', `'${s.op}' needs an integer, found ${typeName(t)}`, s.span);
        return;
      }
      case 'expr':
        if (s.expr.kind !== 'call' && s.expr.kind !== 'extcall') this.report('CS2212', 'this expression does nothing: only calls stand alone as statements', s.span);
        this.expr(s.expr);
        return;
      case 'if':
        this.expr(s.cond, T.bool);
        this.body(s.then.stmts);
        if (s.else?.kind === 'if') this.stmt(s.else);
        else if (s.else) this.body(s.else.stmts);
        return;
      case 'for':
        return this.forStmt(s);
      case 'require':
        this.expr(s.cond, T.bool);
        return;
      case 'emit': {
        const b = this.binding(s.event);
        if (b?.kind === 'global' && b.decl.kind === 'event') this.args(`event ${s.event.name}`, s.args, b.decl.params.map((p) => this.resolveType(p.type)), s.span);
        else s.args.forEach((a) => this.expr(a));
        return;
      }
      case 'return':
        if (s.value === null) {
          if (this.fnRet.k !== 'unit') this.report('CS2206', `return needs a ${typeName(this.fnRet)} value`, s.span);
        } else if (this.fnRet.k === 'unit') {
          this.expr(s.value);
          this.report('CS2206', 'this function returns no value', s.value.span);
        } else {
          this.expr(s.value, this.fnRet);
        }
        return;
    }
  }

  /** CS-TYPE-030: `for i in A..B` with static bounds, at most MAX_LOOP_ITERATIONS iterations; i is u64. */
  private forStmt(s: Extract<Stmt, { kind: 'for' }>): void {
    this.expr(s.from, T.u64);
    this.expr(s.to, T.u64);
    const from = this.constValue(s.from);
    const to = this.constValue(s.to);
    if (from === null || to === null || !('known' in from)) {
      this.report('CS2209', 'loop bounds must be constants (the upper one may be a cfg value)', (from === null || !('known' in from) ? s.from : s.to).span);
    } else {
      const hi = 'known' in to ? to.known : to.max;
      if (hi - from.known > MAX_LOOP_ITERATIONS) {
        this.report('CS2209', `loop may run ${hi - from.known} iterations; at most ${MAX_LOOP_ITERATIONS}`, s.to.span);
      }
    }
    this.localTypes.set(s, T.u64);
    this.body(s.body.stmts);
  }

  fn(d: FnDecl): void {
    for (const p of d.params) this.localTypes.set(p, this.resolveType(p.type));
    this.fnRet = d.ret ? this.resolveType(d.ret) : T.unit;
    this.body(d.body.stmts);
    const end = d.span.offset + d.span.length;
    const broken = this.brokenOffsets.some((o) => o >= d.span.offset && o <= end);
    if (this.fnRet.k !== 'unit' && !broken && !definitelyReturns(d.body.stmts)) {
      this.report('CS2205', `${d.name.name} must end in return on every path (it returns ${typeName(this.fnRet)})`, d.name.span);
    }
  }

  /** CS-NAME-009: a constant's initializer is a constant expression that fits its type. */
  constDecl(d: Extract<GlobalDecl, { kind: 'const' }>): void {
    const t = this.resolveType(d.type);
    const vt = this.expr(d.value, t);
    const v = this.constValue(d.value);
    if (this.res.cyclicConsts.has(d.name.name) || vt.k === 'error') return;
    if (v === null || !('known' in v)) {
      this.report('CS2109', `the value of ${d.name.name} is not a constant expression`, d.value.span);
    } else if (isInteger(t) && (v.known < INTEGER_RANGE[t.k][0] || v.known > INTEGER_RANGE[t.k][1])) {
      this.report('CS2208', `${d.name.name} = ${v.known} does not fit in ${t.k}`, d.value.span);
    }
  }
}

/**
 * Type-check every declaration. `brokenOffsets` are parse-error offsets: a function containing one is
 * not told it lacks a return (the return may be what failed to parse).
 */
export function typecheck(ast: SourceFile, res: Resolution, brokenOffsets: readonly number[] = []): { diagnostics: Diagnostic[]; types: TypeInfo } {
  const c = new Checker(res, brokenOffsets);
  for (const item of ast.items) {
    switch (item.kind) {
      case 'fn':
        c.fn(item);
        break;
      case 'const':
        c.constDecl(item);
        break;
      case 'storage':
        c.resolveType(item.type);
        break;
      case 'extern':
        c.externDecl(item);
        break;
      case 'struct':
      case 'event':
        (item.kind === 'struct' ? item.fields : item.params).forEach((f) => c.resolveType(f.type));
        break;
      default:
        break;
    }
  }
  return { diagnostics: c.diagnostics, types: { exprTypes: c.exprTypes, localTypes: c.localTypes } };
}
