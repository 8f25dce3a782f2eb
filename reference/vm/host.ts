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

/** One balance a transfer reads and writes: a wallet, a vault, or an escrow's balance. */
interface Balance {
  get(): bigint;
  set(v: bigint): void;
}

// Classes rather than object literals of arrow functions: the tsx/esbuild loader names every such arrow
// at run time (`__name`), which showed in the profile of the perp bench (PFM1).
class WalletBalance implements Balance {
  constructor(
    private readonly w: World,
    private readonly user: bigint,
    private readonly asset: bigint,
  ) {}
  get(): bigint {
    return this.w.wallet(this.user, this.asset);
  }
  set(v: bigint): void {
    this.w.setWallet(this.user, this.asset, v);
  }
}

class VaultBalance implements Balance {
  constructor(
    private readonly w: World,
    private readonly asset: bigint,
  ) {}
  get(): bigint {
    return this.w.vault(this.asset);
  }
  set(v: bigint): void {
    this.w.setVault(this.asset, v);
  }
}

class EscrowBalance implements Balance {
  constructor(
    private readonly w: World,
    private readonly user: bigint,
    private readonly slab: bigint,
    private readonly asset: bigint,
  ) {}
  get(): bigint {
    return this.w.escrow(this.user, this.slab, this.asset).balance;
  }
  set(v: bigint): void {
    this.w.setEscrow(this.user, this.slab, this.asset, { balance: v, nonce: this.w.escrow(this.user, this.slab, this.asset).nonce });
  }
}

const walletOf = (w: World, user: bigint, asset: bigint): Balance => new WalletBalance(w, user, asset);
const vaultOf = (w: World, asset: bigint): Balance => new VaultBalance(w, asset);
const escrowOf = (w: World, user: bigint, slab: bigint, asset: bigint): Balance => new EscrowBalance(w, user, slab, asset);

/**
 * Move `amount` from one balance to another (VM-SYS-CONSERVE): EXCEEDS_BALANCE when the source holds
 * less, OVERFLOW when the destination would pass 2^128−1, and then nothing changes; otherwise both are
 * written, source first.
 */
function transfer(from: Balance, to: Balance, amount: bigint): bigint {
  const have = from.get();
  const dest = to.get();
  if (amount > have) return S.EXCEEDS_BALANCE;
  if (dest + amount > U128_MAX) return S.OVERFLOW;
  from.set(have - amount);
  to.set(dest + amount);
  return S.OK;
}

/** Run syscall `s` with its arguments (deepest first); returns its results (deepest first). */
export function runSyscall(s: SyscallInfo, a: readonly bigint[], h: HostContext): bigint[] {
  const w = h.world;
  switch (s.name) {
    case 'CLOCK':
      return [h.now];
    case 'ORACLE': {
      const q = w.oracle(a[0] as bigint);
      return [q.price, q.publishTime];
    }
    case 'SELF':
      return [h.selfId];
    case 'CALLER':
      return [h.callerId];
    case 'ORIGIN':
      return [h.origin];
    case 'ESCROW_BALANCE':
      return [w.escrow(a[0] as bigint, a[1] as bigint, a[2] as bigint).balance];
    case 'ESCROW_NONCE':
      return [w.escrow(a[0] as bigint, a[1] as bigint, a[2] as bigint).nonce];
    case 'ESCROW_CREDIT': {
      const [user, slab, asset, amount] = a as [bigint, bigint, bigint, bigint];
      return [transfer(vaultOf(w, asset), escrowOf(w, user, slab, asset), amount)];
    }
    case 'ESCROW_DEBIT': {
      const [user, slab, asset, amount] = a as [bigint, bigint, bigint, bigint];
      return [transfer(escrowOf(w, user, slab, asset), vaultOf(w, asset), amount)];
    }
    case 'ESCROW_BUMP_NONCE': {
      const [user, slab, asset] = a as [bigint, bigint, bigint];
      const e = w.escrow(user, slab, asset);
      if (e.nonce === U128_MAX) throw new Halt('overflow', 'escrow nonce');
      w.setEscrow(user, slab, asset, { balance: e.balance, nonce: e.nonce + 1n });
      return [e.nonce + 1n];
    }
    case 'VAULT_BALANCE':
      return [w.vault(a[0] as bigint)];
    case 'VAULT_DEPOSIT': {
      const [user, asset, amount] = a as [bigint, bigint, bigint];
      return [transfer(walletOf(w, user, asset), vaultOf(w, asset), amount)];
    }
    case 'VAULT_WITHDRAW': {
      const [user, asset, amount] = a as [bigint, bigint, bigint];
      return [transfer(vaultOf(w, asset), walletOf(w, user, asset), amount)];
    }
    case 'CAP_MINT': {
      const [user, slab, asset, amountMax, expiry] = a as [bigint, bigint, bigint, bigint, bigint];
      const id = w.mintCapId();
      const nonce = w.escrow(user, slab, asset).nonce;
      w.setCap(id, { user, slab, asset, amountMax, remaining: amountMax, expiry, nonce, burned: false });
      return [id];
    }
    case 'CAP_BURN': {
      const c = w.cap(a[0] as bigint);
      if (!c) return [S.NO_SUCH_CAP];
      if (!c.burned) w.setCap(a[0] as bigint, { ...c, burned: true });
      return [S.OK];
    }
    case 'CAP_REMAINING': {
      const c = w.cap(a[0] as bigint);
      return [c && !c.burned ? c.remaining : 0n];
    }
    case 'CAP_DEBIT':
      return [guardedDebit(h, a[0] as bigint, a[1] as bigint)];
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
  const moved = transfer(escrowOf(w, c.user, c.slab, c.asset), vaultOf(w, c.asset), amount);
  if (moved === S.OK) w.setCap(capId, { ...c, remaining: c.remaining - amount });
  return moved;
}
