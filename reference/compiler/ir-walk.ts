/**
 * Walking the IR (spec/curvescript.md §10.4, the CS-OPT-* passes): the expressions of a statement in the
 * order codegen.ts evaluates them, the local slots an expression reads or a statement writes, and
 * liveness of local slots over the structured IR (if arms, loops with their back edge). The passes in
 * opt-locals.ts and opt-stack.ts are built on these.
 */
import { stmtTerminates, type IrExpr, type IrStmt } from './ir.ts';

/** The children of an expression in evaluation order (codegen.ts): `select` evaluates a, b, then c. */
export function children(e: IrExpr): readonly IrExpr[] {
  switch (e.k) {
    case 'const':
    case 'local':
      return [];
    case 'bin':
      return [e.a, e.b];
    case 'un':
      return [e.a];
    case 'muldiv':
      return [e.a, e.b, e.d];
    case 'select':
      return [e.a, e.b, e.c];
    case 'cond':
      return [e.c, e.a, e.b];
    case 'call':
    case 'sys':
      return e.args;
    case 'sload':
      return [e.off];
    case 'mload':
      return [e.addr];
    case 'tee':
      return [e.e];
  }
}

/** Rebuild an expression with new children (same order as `children`). */
export function withChildren(e: IrExpr, xs: readonly IrExpr[]): IrExpr {
  const x = (i: number): IrExpr => xs[i] as IrExpr;
  switch (e.k) {
    case 'const':
    case 'local':
      return e;
    case 'bin':
      return { ...e, a: x(0), b: x(1) };
    case 'un':
      return { ...e, a: x(0) };
    case 'muldiv':
      return { ...e, a: x(0), b: x(1), d: x(2) };
    case 'select':
      return { ...e, a: x(0), b: x(1), c: x(2) };
    case 'cond':
      return { ...e, c: x(0), a: x(1), b: x(2) };
    case 'call':
    case 'sys':
      return { ...e, args: xs } as IrExpr;
    case 'sload':
      return { ...e, off: x(0) };
    case 'mload':
      return { ...e, addr: x(0) };
    case 'tee':
      return { ...e, e: x(0) };
  }
}

/** Rewrite an expression top-down: `f` returns a replacement, or undefined to rewrite the children. */
export function mapExpr(e: IrExpr, f: (e: IrExpr) => IrExpr | undefined): IrExpr {
  const r = f(e);
  if (r !== undefined) return r;
  const cs = children(e);
  if (cs.length === 0) return e;
  const next = cs.map((ch) => mapExpr(ch, f));
  return next.every((n, i) => n === cs[i]) ? e : withChildren(e, next);
}

/** The slots an expression reads (a `tee`'s own slot is written, not read). */
export function readsOf(e: IrExpr, into: Set<number> = new Set()): Set<number> {
  if (e.k === 'local') into.add(e.slot);
  for (const ch of children(e)) readsOf(ch, into);
  return into;
}

/** The slots a `tee` inside an expression writes. */
export function teeWrites(e: IrExpr, into: Set<number> = new Set()): Set<number> {
  if (e.k === 'tee') into.add(e.slot);
  for (const ch of children(e)) teeWrites(ch, into);
  return into;
}

/**
 * The statement's own expressions in evaluation order (not those of nested blocks). A `for` evaluates
 * `from`, writes its slot, then evaluates `to`.
 */
export function stmtExprs(s: IrStmt): readonly IrExpr[] {
  switch (s.k) {
    case 'set':
    case 'drop':
      return [s.e];
    case 'multi':
      return [s.src];
    case 'if':
    case 'require':
      return [s.c];
    case 'for':
      return [s.from, s.to];
    case 'revert':
      return [s.code];
    case 'return':
      return s.values;
    case 'sstore':
      return [s.off, s.v];
    case 'mstore':
      return [s.addr, s.v];
    case 'log':
      return [s.ptr, s.len, ...s.topics];
    case 'hash':
      return [s.ptr, s.len, s.out];
    case 'trap':
      return [];
    case 'xcall':
      return s.args;
  }
}

