/**
 * The Router on CurveVM end to end (issue 4; spec/perp.md §10–§11): stdlib/router.curve compiled with the
 * venue's slabs by compileVenue, calling them through CALL (spec/curvescript.md CS-CALL-*), run next to
 * the golden model (reference/perp/model) on the same operations. After each step the observables the
 * slab ABI exposes — cash, vault, wallets, escrows, positions, fees, insurance, error codes — are equal.
 */
import test, { type ExecutionContext } from 'ava';
import { compileVenue } from '../../../reference/compiler/compile.ts';
import type { CompiledModule } from '../../../reference/compiler/artifact.ts';
import { commitment, nameId } from '../../../reference/script/ids.ts';
import { execute, type ExecResult } from '../../../reference/vm/interpreter.ts';
import { ModuleStore } from '../../../reference/vm/store.ts';
import { World } from '../../../reference/vm/world.ts';
import { readUintLE } from '../../../reference/lib/u128.ts';
import * as M from '../../../reference/perp/model/index.ts';
import { FUND, PX, SOL_FEED as FEED, T0, TICK, USDC } from '../../../reference/perp/model/fixture.ts';
import { findPosition } from '../../../reference/perp/model/position.ts';
import { stdlibTemplates } from '../../stdlib-templates.ts';

const GOV = 0x60n;
const DEPLOYER = 0xdeadn;
const MAKER = 0x11n;
const MAKER2 = 0x12n;
const ALICE = 0x21n;
const VAULT_CAP = 10n ** 18n;
const SALT = new Uint8Array(32).fill(9);
const U128 = 1n << 128n;

const SLAB = (name: string, taker: number): string => `SLAB "perp:${name}" {
  INSTRUMENT symbol=SOL contract_size=1_000_000 tick=1_000 lot=1
  ORACLE feed="pyth:SOLUSD"
  RISK imr_bps=500 mmr_bps=350
  FEE maker_bps=2 taker_bps=${taker}
  BATCH ms=50
  ANTI_TOXICITY kill_band_bps=500 jit_penalty=false arg_tax_bps=0 freeze_top_k=0
  POOLS accounts=16 orders=32 positions=16 reservations=8 slices=16 trades=8 aggressors=8
}
`;

/** Two SOL slabs on one feed (so their exposures net, RM5) and the feed. */
const VENUE = `ROUTER "main" {
  COLLATERAL asset=USDC vault_cap=1_000_000_000_000_000_000 decimals=6
  CAP_TTL ms=120_000
  RESERVATION_BATCH ms=50
  FEE_CAPS maker_bps_max=10 taker_bps_max=25
  INSURANCE asset=USDC
}

${SLAB('SOL-A', 5)}
${SLAB('SOL-B', 4)}
ORACLE "pyth:SOLUSD" {
  HEARTBEAT ms=400 stale_after_ms=2_000
}
`;


function compile(): readonly CompiledModule[] {
  const r = compileVenue({ file: 'router-e2e.curve', text: VENUE }, stdlibTemplates());
  if (r.modules === undefined) throw new Error(r.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('\n'));
  return r.modules;
}

const MODULES = compile();

interface LegSpec {
  readonly slab: number;
  readonly side: 0 | 1;
  readonly qty: bigint;
  readonly limitPx: bigint;
}

/** The VM venue and the model, driven by the same calls. */
class Both {
  readonly store = new ModuleStore();
  readonly world = new World();
  readonly loaded = MODULES.map((m) => this.store.add(m.bytes));
  readonly routerId = this.loaded[0]?.id ?? 0n;
  readonly slabIds = [this.loaded[1]?.id ?? 0n, this.loaded[2]?.id ?? 0n];
  st: M.PerpState;
  now = T0;

