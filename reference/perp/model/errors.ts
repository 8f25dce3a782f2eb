/**
 * The perp error codes (spec/perp.md §12, PERP-ERR-*): one table shared by the golden model and the
 * Router/Slab templates. Codes are numbers grouped by area; a template `require`s with the same number.
 * Inside the model a failed check throws a `PerpFault`; the operation boundary (state.ts `step`) catches
 * only that and returns it as a value, with the state unchanged (all-or-nothing).
 */
import { SYS_STATUS } from '../../vm/syscalls.ts';

/** Name → code. Ranges: 1xx input (R), 2xx slab pools and orders, 3xx commit, 4xx router, 5xx oracle, 6xx batch/funding, 7xx arithmetic. */
export const PERP_ERRORS = {
  ZERO_QTY: 101,
  QTY_NOT_ON_LOT: 102,
  PX_NOT_ON_TICK: 103,
  BAD_SIDE: 104,
  UNKNOWN_INSTRUMENT: 105,
  TTL_OUT_OF_RANGE: 106,
  INSUFFICIENT_DEPTH: 107,
  ZERO_PX: 108,
  POOL_FULL_ORDERS: 201,
  POOL_FULL_RESERVATIONS: 202,
  POOL_FULL_SLICES: 203,
  POOL_FULL_POSITIONS: 204,
  POOL_FULL_ACCOUNTS: 205,
  POOL_FULL_AGGRESSORS: 206,
  UNKNOWN_ORDER: 210,
  NOT_ORDER_OWNER: 211,
  ALLOWANCE_EXCEEDED: 212,
  NOT_ROUTER: 213,
  UNKNOWN_HOLD: 301,
  RESERVATION_EXPIRED: 302,
  COMMITMENT_MISMATCH: 303,
  SLICE_VANISHED: 304,
  KILL_BAND: 305,
  CHARGE_EXCEEDS_MAX: 306,
  CAP_NO_SUCH: 311,
  CAP_SCOPE: 312,
  CAP_EXPIRED: 313,
  CAP_BURNED: 314,
  CAP_EXCEEDS_REMAINING: 315,
  CAP_EXCEEDS_BALANCE: 316,
  CAP_OVERFLOW: 317,
  UNKNOWN_ASSET: 401,
  INSUFFICIENT_CASH: 402,
  INSUFFICIENT_MARGIN: 403,
  VAULT_CAP: 404,
  UNKNOWN_ROUTE: 405,
  NOT_ROUTE_OWNER: 406,
  ROUTE_NOT_OPEN: 407,
  SLAB_NOT_REGISTERED: 408,
  STALE_VERSION: 409,
  NOT_GOVERNANCE: 410,
  UNKNOWN_VERSION: 411,
  FEE_CAP: 412,
  ALREADY_REGISTERED: 413,
  NOT_LIQUIDATABLE: 414,
  EMPTY_ROUTE: 415,
  TOO_MANY_LEGS: 416,
  LEG_NOT_IN_ROUTE: 417,
  NO_DEFICIT: 418,
  WALLET_BALANCE: 420,
  BALANCE_OVERFLOW: 421,
  ACCOUNTS_FULL: 422,
  ROUTES_FULL: 423,
  OPEN_ROUTES_LIMIT: 424,
  NOT_SIGNER: 425,
  ORACLE_STALE: 501,
  ORACLE_UNKNOWN: 502,
  ORACLE_NOT_MONOTONE: 503,
  ORACLE_BAD_PRICE: 504,
  BATCH_NOT_DUE: 601,
  PENDING_LIMIT: 602,
  ARITH_OVERFLOW: 701,
} as const;

export type PerpErrorName = keyof typeof PERP_ERRORS;

