/**
 * IR optimisation (spec/curvescript.md, CS-OPT-*): constant folding with the VM's own semantics
 * (vm/semantics.ts) — an expression that would trap is left for run time and reported — and dead code
 * removal: statements after a terminator, `if` on a constant, loops over an empty constant range.
 * Every rewrite preserves the observable behaviour, traps included (a fast-check property checks it).
 */
import { Halt } from '../vm/halts.ts';
import { BINARY, UNARY, muldiv } from '../vm/semantics.ts';
import { optimizeLocals } from './opt-locals.ts';
import { keepOnStack } from './opt-stack.ts';
import { isPure, terminates, type IrExpr, type IrFunction, type IrModule, type IrStmt } from './ir.ts';

export interface OptFinding {
  readonly fn: string;
  /** A constant expression that always traps at run time, with the halt kind. */
  readonly message: string;
}

/** CS-OPT-006: only whether a condition is zero matters, so `ISZERO ISZERO x` tests as x. */
export function truth(c: IrExpr): IrExpr {
  let e = c;
  while (e.k === 'un' && e.op === 'ISZERO' && e.a.k === 'un' && e.a.op === 'ISZERO') e = e.a.a;
  return e;
}

const constant = (e: IrExpr): bigint | undefined => (e.k === 'const' ? e.v : undefined);

/** Fold one expression bottom-up. */
export function foldExpr(e: IrExpr, found: string[] = []): IrExpr {
  const tryFold = (f: () => bigint, what: string): IrExpr | undefined => {
    try {
      return { k: 'const', v: f() };
    } catch (err) {
      if (err instanceof Halt) {
        found.push(`${what} always traps (${err.kind})`);
        return undefined;
      }
      throw err;
    }
  };
  switch (e.k) {
    case 'const':
    case 'local':
      return e;
    case 'un': {
      const a = foldExpr(e.a, found);
      const va = constant(a);
      if (va !== undefined) return tryFold(() => UNARY[e.op](va), e.op) ?? { ...e, a };
      return { ...e, a };
    }
    case 'bin': {
      const a = foldExpr(e.a, found);
      const b = foldExpr(e.b, found);
      const va = constant(a);
      const vb = constant(b);
      if (va !== undefined && vb !== undefined) return tryFold(() => BINARY[e.op](va, vb), e.op) ?? { ...e, a, b };
      // Identities that keep the other operand's evaluation (and its traps) intact.
      if (vb === 0n && ['ADD', 'SUB', 'ADDW', 'SUBW', 'OR', 'XOR', 'SHL', 'SHR', 'SAR', 'SADD', 'SSUB'].includes(e.op)) return a;
      if (va === 0n && ['ADD', 'ADDW', 'OR', 'XOR', 'SADD'].includes(e.op)) return b;
      if (vb === 1n && ['MUL', 'DIV', 'MULW', 'SMUL', 'SDIV', 'DIV_UP'].includes(e.op)) return a;
      if (va === 1n && ['MUL', 'MULW', 'SMUL'].includes(e.op)) return b;
      return { ...e, a, b };
    }
    case 'muldiv': {
      const a = foldExpr(e.a, found);
      const b = foldExpr(e.b, found);
      const d = foldExpr(e.d, found);
      const [va, vb, vd] = [constant(a), constant(b), constant(d)];
      if (va !== undefined && vb !== undefined && vd !== undefined) return tryFold(() => muldiv(va, vb, vd, e.rounding), `MULDIV_${e.rounding.toUpperCase()}`) ?? { ...e, a, b, d };
      return { ...e, a, b, d };
    }
    case 'select': {
      const c = truth(foldExpr(e.c, found));
      const a = foldExpr(e.a, found);
      const b = foldExpr(e.b, found);
      const vc = constant(c);
      // both arms are evaluated: the one not chosen may go when it is pure (no trap, no effect)
      if (vc !== undefined && isPure(vc !== 0n ? b : a)) return vc !== 0n ? a : b;
      return { ...e, c, a, b };
    }
    case 'cond': {
      const c = truth(foldExpr(e.c, found));
      const a = foldExpr(e.a, found);
      const b = foldExpr(e.b, found);
      const vc = constant(c);
      if (vc !== undefined) return vc !== 0n ? a : b;
      // CS-OPT-006: `ISZERO x ? a : b` is `x ? b : a` (one instruction less)
      if (c.k === 'un' && c.op === 'ISZERO') return { ...e, c: c.a, a: b, b: a };
      return { ...e, c, a, b };
    }
    case 'call':
    case 'sys':
      return { ...e, args: e.args.map((x) => foldExpr(x, found)) };
    case 'sload':
      return { ...e, off: foldExpr(e.off, found) };
    case 'mload':
      return { ...e, addr: foldExpr(e.addr, found) };
    case 'tee':
      return { ...e, e: foldExpr(e.e, found) };
  }
}