  constructor(readonly t: ExecutionContext) {
    this.st = M.newState({
      routerId: this.routerId, governance: GOV, asset: USDC, vaultCap: VAULT_CAP, capTtlMs: 120_000n, makerBpsMax: 10n, takerBpsMax: 25n,
      graceMs: 5_000n, bandBps: 200n, maxSlices: 8, marginModel: 'net',
    });
    M.addFeed(this.st, FEED, { heartbeatMs: 400n, staleAfterMs: 2_000n, failover: [] });
    this.publish(PX);
    this.slabIds.forEach((id, i) => {
      const taker = i === 0 ? 5n : 4n;
      M.deploySlab(this.st, id, slabParams(taker), this.now);
      this.vmOk(this.vm(1 + i, 'init', [this.routerId, 256n, 4_096n, 2_000n], DEPLOYER));
    });
    this.vmOk(this.vm(0, 'init', [GOV, VAULT_CAP], DEPLOYER));
    this.model((s) => M.approveVersion(s, GOV, 'v1'));
    this.slabIds.forEach((id, i) => {
      this.vmOk(this.vm(0, 'approve_version', [id], GOV));
      this.vmOk(this.vm(0, 'register_slab', [BigInt(i)], GOV));
      this.model((s) => M.registerSlab(s, GOV, id));
      for (const m of [MAKER, MAKER2]) {
        this.vmOk(this.vm(0, 'set_dlp', [BigInt(i), m, 1n], GOV));
        this.model((s) => M.setDlp(s, GOV, id, m, true));
      }
    });
  }

  publish(price: bigint): void {
    this.world.setOracle(FEED, { price, publishTime: this.now });
    M.publishPrice(this.st, FEED, price, this.now);
  }

  vm(i: number, entry: string, args: readonly bigint[], origin = ALICE): ExecResult {
    const r = execute(this.store, this.world, this.loaded[i]?.hashHex ?? '', entry, [...args], { gasLimit: 3_000_000_000, now: this.now, origin, stateRoot: false });
    if (r.status === 'ok') this.world.commit();
    if (r.status === 'halt') this.t.fail(`${MODULES[i]?.name}.${entry} halted: ${r.halt}`);
    return r;
  }

  vmOk(r: ExecResult): ExecResult {
    if (r.status !== 'ok') this.t.fail(`VM call ${r.status} ${r.revertCode ?? ''}`);
    return r;
  }

  model<T>(f: (s: M.PerpState) => T): M.OpResult<T> {
    const r = M.step(this.st, f);
    this.st = r.state;
    return r;
  }

  /** One operation on both sides: same success, same error code. */
  both<T>(entry: string, args: readonly bigint[], f: (s: M.PerpState) => T, origin = ALICE): { vm: ExecResult; model: M.OpResult<T> } {
    const vm = this.vm(0, entry, args, origin);
    const model = this.model(f);
    this.t.is(vm.status === 'ok', model.ok, `${entry}: VM ${vm.status} ${vm.revertCode ?? ''}, model ${model.ok ? 'ok' : model.error}`);
    if (!model.ok) this.t.is(vm.revertCode, BigInt(model.code), `${entry}: error ${model.error}`);
    return { vm, model };
  }

  deposit(user: bigint, amount: bigint): void {
    this.world.setWallet(user, USDC, this.world.wallet(user, USDC) + amount);
    this.world.commit();
    M.setWallet(this.st.custody, user, USDC, M.wallet(this.st.custody, user, USDC) + amount);
    this.both('deposit', [user, USDC, amount], (s) => M.deposit(s, user, USDC, amount), user);
  }

  legArgs(routeId: bigint, legs: readonly LegSpec[]): bigint[] {
    const words: bigint[] = [];
    for (let k = 0; k < 8; k++) {
      const l = legs[k];
      if (!l) {
        words.push(0n, 0n, 0n, 0n, 0n, 0n, 0n);
        continue;
      }
      const c = commitment(routeId, 0n, BigInt(l.side), l.qty, l.limitPx, SALT);
      words.push(BigInt(l.slab), 0n, BigInt(l.side), l.qty, l.limitPx, readUintLE(c, 0, 16), readUintLE(c, 16, 16));
    }
    return words;
  }

  reserveRoute(user: bigint, legs: readonly LegSpec[], ttl = 60_000n): { routeId: bigint; ok: boolean; code?: bigint } {
    const routeId = this.vmOk(this.vm(0, 'next_route_id', [user])).results[0] as bigint;
    this.t.is(routeId, M.nextRouteId(this.st, user), 'CS-ID-003: the same next route id');
    const requests: M.LegRequest[] = legs.map((l) => ({ slab: this.slabIds[l.slab] as bigint, instrument: 0n, side: l.side, qty: l.qty, limitPx: l.limitPx, commitment: commitment(routeId, 0n, BigInt(l.side), l.qty, l.limitPx, SALT) }));
    const r = this.both('reserve_route', [user, ttl, BigInt(legs.length), ...this.legArgs(routeId, legs)], (s) => M.reserveRoute(s, user, requests, ttl, this.now), user);
    if (r.vm.status === 'ok') this.t.is(r.vm.results[0], routeId);
    return { routeId, ok: r.vm.status === 'ok', ...(r.vm.revertCode === undefined ? {} : { code: r.vm.revertCode }) };
  }

