/**
 * CS-FMT-001: parse(print(tree)) equals the tree modulo spans, for generated venue scripts and template
 * modules (fast-check); CS-FMT-002: printing is idempotent on real files, comments kept.
 */
import test from 'ava';
import fc from 'fast-check';
import type { Arbitrary as Arb } from 'fast-check';
import type {
  Arg, BinaryOp, Block, BlockStmt, Decl, Directive, Expr, Ident, IfStmt, Item, Param, SourceFile, Stmt, TypeExpr, Value,
} from '../../reference/script/ast.ts';
import { BLOCK_KINDS } from '../../reference/script/ast.ts';
import type { Span } from '../../reference/script/diagnostics.ts';
import { formatSource, printSource } from '../../reference/script/printer.ts';
import { parse } from '../../reference/script/parser.ts';
import { U128_MAX } from '../../reference/lib/u128.ts';
import { readRepoFile, stripSpans } from './helpers.ts';

const S: Span = { file: 'gen', line: 1, col: 1, endLine: 1, endCol: 1, offset: 0, length: 0 };
const NAMES = ['a', 'b', 'x', 'qty', 'price', 'Order', 'imr_bps', 'E_ZERO', 'cfg', '_tmp', 'T1', 'DLP'] as const;
const TYPE_NAMES = ['u64', 'u128', 'i128', 'bool', 'bytes32', 'address', 'Order'] as const;
const DIRECTIVE_NAMES = ['RISK', 'FEE', 'BATCH', 'MAKER_CLASS', 'X_1', 'cap'] as const;
const BINARY_OPS: readonly BinaryOp[] = ['||', '&&', '==', '!=', '<', '<=', '>', '>=', '|', '^', '&', '<<', '>>', '+', '-', '*', '/', '%'];

const ident: Arb<Ident> = fc.constantFrom(...NAMES).map((name) => ({ kind: 'ident', name, span: S }));
const intLit = fc.oneof(
  fc.bigInt({ min: 0n, max: U128_MAX }).map((v) => ({ value: v, raw: v.toString() })),
  fc.bigInt({ min: 0n, max: 0xffff_ffffn }).map((v) => ({ value: v, raw: '0x' + v.toString(16) })),
  fc.constant({ value: 1_000_000n, raw: '1_000_000' }),
);

const { expr, type } = fc.letrec<{ expr: Expr; type: TypeExpr }>((tie) => ({
  expr: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'expr' },
    intLit.map(({ value, raw }): Expr => ({ kind: 'int', value, raw, span: S })),
    fc.boolean().map((value): Expr => ({ kind: 'bool', value, span: S })),
    ident.map((name): Expr => ({ kind: 'name', name, span: S })),
    fc.record({ op: fc.constantFrom('-' as const, '!' as const), operand: tie('expr') }).map((r): Expr => ({ kind: 'unary', ...r, span: S })),
    fc.record({ op: fc.constantFrom(...BINARY_OPS), left: tie('expr'), right: tie('expr') }).map((r): Expr => ({ kind: 'binary', ...r, span: S })),
    fc.record({ expr: tie('expr'), type: tie('type') }).map((r): Expr => ({ kind: 'cast', ...r, span: S })),
    fc.record({ callee: ident, args: fc.array(tie('expr'), { maxLength: 3 }) }).map((r): Expr => ({ kind: 'call', ...r, span: S })),
    fc.record({ object: tie('expr'), field: ident }).map((r): Expr => ({ kind: 'field', ...r, span: S })),
    fc.record({ object: tie('expr'), index: tie('expr') }).map((r): Expr => ({ kind: 'index', ...r, span: S })),
    fc.array(tie('expr'), { maxLength: 3 }).map((items): Expr => ({ kind: 'array', items, span: S })),
    fc.record({ item: tie('expr'), count: tie('expr') }).map((r): Expr => ({ kind: 'repeat', ...r, span: S })),
    fc
      .record({ name: ident, fields: fc.array(fc.record({ name: ident, value: tie('expr') }), { maxLength: 2 }) })
      .map((r): Expr => ({ kind: 'struct', name: r.name, fields: r.fields.map((f) => ({ ...f, span: S })), span: S })),
    // CS-GRAM-022: cross-module calls, propagating (with or without else) and try
    fc
      .record({ module: ident, index: tie('expr'), entry: ident, args: fc.array(tie('expr'), { maxLength: 2 }), orElse: fc.option(ident, { nil: null }), tried: fc.boolean() })
      .map((r): Expr => ({ kind: 'extcall', mode: r.tried && r.orElse === null ? 'try' : 'propagate', module: r.module, index: r.index, entry: r.entry, args: r.args, orElse: r.orElse, span: S })),
  ),
  type: fc.oneof(
    { maxDepth: 2, depthIdentifier: 'type' },
    fc.constantFrom(...TYPE_NAMES).map((name): TypeExpr => ({ kind: 'named', name: { kind: 'ident', name, span: S }, span: S })),
    fc.record({ elem: tie('type'), len: tie('expr') }).map((r): TypeExpr => ({ kind: 'array', ...r, span: S })),
  ),
}));

