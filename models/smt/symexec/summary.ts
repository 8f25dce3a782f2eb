/**
 * Havoc summaries of internal calls (spec/symexec.md "Summaries"): a `CALLF` whose callee (with its own
 * CALLF callees) contains a loop or a cross-module CALL, but no custody-writing syscall, is not executed
 * when a symbolic run asks for summaries. Its results and gas use are fresh; the storage segment becomes a
 * fresh array when the callee can write storage, the call's memory when it can write memory, and the
 * custody is havocked when it can CALL another module. Every behaviour of the callee that returns is one of
 * the summary's, so properties of completed calls and of syscall events stay sound; the callee's own
 * reverts and traps are dropped (they end with the pre-state and no further events: the events before the
 * call are still checked on the continuing path). This bounds path exploration for the probe walks of the
 * templates (4 096-slot account tables, 65 536-step list walks) whose symbolic exits would otherwise build
 * ite chains tens of thousands deep.
 */
import { syscallById, type SyscallName } from '../../../reference/vm/syscalls.ts';
import type { LoadedModule } from '../../../reference/vm/store.ts';

/** Syscalls that change custody: a callee containing one is always executed (its events are checked). */
const CUSTODY_WRITES: readonly SyscallName[] = ['ESCROW_CREDIT', 'ESCROW_DEBIT', 'ESCROW_BUMP_NONCE', 'VAULT_DEPOSIT', 'VAULT_WITHDRAW', 'CAP_MINT', 'CAP_BURN', 'CAP_DEBIT'];

const STORAGE_WRITES = new Set(['SSTORE', 'SSTORE8', 'SSTORE64']);
const MEMORY_WRITES = new Set(['MSTORE', 'MSTORE8', 'MSTORE64', 'MCOPY', 'MGROW', 'SHA256', 'KECCAK256', 'POSEIDON']);

export interface CalleeFacts {
  /** The callee may be replaced by its havoc summary. */
  readonly summarise: boolean;
  readonly writesStorage: boolean;
  readonly writesMemory: boolean;
  readonly calls: boolean;
}

const cache = new WeakMap<LoadedModule, Map<number, CalleeFacts>>();

/**
 * A view of `lm` in which each function of `fns` is always replaced by its havoc summary, storage, memory and
 * custody all havocked (sound for any callee that returns), leaving a `CALLF` checkpoint event with its
 * arguments: for obligations about what a caller passes (router-checks.ts F1 `ttlPassedWithinCap`) without
 * exploring the callee. A separate object, so the runs of other obligations over `lm` are untouched.
 */
export function checkpointView(lm: LoadedModule, fns: readonly number[]): LoadedModule {
  const view: LoadedModule = { ...lm };
  cache.set(view, new Map(fns.map((f) => [f, { summarise: true, writesStorage: true, writesMemory: true, calls: true }])));
  return view;
}

/** What function `fn` of `lm` (with its CALLF callees) can do. */
export function calleeFacts(lm: LoadedModule, fn: number): CalleeFacts {
  let m = cache.get(lm);
  if (!m) cache.set(lm, (m = new Map()));
  const hit = m.get(fn);
  if (hit) return hit;
  let loop = false;
  let custody = false;
  let calls = false;
  let writesStorage = false;
  let writesMemory = false;
  const seen = new Set<number>();
  const visit = (fi: number): void => {
    if (seen.has(fi)) return;
    seen.add(fi);
    for (const i of lm.analyses[fi]?.instrs ?? []) {
      const n = i.info.name;
      if ((n === 'JUMP' || n === 'JUMPI') && i.arg <= i.pc) loop = true;
      if (n === 'CALL') calls = true;
      if (n === 'SYSCALL' && (CUSTODY_WRITES as readonly string[]).includes(syscallById(i.arg)?.name ?? '')) custody = true;
      if (STORAGE_WRITES.has(n)) writesStorage = true;
      if (MEMORY_WRITES.has(n)) writesMemory = true;
      if (n === 'CALLF') visit(i.arg);
    }
  };
  visit(fn);
  const facts: CalleeFacts = { summarise: !custody && (loop || calls), writesStorage, writesMemory, calls };
  m.set(fn, facts);
  return facts;
}