  holds(routeId: bigint): bigint[] {
    return (this.st.router.routes.get(routeId)?.legs ?? []).map((l) => l.holdId);
  }

  commitRoute(user: bigint, routeId: bigint, legs: readonly LegSpec[]): void {
    const holds = this.holds(routeId);
    const words: bigint[] = [];
    for (let k = 0; k < 8; k++) {
      const l = legs[k];
      words.push(...(l ? [holds[k] as bigint, BigInt(l.side), l.qty, l.limitPx, readUintLE(SALT, 0, 16), readUintLE(SALT, 16, 16)] : [0n, 0n, 0n, 0n, 0n, 0n]));
    }
    const chosen: M.Chosen[] = legs.map((l, k) => ({ holdId: holds[k] as bigint, reveal: { side: l.side, qty: l.qty, limitPx: l.limitPx, salt: SALT } }));
    const vm = this.vm(0, 'commit_route', [user, routeId, BigInt(legs.length), ...words], user);
    const r = M.commitRoute(this.st, user, routeId, chosen, this.now);
    this.st = r.state;
    this.t.is(vm.status === 'ok', r.ok, `commit_route: VM ${vm.status} ${vm.revertCode ?? ''}`);
  }

  /** Every observable the router and slab ABIs expose, on both sides. */
  same(users: readonly bigint[], what: string): void {
    const t = this.t;
    t.is(this.world.vault(USDC), M.vault(this.st.custody, USDC), `${what}: vault`);
    t.is(this.vmOk(this.vm(0, 'insurance_of', [])).results[0], this.st.router.insurance, `${what}: insurance`);
    this.slabIds.forEach((id, i) => t.is(this.vmOk(this.vm(0, 'fees_of', [BigInt(i)])).results[0], this.st.router.fees.get(id) ?? 0n, `${what}: fees of slab ${i}`));
    for (const u of users) {
      const cash = this.vmOk(this.vm(0, 'cash_of', [u])).results[0] as bigint;
      t.is(cash >= U128 / 2n ? cash - U128 : cash, M.cashOf(this.st, u), `${what}: cash of ${u}`);
      t.is(this.world.wallet(u, USDC), M.wallet(this.st.custody, u, USDC), `${what}: wallet of ${u}`);
      this.slabIds.forEach((id, i) => {
        t.is(this.world.escrow(u, id, USDC).balance, M.escrow(this.st.custody, u, id, USDC).balance, `${what}: escrow of ${u} on slab ${i}`);
        const [qty, cost, realised] = this.vmOk(this.vm(1 + i, 'position', [u])).results as bigint[];
        const p = findPosition(this.st.slabs.get(id) as M.SlabState, u, 0n);
        const signed = (w: bigint | undefined): bigint => ((w ?? 0n) >= U128 / 2n ? (w ?? 0n) - U128 : (w ?? 0n));
        t.deepEqual([signed(qty), signed(cost), signed(realised)], [p?.qty ?? 0n, p?.cost ?? 0n, p?.realised ?? 0n], `${what}: position of ${u} on slab ${i}`);
      });
    }
  }

  /** DLP makers offer `qty` at each of `pxs` on both slabs (sell side). */
  book(pxs: readonly bigint[], qty: bigint): void {
    for (let i = 0; i < 2; i++) {
      for (const [k, px] of pxs.entries()) {
        const m = k % 2 === 0 ? MAKER : MAKER2;
        const id = this.slabIds[i] as bigint;
        this.both('place_order', [m, BigInt(i), 0n, 1n, px, qty], (s) => M.placeOrder(s, m, id, 0n, 1, px, qty, this.now), m);
      }
    }
  }
}

