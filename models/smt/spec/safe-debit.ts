/**
 * Safe-debit family (issue 5; P3, P5, P6, P7, R6, L2, F1, ADV1, VAL1, VAL2): every debit is at most
 * min(cap.remaining, escrow.balance) on every branch, never wraps, and moves value without creating or
 * destroying it. Guarded-debit obligations are over 128-bit bit-vectors (custody-enc.ts: linear, QF_BV);
 * the router-cash steps of a route (reserve → commit → release) are linear integer arithmetic (QF_LIA)
 * because cash is a signed i128 claim.
 */
import { SYS_STATUS as S } from '../../../reference/vm/syscalls.ts';
import { coverDeficit } from '../../../reference/perp/model/liquidation.ts';
import { cashOf, newState, setCash } from '../../../reference/perp/model/state.ts';
import { U128_MAX, BvEnc, I128_MAX, I128_MIN, IntEnc, bits, range, type Vars } from './encoding.ts';
import { ROUTER_PARAMS } from './model-fixtures.ts';
import { capBurn, capMint, capRemaining, escrow, escrowCredit, escrowDebit, guardedDebit, newCustody, vault } from '../../../reference/perp/model/custody.ts';
import { debitEnc, debitModel, debitTerms, debitVars, type DebitTerms, type DebitVars } from './custody-enc.ts';
import { json, type Encoded, type SpecDef, type Values } from './spec-obligation.ts';
import type { Z3Context } from '../z3.ts';

const DEBIT_BOUNDS = 'cap_slab, caller ∈ [1, 4]; burned ∈ {0, 1}; now, expiry < 2^64; amounts, balances and the vault any u128';

/** What a guarded-debit obligation states about one CAP_DEBIT; `debitDef` supplies the rest. */
interface DebitDef extends Pick<SpecDef, 'id' | 'invariants' | 'rules' | 'description' | 'replay'> {
  /** Appended to DEBIT_BOUNDS after '; ' (extra variables or assumptions). */
  readonly alsoBounds?: string;
  /** The property over the declared pre-state `d` and CAP_DEBIT's terms `t`; `v` declares any extra variable (after debitVars). */
  property(ctx: Z3Context, d: DebitVars, t: DebitTerms, bv: BvEnc, v: Vars): { readonly assume?: Encoded['assume']; readonly reach: NonNullable<Encoded['reach']>; readonly prove: Encoded['prove'] };
}

/**
 * A guarded-debit obligation (QF_BV): the pre-state of debitVars, CAP_DEBIT as debitEnc, the drift terms of
 * debitTerms and the bounds DEBIT_BOUNDS, shared by every obligation that states a property of one debit.
 */
function debitDef(o: DebitDef): SpecDef {
  return {
    id: o.id,
    family: 'safe-debit',
    invariants: o.invariants,
    rules: o.rules,
    description: o.description,
    bounds: o.alsoBounds === undefined ? DEBIT_BOUNDS : `${DEBIT_BOUNDS}; ${o.alsoBounds}`,
    logic: 'QF_BV',
    encode(ctx, v) {
      const d = debitVars(v);
      const t = debitEnc(ctx, d);
      const p = o.property(ctx, d, t, new BvEnc(ctx), v);
      return { assume: p.assume ?? [], reach: p.reach, prove: p.prove, terms: debitTerms(t) };
    },
    replay: o.replay,
  };
}