/** One line per code, for spec/perp.md §12 (a test keeps the spec's table equal to this). */
export const PERP_ERROR_DOC: { readonly [K in PerpErrorName]: string } = {
  ZERO_QTY: 'quantity is zero (R1)',
  QTY_NOT_ON_LOT: 'quantity is not a multiple of the lot (R1, S3)',
  PX_NOT_ON_TICK: 'price is not a multiple of the tick (R1, S3)',
  BAD_SIDE: 'side is neither 0 (buy) nor 1 (sell)',
  UNKNOWN_INSTRUMENT: 'no such instrument on this slab',
  TTL_OUT_OF_RANGE: 'ttl is 0 or above the router CAP_TTL',
  INSUFFICIENT_DEPTH: 'the contra book cannot fill the whole quantity within the limit (R2)',
  ZERO_PX: 'price is zero',
  POOL_FULL_ORDERS: 'order pool full',
  POOL_FULL_RESERVATIONS: 'reservation pool full',
  POOL_FULL_SLICES: 'slice pool full',
  POOL_FULL_POSITIONS: 'position pool full',
  POOL_FULL_ACCOUNTS: 'account table full',
  POOL_FULL_AGGRESSORS: 'aggressor ledger full',
  UNKNOWN_ORDER: 'no such order',
  NOT_ORDER_OWNER: 'the order belongs to another account',
  ALLOWANCE_EXCEEDED: 'the maker class holds its allowance of orders',
  NOT_ROUTER: 'only the registered router may call this (P4, R10)',
  UNKNOWN_HOLD: 'no open reservation with this hold id',
  RESERVATION_EXPIRED: 'the reservation expired (R4)',
  COMMITMENT_MISMATCH: 'the reveal does not match the commitment (M6)',
  SLICE_VANISHED: 'a reserved slice vanished (R5, ADV2)',
  KILL_BAND: 'worst price outside the kill band around the oracle (M10, R7)',
  CHARGE_EXCEEDS_MAX: 'fee plus tax above the reservation max_charge (S9)',
  CAP_NO_SUCH: 'guarded debit: no such cap',
  CAP_SCOPE: 'guarded debit: the cap is scoped to another slab',
  CAP_EXPIRED: 'guarded debit: the cap expired (P7, F1)',
  CAP_BURNED: 'guarded debit: the cap is burned (R4)',
  CAP_EXCEEDS_REMAINING: 'guarded debit: amount above cap.remaining (P7, R6)',
  CAP_EXCEEDS_BALANCE: 'guarded debit: amount above the escrow balance (R6)',
  CAP_OVERFLOW: 'guarded debit: the vault would overflow',
  UNKNOWN_ASSET: 'not the router collateral asset',
  INSUFFICIENT_CASH: 'amount above the account cash',
  INSUFFICIENT_MARGIN: 'initial margin would not be covered',
  VAULT_CAP: 'the vault would pass its vault_cap',
  UNKNOWN_ROUTE: 'no such route',
  NOT_ROUTE_OWNER: 'the route belongs to another user',
  ROUTE_NOT_OPEN: 'reserved: a finished route is freed, so its id is UNKNOWN_ROUTE (PERP-ROUTE-009)',
  SLAB_NOT_REGISTERED: 'the slab is not in the registry (P11)',
  STALE_VERSION: 'the slab code hash differs from the registry (P11)',
  NOT_GOVERNANCE: 'only governance may change the registry (P10)',
  UNKNOWN_VERSION: 'the version hash is not approved (GOV1)',
  FEE_CAP: 'a slab fee above the router FEE_CAPS (S2, ADV3)',
  ALREADY_REGISTERED: 'the slab is already registered',
  NOT_LIQUIDATABLE: 'equity is at or above maintenance margin (RM3)',
  EMPTY_ROUTE: 'a route with no legs',
  TOO_MANY_LEGS: 'more legs than MAX_LEGS',
  LEG_NOT_IN_ROUTE: 'a chosen hold is not a leg of the route',
  NO_DEFICIT: 'insurance pays only a verified deficit (E2E4)',
  WALLET_BALANCE: 'the wallet holds less than the deposit',
  BALANCE_OVERFLOW: 'a balance would pass 2^128-1',
  ACCOUNTS_FULL: 'the router account table holds MAX_ACCOUNTS users (PERP-RTR-006)',
  ROUTES_FULL: 'the router route table holds MAX_ROUTES open routes (PERP-ROUTE-007)',
  OPEN_ROUTES_LIMIT: 'the user holds MAX_OPEN_ROUTES open routes (PERP-ROUTE-008)',
  NOT_SIGNER: 'the top-level signer is not the user the entry acts for (PERP-AUTH-001)',
  ORACLE_STALE: 'no fresh price on the feed or its failovers',
  ORACLE_UNKNOWN: 'no such feed',
  ORACLE_NOT_MONOTONE: 'publish time not after the previous one',
  ORACLE_BAD_PRICE: 'price is zero',
  BATCH_NOT_DUE: 'batch_open before the batch length elapsed',
  PENDING_LIMIT: 'more than PENDING_MAX orders are PENDING at batch_open (PERP-BATCH-002)',
  ARITH_OVERFLOW: 'checked arithmetic left its range',
};

/** A failed perp check: thrown inside an operation, returned as a value at its boundary. */
export class PerpFault extends Error {
  readonly code: number;
  readonly errorName: PerpErrorName;
  constructor(name: PerpErrorName, detail = '') {
    super(`${name}${detail ? ': ' + detail : ''}`);
    this.errorName = name;
    this.code = PERP_ERRORS[name];
  }
}

export function fail(name: PerpErrorName, detail = ''): never {
  throw new PerpFault(name, detail);
}

export function check(cond: boolean, name: PerpErrorName, detail = ''): asserts cond {
  if (!cond) throw new PerpFault(name, detail);
}

/** PERP-ERR-CAP: a non-zero guarded-debit status s maps to error 310 + s. */
export function capStatusError(status: bigint): PerpErrorName {
  const byStatus: Record<string, PerpErrorName> = {
    [String(SYS_STATUS.NO_SUCH_CAP)]: 'CAP_NO_SUCH',
    [String(SYS_STATUS.SCOPE)]: 'CAP_SCOPE',
    [String(SYS_STATUS.EXPIRED)]: 'CAP_EXPIRED',
    [String(SYS_STATUS.BURNED)]: 'CAP_BURNED',
    [String(SYS_STATUS.EXCEEDS_REMAINING)]: 'CAP_EXCEEDS_REMAINING',
    [String(SYS_STATUS.EXCEEDS_BALANCE)]: 'CAP_EXCEEDS_BALANCE',
    [String(SYS_STATUS.OVERFLOW)]: 'CAP_OVERFLOW',
  };
  const n = byStatus[String(status)];
  if (!n) throw new Error(`internal assertion failed: cap status ${status} is not an error`);
  return n;
}