function slabParams(takerBps: bigint): M.SlabParams {
  return {
    versionHash: 'v1',
    instruments: [{ symbol: nameId('SOL'), contractSize: 1_000_000n, tick: TICK, lot: 1n, feed: FEED }],
    imrBps: 500n, mmrBps: 350n, makerBps: 2n, takerBps, batchMs: 50n, pendingPromotion: true, dlpAllowance: 256n, regAllowance: 4_096n,
    killBandBps: 500n, jitPenalty: false, argTaxBps: 0n, freezeTopK: 0, fundingIntervalMs: 3_600_000n, fundingCapBps: 50n,
    pools: { accounts: 16, orders: 32, positions: 16, reservations: 8, slices: 16, trades: 8, aggressors: 8 },
  };
}

const USERS = [MAKER, MAKER2, ALICE] as const;

test('E2E1 P1 P3 P7 deposit → reserve route → commit: cash, escrows, positions and fees equal the golden model', (t) => {
  const v = new Both(t);
  for (const u of USERS) v.deposit(u, FUND);
  v.same(USERS, 'after deposits');
  v.book([PX, PX + TICK], 3n);
  v.same(USERS, 'after the book');
  const legs: LegSpec[] = [{ slab: 0, side: 0, qty: 4n, limitPx: PX + TICK }];
  const r = v.reserveRoute(ALICE, legs);
  t.true(r.ok);
  v.same(USERS, 'after reserve (escrow funded, cap minted)');
  t.true(v.world.escrow(ALICE, v.slabIds[0] as bigint, USDC).balance > 0n, 'P4: the escrow holds the max charge');
  v.now += 10n;
  v.commitRoute(ALICE, r.routeId, legs);
  v.same(USERS, 'after commit');
  t.is(v.world.escrow(ALICE, v.slabIds[0] as bigint, USDC).balance, 0n, 'the rest of the escrow is back in cash');
  t.is(findPosition(v.st.slabs.get(v.slabIds[0] as bigint) as M.SlabState, ALICE, 0n)?.qty, 4n);
  v.both('cancel_route', [ALICE, r.routeId], (s) => M.cancelRoute(s, ALICE, r.routeId));
  v.same(USERS, 'a committed route cancels nothing');
});

test('E2E2 a two-slab route where one leg cannot fill reverts as a whole: nothing reserved, nothing funded (same error as the model)', (t) => {
  const v = new Both(t);
  for (const u of USERS) v.deposit(u, FUND);
  v.book([PX], 2n);
  const bad = v.reserveRoute(ALICE, [{ slab: 0, side: 0, qty: 2n, limitPx: PX }, { slab: 1, side: 0, qty: 5n, limitPx: PX }]);
  t.false(bad.ok);
  t.is(bad.code, 107n, 'INSUFFICIENT_DEPTH from slab 1 passes through the router (CS-CALL-002)');
  v.same(USERS, 'after the failed route');
  t.is(v.world.escrow(ALICE, v.slabIds[0] as bigint, USDC).balance, 0n, 'the first leg left no escrow');
  // the same two legs within depth: all reserved, then all committed (E2E1)
  const legs: LegSpec[] = [{ slab: 0, side: 0, qty: 2n, limitPx: PX }, { slab: 1, side: 0, qty: 2n, limitPx: PX }];
  const good = v.reserveRoute(ALICE, legs);
  t.true(good.ok);
  v.same(USERS, 'after the two-leg reserve');
  v.commitRoute(ALICE, good.routeId, legs);
  v.same(USERS, 'after the two-leg commit');
  // a route cancelled before commit releases every leg (R8, F2)
  v.book([PX], 1n);
  const third = v.reserveRoute(ALICE, [{ slab: 0, side: 0, qty: 1n, limitPx: PX }, { slab: 1, side: 0, qty: 1n, limitPx: PX }]);
  t.true(third.ok);
  v.both('cancel_route', [ALICE, third.routeId], (s) => M.cancelRoute(s, ALICE, third.routeId));
  v.same(USERS, 'after cancel');
  v.both('cancel_route', [ALICE, third.routeId], (s) => M.cancelRoute(s, ALICE, third.routeId));
  v.both('cancel_route', [MAKER, third.routeId], (s) => M.cancelRoute(s, MAKER, third.routeId), MAKER);
});

