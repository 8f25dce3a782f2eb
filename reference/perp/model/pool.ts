/**
 * Fixed-capacity pools with an intrusive free list (spec/perp.md §3.1, PERP-POOL-*; PFM2). Allocation
 * pops the free-list head and freeing pushes the slot back: both constant time, no heap, and the
 * order of reuse (last freed, first reused) is part of the semantics, so slot numbers agree between
 * the model and the templates.
 */
import { NIL } from './types.ts';
import { fail, type PerpErrorName } from './errors.ts';

export interface Pool<T> {
  readonly slots: (T | null)[];
  /** nextFree[i]: the slot after i on the free list (NIL at its end); meaningful only for free slots. */
  readonly nextFree: number[];
  freeHead: number;
  used: number;
}

/** PERP-POOL-001: a pool of `capacity` free slots, free list 0, 1, …, capacity−1. */
export function newPool<T>(capacity: number): Pool<T> {
  return {
    slots: Array.from({ length: capacity }, () => null),
    nextFree: Array.from({ length: capacity }, (_, i) => (i + 1 < capacity ? i + 1 : NIL)),
    freeHead: capacity > 0 ? 0 : NIL,
    used: 0,
  };
}

/** PERP-POOL-002: take the free-list head, or fail with `full`. */
export function alloc<T>(p: Pool<T>, value: T, full: PerpErrorName): number {
  const i = p.freeHead;
  if (i === NIL) fail(full);
  p.freeHead = p.nextFree[i] as number;
  p.slots[i] = value;
  p.used += 1;
  return i;
}

/** PERP-POOL-003: push a used slot back on the free list. */
export function release<T>(p: Pool<T>, i: number): void {
  if (p.slots[i] === null || p.slots[i] === undefined) throw new Error(`internal assertion failed: double free of slot ${i}`);
  p.slots[i] = null;
  p.nextFree[i] = p.freeHead;
  p.freeHead = i;
  p.used -= 1;
}

/** The record in a used slot (crashes on a free slot: a broken link is a bug). */
export function at<T>(p: Pool<T>, i: number): T {
  const v = p.slots[i];
  if (v === null || v === undefined) throw new Error(`internal assertion failed: slot ${i} is free`);
  return v;
}

/** Used slots in slot order (for observation and invariant checks, not for semantics). */
export function usedSlots<T>(p: Pool<T>): [number, T][] {
  const out: [number, T][] = [];
  p.slots.forEach((v, i) => {
    if (v !== null) out.push([i, v]);
  });
  return out;
}

/** The free list as visited from its head (bounded by capacity; a cycle is reported as a longer list). */
export function freeList<T>(p: Pool<T>): number[] {
  const out: number[] = [];
  for (let i = p.freeHead; i !== NIL && out.length <= p.slots.length; i = p.nextFree[i] as number) out.push(i);
  return out;
}
