/**
 * The CurveScript parser (spec/curvescript.md §3, CS-GRAM-*): recursive descent over the lexer's tokens,
 * for both layers. It never throws on any input. Inside, a syntax error reports one diagnostic and
 * unwinds (a private `ParseAbort`) to the nearest recovery point — the statement, the directive line or
 * the top-level item — which skips ahead to a synchronising token and goes on, so one run reports
 * several errors (STYLE.md §3: thrown inside, returned outside).
 */
import type {
  Arg, AssignOp, BinaryOp, Block, BlockKind, BlockStmt, Decl, Directive, Expr, ExternFn, FieldInit, Grant, Ident, IfStmt, Item,
  Param, SourceFile, Stmt, TypeExpr, Value,
} from './ast.ts';
import { BLOCK_KINDS } from './ast.ts';
import { diagnostic } from './diagnostics.ts';
import type { Diagnostic, DiagnosticCode, Span } from './diagnostics.ts';
import { lex } from './lexer.ts';
import type { Comment, Token } from './lexer.ts';

export interface ParseResult {
  readonly ast: SourceFile;
  readonly comments: readonly Comment[];
  readonly diagnostics: Diagnostic[];
}

/** CS-GRAM-003: nesting limits, so no later recursive phase can exhaust the stack. */
export const MAX_NESTING = 64;
export const MAX_EXPR_HEIGHT = 200;

/** The `template KIND;` targets (CS-GRAM-020): the venue block kinds a template binds to. */
export const TEMPLATE_TARGETS = ['router', 'slab', 'oracle'] as const;

class ParseAbort {
  constructor(readonly toItem: boolean) {}
}