/** Fold and prune a statement list. */
export function optimizeStmts(stmts: readonly IrStmt[], found: string[] = []): IrStmt[] {
  const out: IrStmt[] = [];
  const f = (e: IrExpr): IrExpr => foldExpr(e, found);
  for (const s of stmts) {
    if (terminates(out)) break; // dead code after a terminator (CS-OPT-002)
    switch (s.k) {
      case 'set':
        out.push({ ...s, e: f(s.e) });
        break;
      case 'multi':
        out.push({ ...s, src: { ...s.src, args: s.src.args.map(f) } as typeof s.src });
        break;
      case 'if': {
        const c = truth(f(s.c));
        const vc = constant(c);
        const then = optimizeStmts(s.then, found);
        const els = optimizeStmts(s.else, found);
        if (vc !== undefined) out.push(...(vc !== 0n ? then : els));
        else if (then.length === 0 && els.length === 0 && isPure(c)) break;
        else out.push({ k: 'if', c, then, else: els });
        break;
      }
      case 'for': {
        const from = f(s.from);
        const to = f(s.to);
        const vf = constant(from);
        const vt = constant(to);
        // an empty range runs no trip but still sets its slot (CS-OPT-005 drops that when nothing reads it)
        if (vf !== undefined && vt !== undefined && vf >= vt) {
          out.push({ k: 'set', slot: s.slot, e: from });
          break;
        }
        out.push({ ...s, from, to, body: optimizeStmts(s.body, found) });
        break;
      }
      case 'require': {
        const c = truth(f(s.c));
        const vc = constant(c);
        if (vc !== undefined && vc !== 0n) break; // always holds
        out.push(vc === 0n ? { k: 'revert', code: { k: 'const', v: s.code } } : { ...s, c });
        break;
      }
      case 'revert':
        out.push({ ...s, code: f(s.code) });
        break;
      case 'return':
        out.push({ ...s, values: s.values.map(f) });
        break;
      case 'drop': {
        const e = f(s.e);
        if (!isPure(e)) out.push({ ...s, e });
        break;
      }
      case 'sstore':
        out.push({ ...s, off: f(s.off), v: f(s.v) });
        break;
      case 'mstore':
        out.push({ ...s, addr: f(s.addr), v: f(s.v) });
        break;
      case 'log':
        out.push({ ...s, ptr: f(s.ptr), len: f(s.len), topics: s.topics.map(f) });
        break;
      case 'hash':
        out.push({ ...s, ptr: f(s.ptr), len: f(s.len), out: f(s.out) });
        break;
      case 'trap':
        out.push(s);
        break;
      case 'xcall':
        out.push({ ...s, args: s.args.map(f) });
        break;
    }
  }
  return out;
}

export function optimizeFunction(fn: IrFunction, findings: OptFinding[] = []): IrFunction {
  const found: string[] = [];
  const body = optimizeStmts(fn.body, found);
  for (const message of found) findings.push({ fn: fn.name, message });
  return { ...fn, body };
}

/** Which passes run: `locals: false` keeps only CS-OPT-001/002 (the unoptimised baseline of the tests). */
export interface OptOptions {
  readonly locals?: boolean;
}

/**
 * CS-COMPILE-002's optimise step: fold and prune (CS-OPT-001, 002), reuse values and drop dead stores
 * (CS-OPT-003, 005), fold again what the constants made foldable, then keep values on the stack
 * (CS-OPT-004, last: it writes locals inside expressions).
 */
export function optimizeModule(m: IrModule, findings: OptFinding[] = [], opts: OptOptions = {}): IrModule {
  const functions = m.functions.map((fn) => {
    const folded = optimizeFunction(fn, findings);
    if (opts.locals === false) return folded;
    return keepOnStack(optimizeFunction(optimizeLocals(folded))); // findings were reported by the first fold
  });
  return { ...m, functions };
}
