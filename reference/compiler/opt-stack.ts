/**
 * CS-OPT-004 — values stay on the operand stack (spec/curvescript.md §10.4). A statement `t = e` right
 * before a statement `s` that reads `t`:
 *
 * - when `s` reads `t` once and the value is not read after `s`, `e` is evaluated where `s` reads `t`
 *   (no `LSET t` / `LGET t`);
 * - otherwise, when `s`'s first read of `t` comes first, `e` is evaluated there and kept in `t` with
 *   `LTEE t` (one instruction instead of `LSET t; LGET t`).
 *
 * `e` moves later, past the part of `s` evaluated before that read; that part must not write a slot `e`
 * reads, and when `e` can trap or has effects (loads, calls) it must have none itself (`isPure`), so the
 * same traps and effects happen in the same order. A read in an arm that may not run (`cond`) takes
 * only a pure `e`, and never a `tee`. The last pass: it makes the only writes inside expressions.
 */
import { isPure, type IrExpr, type IrFunction, type IrStmt } from './ir.ts';
import { children, liveBlock, readsOf, stmtExprs, teeWrites, withChildren, withStmtExprs } from './ir-walk.ts';

/** How many times a statement (nested blocks included) reads a slot. */
function countReads(s: IrStmt, slot: number): number {
  const inExpr = (e: IrExpr): number => (e.k === 'local' && e.slot === slot ? 1 : 0) + children(e).reduce((n, ch) => n + inExpr(ch), 0);
  let n = stmtExprs(s).reduce((m, e) => m + inExpr(e), 0);
  if (s.k === 'if') for (const t of [...s.then, ...s.else]) n += countReads(t, slot);
  if (s.k === 'for') {
    if (s.slot === slot || s.limitSlot === slot) n += 2; // read by the loop header
    for (const t of s.body) n += countReads(t, slot);
  }
  return n;
}

interface Walk {
  done: boolean;
  failed: boolean;
  /** Everything evaluated so far is pure. */
  prefixPure: boolean;
  /** Slots written (by tees) by what was evaluated so far. */
  readonly prefixWrites: Set<number>;
}

/**
 * Put `by` in place of the first read of `slot` in evaluation order, or fail (null) when `by` may not
 * be evaluated there.
 */
function substituteFirst(exprs: readonly IrExpr[], slot: number, by: IrExpr, conditionalOk: boolean): IrExpr[] | null {
  const byPure = isPure(by.k === 'tee' ? by.e : by);
  const byReads = readsOf(by);
  const w: Walk = { done: false, failed: false, prefixPure: true, prefixWrites: new Set() };
  const walk = (e: IrExpr, conditional: boolean): IrExpr => {
    if (w.done || w.failed) return e;
    if (e.k === 'local' && e.slot === slot) {
      const clash = w.prefixWrites.has(slot) || [...byReads].some((r) => w.prefixWrites.has(r));
      if ((byPure || w.prefixPure) && !clash && (!conditional || conditionalOk)) {
        w.done = true;
        return by;
      }
      w.failed = true;
      return e;
    }
    const cs = children(e);
    if (cs.length === 0) return e;
    const next = cs.map((ch, i) => {
      const r = walk(ch, conditional || (e.k === 'cond' && i > 0));
      if (!w.done && !w.failed) after(ch);
      return r;
    });
    return next.every((n, i) => n === cs[i]) ? e : withChildren(e, next);
  };
  const after = (e: IrExpr): void => {
    if (!isPure(e)) w.prefixPure = false;
    teeWrites(e, w.prefixWrites);
  };
  const out = exprs.map((e) => {
    const r = walk(e, false);
    if (!w.done && !w.failed) after(e);
    return r;
  });
  return w.done ? out : null;
}

/** Try to move `set` (slot = e) into the statement after it; null when it cannot. */
function merge(set: Extract<IrStmt, { k: 'set' }>, next: IrStmt, liveAfterNext: ReadonlySet<number>): IrStmt | null {
  const uses = countReads(next, set.slot);
  if (uses === 0) return null;
  const overwritten = (next.k === 'set' && next.slot === set.slot) || ((next.k === 'multi' || next.k === 'xcall') && next.slots.includes(set.slot));
  const deadAfter = !liveAfterNext.has(set.slot) || overwritten;
  const all = stmtExprs(next);
  // a loop writes its slot after `from` and before `to`: only `from` may take the value
  const own = next.k === 'for' ? all.slice(0, 1) : all;
  const inline = deadAfter && uses === 1;
  const by: IrExpr = inline ? set.e : { k: 'tee', slot: set.slot, e: set.e };
  const replaced = substituteFirst(own, set.slot, by, inline && isPure(set.e));
  if (replaced === null) return null;
  return withStmtExprs(next, next.k === 'for' ? [...replaced, ...all.slice(1)] : replaced);
}

function stackBlock(stmts: readonly IrStmt[], liveOut: ReadonlySet<number>): IrStmt[] {
  const outs: ReadonlySet<number>[] = [];
  const index = new Map(stmts.map((s, i) => [s, i]));
  liveBlock(stmts, liveOut, (s, out) => {
    const i = index.get(s);
    if (i !== undefined) outs[i] = out;
  });
  const list: IrStmt[] = stmts.map((s, i) => {
    const out = outs[i] ?? new Set<number>();
    if (s.k === 'if') return { ...s, then: stackBlock(s.then, out), else: stackBlock(s.else, out) };
    if (s.k === 'for') {
      const head = new Set([...out, s.slot, s.limitSlot]);
      for (;;) {
        const size = head.size;
        for (const x of liveBlock(s.body, head)) head.add(x);
        if (head.size === size) break;
      }
      return { ...s, body: stackBlock(s.body, head) };
    }
    return s;
  });
  const liveAfter = [...outs];
  for (let k = list.length - 2; k >= 0; k--) {
    const s = list[k] as IrStmt;
    if (s.k !== 'set') continue;
    const merged = merge(s, list[k + 1] as IrStmt, liveAfter[k + 1] ?? new Set());
    if (merged === null) continue;
    list.splice(k, 2, merged);
    liveAfter.splice(k, 2, liveAfter[k + 1] ?? new Set());
  }
  return list;
}

/** CS-OPT-004 on one function. */
export function keepOnStack(fn: IrFunction): IrFunction {
  return { ...fn, body: stackBlock(fn.body, new Set()) };
}
