/**
 * Router custody — wallets, vaults, escrows and debit caps — with exactly the semantics and check order
 * of the CurveVM host (reference/vm/host.ts, spec/curvevm.md §8), because on the VM these live in the
 * host world and the templates reach them by syscall. Every function either changes nothing and returns
 * a non-zero SYS_STATUS, or applies all its writes (PERP-CUST-*). Written again on purpose rather than
 * calling the host: the model is the independent side of the differential test against the VM.
 */
import { U128_MAX } from '../../lib/u128.ts';
import { SYS_STATUS as S } from '../../vm/syscalls.ts';
import type { Cap, Custody, Escrow } from './types.ts';

const k2 = (a: bigint, b: bigint): string => `${a.toString(16)}/${b.toString(16)}`;
const k3 = (a: bigint, b: bigint, c: bigint): string => `${k2(a, b)}/${c.toString(16)}`;

export function newCustody(): Custody {
  return { wallets: new Map(), vaults: new Map(), escrows: new Map(), caps: new Map(), nextCap: 1n };
}

interface Balance {
  get(): bigint;
  set(v: bigint): void;
}

function setOrDelete<K>(m: Map<K, bigint>, k: K, v: bigint): void {
  if (v === 0n) m.delete(k);
  else m.set(k, v);
}

export const wallet = (c: Custody, user: bigint, asset: bigint): bigint => c.wallets.get(k2(user, asset)) ?? 0n;
export const vault = (c: Custody, asset: bigint): bigint => c.vaults.get(asset) ?? 0n;
export const escrow = (c: Custody, user: bigint, slab: bigint, asset: bigint): Escrow =>
  c.escrows.get(k3(user, slab, asset)) ?? { balance: 0n, nonce: 0n };

export function setWallet(c: Custody, user: bigint, asset: bigint, v: bigint): void {
  setOrDelete(c.wallets, k2(user, asset), v);
}

function setEscrow(c: Custody, user: bigint, slab: bigint, asset: bigint, e: Escrow): void {
  if (e.balance === 0n && e.nonce === 0n) c.escrows.delete(k3(user, slab, asset));
  else c.escrows.set(k3(user, slab, asset), e);
}

const walletOf = (c: Custody, user: bigint, asset: bigint): Balance => ({ get: () => wallet(c, user, asset), set: (v) => setWallet(c, user, asset, v) });
const vaultOf = (c: Custody, asset: bigint): Balance => ({ get: () => vault(c, asset), set: (v) => setOrDelete(c.vaults, asset, v) });
const escrowOf = (c: Custody, user: bigint, slab: bigint, asset: bigint): Balance => ({
  get: () => escrow(c, user, slab, asset).balance,
  set: (v) => setEscrow(c, user, slab, asset, { balance: v, nonce: escrow(c, user, slab, asset).nonce }),
});

/** VM-SYS-CONSERVE: EXCEEDS_BALANCE, then OVERFLOW, then both writes (source first). */
function transfer(from: Balance, to: Balance, amount: bigint): bigint {
  const have = from.get();
  const dest = to.get();
  if (amount > have) return S.EXCEEDS_BALANCE;
  if (dest + amount > U128_MAX) return S.OVERFLOW;
  from.set(have - amount);
  to.set(dest + amount);
  return S.OK;
}

/** VAULT_DEPOSIT: wallet → vault. */
export const vaultDeposit = (c: Custody, user: bigint, asset: bigint, amount: bigint): bigint => transfer(walletOf(c, user, asset), vaultOf(c, asset), amount);
/** VAULT_WITHDRAW: vault → wallet. */
export const vaultWithdraw = (c: Custody, user: bigint, asset: bigint, amount: bigint): bigint => transfer(vaultOf(c, asset), walletOf(c, user, asset), amount);
/** ESCROW_CREDIT: vault → escrow. */
export const escrowCredit = (c: Custody, user: bigint, slab: bigint, asset: bigint, amount: bigint): bigint =>
  transfer(vaultOf(c, asset), escrowOf(c, user, slab, asset), amount);