test('P9 RM2 a withdrawal beyond free collateral is refused (INSUFFICIENT_MARGIN), one beyond cash too (INSUFFICIENT_CASH); within it succeeds', (t) => {
  const v = new Both(t);
  for (const u of USERS) v.deposit(u, FUND);
  v.book([PX], 5n);
  const legs: LegSpec[] = [{ slab: 0, side: 0, qty: 5n, limitPx: PX }];
  const r = v.reserveRoute(ALICE, legs);
  v.commitRoute(ALICE, r.routeId, legs);
  v.same(USERS, 'with a position');
  const cash = M.cashOf(v.st, ALICE);
  const over = v.both('withdraw', [ALICE, USDC, cash + 1n], (s) => M.withdraw(s, ALICE, USDC, cash + 1n, v.now));
  t.is(over.vm.revertCode, 402n);
  const all = v.both('withdraw', [ALICE, USDC, cash], (s) => M.withdraw(s, ALICE, USDC, cash, v.now));
  t.is(all.vm.revertCode, 403n, 'the position needs initial margin');
  const margin = M.portfolio(v.st, ALICE, v.now);
  const free = margin.imEquity - margin.imWorst;
  t.true(free > 0n);
  v.both('withdraw', [ALICE, USDC, free], (s) => M.withdraw(s, ALICE, USDC, free, v.now));
  v.same(USERS, 'after withdrawing exactly the free collateral');
  v.both('withdraw', [ALICE, USDC, 1n], (s) => M.withdraw(s, ALICE, USDC, 1n, v.now));
  v.same(USERS, 'nothing more is free');
});

test('P10 P11 GOV1 the registry: only governance registers; an unapproved version or a fee above the caps is refused', (t) => {
  const v = new Both(t);
  t.is(v.vm(0, 'approve_version', [1n], ALICE).revertCode, 410n, 'NOT_GOVERNANCE');
  t.is(v.vm(0, 'register_slab', [0n], GOV).revertCode, 413n, 'ALREADY_REGISTERED');
  t.is(v.vm(0, 'set_slab_fees', [0n, 2n, 26n], GOV).revertCode, 412n, 'FEE_CAP (S2, ADV3)');
  t.is(v.vm(0, 'set_slab_version', [0n, 77n], GOV).revertCode, 411n, 'UNKNOWN_VERSION');
  t.is(v.vm(0, 'approve_version', [77n], GOV).status, 'ok');
  t.is(v.vm(0, 'set_slab_version', [0n, 77n], GOV).status, 'ok');
  v.deposit(ALICE, FUND);
  const stale = v.vm(0, 'reserve_route', [ALICE, 60_000n, 1n, ...v.legArgs(0n, [{ slab: 0, side: 0, qty: 1n, limitPx: PX }])]);
  t.is(stale.revertCode, 409n, 'P11 STALE_VERSION: the registered version is not the code slab 0 runs');
  t.is(v.vm(0, 'reserve_route', [ALICE, 60_000n, 1n, ...v.legArgs(0n, [{ slab: 5, side: 0, qty: 1n, limitPx: PX }])]).revertCode, 408n, 'SLAB_NOT_REGISTERED');
});

/** The router's margin view against the model's portfolio (PERP-MARGIN-003/004). */
function sameMargin(v: Both, user: bigint, what: string): void {
  const [equity, imEquity, imWorst, mm] = v.vmOk(v.vm(0, 'margin', [user])).results as bigint[];
  const signed = (w: bigint | undefined): bigint => ((w ?? 0n) >= U128 / 2n ? (w ?? 0n) - U128 : (w ?? 0n));
  const pf = M.portfolio(v.st, user, v.now);
  v.t.deepEqual([signed(equity), signed(imEquity), imWorst, mm], [pf.equity, pf.imEquity, pf.imWorst, pf.mm], `${what}: margin of ${user}`);
}

