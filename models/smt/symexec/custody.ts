/**
 * The host's custody as the symbolic executor sees it (spec/symexec.md "Syscalls"): the same syscall table
 * (reference/vm/syscalls.ts) with two host models. `ConcreteHost` wraps a World and runs the reference
 * host semantics (reference/vm/host.ts `runSyscall`) — used whenever the pre-state is concrete, so the
 * honesty property compares like with like. `SymbolicCustody` models wallets, vaults, escrows (balance
 * and nonce), debit caps, the cap counter and oracle quotes as z3 arrays over an unconstrained pre-state,
 * each syscall written exactly as the reference orders its checks (VM-SYS-*, the guarded debit of P7).
 */
import type { Bool, SMTArray, BitVecSort, Sort } from 'z3-solver';
import { U128_MAX } from '../../../reference/lib/u128.ts';
import { Halt, type HaltKind } from '../../../reference/vm/halts.ts';
import { runSyscall } from '../../../reference/vm/host.ts';
import { SYS_STATUS, type SyscallInfo } from '../../../reference/vm/syscalls.ts';
import type { World } from '../../../reference/vm/world.ts';
import type { BV, SymWord, TrapCond, Words, ZBool } from './word.ts';
import { WORD } from './word.ts';

export interface CallEnv {
  readonly now: SymWord;
  readonly origin: SymWord;
  readonly selfId: bigint;
  readonly callerId: SymWord;
}

export interface SyscallOutcome {
  readonly results: readonly SymWord[];
  readonly traps: readonly TrapCond[];
  /** A concrete halt (the concrete host threw). */
  readonly halt?: HaltKind;
}

/** Raised for what the executor does not model on this path (the obligation becomes `partial`). */
export class Unsupported extends Error {}

export interface HostModel {
  syscall(s: SyscallInfo, args: readonly SymWord[], env: CallEnv): { host: HostModel; out: SyscallOutcome };
  merge(c: ZBool, other: HostModel): HostModel;
  /** The custody after cross-module call number `n` (which is not executed: any custody). */
  afterCall(n: number): HostModel;
}

export class ConcreteHost implements HostModel {
  constructor(readonly world: World) {}

  syscall(s: SyscallInfo, args: readonly SymWord[], env: CallEnv): { host: HostModel; out: SyscallOutcome } {
    const words = args.map((a) => {
      if (typeof a !== 'bigint') throw new Unsupported(`${s.name} with a symbolic argument over a concrete world`);
      return a;
    });
    const { now, origin, callerId } = env;
    if (typeof now !== 'bigint' || typeof origin !== 'bigint' || typeof callerId !== 'bigint') throw new Unsupported('symbolic call environment over a concrete world');
    const world = this.world.clone();
    try {
      const results = runSyscall(s, words, { world, now, origin, selfId: env.selfId, callerId });
      return { host: new ConcreteHost(world), out: { results, traps: [] } };
    } catch (e) {
      if (e instanceof Halt) return { host: this, out: { results: [], traps: [], halt: e.kind } };
      throw e;
    }
  }

  afterCall(): HostModel {
    throw new Unsupported('cross-module CALL over a concrete world');
  }

  merge(_c: ZBool, other: HostModel): HostModel {
    if (other === this) return this;
    throw new Unsupported('two different concrete worlds meet at a join (symbolic branch over a concrete world)');
  }
}

type Arr<D extends Sort<'main'> = BitVecSort<number, 'main'>, R extends Sort<'main'> = BitVecSort<number, 'main'>> = SMTArray<'main', [D], R>;
type BoolArr = SMTArray<'main', [BitVecSort<number, 'main'>], Sort<'main'>>;

/** Array fields of the symbolic custody, by name (wallet key = user·asset, escrow key = user·slab·asset). */
export interface CustodyFields {
  readonly wallet: Arr;
  readonly vault: Arr;
  readonly escBal: Arr;
  readonly escNonce: Arr;
  readonly capExists: BoolArr;
  readonly capBurned: BoolArr;
  readonly capUser: Arr;
  readonly capSlab: Arr;
  readonly capAsset: Arr;
  readonly capMax: Arr;
  readonly capRem: Arr;
  readonly capExp: Arr;
  readonly capNonce: Arr;
  readonly oraclePrice: Arr;
  readonly oracleTime: Arr;
  readonly nextCap: BV;
}

const S = SYS_STATUS;

export class SymbolicCustody implements HostModel {
  constructor(
    readonly w: Words,
    readonly f: CustodyFields,
  ) {}

