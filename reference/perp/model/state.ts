/**
 * The whole model state and the operation boundary (spec/perp.md §1, PERP-OP-*): an operation runs on a
 * copy of the state; a `PerpFault` anywhere inside returns `{ok: false, code}` with the state exactly as
 * before (all-or-nothing), anything else is a bug and propagates. Successful operations append events.
 */
import { newCustody } from './custody.ts';
import { PerpFault, type PerpErrorName } from './errors.ts';
import type { Feed, PerpEvent, PerpState, RouterParams } from './types.ts';

export type OpResult<T> =
  | { readonly ok: true; readonly state: PerpState; readonly out: T }
  | { readonly ok: false; readonly state: PerpState; readonly code: number; readonly error: PerpErrorName };

export function newState(router: RouterParams): PerpState {
  return {
    custody: newCustody(),
    router: {
      params: router,
      cash: new Map(),
      insurance: 0n,
      fees: new Map(),
      routes: new Map(),
      routeNonce: new Map(),
      registry: new Map(),
      approvedVersions: new Set(),
      marginCalls: new Map(),
    },
    oracles: new Map(),
    slabs: new Map(),
    events: [],
  };
}

/** Deep copy (Maps, Sets, bigints and arrays; no functions in the state). */
export function cloneState(st: PerpState): PerpState {
  return structuredClone(st);
}

/** PERP-OP-001: run `f` on a copy; a PerpFault leaves `st` untouched and becomes the error value. */
export function step<T>(st: PerpState, f: (s: PerpState) => T): OpResult<T> {
  const s = cloneState(st);
  try {
    const out = f(s);
    return { ok: true, state: s, out };
  } catch (e) {
    if (e instanceof PerpFault) return { ok: false, state: st, code: e.code, error: e.errorName };
    throw e;
  }
}

/** PERP-OP-002: append an event (the ordered event list is an observable). */
export function emit(s: PerpState, kind: string, data: Record<string, bigint | string>): void {
  s.events.push({ kind, data });
}

/** Add an oracle feed (venue setup: ORACLE block). */
export function addFeed(s: PerpState, feed: bigint, f: Omit<Feed, 'price' | 'publishTime'>): void {
  s.oracles.set(feed, { ...f, price: 0n, publishTime: 0n });
}

export function cashOf(s: PerpState, user: bigint): bigint {
  return s.router.cash.get(user) ?? 0n;
}

export function setCash(s: PerpState, user: bigint, v: bigint): void {
  if (v === 0n) s.router.cash.delete(user);
  else s.router.cash.set(user, v);
}

export type { PerpEvent };