test('RM4 RM5 portfolio margin on net exposure: a long on one slab and a short on the other offset; the margin view equals the model', (t) => {
  const v = new Both(t);
  for (const u of USERS) v.deposit(u, FUND);
  v.book([PX], 2n);
  // MAKER2 bids on slab 1 so that Alice can sell there
  v.both('place_order', [MAKER2, 1n, 0n, 0n, PX - TICK, 2n], (s) => M.placeOrder(s, MAKER2, v.slabIds[1] as bigint, 0n, 0, PX - TICK, 2n, v.now), MAKER2);
  const legs: LegSpec[] = [{ slab: 0, side: 0, qty: 2n, limitPx: PX }, { slab: 1, side: 1, qty: 2n, limitPx: PX - TICK }];
  const r = v.reserveRoute(ALICE, legs);
  t.true(r.ok);
  sameMargin(v, ALICE, 'open legs');
  v.commitRoute(ALICE, r.routeId, legs);
  v.same(USERS, 'long A, short B');
  for (const u of USERS) sameMargin(v, u, 'after commit');
  const pf = M.portfolio(v.st, ALICE, v.now);
  t.is(pf.mm, 0n, 'RM5: +2 and −2 on one feed net to zero');
  v.now += 1_000n;
  v.publish(PX + 7n * TICK);
  for (const u of USERS) sameMargin(v, u, 'after a price move');
});

test('L1 L3 RM3 E2E3 E2E4 liquidation: margin call, grace window, then slab liquidation_call, settlement and insurance for a flat deficit', (t) => {
  const v = new Both(t);
  for (const u of [MAKER, MAKER2]) v.deposit(u, FUND);
  v.deposit(ALICE, 30_000_000n);
  v.world.setWallet(GOV, USDC, 10n ** 9n);
  v.world.commit();
  M.setWallet(v.st.custody, GOV, USDC, 10n ** 9n);
  v.both('fund_insurance', [GOV, 1_000_000n], (s) => M.fundInsurance(s, GOV, 1_000_000n), GOV);
  v.book([PX], 5n);
  const legs: LegSpec[] = [{ slab: 0, side: 0, qty: 5n, limitPx: PX }];
  const r = v.reserveRoute(ALICE, legs);
  t.true(r.ok);
  v.commitRoute(ALICE, r.routeId, legs);
  sameMargin(v, ALICE, 'long 5');
  const liq = (what: string): bigint => {
    const out = v.both('liquidate', [ALICE], (s) => M.liquidate(s, ALICE, v.now), MAKER);
    v.same(USERS, what);
    return (out.vm.results[0] ?? 0n) as bigint;
  };
  t.is(v.vm(0, 'liquidate', [ALICE], MAKER).revertCode, 414n, 'NOT_LIQUIDATABLE above maintenance');
  // the price falls 4 %: equity below maintenance margin
  v.now += 1_000n;
  v.publish(PX - 4_000_000n);
  sameMargin(v, ALICE, 'after the fall');
  t.is(liq('margin call'), 2n);
  v.now += 1_000n;
  v.publish(PX - 4_000_000n);
  t.is(liq('within grace'), 3n, 'L1: the router waits grace_ms');
  // bids inside the 200 bps band around the index let the slab close the position (L3)
  for (const i of [0, 1]) v.both('place_order', [MAKER2, BigInt(i), 0n, 0n, PX - 5_000_000n, 5n], (s) => M.placeOrder(s, MAKER2, v.slabIds[i] as bigint, 0n, 0, PX - 5_000_000n, 5n, v.now), MAKER2);
  v.now += 5_000n;
  v.publish(PX - 4_000_000n);
  t.is(liq('liquidated'), 4n);
  t.is(findPosition(v.st.slabs.get(v.slabIds[0] as bigint) as M.SlabState, ALICE, 0n)?.qty ?? 0n, 0n, 'closed');
  for (const u of USERS) sameMargin(v, u, 'after liquidation');
});