  /** An unconstrained custody pre-state; every name is prefixed with `prefix`. */
  static fresh(w: Words, prefix = 'pre'): SymbolicCustody {
    const c = w.ctx;
    const bv = (n: number) => c.BitVec.sort(n);
    const arr = (name: string, dom = WORD) => c.Array.const(`${prefix}.${name}`, bv(dom), bv(WORD)) as unknown as Arr;
    const barr = (name: string) => c.Array.const(`${prefix}.${name}`, bv(WORD), c.Bool.sort()) as unknown as BoolArr;
    return new SymbolicCustody(w, {
      wallet: arr('wallet', 2 * WORD),
      vault: arr('vault'),
      escBal: arr('escrow.balance', 3 * WORD),
      escNonce: arr('escrow.nonce', 3 * WORD),
      capExists: barr('cap.exists'),
      capBurned: barr('cap.burned'),
      capUser: arr('cap.user'),
      capSlab: arr('cap.slab'),
      capAsset: arr('cap.asset'),
      capMax: arr('cap.amount_max'),
      capRem: arr('cap.remaining'),
      capExp: arr('cap.expiry'),
      capNonce: arr('cap.nonce'),
      oraclePrice: arr('oracle.price'),
      oracleTime: arr('oracle.publish_time'),
      nextCap: c.BitVec.const(`${prefix}.next_cap`, WORD),
    });
  }

  key(...parts: SymWord[]): BV {
    const bvs = parts.map((p) => this.w.bv(p));
    return bvs.length === 1 ? (bvs[0] as BV) : (this.w.ctx.Concat(...bvs) as BV);
  }

  get(a: Arr, ...k: SymWord[]): BV {
    return a.select(this.key(...k)) as BV;
  }

  flag(a: BoolArr, id: SymWord): Bool<'main'> {
    return a.select(this.w.bv(id)) as Bool<'main'>;
  }

  private with(patch: Partial<CustodyFields>): SymbolicCustody {
    return new SymbolicCustody(this.w, { ...this.f, ...patch });
  }

  /**
   * Move `amount` from balance `from` to `to` (VM-SYS-CONSERVE): EXCEEDS_BALANCE, then OVERFLOW of the
   * destination, else both written. Returns the status and the two new values.
   */
  private transfer(have: BV, dest: BV, amount: BV): { status: BV; from: BV; to: BV; ok: ZBool } {
    const c = this.w.ctx;
    const v = (x: bigint) => c.BitVec.val(x, WORD);
    const short = amount.ugt(have);
    const over = c.Not(dest.addNoOverflow(amount, false));
    const status = c.If(short, v(S.EXCEEDS_BALANCE), c.If(over, v(S.OVERFLOW), v(S.OK))) as BV;
    const ok = c.And(c.Not(short), c.Not(over));
    return { status, ok, from: c.If(ok, have.sub(amount), have) as BV, to: c.If(ok, dest.add(amount), dest) as BV };
  }

  /**
   * A transfer between two balances in either direction (ESCROW_CREDIT/DEBIT, VAULT_DEPOSIT/WITHDRAW):
   * x → y when `forward`, else y → x; the new x and y and the status.
   */
  private transferEither(forward: boolean, x: BV, y: BV, amount: BV): { status: BV; x: BV; y: BV } {
    const t = forward ? this.transfer(x, y, amount) : this.transfer(y, x, amount);
    return forward ? { status: t.status, x: t.from, y: t.to } : { status: t.status, x: t.to, y: t.from };
  }

