/**
 * The whole model state and the operation boundary (spec/perp.md §1, PERP-OP-*): an operation runs on a
 * copy of the state; a `PerpFault` anywhere inside returns `{ok: false, code}` with the state exactly as
 * before (all-or-nothing), anything else is a bug and propagates. Successful operations append events.
 */
import { newCustody } from './custody.ts';
import { check, PerpFault, type PerpErrorName } from './errors.ts';
import { MAX_ACCOUNTS, type Feed, type PerpEvent, type PerpState, type RouterParams } from './types.ts';

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
      accounts: new Set(),
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

/** PERP-RTR-006: a user's account entry is taken the first time the router records a non-zero cash, a route nonce or a margin call for it. */
export function touchAccount(s: PerpState, user: bigint): void {
  if (s.router.accounts.has(user)) return;
  check(s.router.accounts.size < MAX_ACCOUNTS, 'ACCOUNTS_FULL');
  s.router.accounts.add(user);
}

export function setCash(s: PerpState, user: bigint, v: bigint): void {
  if (v !== 0n) touchAccount(s, user);
  if (v === 0n) s.router.cash.delete(user);
  else s.router.cash.set(user, v);
}

export type { PerpEvent };