/** ESCROW_DEBIT: escrow → vault. */
export const escrowDebit = (c: Custody, user: bigint, slab: bigint, asset: bigint, amount: bigint): bigint =>
  transfer(escrowOf(c, user, slab, asset), vaultOf(c, asset), amount);

/** ESCROW_BUMP_NONCE: returns the new nonce (the host traps at 2^128−1; unreachable in practice). */
export function escrowBumpNonce(c: Custody, user: bigint, slab: bigint, asset: bigint): bigint {
  const e = escrow(c, user, slab, asset);
  if (e.nonce === U128_MAX) throw new Error('internal assertion failed: escrow nonce overflow');
  setEscrow(c, user, slab, asset, { balance: e.balance, nonce: e.nonce + 1n });
  return e.nonce + 1n;
}

/** CAP_MINT: ids count up from 1; the cap records the escrow nonce at mint (F3). */
export function capMint(c: Custody, user: bigint, slab: bigint, asset: bigint, amountMax: bigint, expiry: bigint): bigint {
  const id = c.nextCap;
  c.nextCap = id + 1n;
  const nonce = escrow(c, user, slab, asset).nonce;
  c.caps.set(id, { user, slab, asset, amountMax, remaining: amountMax, expiry, nonce, burned: false });
  return id;
}

/** CAP_BURN: idempotent. */
export function capBurn(c: Custody, id: bigint): bigint {
  const cap = c.caps.get(id);
  if (!cap) return S.NO_SUCH_CAP;
  if (!cap.burned) c.caps.set(id, { ...cap, burned: true });
  return S.OK;
}

/** CAP_REMAINING: 0 when unknown or burned. */
export function capRemaining(c: Custody, id: bigint): bigint {
  const cap = c.caps.get(id);
  return cap && !cap.burned ? cap.remaining : 0n;
}

/**
 * CAP_DEBIT, the guarded debit (PERP-CUST-DEBIT; P7, R6, L2, F1, ADV1), called by slab `caller` at `now`:
 * cap exists, scope (cap.slab = caller), not burned, not expired (valid while now < expiry),
 * amount ≤ remaining, then escrow → vault (amount ≤ escrow balance, vault no overflow), then remaining
 * decremented. Any failed check changes nothing.
 */
export function guardedDebit(c: Custody, caller: bigint, now: bigint, id: bigint, amount: bigint): bigint {
  const cap: Cap | undefined = c.caps.get(id);
  if (!cap) return S.NO_SUCH_CAP;
  if (cap.slab !== caller) return S.SCOPE;
  if (cap.burned) return S.BURNED;
  if (now >= cap.expiry) return S.EXPIRED;
  if (amount > cap.remaining) return S.EXCEEDS_REMAINING;
  const moved = transfer(escrowOf(c, cap.user, cap.slab, cap.asset), vaultOf(c, cap.asset), amount);
  if (moved === S.OK) c.caps.set(id, { ...cap, remaining: cap.remaining - amount });
  return moved;
}

/** Σ wallets + Σ vaults + Σ escrows of one asset (VM-SYS-CONSERVE keeps it constant). */
export function custodyTotal(c: Custody, asset: bigint): bigint {
  const suffix = '/' + asset.toString(16);
  let t = vault(c, asset);
  for (const [k, v] of c.wallets) if (k.endsWith(suffix) && k.split('/').length === 2) t += v;
  for (const [k, e] of c.escrows) if (k.endsWith(suffix)) t += e.balance;
  return t;
}

/** Σ escrow balances of one asset. */
export function escrowTotal(c: Custody, asset: bigint): bigint {
  const suffix = '/' + asset.toString(16);
  let t = 0n;
  for (const [k, e] of c.escrows) if (k.endsWith(suffix)) t += e.balance;
  return t;
}
