/**
 * Cross-module calls (spec/curvescript.md §10.2, CS-CALL-*; spec/curvevm.md §8.4): `m[i].f(args)` lowers to
 * a dispatch over the venue's modules of m's kind — one `CALL` per module, each to an import naming that
 * module's content address — with explicit sub-grants of gas, pages and capabilities, and the status
 * handling the call form asks for (propagate, or an outcome record for `try`). Imports are created on
 * first use, in use order, one per (module, entry) (VM-VAL-IMPORT-001).
 */
import type { Expr, ExtCall, ExternDecl, ExternFn, SourceFile } from '../script/ast.ts';
import { CALL_CONSTS } from '../script/builtins.ts';
import { diagnostic } from '../script/diagnostics.ts';
import type { Span } from '../script/diagnostics.ts';
import { CAP, type CapabilityName } from '../vm/capabilities.ts';
import type { ValueType } from '../vm/module.ts';
import type { IrExpr, IrStmt } from './ir.ts';
import { wordTypes } from './layout.ts';
import { bin, c, local, select } from './lower-ops.ts';
import type { ModuleLowering } from './lower-module.ts';

/** One callee module instance as the caller's lowering sees it (compiled before the caller). */
export interface ExternModule {
  /** `slab:perp:SOL` */
  readonly name: string;
  /** VM-MOD-HASH: the 32-byte content address the import names. */
  readonly hash: Uint8Array;
  /** VM-MOD-ID: the module id (`m[i].id`, what SELF returns inside the callee). */
  readonly id: bigint;
  /** The callee's initial (= max) memory pages: the default page grant. */
  readonly pages: number;
  /** The callee's declared capabilities (bits): the default capability grant. */
  readonly caps: number;
  readonly entries: ReadonlyMap<string, { readonly params: readonly ValueType[]; readonly results: readonly ValueType[]; readonly gasBound: bigint }>;
}

/** The callee modules of each kind, in venue order (`slab[0]` is the first SLAB block). */
export type ExternTable = ReadonlyMap<string, readonly ExternModule[]>;

/** An import the lowering created: the IR's `CALL` names it. */
export interface ImportUse {
  readonly name: string;
  readonly module: Uint8Array;
  readonly moduleName: string;
  readonly entry: string;
  readonly params: number;
  readonly results: number;
}

/** One `CALL` site, for the capability and grant analyzers (CS-ANALYZE-CAPS, CS-ANALYZE-GRANT). */
export interface CallUse {
  readonly span: Span;
  /** The extern entry declaring the grants (grant diagnostics point here, once per callee). */
  readonly declSpan: Span;
  readonly callee: string;
  readonly caps: number;
  readonly pages: number;
  readonly calleePages: number;
}

/** What the lowering of one function offers a call site (FunctionLowering implements it). */
export interface CallSite {
  readonly m: ModuleLowering;
  temp(n?: number): number;
  emit(s: IrStmt): void;
  stabilize(e: IrExpr): IrExpr;
  seq<X>(items: readonly X[], f: (x: X) => IrExpr[]): IrExpr[][];
  expr(e: Expr): IrExpr[];
  buffer(f: () => void): IrStmt[];
}

const CALL_NO_MODULE = CALL_CONSTS.get('CALL_NO_MODULE') as bigint;
const CALL_REVERTED = CALL_CONSTS.get('CALL_REVERTED') as bigint;
const CALL_FAILED_BASE = CALL_CONSTS.get('CALL_FAILED_BASE') as bigint;

function externOf(site: CallSite, e: ExtCall): { ext: ExternDecl; fn: ExternFn } {
  const b = site.m.binding(e.entry);
  if (b.kind !== 'extern-fn') throw new Error(`internal: ${e.entry.name} is not an extern entry`);
  return b;
}

/** The grants of one call to module `x`: the declared ones, or the callee's own needs (CS-CALL-004). */
function grantsFor(site: CallSite, fn: ExternFn, x: ExternModule): { gas: bigint; pages: number; caps: number } {
  let gas = x.entries.get(fn.name.name)?.gasBound ?? 0n;
  let pages = x.pages;
  let caps = x.caps;
  for (const g of fn.grants) {
    if (g.kind === 'caps') caps = g.caps.reduce((bits, name) => bits | CAP[name.name as CapabilityName], 0);
    else if (g.kind === 'gas') gas = site.m.constOf(g.value);
    else pages = Number(site.m.constOf(g.value));
  }
  return { gas, pages, caps };
}

function words(m: ModuleLowering, t: Parameters<ModuleLowering['typeOf']>[0]): ValueType[] {
  return wordTypes(m.typeOf(t), m) ?? [];
}

/**
 * CS-ANALYZE-EXTERN (CS4008): every entry an extern declares exists in every module of its kind, with
 * exactly the declared argument and result words (VM-STORE-003 would refuse the link otherwise).
 */
