/**
 * Building `perp.scenario` vectors: a `Scenario` records JSON operations while running them on a live
 * model state, so a filler can use an operation's output (route ids, hold ids, cap ids, order ids) in the
 * next one and state what each step must do (the fill fails otherwise, CONF-FILL-001). The venue below —
 * SOL feeds with a failover, slabs A and B on SOL and one on BTC, DLP makers, funded users — is the one
 * spec/invariants.md's example tests use, built here from operations.
 */
import * as M from '../../reference/perp/model/index.ts';
import { BTC_FEED, BTC_PX, DLP, DLP2, FEED_TIMING, FUND, GOV, PX, REG, ALICE, BOB, CAROL, ROUTER_PARAMS, SALT, SLAB_A, SLAB_B, SLAB_BTC, SOL_BACKUP, SOL_FEED, T0, TICK, USDC, V1, btcSlabParams, legRequests, slabParams, type LegSpec } from '../../reference/perp/model/fixture.ts';
import type { FillSpec } from '../filler.ts';
import { perpJson, routerParamsOf, runPerpOp, type PerpJson, type PerpOp, type PerpStepResult } from '../kinds-perp.ts';

export * from '../../reference/perp/model/fixture.ts';

export interface Reserved {
  readonly routeId: bigint;
  readonly legs: readonly { readonly holdId: bigint; readonly capId: bigint; readonly maxCharge: bigint; readonly notional: bigint }[];
  readonly specs: readonly LegSpec[];
}

const w = (x: bigint): string => perpJson(x) as string;
const hexBytes = (b: Uint8Array): string => perpJson(b) as string;
const word = (v: PerpJson | undefined): bigint => BigInt(v as string);

/** A scenario under construction: operations and the live state they lead to. */
export class Scenario {
  readonly ops: PerpOp[] = [];
  private st: M.PerpState;

  constructor(
    readonly id: string,
    readonly router: M.RouterParams = ROUTER_PARAMS,
  ) {
    this.st = M.newState(routerParamsOf(this.routerJson()));
  }

  get state(): M.PerpState {
    return this.st;
  }

  routerJson(): Record<string, PerpJson> {
    return perpJson(this.router) as Record<string, PerpJson>;
  }

  /** Run an operation; `want` is "ok" or the error name the step must end with. */
  run(op: string, args: Record<string, unknown>, want = 'ok'): PerpStepResult {
    const o = { op, ...(perpJson(args) as Record<string, PerpJson>) } as PerpOp;
    const x = runPerpOp(this.st, o, this.ops.length, { root: false });
    const got = x.result.ok ? 'ok' : x.result.error;
    if (got !== want) throw new Error(`filler ${this.id}: step ${this.ops.length} (${op}) ended ${got}, wanted ${want}`);
    this.ops.push(o);
    this.st = x.state;
    return x.result;
  }

  /** Run an operation that must succeed; returns its output. */
  ok(op: string, args: Record<string, unknown>): PerpJson {
    const r = this.run(op, args);
    return r.ok ? r.out : null;
  }

  fails(op: string, args: Record<string, unknown>, error: string): void {
    this.run(op, args, error);
  }

  /** CAP_DEBIT by `caller`; the step must return `status` (SYS_STATUS: 0 ok, 1 no cap, 2 scope, 3 expired, 4 burned, 5 remaining, 6 balance). */
  debit(caller: bigint, now: bigint, cap: bigint, amount: bigint, status: bigint): void {
    const out = this.ok('guardedDebit', { caller, now, cap, amount }) as { status: string };
    if (BigInt(out.status) !== status) throw new Error(`filler ${this.id}: step ${this.ops.length - 1} (guardedDebit) returned status ${out.status}, wanted ${status}`);
  }

  price(px: bigint, at: bigint, feeds: readonly bigint[] = [SOL_FEED, SOL_BACKUP]): void {
    for (const feed of feeds) this.ok('publishPrice', { feed, price: px, publishTime: at });
  }

  /** Leg requests with commitments to the user's next route id. */
  legs(user: bigint, specs: readonly LegSpec[]): Record<string, unknown>[] {
    return legRequests(this.st, user, specs).map((l) => ({ ...l, commitment: hexBytes(l.commitment) }));
  }

  reserve(user: bigint, specs: readonly LegSpec[], now = T0, ttl = 10_000n, want = 'ok'): Reserved {
    const r = this.run('reserveRoute', { user, legs: this.legs(user, specs), ttl, now }, want);
    if (!r.ok) return { routeId: 0n, legs: [], specs };
    const out = r.out as { routeId: string; legs: Record<string, PerpJson>[] };
    return { routeId: word(out.routeId), legs: out.legs.map((l) => ({ holdId: word(l.holdId), capId: word(l.capId), maxCharge: word(l.maxCharge), notional: word(l.notional) })), specs };
  }

