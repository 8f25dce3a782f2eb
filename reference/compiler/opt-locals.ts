/**
 * Optimisation of local slots (spec/curvescript.md §10.4):
 *
 * - CS-OPT-003 — value reuse: a slot set to a constant or to a copy of another slot is replaced by that
 *   constant or slot where it is read, and an expression over locals and constants that a slot already
 *   holds (the same expression computed earlier on every path, none of its slots written since) is read
 *   from that slot instead of being computed again. Such expressions read no memory or storage and are
 *   deterministic, so the value is the same, and a trap it could raise would already have happened. The
 *   index address `base + i·stride` (bounds-checked, CS-LOWER-INDEX) of `pool[i].a` … `pool[i].b` is
 *   computed once per function while `i` is unchanged.
 * - CS-OPT-009 — known bounds: past `require(i < K)`, in the arm of an `if` where `i < K` (or `i ≥ K` is
 *   false), and in a loop over `i in from..K` whose body does not write `i`, `i < K'` for K' ≥ K is 1, so
 *   the bounds check of `pool[i]` (CS-LOWER-INDEX) folds away.
 * - CS-OPT-005 — dead stores: a `set` of a slot no path reads before it is written again goes; its
 *   expression stays (as a `drop`) when it can trap or has effects.
 */
import { isPure, type IrExpr, type IrFunction, type IrStmt } from './ir.ts';
import { children, liveBlock, mapExpr, readsOf, stmtExprs, withStmtExprs, writesOf } from './ir-walk.ts';

/** A key for an expression over locals and constants only (no loads, calls, syscalls or tees), else null. */
export function localKey(e: IrExpr): string | null {
  switch (e.k) {
    case 'const':
      return `#${e.v.toString(16)}`;
    case 'local':
      return `$${e.slot}`;
    case 'bin':
    case 'un':
    case 'muldiv':
    case 'select':
    case 'cond': {
      const parts: string[] = [];
      for (const ch of children(e)) {
        const k = localKey(ch);
        if (k === null) return null;
        parts.push(k);
      }
      const tag = e.k === 'bin' || e.k === 'un' ? e.op : e.k === 'muldiv' ? `MULDIV_${e.rounding}` : e.k;
      return `${tag}(${parts.join(',')})`;
    }
    default:
      return null;
  }
}

/** What is known at a point of the function: slots holding constants, copies, computed expressions. */
class Known {
  constructor(
    readonly consts = new Map<number, bigint>(),
    readonly copies = new Map<number, number>(),
    /** expression key → the slot holding its value, and the slots the expression reads */
    readonly exprs = new Map<string, { readonly slot: number; readonly reads: ReadonlySet<number> }>(),
    /** CS-OPT-009: slot → a bound its value is known to be below */
    readonly below = new Map<number, bigint>(),
  ) {}

  clone(): Known {
    return new Known(new Map(this.consts), new Map(this.copies), new Map(this.exprs), new Map(this.below));
  }

  /** CS-OPT-009: what holds when `c` is non-zero (`holds`) or zero: `slot < K`, `slot ≥ K`, `K > slot` … */
  assume(c: IrExpr, holds: boolean): void {
    if (c.k === 'un' && c.op === 'ISZERO') return this.assume(c.a, !holds);
    if (c.k !== 'bin' || c.a.k !== 'local' || c.b.k !== 'const') return;
    const slot = c.a.slot;
    const k = c.b.v;
    const bound = c.op === 'LT' && holds ? k : c.op === 'GE' && !holds ? k : c.op === 'LE' && holds ? k + 1n : c.op === 'GT' && !holds ? k + 1n : undefined;
    const was = this.below.get(slot);
    if (bound !== undefined && (was === undefined || bound < was)) this.below.set(slot, bound);
  }

  /** A slot is written: forget everything about or through it. */
  kill(slot: number): void {
    this.below.delete(slot);
    this.consts.delete(slot);
    this.copies.delete(slot);
    for (const [t, s] of this.copies) if (s === slot) this.copies.delete(t);
    for (const [k, v] of this.exprs) if (v.slot === slot || v.reads.has(slot)) this.exprs.delete(k);
  }

  killAll(slots: Iterable<number>): void {
    for (const s of slots) this.kill(s);
  }

  /** What holds on both incoming paths. */
  static meet(a: Known, b: Known): Known {
    const r = new Known();
    for (const [s, v] of a.consts) if (b.consts.get(s) === v) r.consts.set(s, v);
    for (const [t, s] of a.copies) if (b.copies.get(t) === s) r.copies.set(t, s);
    for (const [k, v] of a.exprs) if (b.exprs.get(k)?.slot === v.slot) r.exprs.set(k, v);
    for (const [s, v] of a.below) {
      const w = b.below.get(s);
      if (w !== undefined) r.below.set(s, v > w ? v : w);
    }
    return r;
  }

  /** Rewrite an expression with what is known (CS-OPT-003). */
  rewrite(e: IrExpr): IrExpr {
    return mapExpr(e, (x) => {
      if (x.k === 'local') {
        const v = this.consts.get(x.slot);
        if (v !== undefined) return { k: 'const', v };
        const s = this.copies.get(x.slot);
        return s === undefined ? x : { k: 'local', slot: s };
      }
      if (x.k === 'const') return x;
      // CS-OPT-009: `slot < K` is 1 when the slot is known to be below K
      if (x.k === 'bin' && x.op === 'LT' && x.a.k === 'local' && x.b.k === 'const') {
        const bound = this.below.get(x.a.slot);
        if (bound !== undefined && bound <= x.b.v) return { k: 'const', v: 1n };
      }
      const held = this.held(x);
      if (held !== undefined) return held;
      const inner = mapExpr(x, (y) => (y === x ? undefined : this.rewrite(y)));
      return this.held(inner) ?? inner;
    });
  }