test('PERP-RTR-004 PERP-RTR-005 PERP-ROUTE-006 settle, maker order cancel, batch open and funding through the router, route expiry: equal to the model', (t) => {
  const v = new Both(t);
  for (const u of USERS) v.deposit(u, FUND);
  v.book([PX, PX + TICK], 2n);
  const legs: LegSpec[] = [{ slab: 1, side: 0, qty: 3n, limitPx: PX + TICK }];
  const r = v.reserveRoute(ALICE, legs);
  v.commitRoute(ALICE, r.routeId, legs);
  // a maker order placed and cancelled through the router
  const placed = v.both('place_order', [MAKER, 0n, 0n, 1n, PX + 2n * TICK, 1n], (s) => M.placeOrder(s, MAKER, v.slabIds[0] as bigint, 0n, 1, PX + 2n * TICK, 1n, v.now), MAKER);
  const orderId = placed.model.ok ? placed.model.out.orderId : 0n;
  t.is(placed.vm.results[0], orderId);
  v.both('cancel_order', [MAKER, 0n, orderId], (s) => M.cancelOrder(s, MAKER, v.slabIds[0] as bigint, orderId), MAKER);
  v.both('cancel_order', [MAKER, 0n, orderId], (s) => M.cancelOrder(s, MAKER, v.slabIds[0] as bigint, orderId), MAKER);
  // batches and funding are sequencer-driven through the router
  v.now += 60n;
  v.both('open_batch', [1n, 0n], (s) => M.openBatch(s, v.slabIds[1] as bigint, 0n, v.now));
  v.now += 3_600_000n;
  v.publish(PX + 3n * TICK);
  v.both('tick_funding', [1n, 0n], (s) => M.tickFunding(s, v.slabIds[1] as bigint, 0n, v.now));
  for (const u of USERS) v.both('settle', [u], (s) => M.settle(s, u));
  v.same(USERS, 'after funding and settlement');
  for (const u of USERS) sameMargin(v, u, 'after settlement');
  // an open route past its expiry is cancelled by anyone (PERP-ROUTE-006)
  v.book([PX], 1n);
  const open = v.reserveRoute(ALICE, [{ slab: 0, side: 0, qty: 1n, limitPx: PX }], 1_000n);
  t.true(open.ok);
  t.deepEqual(v.vm(0, 'expire_routes', [], MAKER).results, [0n], 'not yet expired');
  v.now += 1_000n;
  v.publish(PX);
  t.deepEqual(v.vm(0, 'expire_routes', [], MAKER).results, [1n]);
  t.is(M.expireRoutes(v.st, v.now), 1);
  v.same(USERS, 'after expiry');
});

test('E2E1 PERP-ROUTE-005 a commit whose second leg fails (wrong salt, M6) commits nothing; with fail_route the VM state equals the model failed route', (t) => {
  const v = new Both(t);
  for (const u of USERS) v.deposit(u, FUND);
  v.book([PX], 2n);
  const legs: LegSpec[] = [{ slab: 0, side: 0, qty: 2n, limitPx: PX }, { slab: 1, side: 0, qty: 2n, limitPx: PX }];
  const r = v.reserveRoute(ALICE, legs);
  const holds = v.holds(r.routeId);
  const wrong = new Uint8Array(32).fill(1);
  const words = [...legs.flatMap((l, k) => [holds[k] as bigint, BigInt(l.side), l.qty, l.limitPx, ...[k === 1 ? wrong : SALT].flatMap((s) => [readUintLE(s, 0, 16), readUintLE(s, 16, 16)])]), ...Array<bigint>(36).fill(0n)];
  const vm = v.vm(0, 'commit_route', [ALICE, r.routeId, 2n, ...words]);
  const chosen: M.Chosen[] = legs.map((l, k) => ({ holdId: holds[k] as bigint, reveal: { side: l.side, qty: l.qty, limitPx: l.limitPx, salt: k === 1 ? wrong : SALT } }));
  const model = M.commitRoute(v.st, ALICE, r.routeId, chosen, v.now);
  v.st = model.state;
  t.false(model.ok);
  t.is(vm.status, 'revert');
  t.is(vm.revertCode, model.ok ? 0n : BigInt(model.code), 'COMMITMENT_MISMATCH from slab 1');
  t.false(v.st.router.routes.has(r.routeId), 'PERP-ROUTE-007: the failed route freed its record');
  v.vmOk(v.vm(0, 'fail_route', [ALICE, r.routeId, vm.revertCode ?? 0n]));
  t.is(v.vm(0, 'fail_route', [ALICE, r.routeId, 1n]).revertCode, 405n, 'PERP-ROUTE-009: a finished route id is UNKNOWN_ROUTE');
  v.same(USERS, 'after the failed commit');
  t.is(findPosition(v.st.slabs.get(v.slabIds[0] as bigint) as M.SlabState, ALICE, 0n)?.qty ?? 0n, 0n, 'no leg committed');
});
