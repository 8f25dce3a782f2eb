/**
 * Name resolution for templates (spec/curvescript.md §7.2, CS-NAME-*). Binds every identifier to a
 * declaration — local, global, built-in or the template's `cfg` — and rejects what static execution
 * cannot allow: duplicate and shadowing names, recursion (gas must be statically bounded), structs
 * containing themselves, constants depending on themselves.
 */
import type { Decl, Expr, ExternDecl, ExternFn, FnDecl, Ident, Param, SourceFile, Stmt, TypeExpr } from './ast.ts';
import { CAPABILITIES } from '../vm/capabilities.ts';
import { BUILTIN_CONSTS, BUILTIN_STRUCTS, findBuiltin, SCALARS } from './builtins.ts';
import type { Builtin } from './builtins.ts';
import { diagnostic } from './diagnostics.ts';
import type { Diagnostic, DiagnosticCode, Span } from './diagnostics.ts';
import { TEMPLATE_TARGETS } from './parser.ts';
import { closest } from './venue.ts';

export type TemplateTarget = (typeof TEMPLATE_TARGETS)[number];
/** The venue block kind a template of each target is instantiated from (CS-BIND-001). */
export const TEMPLATE_BLOCK: { readonly [K in TemplateTarget]: 'ROUTER' | 'SLAB' | 'ORACLE' } = { router: 'ROUTER', slab: 'SLAB', oracle: 'ORACLE' };
export type GlobalDecl = Exclude<Decl, { kind: 'template' }>;
/**
 * CS-EXTERN-001: the module kinds a template of each kind may call. Modules are compiled callees first
 * (oracles, then slabs, then the router), so an import always names a module that already exists.
 */
export const EXTERN_KINDS: { readonly [K in TemplateTarget]: readonly TemplateTarget[] } = { router: ['slab', 'oracle'], slab: ['oracle'], oracle: [] };
export type LetStmt = Extract<Stmt, { kind: 'let' }>;
export type ForStmt = Extract<Stmt, { kind: 'for' }>;
/** What declares a local: a parameter, a `let`, or a `for` loop variable. */
export type LocalDecl = Param | LetStmt | ForStmt;

export type Binding =
  | { readonly kind: 'local'; readonly name: string; readonly mutable: boolean; readonly decl: LocalDecl }
  | { readonly kind: 'global'; readonly decl: GlobalDecl }
  | { readonly kind: 'builtin'; readonly builtin: Builtin }
  | { readonly kind: 'builtin-const'; readonly value: bigint }
  | { readonly kind: 'cfg' }
  /** The entry name of a cross-module call (CS-EXTERN-002). */
  | { readonly kind: 'extern-fn'; readonly ext: ExternDecl; readonly fn: ExternFn };

export interface Resolution {
  readonly template: TemplateTarget | null;
  readonly globals: ReadonlyMap<string, GlobalDecl>;
  /** Name expressions, callees, emitted events and require codes → what they name. */
  readonly refs: ReadonlyMap<Ident, Binding>;
  /** Constants on a dependency cycle (already reported as CS2109). */
  readonly cyclicConsts: ReadonlySet<string>;
  readonly diagnostics: Diagnostic[];
}

interface Edge {
  readonly to: string;
  readonly span: Span;
}

/** Report one diagnostic per back edge of a depth-first walk (each cycle once), in source order. */
export function reportCycles(nodes: readonly string[], edges: ReadonlyMap<string, readonly Edge[]>, onCycle: (path: string[], at: Span) => void): void {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (n: string, path: string[]): void => {
    state.set(n, 'open');
    for (const e of edges.get(n) ?? []) {
      if (state.get(e.to) === 'open') onCycle([...path.slice(path.indexOf(e.to)), n, e.to], e.span);
      else if (state.get(e.to) === undefined && edges.has(e.to)) visit(e.to, [...path, n]);
    }
    state.set(n, 'done');
  };
  for (const n of nodes) if (state.get(n) === undefined) visit(n, []);
}

class Resolver {
  readonly diagnostics: Diagnostic[] = [];
  readonly refs = new Map<Ident, Binding>();
  readonly globals = new Map<string, GlobalDecl>();
  private scopes: Map<string, { binding: Binding & { kind: 'local' }; ident: Ident; reads: number }>[] = [];
  private calls: Edge[] = [];
  readonly cyclicConsts = new Set<string>();

  constructor(readonly template: TemplateTarget | null) {}

  private report(code: DiagnosticCode, message: string, span: Span): void {
    this.diagnostics.push(diagnostic(code, message, span));
  }