export const safeDebitDefs: readonly SpecDef[] = [
  debitDef({
    id: 'SAFE-DEBIT/R6/debit-within-min',
    invariants: ['R6', 'P7', 'ADV1'],
    rules: ['PERP-CUST-DEBIT', 'VM-SYS-CAP-DEBIT'],
    description: 'a successful guarded debit moves amount ≤ min(cap.remaining, escrow.balance), exactly that amount',
    property(ctx, d, t, bv) {
      const minRB = ctx.If(d.remaining.ult(d.balance), d.remaining, d.balance);
      return {
        reach: { ok: t.ok, 'exceeds-remaining': t.status.eq(bv.n(S.EXCEEDS_REMAINING)), 'exceeds-balance': t.status.eq(bv.n(S.EXCEEDS_BALANCE)) },
        prove: ctx.Implies(t.ok, ctx.And(d.amount.ule(minRB), d.balance.sub(t.balance).eq(d.amount), d.remaining.sub(t.remaining).eq(d.amount))),
      };
    },
    replay(x) {
      const o = debitModel(x);
      if (o.status !== S.OK) return null;
      const m = (x.remaining as bigint) < (x.balance as bigint) ? (x.remaining as bigint) : (x.balance as bigint);
      if ((x.amount as bigint) > m) return `debit of ${x.amount} above min(remaining, balance) = ${m}`;
      if ((x.balance as bigint) - o.balance !== x.amount) return 'escrow moved a different amount';
      return null;
    },
  }),
  debitDef({
    id: 'SAFE-DEBIT/P3/no-underflow',
    invariants: ['P3', 'P5', 'VAL2'],
    rules: ['PERP-CUST-DEBIT', 'VM-SYS-CONSERVE'],
    description: 'a guarded debit never wraps: escrow and remaining only go down, the vault only up, and escrow + vault is unchanged',
    property(ctx, d, t, bv) {
      // No wrap, stated on the operations themselves (faster to decide than comparing the results): each
      // subtraction's minuend is ≥ its subtrahend and the addition fits; the three deltas are the same amount.
      return {
        reach: { ok: t.ok, overflow: t.status.eq(bv.n(S.OVERFLOW)) },
        prove: ctx.And(
          ctx.Implies(t.ok, ctx.And(d.amount.ule(d.balance), d.amount.ule(d.remaining), bv.addFits(d.vault, d.amount))),
          d.balance.sub(t.balance).eq(t.vault.sub(d.vault)),
          d.remaining.sub(t.remaining).eq(t.vault.sub(d.vault)),
        ),
      };
    },
    replay(x) {
      const o = debitModel(x);
      if (o.balance < 0n || o.remaining < 0n || o.vault > U128_MAX) return `negative or wrapped balance: ${json(o)}`;
      if (o.balance + o.vault !== (x.balance as bigint) + (x.vault as bigint)) return 'escrow + vault changed';
      if (o.balance > (x.balance as bigint) || o.remaining > (x.remaining as bigint) || o.vault < (x.vault as bigint)) return 'a balance moved the wrong way';
      return null;
    },
  }),
  debitDef({
    id: 'SAFE-DEBIT/P7/expired-fails',
    invariants: ['P7', 'R4', 'F1'],
    rules: ['PERP-CUST-DEBIT', 'PERP-COMMIT-001'],
    description: 'a debit at now ≥ expiry fails and changes nothing',
    alsoBounds: 'assumption now ≥ expiry',
    property: (ctx, d, t, bv) => ({
      assume: [d.now.uge(d.expiry)],
      reach: { expired: t.status.eq(bv.n(S.EXPIRED)) },
      prove: ctx.And(ctx.Not(t.ok), t.balance.eq(d.balance), t.vault.eq(d.vault), t.remaining.eq(d.remaining)),
    }),
    replay(x) {
      if ((x.now as bigint) < (x.expiry as bigint)) return null;
      const o = debitModel(x);
      if (o.status === S.OK) return 'debit succeeded after expiry';
      if (o.balance !== x.balance || o.vault !== x.vault || o.remaining !== x.remaining) return 'a failed debit changed custody';
      return null;
    },
  }),
  debitDef({
    id: 'SAFE-DEBIT/P7/remaining-le-max',
    invariants: ['P7'],
    rules: ['PERP-CUST-DEBIT'],
    description: '0 ≤ cap.remaining ≤ cap.amount_max is kept by every debit outcome',
    alsoBounds: 'assumption remaining ≤ amount_max',
    property: (ctx, d, t) => ({ assume: [d.remaining.ule(d.amountMax)], reach: { ok: t.ok }, prove: ctx.And(t.remaining.ule(d.amountMax), t.remaining.ule(d.remaining)) }),
    replay(x) {
      const o = debitModel(x);
      return o.remaining < 0n || o.remaining > (x.amount_max as bigint) ? `remaining ${o.remaining} outside [0, ${x.amount_max}]` : null;
    },
  }),
  debitDef({
    id: 'SAFE-DEBIT/P6/scope-burn-expiry',
    invariants: ['P6', 'P1', 'R4'],
    rules: ['PERP-CUST-DEBIT', 'PERP-SLAB-001'],
    description: 'a debit succeeds only for the slab the cap is scoped to, on an unburned, unexpired cap',
    property: (ctx, d, t, bv) => ({
      reach: { ok: t.ok, scope: t.status.eq(bv.n(S.SCOPE)), burned: t.status.eq(bv.n(S.BURNED)) },
      prove: ctx.Implies(t.ok, ctx.And(d.capSlab.eq(d.caller), d.burned.eq(bv.n(0)), d.now.ult(d.expiry))),
    }),
    replay(x) {
      const o = debitModel(x);
      return o.status === S.OK && (x.cap_slab !== x.caller || x.burned !== 0n || (x.now as bigint) >= (x.expiry as bigint)) ? 'debit succeeded out of scope, burned or expired' : null;
    },
  }),
  debitDef({
    id: 'SAFE-DEBIT/P5/escrow-equals-caps',
    invariants: ['P5', 'R6'],
    rules: ['PERP-CUST-DEBIT', 'PERP-ROUTE-002'],
    description: 'with escrow.balance = Σ remaining of its two open caps, any debit of one cap keeps the equality',
    alsoBounds: 'a second open cap rem2 on the same escrow, balance = remaining + rem2 without wrap',
    property(ctx, d, t, bv, v) {
      const rem2 = v.bv('rem2', bits(128));
      return {
        assume: [bv.addFits(d.remaining, rem2), d.balance.eq(d.remaining.add(rem2)), d.burned.eq(bv.n(0))],
        reach: { ok: t.ok, failed: ctx.Not(t.ok) },
        prove: t.balance.eq(t.remaining.add(rem2)),
      };
    },
    replay(x) {
      const o = debitModel(x);
      return o.balance !== o.remaining + (x.rem2 as bigint) ? `escrow ${o.balance} ≠ Σ caps ${o.remaining + (x.rem2 as bigint)}` : null;
    },
  }),
  {
    id: 'SAFE-DEBIT/L2/release-keeps-escrow',
    family: 'safe-debit',
    invariants: ['L2', 'P5', 'F2'],
    rules: ['PERP-ROUTE-002', 'PERP-ROUTE-003', 'PERP-LIQ-002'],
    description: 'releasing a leg (liquidation cancels routes this way) returns cap.remaining to cash through the vault and leaves escrow = Σ the other open caps',
    bounds: 'remaining, rem2, vault, cash any u128 with escrow = remaining + rem2 and vault + escrow ≤ 2^128 − 1 (the asset supply is a u128)',
    logic: 'QF_BV',
    encode(ctx, v) {
      const bv = new BvEnc(ctx);
      const rem = v.bv('remaining', bits(128));
      const rem2 = v.bv('rem2', bits(128));
      const vlt = v.bv('vault', bits(128));
      const cash = v.bv('cash', bits(128));
      const bal = rem.add(rem2);
      // PERP-ROUTE-002: rest = CAP_REMAINING; ESCROW_DEBIT(rest) = transfer escrow → vault; cash += rest; CAP_BURN.
      const moved = ctx.And(rem.ule(bal), bv.addFits(vlt, rem));
      const bal2 = ctx.If(moved, bal.sub(rem), bal);
      const vault2 = ctx.If(moved, vlt.add(rem), vlt);
      const cash2 = cash.add(rem);
      return {
        assume: [bv.addFits(rem, rem2), bv.addFits(vlt, bal), bv.addFits(cash, rem)],
        reach: { release: rem.ugt(bv.n(0)) },
        prove: ctx.And(moved, bal2.eq(rem2), vault2.sub(vlt).eq(cash2.sub(cash))),
      };
    },
    replay(x) {
      // PERP-ROUTE-002 on the golden model's custody: CAP_REMAINING, ESCROW_DEBIT, CAP_BURN.
      const c = newCustody();
      const [user, slab, asset] = [7n, 1n, 3n];
      const bal = (x.remaining as bigint) + (x.rem2 as bigint);
      c.vaults.set(asset, bal);
      escrowCredit(c, user, slab, asset, bal);
      c.vaults.set(asset, x.vault as bigint);
      const id = capMint(c, user, slab, asset, x.remaining as bigint, 1n);
      const rest = capRemaining(c, id);
      if (escrowDebit(c, user, slab, asset, rest) !== S.OK) return 'the release transfer fails';
      capBurn(c, id);
      if (escrow(c, user, slab, asset).balance !== x.rem2) return `escrow ${escrow(c, user, slab, asset).balance} ≠ Σ open caps ${x.rem2}`;
      if (capRemaining(c, id) !== 0n || vault(c, asset) - (x.vault as bigint) !== rest) return 'the released amount did not reach the vault';
      return null;
    },
  },
  {
    id: 'SAFE-DEBIT/F1/expired-commit-returns-escrow',
    family: 'safe-debit',
    invariants: ['F1', 'R4', 'E2E1'],
    rules: ['PERP-ROUTE-001', 'PERP-COMMIT-001', 'PERP-ROUTE-002', 'PERP-ROUTE-005'],
    description: 'reserve a leg (cash → escrow, cap = max_charge), commit at now ≥ expiry (fails before the debit), release: cash and escrow are back where they were',
    bounds: 'cash, max_charge i128/u128 integers with cash ≥ max_charge; now, expiry < 2^64',
    logic: 'QF_LIA',
    encode(ctx, v) {
      const cash = v.int('cash', range(0n, I128_MAX));
      const m = v.int('max_charge', range(0n, U128_MAX));
      const esc = v.int('escrow', range(0n, U128_MAX));
      const now = v.int('now', bits(64));
      const expiry = v.int('expiry', bits(64));
      const charge = v.int('charge', range(0n, U128_MAX));
      const cash1 = cash.sub(m);
      const esc1 = esc.add(m);
      // commit: RESERVATION_EXPIRED is checked (3) before the debit (8): nothing moves.
      const committed = ctx.And(now.lt(expiry), charge.le(m));
      const rem = ctx.If(committed, m.sub(charge), m);
      const esc2 = ctx.If(committed, esc1.sub(charge), esc1);
      const cash3 = cash1.add(rem);
      const esc3 = esc2.sub(rem);
      return {
        assume: [cash.ge(m), esc1.le(ctx.Int.val(U128_MAX)), now.ge(expiry)],
        reach: { expired: now.ge(expiry) },
        prove: ctx.And(cash3.eq(cash), esc3.eq(esc), cash1.ge(ctx.Int.val(I128_MIN))),
      };
    },
    replay(x) {
      // The route steps on plain integers: reserve moves max_charge cash → escrow; the commit fails (expired); release.
      const [cash, m, esc] = [x.cash as bigint, x.max_charge as bigint, x.escrow as bigint];
      const committed = (x.now as bigint) < (x.expiry as bigint) && (x.charge as bigint) <= m;
      const rem = committed ? m - (x.charge as bigint) : m;
      const escAfter = esc + m - (committed ? (x.charge as bigint) : 0n) - rem;
      return cash - m + rem !== cash || escAfter !== esc ? `cash ${cash - m + rem} / escrow ${escAfter} not restored` : null;
    },
  },
  debitDef({
    id: 'SAFE-DEBIT/ADV1/charge-above-cap-fails',
    invariants: ['ADV1', 'S9', 'R6'],
    rules: ['PERP-COMMIT-001', 'PERP-CUST-DEBIT'],
    description: 'a commit whose charge exceeds max_charge or the cap fails with custody unchanged; a successful one debits charge ≤ min(max_charge, remaining, balance)',
    alsoBounds: 'max_charge any u128; the commit debits amount = charge',
    property(ctx, d, t, _bv, v) {
      const maxCharge = v.bv('max_charge', bits(128));
      const committed = ctx.And(d.amount.ule(maxCharge), t.ok);
      const unchanged = ctx.And(t.balance.eq(d.balance), t.vault.eq(d.vault), t.remaining.eq(d.remaining));
      return {
        reach: { committed, 'above-max': d.amount.ugt(maxCharge), 'above-cap': ctx.And(d.amount.ule(maxCharge), d.amount.ugt(d.remaining)) },
        prove: ctx.And(
          ctx.Implies(d.amount.ugt(d.remaining), ctx.And(ctx.Not(t.ok), unchanged)),
          ctx.Implies(committed, ctx.And(d.amount.ule(maxCharge), d.amount.ule(d.remaining), d.amount.ule(d.balance))),
        ),
      };
    },
    replay(x) {
      const o = debitModel(x);
      if ((x.amount as bigint) > (x.remaining as bigint) && (o.status === S.OK || o.balance !== x.balance)) return 'a debit above the cap succeeded or moved funds';
      return null;
    },
  }),
  {
    id: 'SAFE-DEBIT/E2E4/insurance-pays-deficit-only',
    family: 'safe-debit',
    invariants: ['E2E4', 'P3', 'VAL1'],
    rules: ['PERP-LIQ-003', 'PERP-CONS-001'],
    description: 'insurance pays min(−cash, insurance) to a flat account with cash < 0: insurance stays ≥ 0, cash is not raised above 0, and cash + insurance is unchanged',
    bounds: 'cash any negative i128; insurance any u128',
    logic: 'QF_LIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [cash, ins] = [v.int('cash', range(I128_MIN, -1n)), v.int('insurance', range(0n, U128_MAX))];
      const pay = e.min(cash.neg(), ins);
      const [cash2, ins2] = [cash.add(pay), ins.sub(pay)];
      return {
        assume: [],
        reach: { 'fully-covered': cash.neg().le(ins), 'partly-covered': cash.neg().gt(ins) },
        prove: ctx.And(ins2.ge(0), cash2.le(0), cash2.ge(cash), cash2.add(ins2).eq(cash.add(ins)), e.i128(cash2)),
        terms: { cash: { smt: cash2, model: (x) => coverModel(x).cash }, insurance: { smt: ins2, model: (x) => coverModel(x).insurance } },
      };
    },
    replay(x) {
      const o = coverModel(x);
      return o.insurance < 0n || o.cash > 0n || o.cash + o.insurance !== (x.cash as bigint) + (x.insurance as bigint) ? `after the payout: cash ${o.cash}, insurance ${o.insurance}` : null;
    },
  },
  {
    id: 'SAFE-DEBIT/VAL1/commit-route-conserves',
    family: 'safe-debit',
    invariants: ['VAL1', 'VAL2', 'S9', 'P5'],
    rules: ['PERP-ROUTE-001', 'PERP-ROUTE-004', 'PERP-ROUTE-002', 'PERP-CONS-001', 'PERP-CUST-DEBIT'],
    description:
      'a committed leg — ESCROW_CREDIT of max_charge with cash −= max_charge, the guarded debit of charge = fee + tax ≤ max_charge, fees[slab] += fee, insurance += tax, release of the rest — leaves vault − (cash + insurance + fees) unchanged, the escrow as before, and costs the user exactly the charge',
    bounds: 'vault, escrow, fees, insurance, fee, tax any u128 with the sums fitting; cash ≥ max_charge (i128)',
    logic: 'QF_LIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [vault0, esc0, cash0, ins0, fees0, m, fee, tax] = [
        v.int('vault', range(0n, U128_MAX)),
        v.int('escrow', range(0n, U128_MAX)),
        v.int('cash', range(0n, I128_MAX)),
        v.int('insurance', range(0n, U128_MAX)),
        v.int('fees', range(0n, U128_MAX)),
        v.int('max_charge', range(0n, U128_MAX)),
        v.int('fee', range(0n, U128_MAX)),
        v.int('tax', range(0n, U128_MAX)),
      ];
      const charge = fee.add(tax);
      // reserve: ESCROW_CREDIT vault → escrow (needs vault ≥ m), cash −= m, CAP_MINT(m)
      const [vault1, esc1, cash1] = [vault0.sub(m), esc0.add(m), cash0.sub(m)];
      // commit: CAP_DEBIT(charge) escrow → vault; fees += fee; insurance += tax
      const [vault2, esc2, fees2, ins2] = [vault1.add(charge), esc1.sub(charge), fees0.add(fee), ins0.add(tax)];
      // release: rest = remaining = m − charge, ESCROW_DEBIT escrow → vault, cash += rest
      const rest = m.sub(charge);
      const [vault3, esc3, cash3] = [vault2.add(rest), esc2.sub(rest), cash1.add(rest)];
      const claims = (c: typeof cash0, i: typeof cash0, f: typeof cash0) => c.add(i).add(f);
      return {
        assume: [charge.le(m), cash0.ge(m), vault0.ge(m), e.u128(esc0.add(m)), e.u128(ins0.add(tax)), e.u128(fees0.add(fee))],
        reach: { charged: ctx.And(fee.gt(0), tax.gt(0), charge.lt(m)) },
        prove: ctx.And(
          vault3.sub(claims(cash3, ins2, fees2)).eq(vault0.sub(claims(cash0, ins0, fees0))),
          esc3.eq(esc0),
          cash0.sub(cash3).eq(charge),
          ...[vault1, vault2, vault3, esc1, esc2, esc3].map((x) => e.u128(x)),
          rest.ge(0),
        ),
      };
    },
    replay(x) {
      // The same steps on the golden model's custody (vault, escrow, cap) and plain router integers.
      const c = newCustody();
      const [user, slab, asset] = [7n, 1n, 3n];
      c.vaults.set(asset, x.escrow as bigint);
      escrowCredit(c, user, slab, asset, x.escrow as bigint);
      c.vaults.set(asset, x.vault as bigint);
      const m = x.max_charge as bigint;
      if (escrowCredit(c, user, slab, asset, m) !== S.OK) return 'ESCROW_CREDIT failed';
      const id = capMint(c, user, slab, asset, m, 10n);
      const charge = (x.fee as bigint) + (x.tax as bigint);
      if (guardedDebit(c, slab, 0n, id, charge) !== S.OK) return 'the guarded debit failed';
      const rest = capRemaining(c, id);
      if (escrowDebit(c, user, slab, asset, rest) !== S.OK) return 'the release failed';
      const cash = (x.cash as bigint) - m + rest;
      const before = (x.vault as bigint) - ((x.cash as bigint) + (x.insurance as bigint) + (x.fees as bigint));
      const after = vault(c, asset) - (cash + (x.insurance as bigint) + (x.tax as bigint) + (x.fees as bigint) + (x.fee as bigint));
      if (after !== before) return `vault − claims moved by ${after - before}`;
      return escrow(c, user, slab, asset).balance !== x.escrow ? 'escrow not restored' : null;
    },
  },
];

/** coverDeficit on a router state with one flat user (no positions) holding the given cash. */
function coverModel(x: Values): { cash: bigint; insurance: bigint } {
  const st = newState(ROUTER_PARAMS);
  st.router.insurance = x.insurance as bigint;
  setCash(st, 7n, x.cash as bigint);
  coverDeficit(st, 7n);
  return { cash: cashOf(st, 7n), insurance: st.router.insurance };
}