/** Binary operator levels, lowest first (CS-GRAM-030). Comparisons do not associate. */
const LEVELS: readonly (readonly BinaryOp[])[] = [
  ['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>='], ['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];
export const BINARY_LEVEL: Readonly<Record<BinaryOp, number>> = Object.fromEntries(
  LEVELS.flatMap((ops, level) => ops.map((op) => [op, level])),
) as Record<BinaryOp, number>;
export const COMPARE_LEVEL = 2;

const STMT_KEYWORDS: ReadonlySet<string> = new Set(['let', 'if', 'for', 'require', 'emit', 'return']);
const DECL_KEYWORDS: ReadonlySet<string> = new Set(['template', 'const', 'struct', 'event', 'error', 'storage', 'extern', 'fn', 'pub']);
const ARITH: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%', '(', ')', '<<', '>>', '&', '|', '^']);
const ASSIGN_OPS: ReadonlySet<string> = new Set(['=', '+=', '-=', '*=']);

export function joinSpans(a: Span, b: Span): Span {
  return {
    file: a.file,
    line: a.line,
    col: a.col,
    endLine: b.endLine,
    endCol: b.endCol,
    offset: a.offset,
    length: Math.max(0, b.offset + b.length - a.offset),
  };
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of file';
  if (t.kind === 'string') return 'a string';
  return `'${t.text.length > 24 ? t.text.slice(0, 24) + '…' : t.text}'`;
}

class Parser {
  private i = 0;
  private depth = 0;
  private noStruct = false;
  private readonly heights = new Map<Expr, number>();
  private lastErrorOffset = -1;
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly toks: readonly Token[]) {}

  // ── token helpers ─────────────────────────────────────────────────────────────────────────────────

  private peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)] as Token;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private prevSpan(): Span {
    return (this.toks[Math.max(0, this.i - 1)] as Token).span;
  }
  private is(text: string, k = 0): boolean {
    const t = this.peek(k);
    return (t.kind === 'punct' || t.kind === 'keyword') && t.text === text;
  }
  private eat(text: string): boolean {
    if (!this.is(text)) return false;
    this.next();
    return true;
  }
  private report(code: DiagnosticCode, message: string, span: Span): void {
    if (span.offset === this.lastErrorOffset) return;
    this.lastErrorOffset = span.offset;
    this.diagnostics.push(diagnostic(code, message, span));
  }
  private fail(message: string, t: Token = this.peek()): never {
    this.report(t.kind === 'eof' ? 'CS1011' : 'CS1010', t.kind === 'eof' ? `${message}, found end of file` : `${message}, found ${describe(t)}`, t.span);
    throw new ParseAbort(false);
  }
  private expect(text: string, what = `'${text}'`): Token {
    if (!this.is(text)) this.fail(`expected ${what}`);
    return this.next();
  }
  private ident(what = 'a name'): Ident {
    const t = this.peek();
    if (t.kind !== 'ident') this.fail(`expected ${what}`);
    this.next();
    return { kind: 'ident', name: t.text, span: t.span };
  }
  private nest<T>(f: () => T): T {
    if (this.depth >= MAX_NESTING) {
      this.report('CS1014', `nesting deeper than ${MAX_NESTING} levels`, this.peek().span);
      throw new ParseAbort(true);
    }
    this.depth++;
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  // ── file and top-level items ──────────────────────────────────────────────────────────────────────

  parseFile(file: string): SourceFile {
    const items: Item[] = [];
    const first = this.peek().span;
    while (this.peek().kind !== 'eof') {
      const start = this.i;
      try {
        const item = this.parseItem();
        if (item) items.push(item);
      } catch (e) {
        if (!(e instanceof ParseAbort)) throw e;
        this.syncItem(start);
      }
    }
    this.checkLayers(items);
    return { kind: 'file', file, items, span: joinSpans(first, this.peek().span) };
  }

  private atItemStart(): boolean {
    const t = this.peek();
    if (t.kind === 'keyword') return DECL_KEYWORDS.has(t.text);
    return t.kind === 'ident' && (BLOCK_KINDS as readonly string[]).includes(t.text);
  }

  /** Skip to the next top-level item that starts a line, jumping over balanced braces. */
  private syncItem(start: number): void {
    if (this.i === start) this.next();
    while (this.peek().kind !== 'eof' && !(this.peek().nl && this.atItemStart())) {
      if (this.is('{')) this.skipBalanced();
      else this.next();
    }
  }

  private skipBalanced(): void {
    let depth = 0;
    do {
      const t = this.next();
      if (t.kind === 'eof') return;
      if (t.text === '{' && t.kind === 'punct') depth++;
      if (t.text === '}' && t.kind === 'punct') depth--;
    } while (depth > 0);
  }

  private parseItem(): Item | null {
    const t = this.peek();
    if (t.kind === 'ident' && (BLOCK_KINDS as readonly string[]).includes(t.text)) return this.parseBlock(t.text as BlockKind);
    if (t.kind === 'keyword' && DECL_KEYWORDS.has(t.text)) return this.parseDecl();
    if (t.kind === 'ident' && (this.peek(1).kind === 'string' || this.is('{', 1))) {
      this.report('CS1012', `unknown block kind '${t.text}' (expected ${BLOCK_KINDS.join(', ')})`, t.span);
      this.next();
      if (this.peek().kind === 'string') this.next();
      if (this.is('{')) this.skipBalanced();
      return null;
    }
    return this.fail('expected a venue block (ROUTER, SLAB, ORACLE, CAP) or a declaration');
  }

  /** CS-GRAM-002 and CS-GRAM-020: one layer per file; the template header comes first, once. */
  private checkLayers(items: readonly Item[]): void {
    const layerOf = (it: Item): 'venue' | 'template' => (it.kind === 'block' ? 'venue' : 'template');
    const first = items[0];
    items.forEach((it, index) => {
      if (first && layerOf(it) !== layerOf(first)) {
        const where = it.kind === 'block' ? it.head : it.span;
        this.diagnostics.push(diagnostic('CS1015', `a file is either a venue script or a template module; this ${layerOf(it) === 'venue' ? 'venue block' : 'declaration'} follows a ${layerOf(first) === 'venue' ? 'venue block' : 'declaration'}`, where));
      }
      if (it.kind === 'template') {
        if (index !== 0) this.diagnostics.push(diagnostic('CS1017', 'the template header must be the first declaration', it.span));
        if (!(TEMPLATE_TARGETS as readonly string[]).includes(it.target.name)) {
          this.diagnostics.push(diagnostic('CS1017', `unknown template target '${it.target.name}' (expected ${TEMPLATE_TARGETS.join(', ')})`, it.target.span));
        }
      }
    });
  }

  // ── venue blocks (CS-GRAM-010…) ───────────────────────────────────────────────────────────────────

  private parseBlock(blockKind: BlockKind): Block {
    const head = this.next().span;
    let name: Block['name'] = null;
    const nt = this.peek();
    if (nt.kind === 'string') {
      this.next();
      name = { value: nt.value as string, span: nt.span };
    }
    const open = this.expect('{', `'{' after ${blockKind}${name ? ' "…"' : ''}`);
    const directives: Directive[] = [];
    for (;;) {
      const t = this.peek();
      if (this.eat('}')) break;
      if (t.kind === 'eof' || (t.nl && t.kind === 'ident' && (BLOCK_KINDS as readonly string[]).includes(t.text) && (this.peek(1).kind === 'string' || this.is('{', 1)))) {
        this.report('CS1011', `'{' of ${blockKind} is never closed`, open.span);
        break;
      }
      if (this.eat(';')) continue;
      const start = this.i;
      try {
        directives.push(this.parseDirective());
      } catch (e) {
        if (!(e instanceof ParseAbort) || e.toItem) throw e;
        this.skipLine(start);
      }
    }
    return { kind: 'block', blockKind, name, directives, head, span: joinSpans(head, this.prevSpan()) };
  }

  /** Skip the rest of a directive line (never past the block's closing brace). */
  private skipLine(start: number): void {
    if (this.i === start) this.next();
    while (this.peek().kind !== 'eof' && !this.peek().nl && !this.is('}')) this.next();
  }

  private lineEnded(): boolean {
    const t = this.peek();
    return t.nl || t.kind === 'eof' || this.is('}') || this.is(';');
  }

  private parseDirective(): Directive {
    const name = this.ident('a directive name');
    const args: Arg[] = [];
    while (!this.lineEnded()) {
      const t = this.peek();
      let key: Ident | null = null;
      if (t.kind === 'ident' && this.is('=', 1) && !this.peek(1).nl) {
        key = { kind: 'ident', name: t.text, span: t.span };
        this.next();
        this.next();
      }
      const value = this.parseValue(false);
      args.push({ kind: 'arg', key, value, span: joinSpans(key ? key.span : value.span, value.span) });
    }
    return { kind: 'directive', name, args, span: joinSpans(name.span, this.prevSpan()) };
  }

  /**
   * CS-VEN-001: an operator where a value or the next argument belongs is arithmetic — except a `-`
   * after whitespace and touching its digits, which starts the next (negative) value (CS-GRAM-011).
   */
  private noArithmetic(): void {
    const t = this.peek();
    const prev = this.prevSpan();
    const negativeValue = t.text === '-' && t.span.offset > prev.offset + prev.length && this.peek(1).kind === 'int' && this.peek(1).span.offset === t.span.offset + 1;
    if (t.kind === 'punct' && ARITH.has(t.text) && !t.nl && !negativeValue) {
      this.report('CS1013', `'${t.text}': venue scripts carry no arithmetic; write the value itself`, t.span);
      throw new ParseAbort(false);
    }
  }

  private parseValue(inList: boolean): Value {
    const t = this.peek();
    if (t.nl && !inList) this.fail('expected a value');
    let v: Value;
    if (t.kind === 'int') {
      this.next();
      v = { kind: 'int', value: t.value as bigint, raw: t.text, span: t.span };
    } else if (this.is('-') && this.peek(1).kind === 'int' && this.peek(1).span.offset === t.span.offset + 1) {
      this.next();
      const n = this.next();
      v = { kind: 'int', value: -(n.value as bigint), raw: '-' + n.text, span: joinSpans(t.span, n.span) };
    } else if (this.is('true') || this.is('false')) {
      this.next();
      v = { kind: 'bool', value: t.text === 'true', span: t.span };
    } else if (t.kind === 'string') {
      this.next();
      v = { kind: 'string', value: t.value as string, span: t.span };
    } else if (t.kind === 'ident') {
      this.next();
      v = { kind: 'ident', name: t.text, span: t.span };
    } else if (this.is('[')) {
      v = this.nest(() => this.parseList());
    } else {
      this.noArithmetic();
      return this.fail('expected a value (integer, true/false, "string", name or [list])');
    }
    this.noArithmetic();
    return v;
  }

  private parseList(): Value {
    const open = this.next();
    const items: Value[] = [];
    while (!this.is(']')) {
      if (this.peek().kind === 'eof') {
        this.report('CS1011', "'[' is never closed", open.span);
        throw new ParseAbort(false);
      }
      items.push(this.parseValue(true));
      if (!this.eat(',')) break;
    }
    this.expect(']', "',' or ']'");
    return { kind: 'list', items, span: joinSpans(open.span, this.prevSpan()) };
  }

  // ── declarations (CS-GRAM-020…) ───────────────────────────────────────────────────────────────────

  private parseDecl(): Decl {
    const kw = this.next();
    const start = kw.span;
    const end = (): Span => joinSpans(start, this.prevSpan());
    switch (kw.text) {
      case 'template': {
        const target = this.ident('a block kind (router, slab or oracle)');
        this.expect(';');
        return { kind: 'template', target, span: end() };
      }
      case 'const': {
        const name = this.ident();
        this.expect(':');
        const type = this.parseType();
        this.expect('=');
        const value = this.parseExpr();
        this.expect(';');
        return { kind: 'const', name, type, value, span: end() };
      }
      case 'struct': {
        const name = this.ident();
        const fields = this.parseParams('{', '}');
        return { kind: 'struct', name, fields, span: end() };
      }
      case 'event': {
        const name = this.ident();
        const params = this.parseParams('(', ')');
        this.expect(';');
        return { kind: 'event', name, params, span: end() };
      }
      case 'error': {
        const name = this.ident();
        this.expect('=');
        const t = this.peek();
        if (t.kind !== 'int') this.fail('expected an integer error code');
        this.next();
        this.expect(';');
        return { kind: 'error', name, code: { kind: 'int', value: t.value as bigint, raw: t.text, span: t.span }, span: end() };
      }
      case 'storage': {
        const name = this.ident();
        this.expect(':');
        const type = this.parseType();
        this.expect(';');
        return { kind: 'storage', name, type, span: end() };
      }
      case 'extern': {
        const name = this.ident('a module kind (slab or oracle)');
        this.expect('{');
        const fns: ExternFn[] = [];
        while (!this.is('}')) fns.push(this.parseExternFn());
        this.expect('}');
        return { kind: 'extern', name, fns, span: end() };
      }
      default: {
        const pub = kw.text === 'pub';
        if (pub) this.expect('fn');
        const name = this.ident('a function name');
        const params = this.parseParams('(', ')');
        const ret = this.eat('->') ? this.parseType() : null;
        const body = this.parseBody();
        return { kind: 'fn', pub, name, params, ret, body, span: end() };
      }
    }
  }

  /** CS-GRAM-023: `fn name(params) [-> type] [with (grant, …)];` inside an extern block. */
  private parseExternFn(): ExternFn {
    const start = this.expect('fn', "'fn' or '}'").span;
    const name = this.ident('an entry name');
    const params = this.parseParams('(', ')');
    const ret = this.eat('->') ? this.parseType() : null;
    const grants: Grant[] = [];
    if (this.eat('with')) {
      this.expect('(');
      while (!this.is(')')) {
        const keyTok = this.peek();
        if (keyTok.kind !== 'ident' || !['gas', 'pages', 'caps'].includes(keyTok.text)) this.fail("expected 'gas', 'pages' or 'caps'");
        const key = this.ident();
        this.expect('=');
        if (key.name === 'caps') {
          this.expect('[');
          const caps: Ident[] = [];
          while (!this.is(']')) {
            let cap = this.ident('a capability name');
            while (this.eat('.')) {
              // capability names may contain keywords (`log.emit`)
              const part = this.peek().kind === 'keyword' ? ((t) => ({ kind: 'ident' as const, name: t.text, span: t.span }))(this.next()) : this.ident('a capability name');
              cap = { kind: 'ident', name: `${cap.name}.${part.name}`, span: joinSpans(cap.span, part.span) };
            }
            caps.push(cap);
            if (!this.eat(',')) break;
          }
          this.expect(']', "',' or ']'");
          grants.push({ kind: 'caps', key, caps, span: joinSpans(key.span, this.prevSpan()) });
        } else {
          const value = this.parseExpr();
          grants.push({ kind: key.name as 'gas' | 'pages', key, value, span: joinSpans(key.span, value.span) });
        }
        if (!this.eat(',')) break;
      }
      this.expect(')', "',' or ')'");
    }
    this.expect(';');
    return { name, params, ret, grants, span: joinSpans(start, this.prevSpan()) };
  }

  private parseParams(open: string, close: string): Param[] {
    this.expect(open);
    const params: Param[] = [];
    while (!this.is(close)) {
      const name = this.ident('a name');
      this.expect(':');
      const type = this.parseType();
      params.push({ name, type, span: joinSpans(name.span, type.span) });
      if (!this.eat(',')) break;
    }
    this.expect(close, `',' or '${close}'`);
    return params;
  }

  private parseType(): TypeExpr {
    return this.nest((): TypeExpr => {
      const t = this.peek();
      if (t.kind === 'ident') {
        this.next();
        return { kind: 'named', name: { kind: 'ident', name: t.text, span: t.span }, span: t.span };
      }
      if (!this.is('[')) this.fail('expected a type');
      this.next();
      const elem = this.parseType();
      this.expect(';', "';' and a length");
      const len = this.withStruct(false, () => this.parseExpr());
      this.expect(']');
      return { kind: 'array', elem, len, span: joinSpans(t.span, this.prevSpan()) };
    });
  }

  // ── statements ────────────────────────────────────────────────────────────────────────────────────

  private parseBody(): BlockStmt {
    return this.nest(() => {
      const open = this.expect('{');
      const stmts: Stmt[] = [];
      for (;;) {
        if (this.eat('}')) break;
        if (this.peek().kind === 'eof') {
          this.report('CS1011', "'{' is never closed", open.span);
          throw new ParseAbort(true);
        }
        if (this.eat(';')) continue;
        const start = this.i;
        try {
          stmts.push(this.parseStmt());
        } catch (e) {
          if (!(e instanceof ParseAbort) || e.toItem) throw e;
          this.syncStmt(start);
        }
      }
      return { kind: 'body', stmts, span: joinSpans(open.span, this.prevSpan()) };
    });
  }

  /** Skip past the next `;`, or up to a `}` or a statement keyword that starts a line. */
  private syncStmt(start: number): void {
    if (this.i === start && !this.is('}')) this.next();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof' || this.is('}')) return;
      if (this.eat(';')) return;
      if (t.nl && ((t.kind === 'keyword' && (STMT_KEYWORDS.has(t.text) || DECL_KEYWORDS.has(t.text))) || this.atItemStart())) return;
      if (this.is('{')) this.skipBalanced();
      else this.next();
    }
  }

  private parseStmt(): Stmt {
    const t = this.peek();
    const end = (): Span => joinSpans(t.span, this.prevSpan());
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'let': {
          this.next();
          const mutable = this.eat('mut');
          const name = this.ident();
          const type = this.eat(':') ? this.parseType() : null;
          this.expect('=');
          const init = this.parseExpr();
          this.expect(';');
          return { kind: 'let', mutable, name, type, init, span: end() };
        }
        case 'if':
          return this.parseIf();
        case 'for': {
          this.next();
          const v = this.ident('a loop variable');
          this.expect('in');
          const from = this.withStruct(true, () => this.parseExpr());
          this.expect('..', "'..' (for i in A..B)");
          const to = this.withStruct(true, () => this.parseExpr());
          const body = this.parseBody();
          return { kind: 'for', var: v, from, to, body, span: end() };
        }
        case 'require': {
          this.next();
          this.expect('(');
          const cond = this.withStruct(false, () => this.parseExpr());
          this.expect(',', "',' and an error code");
          const code = this.ident('an error code');
          this.eat(',');
          this.expect(')');
          this.expect(';');
          return { kind: 'require', cond, code, span: end() };
        }
        case 'emit': {
          this.next();
          const event = this.ident('an event name');
          const args = this.parseArgs();
          this.expect(';');
          return { kind: 'emit', event, args, span: end() };
        }
        case 'return': {
          this.next();
          const value = this.is(';') ? null : this.parseExpr();
          this.expect(';');
          return { kind: 'return', value, span: end() };
        }
        default:
          break;
      }
    }
    const target = this.parseExpr();
    const op = this.peek();
    if (op.kind === 'punct' && ASSIGN_OPS.has(op.text)) {
      this.next();
      const value = this.parseExpr();
      this.expect(';');
      return { kind: 'assign', op: op.text as AssignOp, target, value, span: end() };
    }
    this.expect(';');
    return { kind: 'expr', expr: target, span: end() };
  }

  private parseIf(): IfStmt {
    return this.nest((): IfStmt => {
      const kw = this.next();
      const cond = this.withStruct(true, () => this.parseExpr());
      const then = this.parseBody();
      let els: IfStmt['else'] = null;
      if (this.eat('else')) els = this.is('if') ? this.parseIf() : this.parseBody();
      return { kind: 'if', cond, then, else: els, span: joinSpans(kw.span, this.prevSpan()) };
    });
  }

  // ── expressions (CS-GRAM-030) ─────────────────────────────────────────────────────────────────────

  private withStruct<T>(noStruct: boolean, f: () => T): T {
    const saved = this.noStruct;
    this.noStruct = noStruct;
    try {
      return f();
    } finally {
      this.noStruct = saved;
    }
  }

  /** Record a node's height; a too-tall tree is a CS1014 (a long operator chain is tall too). */
  private mk(e: Expr, ...children: Expr[]): Expr {
    let h = 0;
    for (const c of children) h = Math.max(h, this.heights.get(c) ?? 0);
    if (h + 1 > MAX_EXPR_HEIGHT) {
      this.report('CS1014', `expression nested deeper than ${MAX_EXPR_HEIGHT} levels`, e.span);
      throw new ParseAbort(true);
    }
    this.heights.set(e, h + 1);
    return e;
  }

  parseExpr(): Expr {
    return this.nest(() => this.parseBinary(0));
  }

  private parseBinary(level: number): Expr {
    const ops = LEVELS[level];
    if (ops === undefined) return this.parseCast();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct' || !(ops as readonly string[]).includes(t.text)) return left;
      this.next();
      const right = this.parseBinary(level + 1);
      left = this.mk({ kind: 'binary', op: t.text as BinaryOp, left, right, span: joinSpans(left.span, right.span) }, left, right);
      if (level === COMPARE_LEVEL) {
        const t2 = this.peek();
        if (t2.kind === 'punct' && (ops as readonly string[]).includes(t2.text)) {
          this.report('CS1016', `comparison operators do not chain: parenthesize, or use '&&'`, t2.span);
          throw new ParseAbort(false);
        }
      }
    }
  }

  private parseCast(): Expr {
    let e = this.parseUnary();
    while (this.eat('as')) {
      const type = this.parseType();
      e = this.mk({ kind: 'cast', expr: e, type, span: joinSpans(e.span, type.span) }, e);
    }
    return e;
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (this.is('try')) {
      this.next();
      const call = this.parsePostfix();
      if (call.kind !== 'extcall' || call.mode !== 'propagate' || call.orElse !== null) {
        this.report('CS1018', "'try' applies to a cross-module call: try module[index].entry(args)", joinSpans(t.span, call.span));
        throw new ParseAbort(false);
      }
      return this.mk({ ...call, mode: 'try', span: joinSpans(t.span, call.span) }, call);
    }
    if (this.is('-') || this.is('!')) {
      this.next();
      const operand = this.nest(() => this.parseUnary());
      return this.mk({ kind: 'unary', op: t.text as '-' | '!', operand, span: joinSpans(t.span, operand.span) }, operand);
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    let e = this.parsePrimary();
    for (;;) {
      if (this.eat('.')) {
        const field = this.ident('a field name');
        if (this.is('(')) {
          e = this.parseExtCall(e, field);
          continue;
        }
        e = this.mk({ kind: 'field', object: e, field, span: joinSpans(e.span, field.span) }, e);
      } else if (this.is('[')) {
        this.next();
        const index = this.withStruct(false, () => this.parseExpr());
        this.expect(']');
        e = this.mk({ kind: 'index', object: e, index, span: joinSpans(e.span, this.prevSpan()) }, e, index);
      } else {
        return e;
      }
    }
  }

  /** CS-GRAM-022: `module[index].entry(args) [else CODE]`; any other `x.f(…)` is CS1018. */
  private parseExtCall(object: Expr, entry: Ident): Expr {
    if (object.kind !== 'index' || object.object.kind !== 'name') {
      this.report('CS1018', 'only a cross-module call has the form module[index].entry(args)', joinSpans(object.span, entry.span));
      throw new ParseAbort(false);
    }
    const args = this.parseArgs();
    const orElse = this.eat('else') ? this.ident('an error code') : null;
    const span = joinSpans(object.span, this.prevSpan());
    return this.mk({ kind: 'extcall', mode: 'propagate', module: object.object.name, index: object.index, entry, args, orElse, span }, object.index, ...args);
  }

  private parseArgs(): Expr[] {
    this.expect('(');
    const args: Expr[] = [];
    this.withStruct(false, () => {
      while (!this.is(')')) {
        args.push(this.parseExpr());
        if (!this.eat(',')) break;
      }
    });
    this.expect(')', "',' or ')'");
    return args;
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    if (t.kind === 'int') {
      this.next();
      return this.mk({ kind: 'int', value: t.value as bigint, raw: t.text, span: t.span });
    }
    if (this.is('true') || this.is('false')) {
      this.next();
      return this.mk({ kind: 'bool', value: t.text === 'true', span: t.span });
    }
    if (t.kind === 'ident') {
      this.next();
      const name: Ident = { kind: 'ident', name: t.text, span: t.span };
      if (this.is('(')) {
        const args = this.parseArgs();
        return this.mk({ kind: 'call', callee: name, args, span: joinSpans(t.span, this.prevSpan()) }, ...args);
      }
      if (this.is('{') && !this.noStruct) return this.parseStructLit(name);
      return this.mk({ kind: 'name', name, span: t.span });
    }
    if (this.is('(')) {
      this.next();
      const inner = this.withStruct(false, () => this.parseExpr());
      this.expect(')');
      return inner;
    }
    if (this.is('[')) return this.parseArrayLit();
    return this.fail('expected an expression');
  }

  private parseStructLit(name: Ident): Expr {
    this.next();
    const fields: FieldInit[] = [];
    this.withStruct(false, () => {
      while (!this.is('}')) {
        const f = this.ident('a field name');
        this.expect(':');
        const value = this.parseExpr();
        fields.push({ name: f, value, span: joinSpans(f.span, value.span) });
        if (!this.eat(',')) break;
      }
    });
    this.expect('}', "',' or '}'");
    return this.mk({ kind: 'struct', name, fields, span: joinSpans(name.span, this.prevSpan()) }, ...fields.map((f) => f.value));
  }

  private parseArrayLit(): Expr {
    const open = this.next();
    return this.withStruct(false, () => {
      const items: Expr[] = [];
      if (!this.is(']')) {
        const first = this.parseExpr();
        if (this.eat(';')) {
          const count = this.parseExpr();
          this.expect(']');
          return this.mk({ kind: 'repeat', item: first, count, span: joinSpans(open.span, this.prevSpan()) }, first, count);
        }
        items.push(first);
        while (this.eat(',') && !this.is(']')) items.push(this.parseExpr());
      }
      this.expect(']', "',' or ']'");
      return this.mk({ kind: 'array', items, span: joinSpans(open.span, this.prevSpan()) }, ...items);
    });
  }
}

/** Lex and parse a source file. Never throws (CS-GRAM-004); diagnostics are lexer's then parser's. */
export function parse(text: string, file: string): ParseResult {
  const lexed = lex(text, file);
  const p = new Parser(lexed.tokens);
  const ast = p.parseFile(file);
  return { ast, comments: lexed.comments, diagnostics: [...lexed.diagnostics, ...p.diagnostics] };
}
