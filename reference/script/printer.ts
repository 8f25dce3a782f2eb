/**
 * The canonical pretty printer (spec/curvescript.md §3.5, CS-FMT-*), also what `curve fmt` runs.
 * Two-space indentation; one directive or statement a line; one blank line between top-level items;
 * a single blank line between siblings is kept where the source had one; minimal parentheses from the
 * precedence table; comments kept (own-line comments before the next line-level node, trailing
 * comments after the line they trailed). Printing then parsing gives back the same tree modulo spans.
 */
import type { Block, BlockStmt, Decl, Directive, Expr, ExternFn, Grant, IfStmt, Item, SourceFile, Stmt, TypeExpr, Value } from './ast.ts';
import type { Span } from './diagnostics.ts';
import { hasErrors } from './diagnostics.ts';
import type { Diagnostic } from './diagnostics.ts';
import { quoteString } from './lexer.ts';
import type { Comment } from './lexer.ts';
import { BINARY_LEVEL, COMPARE_LEVEL, parse } from './parser.ts';

const INDENT = '  ';
const PREC_CAST = 9;
const PREC_UNARY = 10;
const PREC_POSTFIX = 11;

function prec(e: Expr): number {
  switch (e.kind) {
    case 'binary':
      return BINARY_LEVEL[e.op];
    case 'cast':
      return PREC_CAST;
    case 'unary':
      return PREC_UNARY;
    case 'extcall':
      return e.mode === 'try' ? PREC_UNARY : PREC_POSTFIX;
    default:
      return PREC_POSTFIX;
  }
}

export function printType(t: TypeExpr): string {
  return t.kind === 'named' ? t.name.name : `[${printType(t.elem)}; ${printExpr(t.len)}]`;
}

/** An expression in canonical form; `noStruct` marks an `if`/`for` header, where struct literals need parentheses. */
export function printExpr(e: Expr, noStruct = false): string {
  const sub = (c: Expr, paren: boolean, ns = noStruct): string => (paren ? `(${printExpr(c, false)})` : printExpr(c, ns));
  switch (e.kind) {
    case 'int':
      return e.raw;
    case 'bool':
      return String(e.value);
    case 'name':
      return e.name.name;
    case 'error':
      return '<error>';
    case 'unary':
      return e.op + sub(e.operand, prec(e.operand) < PREC_UNARY);
    case 'binary': {
      const p = BINARY_LEVEL[e.op];
      const leftParen = prec(e.left) < p || (p === COMPARE_LEVEL && prec(e.left) === p);
      return `${sub(e.left, leftParen)} ${e.op} ${sub(e.right, prec(e.right) <= p)}`;
    }
    case 'cast':
      return `${sub(e.expr, prec(e.expr) < PREC_CAST)} as ${printType(e.type)}`;
    case 'call':
      return `${e.callee.name}(${e.args.map((a) => printExpr(a)).join(', ')})`;
    case 'extcall': {
      const call = `${e.module.name}[${printExpr(e.index)}].${e.entry.name}(${e.args.map((a) => printExpr(a)).join(', ')})`;
      return e.mode === 'try' ? `try ${call}` : e.orElse ? `${call} else ${e.orElse.name}` : call;
    }
    case 'field':
      return `${sub(e.object, prec(e.object) < PREC_POSTFIX)}.${e.field.name}`;
    case 'index':
      return `${sub(e.object, prec(e.object) < PREC_POSTFIX)}[${printExpr(e.index)}]`;
    case 'array':
      return `[${e.items.map((a) => printExpr(a)).join(', ')}]`;
    case 'repeat':
      return `[${printExpr(e.item)}; ${printExpr(e.count)}]`;
    case 'struct': {
      const body = e.fields.length === 0 ? '{}' : `{ ${e.fields.map((f) => `${f.name.name}: ${printExpr(f.value)}`).join(', ')} }`;
      const text = `${e.name.name} ${body}`;
      return noStruct ? `(${text})` : text;
    }
  }
}

export function printValue(v: Value): string {
  switch (v.kind) {
    case 'int':
      return v.raw;
    case 'bool':
      return String(v.value);
    case 'string':
      return quoteString(v.value);
    case 'ident':
      return v.name;
    case 'list':
      return `[${v.items.map(printValue).join(', ')}]`;
  }
}

