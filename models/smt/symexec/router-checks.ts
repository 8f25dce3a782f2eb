/**
 * The Router's cap obligations at bytecode level (issue 5; spec/symexec.md "Obligations"), stated so that
 * they hold whatever a slab CALL answered (the executor havocs a call's results and custody):
 *
 * - **F1** (`capExpiryWithinRoute`): every cap an entry mints, on a path that goes on towards a completed
 *   call, expires at most `now + ttl` (the route's expiry, when the entry takes a `ttl`) and at most
 *   `now + CAP_TTL` — so once a route has expired no slab can debit its caps and its commit fails with the
 *   escrow unchanged (the guarded debit refuses an expired cap, P7/R4). A cap born already expired is the
 *   safe side of F1 and is not excluded.
 * - **ADV1** (`burnsRefundedCap`): every refund that moved value (ESCROW_DEBIT answering 0) refunds the
 *   cap read just before it (CAP_REMAINING), and on every way to a return a CAP_BURN names *that* cap and
 *   leaves it nothing to debit; no other cap is burned by the same release.
 *
 * Each has a concrete form read from the VM trace of a replay (the order of the top-level syscalls), so a
 * solver model is a counterexample only when the VM shows the violation.
 */
import { checkSource } from '../../../reference/script/index.ts';
import type { TypeExpr } from '../../../reference/script/ast.ts';
import type { ExecResult } from '../../../reference/vm/interpreter.ts';
import type { LoadedModule } from '../../../reference/vm/store.ts';
import { syscallById } from '../../../reference/vm/syscalls.ts';
import { anyOf, capReadBefore, continues, eventsOf, laterOnEveryReturn, liveRemaining, statusIs } from './checks.ts';
import type { SymbolicCustody } from './custody.ts';
import type { Check, Run } from './hoare.ts';
import type { PathEnd, SysEvent } from './state.ts';
import type { SymWord, ZBool } from './word.ts';

/** One top-level syscall of a traced VM run: its name, the arguments it popped, the first word it pushed. */
export interface TracedSyscall {
  readonly name: string;
  readonly args: readonly bigint[];
  readonly result?: bigint;
}

/** The top-level (depth 1) syscalls of a traced run, in execution order. */
export function syscallSequence(lm: LoadedModule, result: ExecResult): TracedSyscall[] {
  const trace = result.trace ?? [];
  const out: TracedSyscall[] = [];
  for (let i = 0; i < trace.length; i++) {
    const st = trace[i];
    if (!st || st.op !== 'SYSCALL' || st.depth !== 1) continue;
    const an = lm.analyses[st.fn];
    const info = syscallById(an?.instrs[an.indexOfPc.get(st.pc) as number]?.arg ?? -1);
    if (!info) continue;
    const n = info.params.length;
    const after = trace[i + 1];
    const pushed = after && after.depth === 1 && after.stack.length === st.stack.length - n + 1 ? after.stack[after.stack.length - 1] : undefined;
    out.push({ name: info.name, args: st.stack.slice(st.stack.length - n), ...(pushed === undefined ? {} : { result: pushed }) });
  }
  return out;
}

/** Stack words of a CurveScript value type: bytes32 two, other scalars one, a record the sum of its fields. */
function typeWords(t: TypeExpr, records: ReadonlyMap<string, readonly { type: TypeExpr }[]>): number {
  if (t.kind !== 'named') return NaN;
  if (t.name.name === 'bytes32') return 2;
  const fields = records.get(t.name.name);
  return fields ? fields.reduce((n, f) => n + typeWords(f.type, records), 0) : 1;
}

/**
 * Index of the first argument word of parameter `param` of template function `fn` (internal functions
 * carry no parameter names in the bytecode), or undefined when the template has no such parameter.
 */
export function functionParamWord(templateText: string, fn: string, param: string): number | undefined {
  if (!templateText) return undefined;
  const items = checkSource(templateText, 'template').ast.items;
  const records = new Map<string, readonly { type: TypeExpr }[]>();
  for (const it of items) if (it.kind === 'struct') records.set(it.name.name, it.fields);
  const decl = items.find((it) => it.kind === 'fn' && it.name.name === fn);
  if (!decl || decl.kind !== 'fn') return undefined;
  let w = 0;
  for (const p of decl.params) {
    if (p.name.name === param) return Number.isFinite(w) ? w : undefined;
    w += typeWords(p.type, records);
  }
  return undefined;
}