  /** Commit every leg of a reservation (a leg's salt may be replaced to break its commitment). */
  commit(user: bigint, r: Reserved, now = T0, want = 'ok', salts: readonly (Uint8Array | undefined)[] = []): PerpStepResult {
    const chosen = r.legs.map((l, i) => {
      const s = r.specs[i] as LegSpec;
      return { holdId: l.holdId, reveal: { side: s.side, qty: s.qty, limitPx: s.limitPx, salt: hexBytes(salts[i] ?? s.salt ?? SALT) } };
    });
    return this.run('commitRoute', { user, routeId: r.routeId, chosen, now }, want);
  }

  /** Reserve and commit; a `want` other than ok is expected at the commit, or with `atReserve` at the reserve. */
  trade(user: bigint, specs: readonly LegSpec[], now = T0, want = 'ok', atReserve = false): void {
    const r = this.reserve(user, specs, now, 10_000n, atReserve ? want : 'ok');
    if (!atReserve) this.commit(user, r, now, want);
  }

  post(user: bigint, slab: bigint, side: 0 | 1, px: bigint, qty: bigint, now = T0, want = 'ok'): bigint {
    const r = this.run('placeOrder', { user, slab, instrument: 0n, side, px, qty, now }, want);
    return r.ok ? word((r.out as { orderId?: PerpJson }).orderId) : 0n;
  }

  buy(user: bigint, slab: bigint, qty: bigint, now = T0, want = 'ok', atReserve = false): void {
    this.trade(user, [{ slab, side: 0, qty, limitPx: PX + 3n * TICK }], now, want, atReserve);
  }

  sell(user: bigint, slab: bigint, qty: bigint, now = T0, want = 'ok'): void {
    this.trade(user, [{ slab, side: 1, qty, limitPx: PX - 3n * TICK }], now, want);
  }

  /** A fill spec for this scenario. */
  vector(description: string, covers: readonly string[]): FillSpec {
    return {
      draft: { id: this.id, kind: 'perp.scenario', description, covers: [...covers, 'OBS1'], pre: { modules: {}, state: {} }, input: { router: this.routerJson(), ops: this.ops } },
    };
  }
}

export interface VenueOptions {
  readonly slabA?: Partial<M.SlabParams>;
  readonly slabB?: Partial<M.SlabParams>;
  readonly users?: readonly bigint[];
  readonly funds?: bigint;
  /** Deploy and register the BTC slab too. */
  readonly btc?: boolean;
}

/**
 * The venue: feeds published at T0, version V1 approved, slabs deployed and registered by governance,
 * DLP and DLP2 in both SOL slabs' DLP class, every user funded (makers with FUND) with as much again in
 * the wallet, insurance funded by governance.
 */
export function venue(id: string, o: VenueOptions = {}, router: Partial<M.RouterParams> = {}): Scenario {
  const sc = new Scenario(id, { ...ROUTER_PARAMS, ...router });
  const funds = o.funds ?? FUND;
  sc.ok('addFeed', { feed: SOL_FEED, ...FEED_TIMING, failover: [SOL_BACKUP] });
  sc.ok('addFeed', { feed: SOL_BACKUP, ...FEED_TIMING, failover: [] });
  sc.price(PX, T0);
  sc.ok('approveVersion', { caller: GOV, version: V1 });
  const slabs: [bigint, M.SlabParams][] = [
    [SLAB_A, slabParams(o.slabA)],
    [SLAB_B, slabParams(o.slabB)],
  ];
  if (o.btc) {
    sc.ok('addFeed', { feed: BTC_FEED, ...FEED_TIMING, failover: [] });
    sc.price(BTC_PX, T0, [BTC_FEED]);
    slabs.push([SLAB_BTC, btcSlabParams()]);
  }
  for (const [slab, params] of slabs) {
    sc.ok('deploySlab', { slab, params, now: T0 });
    sc.ok('registerSlab', { caller: GOV, slab });
  }
  for (const slab of [SLAB_A, SLAB_B]) for (const user of [DLP, DLP2]) sc.ok('setDlp', { caller: GOV, slab, user, on: true });
  for (const u of [...(o.users ?? [DLP, DLP2, REG, ALICE, BOB, CAROL]), GOV]) {
    const f = [DLP, DLP2, REG].includes(u) ? FUND : funds;
    sc.ok('setWallet', { user: u, asset: USDC, amount: f * 2n });
    if (u !== GOV) sc.ok('deposit', { user: u, asset: USDC, amount: f });
  }
  sc.ok('fundInsurance', { from: GOV, amount: funds });
  return sc;
}

/** A book on `slab`: `maker` asks at PX+1..+3 ticks and bids at PX−1..−3 ticks, 10 each. */
export function book(sc: Scenario, slab = SLAB_A, maker = DLP): Scenario {
  for (let i = 1n; i <= 3n; i++) {
    sc.post(maker, slab, 1, PX + i * TICK, 10n);
    sc.post(maker, slab, 0, PX - i * TICK, 10n);
  }
  return sc;
}

/** The id of a LIVE order with reserved quantity on `slab` (the one a reservation holds). */
export function reservedOrderId(sc: Scenario, slab = SLAB_A): bigint {
  const s = sc.state.slabs.get(slab);
  const o = s?.orders.slots.find((x) => x && x.reservedQty > 0n);
  if (!o) throw new Error(`filler ${sc.id}: no reserved order on slab ${slab}`);
  return o.id;
}
