/**
 * Segments of a module for invariants proved by induction (spec/symexec.md "S8: induction over
 * segments"). A segment is a loop-free stretch of one function activation: from the function's start or
 * one of its loop heads to its return or a loop head. Every execution of an entry is a sequence of
 * segments of the entry function and of the summarised functions it calls (summary.ts; the others are
 * executed inline inside a segment), so an invariant every segment preserves — assuming it, as the
 * callee's contract, after each summarised call inside the segment — holds after every completed call.
 */
import type { FunctionAnalysis } from '../../../reference/vm/validate.ts';
import type { ObligationResult, ProveOptions } from '../obligation.ts';
import { forgetRun, proveHoare, type Check, type Replayed, type Subject } from './hoare.ts';
import { functionIndex } from './run.ts';
import { calleeFacts } from './summary.ts';

const STORES = new Set(['SSTORE', 'SSTORE8', 'SSTORE64']);

/** Instruction indices of a function's loop heads (targets of backward jumps). */
export function loopHeads(an: FunctionAnalysis): number[] {
  const out = new Set<number>();
  for (const i of an.instrs) if ((i.info.name === 'JUMP' || i.info.name === 'JUMPI') && i.arg <= i.pc) out.add(an.indexOfPc.get(i.arg) as number);
  return [...out].sort((a, b) => a - b);
}

/** A run target of one segment family and its label (for obligation ids). */
export interface SegmentTarget {
  /** An entry name (entry-level run), or `@name#i`: function `name` from instruction index i. */
  readonly target: string;
  readonly label: string;
}

/** Function names of a module, by index (from the `.func fn_<name>` lines of its listing). */
function functionNames(s: Subject): string[] {
  return (s.mod.asm ?? '').split('\n').filter((l) => l.startsWith('.func ')).map((l) => (l.split(/\s+/)[1] ?? '').replace(/^fn_/, ''));
}

/**
 * The segments that can write storage themselves (a store in the function or in a callee executed inline,
 * i.e. not summarised): per entry function and per summarised function, its start and each loop head. An
 * entry without loops of its own is one entry-level run (replayable: its counterexamples are calls).
 * Segments without a store of their own leave storage as their start or as a summarised callee's
 * contract leaves it, so they keep any invariant those do.
 */
export function writingSegments(s: Subject): SegmentTarget[] {
  const { lm } = s;
  const names = functionNames(s);
  const entryOf = new Map([...lm.entries].map(([name, e]) => [e.func, name]));
  const writesInline = (fn: number): boolean => {
    const seen = new Set<number>();
    const visit = (fi: number): boolean => {
      if (seen.has(fi)) return false;
      seen.add(fi);
      for (const i of lm.analyses[fi]?.instrs ?? []) {
        if (STORES.has(i.info.name)) return true;
        if (i.info.name === 'CALLF' && !calleeFacts(lm, i.arg).summarise && visit(i.arg)) return true;
      }
      return false;
    };
    return visit(fn);
  };
  const out: SegmentTarget[] = [];
  lm.analyses.forEach((an, fi) => {
    const entry = entryOf.get(fi);
    if ((entry === undefined && !calleeFacts(lm, fi).summarise) || !writesInline(fi)) return;
    const heads = loopHeads(an);
    const name = names[fi] ?? String(fi);
    if (entry !== undefined && heads.length === 0) {
      out.push({ target: entry, label: entry });
      return;
    }
    out.push({ target: `@${name}#0`, label: name });
    for (const h of heads) out.push({ target: `@${name}#${h}`, label: `${name}@${an.instrs[h]?.pc ?? h}` });
  });
  return out;
}

/** A run target's function and segment start: `@name` (function level), `@name#i` (segment), else an entry. */
export function parseTarget(asm: string, target: string): { func?: number; startAt?: number } {
  if (!target.startsWith('@')) return {};
  const [name, at] = target.slice(1).split('#') as [string, string | undefined];
  const func = functionIndex(asm, name);
  if (func === undefined) throw new Error(`no function ${name}`);
  return at === undefined ? { func } : { func, startAt: Number(at) };
}

/** Budget divisor for the segments after the first unproved one. */
const AFTER_FAILURE = 4;

/**
 * An invariant by induction over the writing segments (one obligation): each segment's Hoare triple, with
 * at most `segmentMs` per solver query (a quarter of it after the first unproved segment). Every segment
 * is decided (so a report shows the whole landscape, not only the first gap); the invariant is proved when all are, a reproduced counterexample of an
 * entry-level segment is at once a counterexample of the invariant, and otherwise the verdict is the first
 * unproved segment's, naming every unproved segment and how many were proved.
 */
export async function proveBySegments(s: Subject, segs: readonly SegmentTarget[], check: Check, opts: ProveOptions, segmentMs: number, onReplay?: (r: Replayed) => void): Promise<ObligationResult> {
  let paths = 0;
  const certs: string[] = [];
  let witness: ObligationResult['witness'];
  let first: ObligationResult | undefined;
  const open: string[] = [];
  for (const seg of segs) {
    // after a first unproved segment the rest run with a quarter of the budget: the landscape stays
    // complete (every segment named) while the whole suite stays within its time (spec/symexec.md "S8")
    const budget = Math.min(opts.timeoutMs, first ? segmentMs / AFTER_FAILURE : segmentMs);
    const r = await proveHoare(s, seg.target, check, { ...opts, timeoutMs: budget }, onReplay);
    forgetRun(s, seg.target);
    paths += r.paths ?? 0;
    if (r.verdict === 'counterexample') return { ...r, reason: `segment ${seg.label}: ${r.reason ?? r.verdict}`, paths };
    if (r.verdict === 'proved') {
      witness ??= r.witness;
      certs.push(r.smt2);
      continue;
    }
    open.push(`${seg.label}${first ? ' [¼ budget]' : ''} (${r.verdict}: ${r.reason ?? ''})`);
    first ??= r;
  }
  if (first) return { ...first, reason: `${open.length} of ${segs.length} segments not proved (${segs.length - open.length} proved): ${open.join('; ')}`, paths };
  return { verdict: 'proved', smt2: certs.join('\n'), paths, ...(witness ? { witness } : {}) };
}