  private held(e: IrExpr): IrExpr | undefined {
    const key = localKey(e);
    const h = key === null ? undefined : this.exprs.get(key);
    return h === undefined ? undefined : { k: 'local', slot: h.slot };
  }

  /** Record `slot = e` (e already rewritten), after the slot was killed. */
  record(slot: number, e: IrExpr): void {
    if (e.k === 'const') this.consts.set(slot, e.v);
    else if (e.k === 'local') {
      if (e.slot !== slot) this.copies.set(slot, e.slot);
    } else {
      const key = localKey(e);
      const reads = readsOf(e);
      if (key !== null && !reads.has(slot) && !this.exprs.has(key)) this.exprs.set(key, { slot, reads });
    }
  }
}

/** CS-OPT-003 over a block; `known` is updated to what holds after it (unless it terminates). */
function reuseBlock(stmts: readonly IrStmt[], known: Known): { stmts: IrStmt[]; known: Known; ends: boolean } {
  const out: IrStmt[] = [];
  let k = known;
  for (const s of stmts) {
    const r = reuseStmt(s, k);
    out.push(r.stmt);
    k = r.known;
    if (r.ends) return { stmts: out, known: k, ends: true };
  }
  return { stmts: out, known: k, ends: false };
}

function reuseStmt(s: IrStmt, known: Known): { stmt: IrStmt; known: Known; ends: boolean } {
  switch (s.k) {
    case 'set': {
      const e = known.rewrite(s.e);
      known.kill(s.slot);
      known.record(s.slot, e);
      return { stmt: { ...s, e }, known, ends: false };
    }
    case 'if': {
      const c = known.rewrite(s.c);
      const thenKnown = known.clone();
      const elseKnown = known.clone();
      thenKnown.assume(c, true);
      elseKnown.assume(c, false);
      const a = reuseBlock(s.then, thenKnown);
      const b = reuseBlock(s.else, elseKnown);
      const after = a.ends ? b.known : b.ends ? a.known : Known.meet(a.known, b.known);
      return { stmt: { ...s, c, then: a.stmts, else: b.stmts }, known: after, ends: a.ends && b.ends };
    }
    case 'for': {
      const from = known.rewrite(s.from);
      known.kill(s.slot);
      const to = known.rewrite(s.to);
      known.kill(s.limitSlot);
      // the loop header is reached again after any iteration: forget what the body writes
      const written = new Set<number>();
      for (const t of s.body) writesOf(t, written);
      known.killAll(written);
      const inBody = known.clone();
      if (!written.has(s.slot) && to.k === 'const') inBody.below.set(s.slot, to.v); // CS-OPT-009: from ≤ slot < to
      const body = reuseBlock(s.body, inBody);
      return { stmt: { ...s, from, to, body: body.stmts }, known, ends: false };
    }
    default: {
      const stmt = withStmtExprs(s, stmtExprs(s).map((e) => known.rewrite(e)));
      known.killAll(writesOf(stmt));
      if (stmt.k === 'require') known.assume(stmt.c, true); // past it, its condition holds
      return { stmt, known, ends: s.k === 'return' || s.k === 'revert' || s.k === 'trap' };
    }
  }
}

/** CS-OPT-005 over a block with the slots live after it. */
function deadStores(stmts: readonly IrStmt[], liveOut: ReadonlySet<number>): IrStmt[] {
  // the live-out of each statement of this block (nested blocks are handled when recursing)
  const outs = new Map<IrStmt, ReadonlySet<number>>();
  const mine = new Set(stmts);
  liveBlock(stmts, liveOut, (s, out) => {
    if (mine.has(s)) outs.set(s, out);
  });
  const result: IrStmt[] = [];
  for (const s of stmts) {
    const out = outs.get(s) ?? new Set<number>();
    switch (s.k) {
      case 'set':
        if (out.has(s.slot)) result.push(s);
        else if (!isPure(s.e)) result.push({ k: 'drop', e: s.e, results: 1 });
        break;
      case 'if':
        result.push({ ...s, then: deadStores(s.then, out), else: deadStores(s.else, out) });
        break;
      case 'for': {
        // what is live at the body's end: the loop header's live set (a fixpoint) and the slot
        const bodyOut = new Set([...out, s.slot, s.limitSlot]);
        for (;;) {
          const bodyIn = liveBlock(s.body, bodyOut);
          const size = bodyOut.size;
          for (const x of bodyIn) bodyOut.add(x);
          if (bodyOut.size === size) break;
        }
        result.push({ ...s, body: deadStores(s.body, bodyOut) });
        break;
      }
      default:
        result.push(s);
    }
  }
  return result;
}

/** CS-OPT-003 then CS-OPT-005 on one function. */
export function optimizeLocals(fn: IrFunction): IrFunction {
  const reused = reuseBlock(fn.body, new Known()).stmts;
  return { ...fn, body: deadStores(reused, new Set()) };
}