  private reserved(name: string): string | undefined {
    if ((SCALARS as readonly string[]).includes(name)) return 'a built-in type';
    if (name in BUILTIN_STRUCTS) return 'a built-in record';
    if (findBuiltin(name)) return 'a built-in function';
    if (BUILTIN_CONSTS.has(name)) return 'a built-in constant';
    if (name === 'cfg') return "the template's configuration";
    return undefined;
  }

  declareGlobals(decls: readonly Decl[]): void {
    for (const d of decls) {
      if (d.kind === 'template') continue;
      // an extern is named by its module kind; `oracle` is also a built-in function, used in another form
      const why = d.kind === 'extern' ? undefined : this.reserved(d.name.name);
      if (why) this.report('CS2102', `'${d.name.name}' is ${why}`, d.name.span);
      else if (this.globals.has(d.name.name)) this.report('CS2102', `'${d.name.name}' is already declared`, d.name.span);
      else this.globals.set(d.name.name, d);
    }
  }

  private lookupLocal(name: string): { binding: Binding & { kind: 'local' }; reads: number } | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const hit = this.scopes[i]?.get(name);
      if (hit) return hit;
    }
    return undefined;
  }

  /** A value name: local, const or storage global, built-in constant, or `cfg`. */
  private value(id: Ident): void {
    const local = this.lookupLocal(id.name);
    if (local) {
      local.reads++;
      this.refs.set(id, local.binding);
      return;
    }
    const g = this.globals.get(id.name);
    if (g) {
      this.refs.set(id, { kind: 'global', decl: g });
      return;
    }
    const c = BUILTIN_CONSTS.get(id.name);
    if (c !== undefined) {
      this.refs.set(id, { kind: 'builtin-const', value: c });
      return;
    }
    if (id.name === 'cfg') {
      if (this.template === null) this.report('CS2110', "'cfg' is only available in a template (start the file with `template slab;`, `template router;` or `template oracle;`)", id.span);
      else this.refs.set(id, { kind: 'cfg' });
      return;
    }
    const names = [...this.scopes.flatMap((s) => [...s.keys()]), ...this.globals.keys(), ...BUILTIN_CONSTS.keys()];
    const c2 = closest(id.name, names);
    this.report('CS2101', `'${id.name}' is not defined${c2 ? ` (did you mean ${c2}?)` : ''}`, id.span);
  }

  private bind(ident: Ident, decl: LocalDecl, mutable: boolean): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope === undefined) return;
    const why = this.lookupLocal(ident.name) ? 'a local in scope' : this.globals.has(ident.name) ? 'a global' : this.reserved(ident.name);
    if (why) this.report('CS2102', `'${ident.name}' would shadow ${why}; pick another name`, ident.span);
    scope.set(ident.name, { binding: { kind: 'local', name: ident.name, mutable, decl }, ident, reads: 0 });
  }

  private withScope(f: () => void): void {
    this.scopes.push(new Map());
    f();
    const scope = this.scopes.pop();
    for (const { binding, ident, reads } of scope?.values() ?? []) {
      // Parameters are part of a signature: only `let` and loop variables are reported.
      if (reads === 0 && 'kind' in binding.decl && !ident.name.startsWith('_')) {
        this.report('CS2114', `'${ident.name}' is never read (prefix it with '_' if that is intended)`, ident.span);
      }
    }
  }

  type(t: TypeExpr, owner?: string): void {
    if (t.kind === 'array') {
      this.type(t.elem, owner);
      this.expr(t.len);
      return;
    }
    const n = t.name.name;
    if ((SCALARS as readonly string[]).includes(n) || n in BUILTIN_STRUCTS) return;
    const g = this.globals.get(n);
    if (g?.kind === 'struct') {
      if (owner !== undefined) this.calls.push({ to: n, span: t.name.span });
      return;
    }
    this.report('CS2103', `unknown type '${n}'`, t.name.span);
  }

  expr(e: Expr): void {
    switch (e.kind) {
      case 'int':
      case 'bool':
      case 'error':
        return;
      case 'name':
        return this.value(e.name);
      case 'unary':
        return this.expr(e.operand);
      case 'binary':
        this.expr(e.left);
        return this.expr(e.right);
      case 'cast':
        this.expr(e.expr);
        return this.type(e.type);
      case 'call':
        return this.call(e.callee, e.args);
      case 'extcall':
        return this.extcall(e);
      case 'field':
        return this.expr(e.object);
      case 'index':
        this.expr(e.object);
        return this.expr(e.index);
      case 'array':
        return e.items.forEach((x) => this.expr(x));
      case 'repeat':
        this.expr(e.item);
        return this.expr(e.count);
      case 'struct': {
        const g = this.globals.get(e.name.name);
        if (g?.kind !== 'struct') this.report('CS2103', `unknown struct '${e.name.name}'`, e.name.span);
        else this.refs.set(e.name, { kind: 'global', decl: g });
        return e.fields.forEach((f) => this.expr(f.value));
      }
    }
  }

  private call(callee: Ident, args: readonly Expr[]): void {
    const b = findBuiltin(callee.name);
    const local = this.lookupLocal(callee.name);
    const global = this.globals.get(callee.name);
    const g = global?.kind === 'extern' && b ? undefined : global;
    if (local) this.refs.set(callee, local.binding);
    else if (g) {
      this.refs.set(callee, { kind: 'global', decl: g });
      if (g.kind === 'fn') this.calls.push({ to: g.name.name, span: callee.span });
    } else if (b) this.refs.set(callee, { kind: 'builtin', builtin: b });
    else {
      const fns = [...this.globals.values()].filter((d) => d.kind === 'fn').map((d) => d.name.name);
      const c = closest(callee.name, fns);
      this.report('CS2101', `function '${callee.name}' is not defined${c ? ` (did you mean ${c}?)` : ''}`, callee.span);
    }
    args.forEach((a) => this.expr(a));
  }

  /** CS-EXTERN-002: `m[i].f(args) [else CODE]` names a declared extern and one of its entries. */
  private extcall(e: Extract<Expr, { kind: 'extcall' }>): void {
    const g = this.globals.get(e.module.name);
    if (g?.kind !== 'extern') {
      this.report('CS2116', `'${e.module.name}' is not an extern module (declare it with \`extern ${e.module.name} { fn … }\`)`, e.module.span);
    } else {
      this.refs.set(e.module, { kind: 'global', decl: g });
      const fn = g.fns.find((f) => f.name.name === e.entry.name);
      if (fn) this.refs.set(e.entry, { kind: 'extern-fn', ext: g, fn });
      else {
        const c = closest(e.entry.name, g.fns.map((f) => f.name.name));
        this.report('CS2116', `extern ${g.name.name} declares no entry '${e.entry.name}'${c ? ` (did you mean ${c}?)` : ''}`, e.entry.span);
      }
    }
    if (e.orElse) {
      const code = this.globals.get(e.orElse.name);
      if (code?.kind === 'error') this.refs.set(e.orElse, { kind: 'global', decl: code });
      else this.report('CS2106', `'${e.orElse.name}' is not a declared error code`, e.orElse.span);
    }
    this.expr(e.index);
    e.args.forEach((a) => this.expr(a));
  }

  /** CS-EXTERN-001/003: the kind may be called from this template; entries, grant keys and caps are well formed. */
  externDecl(d: ExternDecl): void {
    const allowed = this.template === null ? [] : EXTERN_KINDS[this.template];
    if (!(allowed as readonly string[]).includes(d.name.name)) {
      const who = this.template === null ? 'a file without a template header' : `a ${this.template} template`;
      this.report('CS2115', `${who} cannot call ${d.name.name} modules (it may call: ${allowed.length > 0 ? allowed.join(', ') : 'none'})`, d.name.span);
    }
    const names = new Set<string>();
    for (const f of d.fns) {
      if (names.has(f.name.name)) this.report('CS2102', `extern ${d.name.name} declares '${f.name.name}' twice`, f.name.span);
      names.add(f.name.name);
      f.params.forEach((p) => this.type(p.type));
      if (f.ret) this.type(f.ret);
      const keys = new Set<string>();
      for (const g of f.grants) {
        if (keys.has(g.kind)) this.report('CS2117', `grant '${g.kind}' given twice`, g.key.span);
        keys.add(g.kind);
        if (g.kind !== 'caps') this.expr(g.value);
        else for (const c of g.caps) if (!CAPABILITIES.some((x) => x.name === c.name)) this.report('CS2013', `'${c.name}' is not a CurveVM capability`, c.span);
      }
    }
  }

  private stmts(list: readonly Stmt[]): void {
    this.withScope(() => list.forEach((s) => this.stmt(s)));
  }

  private stmt(s: Stmt): void {
    switch (s.kind) {
      case 'let':
        if (s.type) this.type(s.type);
        this.expr(s.init);
        return this.bind(s.name, s, s.mutable);
      case 'assign':
        this.expr(s.target);
        return this.expr(s.value);
      case 'expr':
        return this.expr(s.expr);
      case 'if':
        this.expr(s.cond);
        this.stmts(s.then.stmts);
        if (s.else?.kind === 'if') this.stmt(s.else);
        else if (s.else) this.stmts(s.else.stmts);
        return;
      case 'for':
        this.expr(s.from);
        this.expr(s.to);
        return this.withScope(() => {
          this.bind(s.var, s, false);
          s.body.stmts.forEach((x) => this.stmt(x));
        });
      case 'require': {
        this.expr(s.cond);
        const g = this.globals.get(s.code.name);
        if (g?.kind === 'error') this.refs.set(s.code, { kind: 'global', decl: g });
        else this.report('CS2106', `'${s.code.name}' is not a declared error code (declare it with \`error ${s.code.name} = N;\`)`, s.code.span);
        return;
      }
      case 'emit': {
        const g = this.globals.get(s.event.name);
        if (g?.kind === 'event') this.refs.set(s.event, { kind: 'global', decl: g });
        else this.report('CS2105', `'${s.event.name}' is not a declared event`, s.event.span);
        return s.args.forEach((a) => this.expr(a));
      }
      case 'return':
        if (s.value) this.expr(s.value);
        return;
    }
  }

  fn(d: FnDecl): void {
    this.calls = [];
    d.params.forEach((p) => this.type(p.type));
    if (d.ret) this.type(d.ret);
    this.withScope(() => {
      d.params.forEach((p) => this.bind(p.name, p, false));
      this.stmts(d.body.stmts);
    });
  }

  /** Resolve every declaration; then the cycle checks over calls, struct fields and constants. */
  all(decls: readonly Decl[]): void {
    const callEdges = new Map<string, Edge[]>();
    const structEdges = new Map<string, Edge[]>();
    const constEdges = new Map<string, Edge[]>();
    for (const d of decls) {
      switch (d.kind) {
        case 'template':
          break;
        case 'fn':
          this.fn(d);
          if (this.globals.get(d.name.name) === d) callEdges.set(d.name.name, this.calls);
          break;
        case 'struct': {
          this.calls = [];
          const seen = new Set<string>();
          for (const f of d.fields) {
            if (seen.has(f.name.name)) this.report('CS2102', `field '${f.name.name}' is declared twice`, f.name.span);
            seen.add(f.name.name);
            this.type(f.type, d.name.name);
          }
          if (this.globals.get(d.name.name) === d) structEdges.set(d.name.name, this.calls);
          break;
        }
        case 'event':
          d.params.forEach((p) => this.type(p.type));
          break;
        case 'storage':
          this.type(d.type);
          break;
        case 'error':
          break;
        case 'extern':
          this.externDecl(d);
          break;
        case 'const': {
          this.type(d.type);
          const before = this.refs.size;
          this.expr(d.value);
          const deps = [...this.refs].slice(before).flatMap(([id, b]) => (b.kind === 'global' && b.decl.kind === 'const' ? [{ to: b.decl.name.name, span: id.span }] : []));
          if (this.globals.get(d.name.name) === d) constEdges.set(d.name.name, deps);
          break;
        }
      }
    }
    reportCycles([...callEdges.keys()], callEdges, (p, at) => this.report('CS2107', `recursive call: ${p.join(' → ')} (gas must be statically bounded)`, at));
    reportCycles([...structEdges.keys()], structEdges, (p, at) => this.report('CS2108', `struct contains itself: ${p.join(' → ')}`, at));
    reportCycles([...constEdges.keys()], constEdges, (p, at) => {
      p.forEach((n) => this.cyclicConsts.add(n));
      this.report('CS2109', `constant depends on itself: ${p.join(' → ')}`, at);
    });
    this.errorCodes(decls);
  }

  /** CS-NAME-006: error code values are distinct. */
  private errorCodes(decls: readonly Decl[]): void {
    const seen = new Map<bigint, string>();
    for (const d of decls) {
      if (d.kind !== 'error') continue;
      const other = seen.get(d.code.value);
      if (other !== undefined) this.report('CS2111', `error code ${d.code.raw} is already used by ${other}`, d.code.span);
      else seen.set(d.code.value, d.name.name);
    }
  }
}

export function resolve(ast: SourceFile): Resolution {
  const decls = ast.items.filter((i): i is Decl => i.kind !== 'block');
  const header = decls.find((d) => d.kind === 'template');
  const target = header && (TEMPLATE_TARGETS as readonly string[]).includes(header.target.name) ? (header.target.name as TemplateTarget) : null;
  const r = new Resolver(target);
  r.declareGlobals(decls);
  r.all(decls);
  return { template: target, globals: r.globals, refs: r.refs, cyclicConsts: r.cyclicConsts, diagnostics: r.diagnostics };
}