  syscall(s: SyscallInfo, args: readonly SymWord[], env: CallEnv): { host: HostModel; out: SyscallOutcome } {
    const c = this.w.ctx;
    const f = this.f;
    const a = args.map((x) => this.w.bv(x));
    const v = (x: bigint) => c.BitVec.val(x, WORD);
    const done = (results: SymWord[], host: SymbolicCustody = this, traps: TrapCond[] = []) => ({ host, out: { results, traps } });
    const [a0, a1, a2, a3, a4] = a as [BV, BV, BV, BV, BV];
    switch (s.name) {
      case 'CLOCK':
        return done([env.now]);
      case 'ORACLE':
        return done([this.get(f.oraclePrice, a0), this.get(f.oracleTime, a0)]);
      case 'SELF':
        return done([env.selfId]);
      case 'CALLER':
        return done([env.callerId]);
      case 'ORIGIN':
        return done([env.origin]);
      case 'ESCROW_BALANCE':
        return done([this.get(f.escBal, a0, a1, a2)]);
      case 'ESCROW_NONCE':
        return done([this.get(f.escNonce, a0, a1, a2)]);
      case 'ESCROW_CREDIT':
      case 'ESCROW_DEBIT': {
        const k = this.key(a0, a1, a2);
        // ESCROW_CREDIT moves vault → escrow, ESCROW_DEBIT escrow → vault.
        const t = this.transferEither(s.name === 'ESCROW_CREDIT', f.vault.select(a2) as BV, f.escBal.select(k) as BV, a3);
        return done([t.status], this.with({ escBal: f.escBal.store(k, t.y) as Arr, vault: f.vault.store(a2, t.x) as Arr }));
      }
      case 'ESCROW_BUMP_NONCE': {
        const k = this.key(a0, a1, a2);
        const n = f.escNonce.select(k) as BV;
        return done([n.add(1n)], this.with({ escNonce: f.escNonce.store(k, n.add(1n)) as Arr }), [{ cond: n.eq(v(U128_MAX)), kind: 'overflow' }]);
      }
      case 'VAULT_BALANCE':
        return done([this.get(f.vault, a0)]);
      case 'VAULT_DEPOSIT':
      case 'VAULT_WITHDRAW': {
        const k = this.key(a0, a1);
        // VAULT_DEPOSIT moves wallet → vault, VAULT_WITHDRAW vault → wallet.
        const t = this.transferEither(s.name === 'VAULT_DEPOSIT', f.wallet.select(k) as BV, f.vault.select(a1) as BV, a2);
        return done([t.status], this.with({ wallet: f.wallet.store(k, t.x) as Arr, vault: f.vault.store(a1, t.y) as Arr }));
      }
      case 'CAP_MINT': {
        const id = f.nextCap;
        const nonce = this.get(f.escNonce, a0, a1, a2);
        return done(
          [id],
          this.with({
            capExists: f.capExists.store(id, c.Bool.val(true)) as BoolArr,
            capBurned: f.capBurned.store(id, c.Bool.val(false)) as BoolArr,
            capUser: f.capUser.store(id, a0) as Arr,
            capSlab: f.capSlab.store(id, a1) as Arr,
            capAsset: f.capAsset.store(id, a2) as Arr,
            capMax: f.capMax.store(id, a3) as Arr,
            capRem: f.capRem.store(id, a3) as Arr,
            capExp: f.capExp.store(id, a4) as Arr,
            capNonce: f.capNonce.store(id, nonce) as Arr,
            nextCap: id.add(1n),
          }),
        );
      }
      case 'CAP_BURN': {
        const exists = this.flag(f.capExists, a0);
        return done([c.If(exists, v(S.OK), v(S.NO_SUCH_CAP)) as BV], this.with({ capBurned: f.capBurned.store(a0, c.Or(exists, this.flag(f.capBurned, a0))) as BoolArr }));
      }
      case 'CAP_REMAINING': {
        const live = c.And(this.flag(f.capExists, a0), c.Not(this.flag(f.capBurned, a0)));
        return done([c.If(live, this.get(f.capRem, a0), v(0n)) as BV]);
      }
      case 'CAP_DEBIT':
        return this.capDebit(a0, a1, env);
      default:
        throw new Unsupported(`syscall ${s.name} has no symbolic model`);
    }
  }

  /** The guarded debit in the reference's order: exists, scope, burned, expiry, remaining, balance. */
  private capDebit(id: BV, amount: BV, env: CallEnv): { host: HostModel; out: SyscallOutcome } {
    const c = this.w.ctx;
    const f = this.f;
    const v = (x: bigint) => c.BitVec.val(x, WORD);
    const user = this.get(f.capUser, id);
    const slab = this.get(f.capSlab, id);
    const asset = this.get(f.capAsset, id);
    const rem = this.get(f.capRem, id);
    const k = this.key(user, slab, asset);
    const t = this.transfer(f.escBal.select(k) as BV, f.vault.select(asset) as BV, amount);
    const checks: [Bool<'main'>, bigint][] = [
      [c.Not(this.flag(f.capExists, id)), S.NO_SUCH_CAP],
      [slab.neq(v(env.selfId)), S.SCOPE],
      [this.flag(f.capBurned, id), S.BURNED],
      [this.w.bv(env.now).uge(this.get(f.capExp, id)), S.EXPIRED],
      [amount.ugt(rem), S.EXCEEDS_REMAINING],
    ];
    let status: BV = t.status;
    for (let i = checks.length - 1; i >= 0; i--) {
      const [cond, code] = checks[i] as [Bool<'main'>, bigint];
      status = c.If(cond, v(code), status) as BV;
    }
    const ok = status.eq(v(S.OK));
    const host = this.with({
      escBal: f.escBal.store(k, c.If(ok, t.from, f.escBal.select(k)) as BV) as Arr,
      vault: f.vault.store(asset, c.If(ok, t.to, f.vault.select(asset)) as BV) as Arr,
      capRem: f.capRem.store(id, c.If(ok, rem.sub(amount), rem) as BV) as Arr,
    });
    return { host, out: { results: [status], traps: [] } };
  }

  afterCall(n: number): HostModel {
    const fresh = SymbolicCustody.fresh(this.w, `call${n}`);
    // the oracle quotes are host inputs, not changed by a call (VM-SYS-ORACLE)
    return new SymbolicCustody(this.w, { ...fresh.f, oraclePrice: this.f.oraclePrice, oracleTime: this.f.oracleTime });
  }

  merge(cond: ZBool, other: HostModel): HostModel {
    if (other === this) return this;
    if (!(other instanceof SymbolicCustody)) throw new Unsupported('a symbolic and a concrete host meet at a join');
    const c = this.w.ctx;
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(this.f) as (keyof CustodyFields)[]) {
      const x = this.f[name];
      const y = other.f[name];
      out[name] = x === y ? x : c.If(cond, x as never, y as never);
    }
    return new SymbolicCustody(this.w, out as unknown as CustodyFields);
  }
}