/**
 * F1: no cap minted on a path towards a completed call expires after `now + CAP_TTL`, nor (when the target
 * has a `ttl` parameter, word `ttlArg`) after `now + ttl` — whatever a slab call before the mint answered.
 * A function-level run (`functionLevel`) with a ttl parameter claims the ttl bound only: that its callers
 * pass a ttl ≤ CAP_TTL is their TTL_OUT_OF_RANGE check (reserve_route), not re-proved here; it claims it for
 * every mint, also one on a path that later fails.
 */
export function capExpiryWithinRoute(ttlArg: number | undefined, capTtl: bigint, functionLevel = false): Check {
  const late = (run: Run, x: SysEvent): ZBool => {
    const ctx = run.w.ctx;
    const now = run.w.bv(run.inp.now).zeroExt(1);
    const expiry = run.w.bv(x.args[4] as SymWord).zeroExt(1);
    const byTtl = ttlArg === undefined ? [] : [now.add(run.w.bv(run.inp.args[ttlArg] as SymWord).zeroExt(1))];
    const limits = functionLevel && byTtl.length ? byTtl : [now.add(capTtl), ...byTtl];
    return ctx.Or(...limits.map((l) => expiry.ugt(l)));
  };
  return {
    prefix: true,
    reach: (e, run) => anyOf(run, eventsOf(e, 'CAP_MINT').map((x) => x.guard)),
    // an entry's model is replayed, so the mint must go on to a completed call (gas included); a function-level
    // model never is, and there every mint is claimed (stronger, and cheaper than the ends' disjunction)
    violation: (e, run) => anyOf(run, eventsOf(e, 'CAP_MINT').map((x) => run.w.and(x.guard, functionLevel ? true : continues(e, run, x), late(run, x)))),
    concrete: (r, res, _post, s) => {
      if (res.status !== 'ok') return undefined;
      const ttl = ttlArg === undefined ? capTtl : (r.args[ttlArg] as bigint);
      const limit = r.now + (ttl < capTtl ? ttl : capTtl);
      const m = syscallSequence(s.lm, res).find((c) => c.name === 'CAP_MINT' && (c.args[4] as bigint) > limit);
      return m ? `cap minted with expiry ${m.args[4]} after now ${r.now} + min(ttl ${ttl}, CAP_TTL ${capTtl}) = ${limit}: it outlives its route (F1)` : undefined;
    },
  };
}

/** The functions of `lm` that CALLF `callee` directly. */
export function callersOf(lm: LoadedModule, callee: number): number[] {
  const out: number[] = [];
  lm.analyses.forEach((an, fi) => {
    if (an.instrs.some((i) => i.info.name === 'CALLF' && i.arg === callee)) out.push(fi);
  });
  return out;
}

/** The internal function a `CALLF` checkpoint event (summary.ts `checkpointView`) called. */
function calleeAt(lm: LoadedModule, x: SysEvent): number | undefined {
  const an = lm.analyses[x.fn];
  const i = an?.instrs[an.indexOfPc.get(x.pcOffset) as number];
  return i?.info.name === 'CALLF' ? i.arg : undefined;
}

/**
 * F1, the link from `reserve_leg` (whose F1-cap-expiry bounds each cap by now + its `ttl` parameter) to its
 * callers: every `CALLF` of `callee` passes a `ttl` argument (word `ttlWord`) ≤ CAP_TTL. Event-local at the
 * call's checkpoint (the run havocs the callee: summary.ts `checkpointView`), so its guard is the path
 * condition up to the call — no leg's own guards are decided — on a path that goes on from the call
 * towards a completed call (`continues`: a model's gas limit takes it past the call, so the replay shows
 * it). Its concrete form: the VM trace of the replay shows a top-level `CALLF` of the callee with a ttl
 * above CAP_TTL.
 */
export function ttlPassedWithinCap(callee: number, ttlWord: number, capTtl: bigint): Check {
  const calls = (e: PathEnd, run: Run): SysEvent[] => e.events.filter((x) => x.name === 'CALLF' && calleeAt(run.lm, x) === callee);
  return {
    prefix: true,
    reach: (e, run) => anyOf(run, calls(e, run).map((x) => x.guard)),
    violation: (e, run) => anyOf(run, calls(e, run).map((x) => run.w.and(x.guard, continues(e, run, x), run.w.bv(x.args[ttlWord] as SymWord).ugt(capTtl)))),
    concrete: (_r, res, _post, s) => {
      const params = s.lm.module.functions[callee]?.params ?? 0;
      for (const st of res.trace ?? []) {
        if (st.op !== 'CALLF' || st.depth !== 1 || st.module !== s.lm.hashHex) continue;
        const an = s.lm.analyses[st.fn];
        if (an?.instrs[an.indexOfPc.get(st.pc) as number]?.arg !== callee) continue;
        const ttl = st.stack[st.stack.length - params + ttlWord] as bigint;
        if (ttl > capTtl) return `a call of function ${callee} passed ttl ${ttl} > CAP_TTL ${capTtl}${res.status === 'ok' ? ' and the call completed' : ''}: the caps it mints may outlive CAP_TTL (F1)`;
      }
      return undefined;
    },
  };
}

