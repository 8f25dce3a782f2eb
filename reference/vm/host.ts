/**
 * Host semantics of the syscalls (spec/curvevm.md §8, VM-SYS-*). Each function checks its conditions in
 * the documented order and either changes nothing (non-zero status) or applies all its writes.
 * Conservation (VM-SYS-CONSERVE): every transfer moves value between wallets, vaults and escrows;
 * Σ wallets + Σ vaults + Σ escrows is unchanged by every syscall.
 */
import { U128_MAX } from '../lib/u128.ts';
import { Halt } from './halts.ts';
import { SYS_STATUS, type SyscallInfo } from './syscalls.ts';
import type { World } from './world.ts';

export interface HostContext {
  readonly world: World;
  readonly now: bigint;
  readonly origin: bigint;
  readonly selfId: bigint;
  readonly callerId: bigint;
}

const S = SYS_STATUS;

/** Run syscall `s` with its arguments (deepest first); returns its results (deepest first). */
export function runSyscall(s: SyscallInfo, a: readonly bigint[], h: HostContext): bigint[] {
  const w = h.world;
  const arg = (i: number): bigint => a[i] as bigint;
  switch (s.name) {
    case 'CLOCK':
      return [h.now];
    case 'ORACLE': {
      const q = w.oracle(arg(0));
      return [q.price, q.publishTime];
    }
    case 'SELF':
      return [h.selfId];
    case 'CALLER':
      return [h.callerId];
    case 'ORIGIN':
      return [h.origin];
    case 'ESCROW_BALANCE':
      return [w.escrow(arg(0), arg(1), arg(2)).balance];
    case 'ESCROW_NONCE':
      return [w.escrow(arg(0), arg(1), arg(2)).nonce];
    case 'ESCROW_CREDIT': {
      const [user, slab, asset, amount] = a as [bigint, bigint, bigint, bigint];
      const e = w.escrow(user, slab, asset);
      const v = w.vault(asset);
      if (amount > v) return [S.EXCEEDS_BALANCE];
      if (e.balance + amount > U128_MAX) return [S.OVERFLOW];
      w.setVault(asset, v - amount);
      w.setEscrow(user, slab, asset, { balance: e.balance + amount, nonce: e.nonce });
      return [S.OK];
    }
    case 'ESCROW_DEBIT': {
      const [user, slab, asset, amount] = a as [bigint, bigint, bigint, bigint];
      const e = w.escrow(user, slab, asset);
      const v = w.vault(asset);
      if (amount > e.balance) return [S.EXCEEDS_BALANCE];
      if (v + amount > U128_MAX) return [S.OVERFLOW];
      w.setEscrow(user, slab, asset, { balance: e.balance - amount, nonce: e.nonce });
      w.setVault(asset, v + amount);
      return [S.OK];
    }
    case 'ESCROW_BUMP_NONCE': {
      const [user, slab, asset] = a as [bigint, bigint, bigint];
      const e = w.escrow(user, slab, asset);
      if (e.nonce === U128_MAX) throw new Halt('overflow', 'escrow nonce');
      w.setEscrow(user, slab, asset, { balance: e.balance, nonce: e.nonce + 1n });
      return [e.nonce + 1n];
    }
    case 'VAULT_BALANCE':
      return [w.vault(arg(0))];
    case 'VAULT_DEPOSIT': {
      const [user, asset, amount] = a as [bigint, bigint, bigint];
      const have = w.wallet(user, asset);
      const v = w.vault(asset);
      if (amount > have) return [S.EXCEEDS_BALANCE];
      if (v + amount > U128_MAX) return [S.OVERFLOW];
      w.setWallet(user, asset, have - amount);
      w.setVault(asset, v + amount);
      return [S.OK];
    }
    case 'VAULT_WITHDRAW': {
      const [user, asset, amount] = a as [bigint, bigint, bigint];
      const have = w.wallet(user, asset);
      const v = w.vault(asset);
      if (amount > v) return [S.EXCEEDS_BALANCE];
      if (have + amount > U128_MAX) return [S.OVERFLOW];
      w.setVault(asset, v - amount);
      w.setWallet(user, asset, have + amount);
      return [S.OK];
    }
    case 'CAP_MINT': {
      const [user, slab, asset, amountMax, expiry] = a as [bigint, bigint, bigint, bigint, bigint];
      const id = w.mintCapId();
      const nonce = w.escrow(user, slab, asset).nonce;
      w.setCap(id, { user, slab, asset, amountMax, remaining: amountMax, expiry, nonce, burned: false });
      return [id];
    }
    case 'CAP_BURN': {
      const c = w.cap(arg(0));
      if (!c) return [S.NO_SUCH_CAP];
      if (!c.burned) w.setCap(arg(0), { ...c, burned: true });
      return [S.OK];
    }
    case 'CAP_REMAINING': {
      const c = w.cap(arg(0));
      return [c && !c.burned ? c.remaining : 0n];
    }
    case 'CAP_DEBIT':
      return [guardedDebit(h, arg(0), arg(1))];
    default:
      throw new Error(`internal assertion failed: syscall ${s.name} has no host semantics`);
  }
}

/**
 * The guarded debit (PERP_DESIGN.md; P7, R6, L2, F1, ADV1): checks in this order — the cap exists, its
 * slab is the caller (scope), not burned, not expired (valid while now < expiry), amount ≤ remaining,
 * amount ≤ escrow balance, the vault can take it — then decrements both and moves the amount into the
 * vault's settlement balance. Any failed check changes nothing.
 */
export function guardedDebit(h: HostContext, capId: bigint, amount: bigint): bigint {
  const w = h.world;
  const c = w.cap(capId);
  if (!c) return S.NO_SUCH_CAP;
  if (c.slab !== h.selfId) return S.SCOPE;
  if (c.burned) return S.BURNED;
  if (h.now >= c.expiry) return S.EXPIRED;
  if (amount > c.remaining) return S.EXCEEDS_REMAINING;
  const e = w.escrow(c.user, c.slab, c.asset);
  if (amount > e.balance) return S.EXCEEDS_BALANCE;
  const v = w.vault(c.asset);
  if (v + amount > U128_MAX) return S.OVERFLOW;
  w.setCap(capId, { ...c, remaining: c.remaining - amount });
  w.setEscrow(c.user, c.slab, c.asset, { balance: e.balance - amount, nonce: e.nonce });
  w.setVault(c.asset, v + amount);
  return S.OK;
}
