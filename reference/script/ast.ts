/**
 * The CurveScript syntax tree (spec/curvescript.md §3). Plain data: every node has a `kind` tag and a
 * `span`; two trees are equal modulo spans when they print the same (the parse → print → parse property).
 * A parse error leaves an `error` node (expression) or drops the broken piece, so later phases can run
 * over whatever parsed.
 */
import type { Span } from './diagnostics.ts';

export interface Ident {
  readonly kind: 'ident';
  readonly name: string;
  readonly span: Span;
}

// ── venue layer (CS-GRAM-010…) ──────────────────────────────────────────────────────────────────────

export const BLOCK_KINDS = ['ROUTER', 'SLAB', 'ORACLE', 'CAP'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

export type Value =
  | { readonly kind: 'int'; readonly value: bigint; readonly raw: string; readonly span: Span }
  | { readonly kind: 'bool'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'ident'; readonly name: string; readonly span: Span }
  | { readonly kind: 'list'; readonly items: readonly Value[]; readonly span: Span };

export interface Arg {
  readonly kind: 'arg';
  /** null for a positional value (`MAKER_CLASS DLP …`). */
  readonly key: Ident | null;
  readonly value: Value;
  readonly span: Span;
}

export interface Directive {
  readonly kind: 'directive';
  readonly name: Ident;
  readonly args: readonly Arg[];
  readonly span: Span;
}

export interface Block {
  readonly kind: 'block';
  readonly blockKind: BlockKind;
  /** The quoted name; null for a ROUTER written without one. */
  readonly name: { readonly value: string; readonly span: Span } | null;
  readonly directives: readonly Directive[];
  /** The block keyword: where diagnostics about the whole block point. */
  readonly head: Span;
  readonly span: Span;
}

// ── function sublanguage (CS-GRAM-020…) ─────────────────────────────────────────────────────────────

export type TypeExpr =
  | { readonly kind: 'named'; readonly name: Ident; readonly span: Span }
  | { readonly kind: 'array'; readonly elem: TypeExpr; readonly len: Expr; readonly span: Span };

export type BinaryOp =
  | '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '|' | '^' | '&' | '<<' | '>>' | '+' | '-' | '*' | '/' | '%';
export type UnaryOp = '-' | '!';
export type AssignOp = '=' | '+=' | '-=' | '*=';

export type Expr =
  | { readonly kind: 'int'; readonly value: bigint; readonly raw: string; readonly span: Span }
  | { readonly kind: 'bool'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'name'; readonly name: Ident; readonly span: Span }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: Expr; readonly span: Span }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: 'cast'; readonly expr: Expr; readonly type: TypeExpr; readonly span: Span }
  | { readonly kind: 'call'; readonly callee: Ident; readonly args: readonly Expr[]; readonly span: Span }
  | { readonly kind: 'field'; readonly object: Expr; readonly field: Ident; readonly span: Span }
  | { readonly kind: 'index'; readonly object: Expr; readonly index: Expr; readonly span: Span }
  | { readonly kind: 'array'; readonly items: readonly Expr[]; readonly span: Span }
  | { readonly kind: 'repeat'; readonly item: Expr; readonly count: Expr; readonly span: Span }
  | { readonly kind: 'struct'; readonly name: Ident; readonly fields: readonly FieldInit[]; readonly span: Span }
  /**
   * CS-GRAM-022: a cross-module call `module[index].entry(args)` of an entry an `extern` declares.
   * `propagate`: a failed callee reverts this call (with `orElse` when given, CS-CALL-002); `try`: the
   * call yields an outcome record the template branches on (CS-CALL-003).
   */
  | {
      readonly kind: 'extcall';
      readonly mode: 'propagate' | 'try';
      readonly module: Ident;
      readonly index: Expr;
      readonly entry: Ident;
      readonly args: readonly Expr[];
      readonly orElse: Ident | null;
      readonly span: Span;
    }
  | { readonly kind: 'error'; readonly span: Span };

export interface FieldInit {
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface Param {
  readonly name: Ident;
  readonly type: TypeExpr;
  readonly span: Span;
}

export interface BlockStmt {
  readonly kind: 'body';
  readonly stmts: readonly Stmt[];
  readonly span: Span;
}

export type Stmt =
  | { readonly kind: 'let'; readonly mutable: boolean; readonly name: Ident; readonly type: TypeExpr | null; readonly init: Expr; readonly span: Span }
  | { readonly kind: 'assign'; readonly op: AssignOp; readonly target: Expr; readonly value: Expr; readonly span: Span }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly span: Span }
  | { readonly kind: 'if'; readonly cond: Expr; readonly then: BlockStmt; readonly else: BlockStmt | Extract<Stmt, { kind: 'if' }> | null; readonly span: Span }
  | { readonly kind: 'for'; readonly var: Ident; readonly from: Expr; readonly to: Expr; readonly body: BlockStmt; readonly span: Span }
  | { readonly kind: 'require'; readonly cond: Expr; readonly code: Ident; readonly span: Span }
  | { readonly kind: 'emit'; readonly event: Ident; readonly args: readonly Expr[]; readonly span: Span }
  | { readonly kind: 'return'; readonly value: Expr | null; readonly span: Span };

export type IfStmt = Extract<Stmt, { kind: 'if' }>;

export type Decl =
  | { readonly kind: 'template'; readonly target: Ident; readonly span: Span }
  | { readonly kind: 'const'; readonly name: Ident; readonly type: TypeExpr; readonly value: Expr; readonly span: Span }
  | { readonly kind: 'struct'; readonly name: Ident; readonly fields: readonly Param[]; readonly span: Span }
  | { readonly kind: 'event'; readonly name: Ident; readonly params: readonly Param[]; readonly span: Span }
  | { readonly kind: 'error'; readonly name: Ident; readonly code: Extract<Expr, { kind: 'int' }>; readonly span: Span }
  | { readonly kind: 'storage'; readonly name: Ident; readonly type: TypeExpr; readonly span: Span }
  /** CS-GRAM-023: `extern slab { fn reserve(…) -> R with (gas = …); … }` — the modules of a venue block kind. */
  | { readonly kind: 'extern'; readonly name: Ident; readonly fns: readonly ExternFn[]; readonly span: Span }
  | {
      readonly kind: 'fn';
      readonly pub: boolean;
      readonly name: Ident;
      readonly params: readonly Param[];
      readonly ret: TypeExpr | null;
      readonly body: BlockStmt;
      readonly span: Span;
    };

export type FnDecl = Extract<Decl, { kind: 'fn' }>;
export type ExternDecl = Extract<Decl, { kind: 'extern' }>;
export type ExtCall = Extract<Expr, { kind: 'extcall' }>;

/** CS-GRAM-023: one sub-grant of an extern entry: `gas = e`, `pages = e` or `caps = [cap.debit, …]`. */
export type Grant =
  | { readonly kind: 'gas' | 'pages'; readonly key: Ident; readonly value: Expr; readonly span: Span }
  | { readonly kind: 'caps'; readonly key: Ident; readonly caps: readonly Ident[]; readonly span: Span };

/** One entry point of another template, as the caller sees it (CS-GRAM-023). */
export interface ExternFn {
  readonly name: Ident;
  readonly params: readonly Param[];
  readonly ret: TypeExpr | null;
  readonly grants: readonly Grant[];
  readonly span: Span;
}

export type Item = Block | Decl;

export interface SourceFile {
  readonly kind: 'file';
  readonly file: string;
  readonly items: readonly Item[];
  readonly span: Span;
}