/** Rebuild a statement with new own expressions (same order as `stmtExprs`); nested blocks are kept. */
export function withStmtExprs(s: IrStmt, xs: readonly IrExpr[]): IrStmt {
  const x = (i: number): IrExpr => xs[i] as IrExpr;
  switch (s.k) {
    case 'set':
    case 'drop':
      return { ...s, e: x(0) };
    case 'multi':
      return { ...s, src: x(0) as typeof s.src };
    case 'if':
    case 'require':
      return { ...s, c: x(0) };
    case 'for':
      return { ...s, from: x(0), to: x(1) };
    case 'revert':
      return { ...s, code: x(0) };
    case 'return':
      return { ...s, values: xs };
    case 'sstore':
      return { ...s, off: x(0), v: x(1) };
    case 'mstore':
      return { ...s, addr: x(0), v: x(1) };
    case 'log':
      return { ...s, ptr: x(0), len: x(1), topics: xs.slice(2) };
    case 'hash':
      return { ...s, ptr: x(0), len: x(1), out: x(2) };
    case 'trap':
      return s;
    case 'xcall':
      return { ...s, args: xs };
  }
}

/** Every slot a statement may write, nested blocks included. */
export function writesOf(s: IrStmt, into: Set<number> = new Set()): Set<number> {
  for (const e of stmtExprs(s)) teeWrites(e, into);
  switch (s.k) {
    case 'set':
      into.add(s.slot);
      break;
    case 'multi':
    case 'xcall':
      for (const x of s.slots) into.add(x);
      break;
    case 'if':
      for (const t of [...s.then, ...s.else]) writesOf(t, into);
      break;
    case 'for':
      into.add(s.slot).add(s.limitSlot);
      for (const t of s.body) writesOf(t, into);
      break;
    default:
      break;
  }
  return into;
}

/** Every slot a statement reads, nested blocks included. */
export function stmtReads(s: IrStmt, into: Set<number> = new Set()): Set<number> {
  for (const e of stmtExprs(s)) readsOf(e, into);
  if (s.k === 'if') for (const t of [...s.then, ...s.else]) stmtReads(t, into);
  if (s.k === 'for') {
    into.add(s.slot).add(s.limitSlot);
    for (const t of s.body) stmtReads(t, into);
  }
  return into;
}

/**
 * Liveness: `visit` sees each statement of a block (nested ones too) with the slots live after it,
 * before the block's earlier statements; returns the slots live at the block's start. A terminator's
 * live-out is empty; a loop's body is analysed to a fixpoint over its back edge.
 */
export function liveBlock(stmts: readonly IrStmt[], liveOut: ReadonlySet<number>, visit?: (s: IrStmt, out: ReadonlySet<number>) => void): Set<number> {
  let live = new Set(liveOut);
  for (let k = stmts.length - 1; k >= 0; k--) live = liveStmt(stmts[k] as IrStmt, live, visit);
  return live;
}

export function liveStmt(s: IrStmt, liveOut: ReadonlySet<number>, visit?: (s: IrStmt, out: ReadonlySet<number>) => void): Set<number> {
  const out: ReadonlySet<number> = stmtTerminates(s) && s.k !== 'if' ? new Set() : liveOut;
  visit?.(s, out);
  const live = new Set(out);
  const own = (): void => {
    for (const e of stmtExprs(s)) readsOf(e, live);
  };
  switch (s.k) {
    case 'set':
      live.delete(s.slot);
      own();
      return live;
    case 'multi':
    case 'xcall':
      for (const x of s.slots) live.delete(x);
      own();
      return live;
    case 'if': {
      const a = liveBlock(s.then, out, visit);
      const b = liveBlock(s.else, out, visit);
      const r = new Set([...a, ...b]);
      for (const e of stmtExprs(s)) readsOf(e, r);
      return r;
    }
    case 'for': {
      // the loop header (test of slot against limitSlot) is reached on entry and after every step
      const head = new Set([...out, s.slot, s.limitSlot]);
      for (;;) {
        const bodyIn = liveBlock(s.body, new Set([...head, s.slot]));
        const size = head.size;
        for (const x of bodyIn) head.add(x);
        if (head.size === size) break;
      }
      if (visit) liveBlock(s.body, new Set([...head, s.slot]), visit);
      const r = new Set(head);
      r.delete(s.limitSlot);
      readsOf(s.to, r);
      r.delete(s.slot);
      readsOf(s.from, r);
      return r;
    }
    default:
      own();
      return live;
  }
}