const param: Arb<Param> = fc.record({ name: ident, type }).map((p) => ({ ...p, span: S }));

const { stmt, body } = fc.letrec<{ stmt: Stmt; body: BlockStmt; ifStmt: IfStmt }>((tie) => ({
  body: fc.array(tie('stmt'), { maxLength: 3 }).map((stmts): BlockStmt => ({ kind: 'body', stmts, span: S })),
  ifStmt: fc
    .record({ cond: expr, then: tie('body'), else: fc.oneof({ maxDepth: 2, depthIdentifier: 'else' }, fc.constant(null), tie('body'), tie('ifStmt')) })
    .map((r): IfStmt => ({ kind: 'if', ...r, span: S })),
  stmt: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'stmt' },
    fc.record({ mutable: fc.boolean(), name: ident, type: fc.option(type, { nil: null }), init: expr }).map((r): Stmt => ({ kind: 'let', ...r, span: S })),
    fc.record({ op: fc.constantFrom('=' as const, '+=' as const, '-=' as const, '*=' as const), target: expr, value: expr }).map((r): Stmt => ({ kind: 'assign', ...r, span: S })),
    expr.map((e): Stmt => ({ kind: 'expr', expr: e, span: S })),
    fc.record({ cond: expr, code: ident }).map((r): Stmt => ({ kind: 'require', ...r, span: S })),
    fc.record({ event: ident, args: fc.array(expr, { maxLength: 3 }) }).map((r): Stmt => ({ kind: 'emit', ...r, span: S })),
    fc.option(expr, { nil: null }).map((value): Stmt => ({ kind: 'return', value, span: S })),
    fc.record({ var: ident, from: expr, to: expr, body: tie('body') }).map((r): Stmt => ({ kind: 'for', ...r, span: S })),
    tie('ifStmt'),
  ),
}));

void stmt;

const decl: Arb<Decl> = fc.oneof(
  fc.record({ name: ident, type, value: expr }).map((r): Decl => ({ kind: 'const', ...r, span: S })),
  fc.record({ name: ident, fields: fc.array(param, { maxLength: 3 }) }).map((r): Decl => ({ kind: 'struct', ...r, span: S })),
  fc.record({ name: ident, params: fc.array(param, { maxLength: 3 }) }).map((r): Decl => ({ kind: 'event', ...r, span: S })),
  fc.record({ name: ident, code: intLit }).map((r): Decl => ({ kind: 'error', name: r.name, code: { kind: 'int', ...r.code, span: S }, span: S })),
  fc.record({ name: ident, type }).map((r): Decl => ({ kind: 'storage', ...r, span: S })),
  fc
    .record({ pub: fc.boolean(), name: ident, params: fc.array(param, { maxLength: 3 }), ret: fc.option(type, { nil: null }), body })
    .map((r): Decl => ({ kind: 'fn', ...r, span: S })),
  // CS-GRAM-023: extern blocks with grants
  fc
    .record({ name: ident, fns: fc.array(fc.record({ name: ident, params: fc.array(param, { maxLength: 2 }), ret: fc.option(type, { nil: null }), gas: fc.option(expr, { nil: null }), caps: fc.option(fc.array(fc.constantFrom('cap.debit', 'log.emit', 'call'), { maxLength: 2 }), { nil: null }) }), { maxLength: 2 }) })
    .map((r): Decl => ({
      kind: 'extern',
      name: r.name,
      fns: r.fns.map((f) => ({
        name: f.name, params: f.params, ret: f.ret,
        grants: [
          ...(f.gas ? [{ kind: 'gas' as const, key: { kind: 'ident' as const, name: 'gas', span: S }, value: f.gas, span: S }] : []),
          ...(f.caps ? [{ kind: 'caps' as const, key: { kind: 'ident' as const, name: 'caps', span: S }, caps: f.caps.map((name) => ({ kind: 'ident' as const, name, span: S })), span: S }] : []),
        ],
        span: S,
      })),
      span: S,
    })),
);