/** The CAP_BURNs of the release that refunded at `x`: later events of x's function on a path through x, up to its next cap read. */
function burnsOfRelease(run: Run, x: SysEvent): SysEvent[] {
  const out = new Map<number, SysEvent>();
  for (const end of run.out.ends) {
    if (!end.events.some((y) => y.id === x.id)) continue;
    for (const y of end.events) {
      if (y.id <= x.id || y.fn !== x.fn) continue;
      if (y.name === 'CAP_REMAINING') break;
      if (y.name === 'CAP_BURN') out.set(y.id, y);
    }
  }
  return [...out.values()];
}

/**
 * ADV1, P5: every refund that moved value names a cap (the CAP_REMAINING just before it in its function);
 * on every way from the refund to a return a CAP_BURN of that same cap follows and leaves it with nothing
 * to debit; and no CAP_BURN of the same release (on a path going on to a completed call) names another cap.
 */
export function burnsRefundedCap(): Check {
  const violated = (e: PathEnd, run: Run, x: SysEvent): ZBool | boolean => {
    const refund = run.w.and(x.guard, statusIs(run, x, true));
    const cap = capReadBefore(e, x);
    const burns = laterOnEveryReturn(e, run, x, (y) => y.name === 'CAP_BURN');
    if (cap === undefined || !burns) return run.w.and(refund, continues(e, run, x));
    const other = (y: SysEvent): ZBool | boolean => run.w.not(run.w.eq(y.args[0] as SymWord, cap));
    const wrongBurn = burns.map((y) => run.w.and(y.guard, continues(e, run, y), run.w.ctx.Or(run.w.bool(other(y)), liveRemaining(run, y.post as SymbolicCustody, cap).ugt(0n))));
    const extraBurn = burnsOfRelease(run, x).map((y) => run.w.and(y.guard, other(y), continues(e, run, y)));
    return run.w.and(refund, anyOf(run, [...wrongBurn, ...extraBurn]));
  };
  return {
    prefix: true,
    reach: (e, run) => anyOf(run, eventsOf(e, 'ESCROW_DEBIT').map((x) => run.w.and(x.guard, statusIs(run, x, true), continues(e, run, x)))),
    violation: (e, run) => anyOf(run, eventsOf(e, 'ESCROW_DEBIT').map((x) => violated(e, run, x))),
    concrete: (_r, res, post, s) => (res.status === 'ok' ? releaseViolation(syscallSequence(s.lm, res), post) : undefined),
  };
}

/** The concrete form of `burnsRefundedCap` over a completed call's syscalls and post-state. */
function releaseViolation(seq: readonly TracedSyscall[], post: { cap(id: bigint): { burned: boolean; remaining: bigint } | undefined }): string | undefined {
  let read: bigint | undefined;
  for (let i = 0; i < seq.length; i++) {
    const c = seq[i] as TracedSyscall;
    if (c.name === 'CAP_REMAINING') read = c.args[0];
    if (c.name !== 'ESCROW_DEBIT' || c.result !== 0n) continue;
    if (read === undefined) return `a refund of ${c.args[3]} names no cap (no CAP_REMAINING before it)`;
    const rest = seq.slice(i + 1);
    const end = rest.findIndex((y) => y.name === 'CAP_REMAINING');
    const burns = (end < 0 ? rest : rest.slice(0, end)).filter((y) => y.name === 'CAP_BURN');
    const wrong = burns.find((y) => y.args[0] !== read);
    if (wrong) return `the refund released cap ${read} but the release burned cap ${wrong.args[0]} (ADV1)`;
    if (burns.length === 0) return `cap ${read} was refunded and never burned (ADV1)`;
    const cap = post.cap(read);
    if (cap && !cap.burned && cap.remaining > 0n) return `cap ${read} is still live with ${cap.remaining} after its refund (ADV1)`;
  }
  return undefined;
}