export function checkExterns(m: ModuleLowering, ast: SourceFile): void {
  const show = (w: readonly ValueType[]): string => `(${w.join(' ')})`;
  for (const d of ast.items) {
    if (d.kind !== 'extern') continue;
    for (const fn of d.fns) {
      const params = fn.params.flatMap((p) => words(m, p.type));
      const results = fn.ret ? words(m, fn.ret) : [];
      for (const x of m.externs.get(d.name.name) ?? []) {
        const entry = x.entries.get(fn.name.name);
        if (entry === undefined) {
          m.diagnostics.push(diagnostic('CS4008', `${x.name} has no entry '${fn.name.name}'`, fn.span));
        } else if (show(entry.params) !== show(params) || show(entry.results) !== show(results)) {
          m.diagnostics.push(diagnostic('CS4008', `${x.name}.${fn.name.name} takes ${show(entry.params)} -> ${show(entry.results)}; the extern declares ${show(params)} -> ${show(results)}`, fn.span));
        }
      }
    }
  }
}

/**
 * CS-CALL-001: evaluate the index, then the arguments, left to right; dispatch on the index; a module
 * call leaves its result words, its code and its status in temporaries (VM-CALL-004). An index with no
 * module gives status CALL_NO_MODULE, code 0 and zero results.
 */
export function lowerExtCall(site: CallSite, e: ExtCall): IrExpr[] {
  const { ext, fn } = externOf(site, e);
  const modules = site.m.externs.get(ext.name.name) ?? [];
  const params = fn.params.flatMap((p) => words(site.m, p.type));
  const results = fn.ret ? words(site.m, fn.ret) : [];
  const [idxWords, ...argWords] = site.seq([e.index, ...e.args], (x) => site.expr(x));
  const index = site.stabilize((idxWords as IrExpr[])[0] as IrExpr);
  const args = argWords.flat().map((w) => site.stabilize(w));
  const n = results.length;
  const base = site.temp(n + 2);
  const slots = Array.from({ length: n + 2 }, (_, i) => base + i);
  const [codeSlot, statusSlot] = [base + n, base + n + 1];
  let dispatch: IrStmt[] = [
    ...slots.slice(0, n).map((slot): IrStmt => ({ k: 'set', slot, e: c(0n) })),
    { k: 'set', slot: codeSlot, e: c(0n) },
    { k: 'set', slot: statusSlot, e: c(CALL_NO_MODULE) },
  ];
  for (let j = modules.length - 1; j >= 0; j--) {
    const x = modules[j] as ExternModule;
    const g = grantsFor(site, fn, x);
    const name = site.m.importFor(x, fn.name.name, params.length, n);
    site.m.calls.push({ span: e.span, declSpan: fn.span, callee: x.name, caps: g.caps, pages: g.pages, calleePages: x.pages });
    const call: IrStmt = { k: 'xcall', import: name, args, gas: g.gas, pages: BigInt(g.pages), caps: BigInt(g.caps), slots };
    dispatch = [{ k: 'if', c: bin('EQ', index, c(BigInt(j))), then: [call], else: dispatch }];
  }
  dispatch.forEach((s) => site.emit(s));
  const status = local(statusSlot);
  const code = local(codeSlot);
  if (e.mode === 'try') return [status, code, ...slots.slice(0, n).map(local)];
  // CS-CALL-002: a failed callee reverts this call: with the stated code, else the callee's revert code,
  // else CALL_FAILED_BASE + its halt code (CALL_FAILED_BASE alone for CALL_NO_MODULE).
  const orElse = e.orElse ? site.m.binding(e.orElse) : null;
  const stated = orElse?.kind === 'global' && orElse.decl.kind === 'error' ? c(orElse.decl.code.value) : null;
  const revertCode = stated ?? select(bin('EQ', status, c(CALL_REVERTED)), code, bin('ADD', c(CALL_FAILED_BASE), code));
  site.emit({ k: 'if', c: bin('NE', status, c(0n)), then: [{ k: 'revert', code: revertCode }], else: [] });
  return slots.slice(0, n).map(local);
}

/** CS-EXTERN-004: `m.count` and `m[i].id` (0 when i names no module); null for any other field. */
export function externField(site: CallSite, e: Extract<Expr, { kind: 'field' }>): IrExpr[] | null {
  const kindOf = (x: Expr): string | null => {
    if (x.kind !== 'name') return null;
    const b = site.m.binding(x.name);
    return b.kind === 'global' && b.decl.kind === 'extern' ? b.decl.name.name : null;
  };
  const direct = kindOf(e.object);
  if (direct !== null) return [c(BigInt((site.m.externs.get(direct) ?? []).length))];
  if (e.object.kind !== 'index') return null;
  const kind = kindOf(e.object.object);
  if (kind === null) return null;
  const index = site.stabilize((site.expr(e.object.index)[0]) as IrExpr);
  const modules = site.m.externs.get(kind) ?? [];
  let id: IrExpr = c(0n);
  for (let j = modules.length - 1; j >= 0; j--) id = select(bin('EQ', index, c(BigInt(j))), c((modules[j] as ExternModule).id), id);
  return [id];
}