const value: Arb<Value> = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 2, depthIdentifier: 'value' },
    fc.bigInt({ min: -(1n << 64n), max: U128_MAX }).map((v): Value => ({ kind: 'int', value: v, raw: v.toString(), span: S })),
    fc.boolean().map((v): Value => ({ kind: 'bool', value: v, span: S })),
    fc.string({ unit: 'binary', maxLength: 12 }).map((v): Value => ({ kind: 'string', value: v, span: S })),
    fc.constantFrom(...NAMES).map((name): Value => ({ kind: 'ident', name, span: S })),
    fc.array(tie('value'), { maxLength: 3 }).map((items): Value => ({ kind: 'list', items, span: S })),
  ),
})).value;

const arg: Arb<Arg> = fc.record({ key: fc.option(ident, { nil: null }), value }).map((r) => ({ kind: 'arg', ...r, span: S }));
const directive: Arb<Directive> = fc
  .record({ name: fc.constantFrom(...DIRECTIVE_NAMES), args: fc.array(arg, { maxLength: 4 }) })
  .map((r) => ({ kind: 'directive', name: { kind: 'ident', name: r.name, span: S }, args: r.args, span: S }));
const block: Arb<Block> = fc
  .record({ blockKind: fc.constantFrom(...BLOCK_KINDS), name: fc.string({ unit: 'binary', maxLength: 16 }), unnamed: fc.boolean(), directives: fc.array(directive, { maxLength: 4 }) })
  .map((r) => ({
    kind: 'block',
    blockKind: r.blockKind,
    name: r.unnamed && r.blockKind === 'ROUTER' ? null : { value: r.name, span: S },
    directives: r.directives,
    head: S,
    span: S,
  }));

const file = (items: readonly Item[]): SourceFile => ({ kind: 'file', file: 'gen', items, span: S });
const venueFile = fc.array(block, { minLength: 1, maxLength: 4 }).map(file);
const templateFile = fc
  .record({ header: fc.option(fc.constantFrom('router', 'slab', 'oracle'), { nil: null }), decls: fc.array(decl, { maxLength: 4 }) })
  .map(({ header, decls }) => file([...(header ? [{ kind: 'template' as const, target: { kind: 'ident' as const, name: header, span: S }, span: S }] : []), ...decls]));

function roundTrips(ast: SourceFile): void {
  const text = printSource(ast);
  const again = parse(text, 'gen');
  if (again.diagnostics.length > 0) throw new Error(`printed text does not parse:\n${text}\n${again.diagnostics.map((d) => d.message).join('\n')}`);
  const a = JSON.stringify(stripSpans(ast), (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  const b = JSON.stringify(stripSpans({ ...again.ast, file: 'gen' }), (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  if (a !== b) throw new Error(`round trip changed the tree:\n${text}\n${a}\n${b}`);
  if (printSource(again.ast) !== text) throw new Error(`printing is not idempotent:\n${text}`);
}

test('CS-FMT-001: venue scripts: parse(print(ast)) equals ast modulo spans', (t) => {
  fc.assert(fc.property(venueFile, roundTrips), { numRuns: 800 });
  t.pass();
});

test('CS-FMT-001: template modules: parse(print(ast)) equals ast modulo spans (precedence, struct literals in conditions)', (t) => {
  fc.assert(fc.property(templateFile, roundTrips), { numRuns: 800 });
  t.pass();
});

for (const path of ['examples/perp.curve', 'reference/script/examples/guarded_debit.curve']) {
  test(`CS-FMT-002: formatting ${path} is idempotent and keeps every comment`, (t) => {
    const text = readRepoFile(path);
    const once = formatSource(text, path).text ?? '';
    t.is(formatSource(once, path).text, once);
    const comments = (s: string): string[] => s.split('\n').flatMap((l) => /(#|\/\/).*$/.exec(l)?.[0] ?? []);
    t.deepEqual(comments(once), comments(text));
    t.deepEqual(stripSpans(parse(once, path).ast), stripSpans(parse(text, path).ast));
  });
}

test('CS-FMT-002: fmt keeps one blank line where the source had several, and refuses text that does not parse', (t) => {
  t.is(formatSource('ORACLE "pyth:A" {\n  HEARTBEAT ms=1\n\n\n  FAILOVER feeds=[]   # x\n}\n\n\nCAP "c" {}', 'f').text, 'ORACLE "pyth:A" {\n  HEARTBEAT ms=1\n\n  FAILOVER feeds=[] # x\n}\n\nCAP "c" {\n}\n');
  const bad = formatSource('ROUTER { X a=1+2 }', 'f');
  t.is(bad.text, undefined);
  t.deepEqual(bad.diagnostics.map((d) => d.code), ['CS1013']);
});