export function printDirective(d: Directive): string {
  const args = d.args.map((a) => (a.key ? `${a.key.name}=${printValue(a.value)}` : printValue(a.value)));
  return [d.name.name, ...args].join(' ');
}

/** Collects output lines, interleaving the source's comments by offset. */
class Out {
  private readonly lines: { text: string; srcLine: number }[] = [];
  private next = 0;
  private depth = 0;

  constructor(private readonly comments: readonly Comment[]) {}

  line(text: string, srcLine: number): void {
    this.lines.push({ text: text === '' ? '' : INDENT.repeat(this.depth) + text, srcLine });
  }
  blank(): void {
    const last = this.lines[this.lines.length - 1];
    if (last && last.text !== '') this.lines.push({ text: '', srcLine: -1 });
  }
  indented(f: () => void): void {
    this.depth++;
    f();
    this.depth--;
  }
  /** The source line of the first thing (comment or code) at or after this node. */
  firstLine(span: Span): number {
    const c = this.comments[this.next];
    return c && c.span.offset < span.offset && !this.trails(c) ? Math.min(c.span.line, span.line) : span.line;
  }
  private trails(c: Comment): boolean {
    const last = this.lines[this.lines.length - 1];
    return c.trailing && last !== undefined && last.srcLine === c.span.line;
  }
  /** Emit every comment that starts before `offset`. */
  flush(offset: number): void {
    for (let c = this.comments[this.next]; c && c.span.offset < offset; c = this.comments[++this.next]) {
      const last = this.lines[this.lines.length - 1];
      if (last && this.trails(c)) last.text += ' ' + c.text;
      else this.line(c.text, c.span.line);
    }
  }
  hasCommentBefore(offset: number): boolean {
    const c = this.comments[this.next];
    return c !== undefined && c.span.offset < offset;
  }
  finish(): string {
    this.flush(Number.POSITIVE_INFINITY);
    while (this.lines.length > 0 && this.lines[this.lines.length - 1]?.text === '') this.lines.pop();
    return this.lines.map((l) => l.text).join('\n') + '\n';
  }
}

const end = (s: Span): number => s.offset + s.length;

/** Print siblings, keeping one blank line where the source had at least one. */
function siblings<T extends { span: Span }>(out: Out, nodes: readonly T[], each: (n: T) => void): void {
  let prevEnd = -1;
  for (const n of nodes) {
    if (prevEnd >= 0 && out.firstLine(n.span) > prevEnd + 1) out.blank();
    out.flush(n.span.offset);
    each(n);
    prevEnd = n.span.endLine;
  }
}

function printBlock(out: Out, b: Block): void {
  out.line(`${b.blockKind}${b.name ? ' ' + quoteString(b.name.value) : ''} {`, b.head.line);
  out.indented(() => {
    siblings(out, b.directives, (d) => out.line(printDirective(d), d.span.endLine));
    out.flush(end(b.span) - 1);
  });
  out.line('}', b.span.endLine);
}

function printBody(out: Out, head: string, body: BlockStmt, headLine: number): void {
  if (body.stmts.length === 0 && !out.hasCommentBefore(end(body.span) - 1)) return out.line(`${head} {}`, headLine);
  printBodyOpen(out, head, body, headLine);
  out.line('}', body.span.endLine);
}

function printIf(out: Out, s: IfStmt, prefix: string): void {
  const head = `${prefix}if ${printExpr(s.cond, true)}`;
  const els = s.else;
  if (els === null) return printBody(out, head, s.then, s.cond.span.endLine);
  if (els.kind === 'if') {
    printBodyOpen(out, head, s.then, s.cond.span.endLine);
    printIf(out, els, '} else ');
    return;
  }
  printBodyOpen(out, head, s.then, s.cond.span.endLine);
  printBodyOpen(out, '} else', els, els.span.line);
  out.line('}', els.span.endLine);
}

/** `head {` and the statements, leaving the closing brace to the caller (if/else chains). */
function printBodyOpen(out: Out, head: string, body: BlockStmt, headLine: number): void {
  out.line(`${head} {`, headLine);
  out.indented(() => {
    siblings(out, body.stmts, (s) => printStmt(out, s));
    out.flush(end(body.span) - 1);
  });
}

