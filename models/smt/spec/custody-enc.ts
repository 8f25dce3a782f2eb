/**
 * The guarded debit CAP_DEBIT (spec/perp.md §13 PERP-CUST-DEBIT, spec/curvevm.md VM-SYS-CAP-DEBIT) and the
 * host transfer (VM-SYS-CONSERVE) as 128-bit bit-vector terms, beside the same steps run on the golden
 * model's custody (reference/perp/model/custody.ts). Domain: QF_BV — every step is linear, and the point
 * is to rule out the wrap-around of the machine word. The cap is assumed to exist (NO_SUCH_CAP is the
 * first check and changes nothing; it is covered by the model tests).
 */
import type { BitVec, Bool } from 'z3-solver';
import { SYS_STATUS as S } from '../../../reference/vm/syscalls.ts';
import { capMint, escrow, escrowCredit, guardedDebit, newCustody, vault } from '../../../reference/perp/model/custody.ts';
import type { Z3Context } from '../z3.ts';
import { BvEnc, bits, range, type Vars } from './encoding.ts';
import type { SpecTerm, Values } from './spec-obligation.ts';

type V = BitVec<number, 'main'>;

const USER = 7n;
const ASSET = 3n;

export interface DebitVars {
  readonly capSlab: V;
  readonly caller: V;
  readonly burned: V;
  readonly now: V;
  readonly expiry: V;
  readonly amount: V;
  readonly remaining: V;
  readonly amountMax: V;
  readonly balance: V;
  readonly vault: V;
}

/** Declares the pre-state of one guarded debit: a cap (slab, burned, expiry, remaining ≤ amount_max), its escrow and the vault. */
export function debitVars(v: Vars): DebitVars {
  const w = bits(128);
  return {
    capSlab: v.bv('cap_slab', range(1n, 4n)),
    caller: v.bv('caller', range(1n, 4n)),
    burned: v.bv('burned', range(0n, 1n)),
    now: v.bv('now', bits(64)),
    expiry: v.bv('expiry', bits(64)),
    amount: v.bv('amount', w),
    remaining: v.bv('remaining', w),
    amountMax: v.bv('amount_max', w),
    balance: v.bv('balance', w),
    vault: v.bv('vault', w),
  };
}

export interface DebitTerms {
  readonly status: V;
  readonly ok: Bool<'main'>;
  readonly balance: V;
  readonly vault: V;
  readonly remaining: V;
}

/** CAP_DEBIT's checks in order — scope, burned, expiry, remaining, balance, vault overflow — and its writes. */
export function debitEnc(ctx: Z3Context, d: DebitVars): DebitTerms {
  const bv = new BvEnc(ctx);
  const If = (c: Bool<'main'>, a: V, b: V): V => ctx.If(c, a, b) as V;
  const status = If(
    d.capSlab.neq(d.caller),
    bv.n(S.SCOPE),
    If(
      d.burned.eq(bv.n(1)),
      bv.n(S.BURNED),
      If(d.now.uge(d.expiry), bv.n(S.EXPIRED), If(d.amount.ugt(d.remaining), bv.n(S.EXCEEDS_REMAINING), If(d.amount.ugt(d.balance), bv.n(S.EXCEEDS_BALANCE), If(bv.addFits(d.vault, d.amount), bv.n(S.OK), bv.n(S.OVERFLOW))))),
    ),
  );
  const ok = status.eq(bv.n(S.OK));
  return { status, ok, balance: If(ok, d.balance.sub(d.amount), d.balance), vault: If(ok, d.vault.add(d.amount), d.vault), remaining: If(ok, d.remaining.sub(d.amount), d.remaining) };
}

export interface DebitOut {
  readonly status: bigint;
  readonly balance: bigint;
  readonly vault: bigint;
  readonly remaining: bigint;
}

/** The same debit on the golden model's custody, built at the given pre-state. */
export function debitModel(x: Values): DebitOut {
  const c = newCustody();
  const slab = x.cap_slab as bigint;
  c.vaults.set(ASSET, x.balance as bigint);
  if (escrowCredit(c, USER, slab, ASSET, x.balance as bigint) !== S.OK) throw new Error('internal: escrow setup');
  c.vaults.set(ASSET, x.vault as bigint);
  const id = capMint(c, USER, slab, ASSET, x.amount_max as bigint, x.expiry as bigint);
  const cap = c.caps.get(id);
  if (!cap) throw new Error('internal: cap setup');
  c.caps.set(id, { ...cap, remaining: x.remaining as bigint, burned: x.burned === 1n });
  const status = guardedDebit(c, x.caller as bigint, x.now as bigint, id, x.amount as bigint);
  return { status, balance: escrow(c, USER, slab, ASSET).balance, vault: vault(c, ASSET), remaining: c.caps.get(id)?.remaining ?? -1n };
}

/** The terms the drift property compares with `debitModel`. */
export function debitTerms(t: DebitTerms): Record<string, SpecTerm> {
  return {
    status: { smt: t.status, model: (x) => debitModel(x).status },
    balance: { smt: t.balance, model: (x) => debitModel(x).balance },
    vault: { smt: t.vault, model: (x) => debitModel(x).vault },
    remaining: { smt: t.remaining, model: (x) => debitModel(x).remaining },
  };
}