function printStmt(out: Out, s: Stmt): void {
  const one = (text: string): void => out.line(text, s.span.endLine);
  switch (s.kind) {
    case 'let':
      return one(`let ${s.mutable ? 'mut ' : ''}${s.name.name}${s.type ? ': ' + printType(s.type) : ''} = ${printExpr(s.init)};`);
    case 'assign':
      return one(`${printExpr(s.target)} ${s.op} ${printExpr(s.value)};`);
    case 'expr':
      return one(`${printExpr(s.expr)};`);
    case 'require':
      return one(`require(${printExpr(s.cond)}, ${s.code.name});`);
    case 'emit':
      return one(`emit ${s.event.name}(${s.args.map((a) => printExpr(a)).join(', ')});`);
    case 'return':
      return one(s.value ? `return ${printExpr(s.value)};` : 'return;');
    case 'for':
      return printBody(out, `for ${s.var.name} in ${printExpr(s.from, true)}..${printExpr(s.to, true)}`, s.body, s.to.span.endLine);
    case 'if':
      return printIf(out, s, '');
  }
}

function printDecl(out: Out, d: Decl): void {
  const one = (text: string): void => out.line(text, d.span.endLine);
  const params = (ps: readonly { name: { name: string }; type: TypeExpr }[]): string =>
    ps.map((p) => `${p.name.name}: ${printType(p.type)}`).join(', ');
  switch (d.kind) {
    case 'template':
      return one(`template ${d.target.name};`);
    case 'const':
      return one(`const ${d.name.name}: ${printType(d.type)} = ${printExpr(d.value)};`);
    case 'event':
      return one(`event ${d.name.name}(${params(d.params)});`);
    case 'error':
      return one(`error ${d.name.name} = ${d.code.raw};`);
    case 'storage':
      return one(`storage ${d.name.name}: ${printType(d.type)};`);
    case 'struct':
      if (d.fields.length === 0) return one(`struct ${d.name.name} {}`);
      out.line(`struct ${d.name.name} {`, d.name.span.line);
      out.indented(() => siblings(out, d.fields, (f) => out.line(`${f.name.name}: ${printType(f.type)},`, f.span.endLine)));
      return out.line('}', d.span.endLine);
    case 'extern':
      out.line(`extern ${d.name.name} {`, d.name.span.line);
      out.indented(() => siblings(out, d.fns, (f) => out.line(printExternFn(f), f.span.endLine)));
      return out.line('}', d.span.endLine);
    case 'fn': {
      const ret = d.ret ? ` -> ${printType(d.ret)}` : '';
      return printBody(out, `${d.pub ? 'pub ' : ''}fn ${d.name.name}(${params(d.params)})${ret}`, d.body, d.name.span.line);
    }
  }
}

function printExternFn(f: ExternFn): string {
  const ret = f.ret ? ` -> ${printType(f.ret)}` : '';
  const grant = (g: Grant): string => (g.kind === 'caps' ? `caps = [${g.caps.map((c) => c.name).join(', ')}]` : `${g.kind} = ${printExpr(g.value)}`);
  const grants = f.grants.length > 0 ? ` with (${f.grants.map(grant).join(', ')})` : '';
  return `fn ${f.name.name}(${f.params.map((p) => `${p.name.name}: ${printType(p.type)}`).join(', ')})${ret}${grants};`;
}

function printItem(out: Out, item: Item): void {
  if (item.kind === 'block') printBlock(out, item);
  else printDecl(out, item);
}

/** The canonical text of a file. Pass the lexer's comments to keep them. */
export function printSource(ast: SourceFile, comments: readonly Comment[] = []): string {
  const out = new Out(comments);
  let first = true;
  for (const item of ast.items) {
    if (!first) out.blank();
    first = false;
    out.flush(item.span.offset);
    printItem(out, item);
  }
  return out.finish();
}

/**
 * `curve fmt`: the canonical text of a source, or only diagnostics when it does not parse cleanly
 * (a formatter must not rewrite what it could not read).
 */
export function formatSource(text: string, file: string): { text?: string; diagnostics: Diagnostic[] } {
  const parsed = parse(text, file);
  if (hasErrors(parsed.diagnostics)) return { diagnostics: parsed.diagnostics };
  return { text: printSource(parsed.ast, parsed.comments), diagnostics: parsed.diagnostics };
}
