/**
 * Anti-toxicity efficacy, go/no-go criterion 4 of PERP_DESIGN.md: "LP PnL variance lower than a control
 * run; sandwich payoff eliminated within a batch". A seeded simulation on the golden model, run twice on
 * the same plan (same oracle path, same taker flow): once with the anti-toxicity features on (ANTI_ON:
 * batch windows with REG pending promotion M7, top-K freeze M8, JIT penalty M9, kill band M10, aggressor
 * roundtrip guard S11/M11) and once with them off (ANTI_OFF, the control).
 *
 * One round = one batch of BATCH_MS, ROUND_MS apart. In order, at t_r:
 *  1. the oracle publishes P_r (a random walk in ticks with occasional jumps);
 *  2. a latency arbitrageur hits the LP's stale quotes when P_r jumped past them (the kill band rejects
 *     such a commit when the stale price is outside the band around P_r);
 *  3. the LP (a DLP maker) cancels what is left of its quotes and posts LEVELS levels per side around P_r;
 *  4. batch_open (epoch + 1, promotions, freeze of the top K levels);
 *  then inside the batch: in whale rounds a large taker order preceded either by a
 *  sandwich (a REG account buys the LP's best level, re-offers it near the whale's limit, then unwinds
 *  what the whale did not take by selling into the bid) or by a JIT maker (a DLP account posting one
 *  tick better than the LP's best just before the whale); then noise takers.
 * Each account's PnL per round is measured hedged: the change of its model portfolio equity from just
 * after P_r is published to the end of the round, both marked at P_r (the oracle does not move inside a
 * round) — the edge of the round's fills against the oracle after fees and taxes, with the inventory's
 * price risk between rounds hedged away. A fill against a stale quote shows as its full loss at P_r.
 * The sandwich payoff of a batch is the attacker's equity change over its attack inside the batch.
 * Deterministic: the plan is drawn from reference/lib/prng.ts before either run; no clock.
 * What each feature does here: the kill band (M10) rejects every latency-arbitrage fill (jumps ≥ 50 bps
 * against a 30 bps band); REG pending promotion (M7) keeps the sandwich's re-offer out of the batch, so
 * the whale's fill-or-kill reserve fails rather than paying it, and the unwind pays the roundtrip tax
 * (S11); the frozen top-K (M8) makes the JIT order PENDING. The JIT penalty (M9) is on but never bites
 * in this plan, because the freeze stops the JIT order first.
 */
import { Prng } from '../../lib/prng.ts';
import { cancelOrder, openBatch, placeOrder, portfolio, positionsOf, publishPrice, step } from '../model/index.ts';
import type { PerpState } from '../model/index.ts';
import { ANTI_OFF, ANTI_ON, SOL_FEED, SOL_PX, T0, TICK, buildVenue, must, saltOf, takeRoute, type AntiToxicity } from './venue.ts';

const SLAB = 0xa1n;
const LP = 0x11n;
const JIT = 0x12n;
const ARB = 0x41n;
const WHALE = 0x51n;
const SANDWICH = 0x61n;
const NOISE = [0x31n, 0x32n] as const;
const ROUND_MS = 100n;
/** Prices are set in basis points of the oracle price: at 100 USDC and a 0.001 USDC tick, 1 bps = 10 ticks. */
const TICKS_PER_BPS = SOL_PX / TICK / 10_000n;
/** Quote geometry: LEVELS levels of LEVEL_QTY lots per side, the best SPREAD_BPS from the oracle, LEVEL_STEP_BPS apart. */
const LEVELS = 3n;
const LEVEL_QTY = 10n;
const SPREAD_BPS = 10n;
const LEVEL_STEP_BPS = 2n;
/** The whale takes the LP's levels 2 and 3 plus a full re-offer (so a sandwich can sell it all). */
const WHALE_QTY = 30n;
/** Limits and the re-offer, in bps from P_r — all inside the 30 bps kill band of ANTI_ON. */
const WHALE_LIMIT_BPS = 25n;
const REOFFER_BPS = 20n;
const NOISE_LIMIT_BPS = 20n;
const UNWIND_LIMIT_BPS = 25n;

/** What one round does, drawn before the runs so both modes see the same plan. */
export interface RoundPlan {
  readonly moveBps: bigint;
  readonly noise: readonly { readonly side: 0 | 1; readonly qty: bigint }[];
  readonly whale: null | { readonly side: 0 | 1; readonly attack: 'sandwich' | 'jit' };
}

/** The plan: small moves of ±0..3 bps, a jump of ±50..120 bps with chance 1/8; 2 noise orders; a whale with chance 1/3. */
export function planOf(seed: number, rounds: number): RoundPlan[] {
  const rng = new Prng(seed);
  const plan: RoundPlan[] = [];
  let whales = 0;
  for (let r = 0; r < rounds; r++) {
    const jump = rng.chance(1, 8);
    const size = jump ? rng.range(50, 120) : rng.range(0, 3);
    const moveBps = BigInt(rng.chance(1, 2) ? size : -size);
    const noise = NOISE.map(() => ({ side: rng.below(2) as 0 | 1, qty: BigInt(rng.range(1, 5)) }));
    const isWhale = rng.chance(1, 3);
    const side = rng.below(2) as 0 | 1;
    plan.push({ moveBps, noise, whale: isWhale ? { side, attack: whales++ % 2 === 0 ? 'sandwich' : 'jit' } : null });
  }
  return plan;
}

export interface ModeFigures {
  /** LP hedged PnL per round (USDC base units): mean and population variance. */
  readonly lpPnlMean: number;
  readonly lpPnlVariance: number;
  /** n²·variance, exact (for the comparison). */
  readonly lpPnlVarianceN2: bigint;
  readonly lpPnlTotal: bigint;
  readonly lpPnlMin: bigint;
  readonly arbPayoff: bigint;
  readonly jitPayoff: bigint;
  readonly sandwiches: number;
  /** Per-batch sandwich payoffs: the largest, and the sum. */
  readonly sandwichPayoffMax: bigint;
  readonly sandwichPayoffSum: bigint;
  readonly whalesFilled: number;
  /** Aggressor roundtrip tax collected (S11; booked to insurance). */
  readonly taxPaid: bigint;
  /** Failed taker routes by role and error name (`arb:KILL_BAND`, `whale:INSUFFICIENT_DEPTH`, …). */
  readonly rejections: Readonly<Record<string, number>>;
}

export interface AntiToxicityResult {
  readonly seed: number;
  readonly rounds: number;
  readonly on: ModeFigures;
  readonly control: ModeFigures;
  /** variance(on) < variance(control). */
  readonly varianceLower: boolean;
  /** Every sandwich payoff with the features on is ≤ 0. */
  readonly sandwichEliminated: boolean;
  readonly pass: boolean;
}

const TRACKED = [LP, JIT, ARB, SANDWICH] as const;
const ROLE = new Map<bigint, string>([[ARB, 'arb'], [WHALE, 'whale'], [SANDWICH, 'sandwich']]);

/** A run of the plan on one venue; mutable bookkeeping kept out of the model state. */
class Run {
  st: PerpState;
  px = SOL_PX;
  now = T0;
  salt = 0;
  lpOrders: bigint[] = [];
  readonly rejections: Record<string, number> = {};
  whalesFilled = 0;

  readonly insurance0: bigint;

  constructor(anti: AntiToxicity) {
    this.st = buildVenue({ slabs: [{ id: SLAB, feed: SOL_FEED, anti }], dlp: [LP, JIT], users: [LP, JIT, ARB, WHALE, SANDWICH, ...NOISE], funds: 10n ** 13n });
    this.insurance0 = this.st.router.insurance;
  }

  /** A taker route of one leg; a failure is counted, the state moves on (a failed route is cancelled). */
  take(user: bigint, side: 0 | 1, qty: bigint, limitPx: bigint, at: bigint): boolean {
    const r = takeRoute(this.st, user, [{ slab: SLAB, side, qty, limitPx }], at, saltOf(this.salt++));
    this.st = r.state;
    const key = `${ROLE.get(user) ?? 'noise'}:${r.ok ? '' : r.error}`;
    if (!r.ok) this.rejections[key] = (this.rejections[key] ?? 0) + 1;
    return r.ok;
  }

  post(user: bigint, side: 0 | 1, px: bigint, qty: bigint, at: bigint): bigint | null {
    const r = step(this.st, (s) => placeOrder(s, user, SLAB, 0n, side, px, qty, at));
    this.st = r.state;
    return r.ok ? r.out.orderId : null;
  }

  /** Cancel if still resting (a filled order is gone: UNKNOWN_ORDER is expected then). */
  cancel(user: bigint, orderId: bigint): void {
    const r = step(this.st, (s) => cancelOrder(s, user, SLAB, orderId));
    if (r.ok) this.st = r.state;
  }

  /** The price `bps` basis points from the current oracle price (on the tick grid). */
  at(bps: bigint): bigint {
    return this.px + bps * TICKS_PER_BPS * TICK;
  }

  equity(user: bigint): bigint {
    return portfolio(this.st, user, this.now).equity;
  }

  inventory(user: bigint): bigint {
    return positionsOf(this.st, user).reduce((t, h) => t + h.p.qty, 0n);
  }

  /** Drop what no later operation reads (closed routes, the event list), so each step's copy stays small. */
  prune(): void {
    for (const [id, r] of this.st.router.routes) if (r.status !== 'open') this.st.router.routes.delete(id);
    this.st.events.length = 0;
  }
}

/** The unwind of the sandwich: cancel the re-offer, then sell (or buy back) the net position into the book. */
function unwind(run: Run, user: bigint, orderId: bigint | null, at: bigint): void {
  if (orderId !== null) run.cancel(user, orderId);
  const inv = run.inventory(user);
  if (inv > 0n) run.take(user, 1, inv, run.at(-UNWIND_LIMIT_BPS), at);
  if (inv < 0n) run.take(user, 0, -inv, run.at(UNWIND_LIMIT_BPS), at);
}

function whaleRound(run: Run, w: NonNullable<RoundPlan['whale']>, t: bigint, payoffs: bigint[]): void {
  const sign = w.side === 0 ? 1n : -1n;
  const best = run.at(sign * SPREAD_BPS); // the LP's best level on the whale's contra side
  const contra: 0 | 1 = w.side === 0 ? 1 : 0;
  let attackOrder: bigint | null = null;
  const e0 = run.equity(SANDWICH);
  if (w.attack === 'sandwich') {
    run.take(SANDWICH, w.side, LEVEL_QTY, best, t + 10n); // front-run: the LP's best level
    attackOrder = run.post(SANDWICH, contra, run.at(sign * REOFFER_BPS), LEVEL_QTY, t + 11n); // re-offer
  } else {
    attackOrder = run.post(JIT, contra, best - sign * TICK, LEVEL_QTY, t + 10n); // one tick better than the LP
  }
  if (run.take(WHALE, w.side, WHALE_QTY, run.at(sign * WHALE_LIMIT_BPS), t + 12n)) run.whalesFilled += 1;
  if (w.attack === 'sandwich') {
    unwind(run, SANDWICH, attackOrder, t + 13n);
    payoffs.push(run.equity(SANDWICH) - e0);
  } else if (attackOrder !== null) run.cancel(JIT, attackOrder);
}

function lpQuotes(run: Run, t: bigint): void {
  for (const id of run.lpOrders) run.cancel(LP, id);
  run.lpOrders = [];
  for (let k = 0n; k < LEVELS; k++) {
    for (const side of [0, 1] as const) {
      const bps = SPREAD_BPS + k * LEVEL_STEP_BPS;
      const px = run.at(side === 0 ? -bps : bps);
      const id = run.post(LP, side, px, LEVEL_QTY, t);
      if (id === null) throw new Error('experiment: the LP could not quote');
      run.lpOrders.push(id);
    }
  }
}

/** Run the plan on a venue with the given features; the figures of ModeFigures. */
export function runMode(plan: readonly RoundPlan[], anti: AntiToxicity): ModeFigures {
  const run = new Run(anti);
  const pnl = new Map<bigint, bigint[]>(TRACKED.map((u) => [u, []]));
  const payoffs: bigint[] = [];
  plan.forEach((p, r) => {
    const t = T0 + BigInt(r + 1) * ROUND_MS;
    const prevPx = run.px;
    run.now = t;
    run.px += p.moveBps * TICKS_PER_BPS * TICK;
    run.st = must(step(run.st, (s) => publishPrice(s, SOL_FEED, run.px, t)), 'oracle').state;
    // the round's PnL is marked at P_r from here (after the move: the hedge absorbed it) to the round's end
    const mark = new Map(TRACKED.map((u) => [u, run.equity(u)]));
    // latency arbitrage: the price moved past the LP's best stale quote (rose: buy the stale asks)
    if (p.moveBps > SPREAD_BPS || p.moveBps < -SPREAD_BPS) {
      const side: 0 | 1 = p.moveBps > 0n ? 0 : 1;
      const stalePx = prevPx + (side === 0 ? SPREAD_BPS : -SPREAD_BPS) * TICKS_PER_BPS * TICK;
      run.take(ARB, side, LEVEL_QTY, stalePx, t);
    }
    lpQuotes(run, t);
    run.st = must(step(run.st, (s) => openBatch(s, SLAB, 0n, t)), 'batch_open').state;
    if (p.whale) whaleRound(run, p.whale, t, payoffs);
    p.noise.forEach((n, i) => run.take(NOISE[i] as bigint, n.side, n.qty, run.at(n.side === 0 ? NOISE_LIMIT_BPS : -NOISE_LIMIT_BPS), t + 20n + BigInt(i)));
    for (const u of TRACKED) (pnl.get(u) as bigint[]).push(run.equity(u) - (mark.get(u) as bigint));
    run.prune();
  });
  return figures(pnl, payoffs, run);
}

function figures(pnl: ReadonlyMap<bigint, readonly bigint[]>, payoffs: readonly bigint[], run: Run): ModeFigures {
  const lp = pnl.get(LP) as bigint[];
  const n = BigInt(lp.length);
  const sum = lp.reduce((a, b) => a + b, 0n);
  const sq = lp.reduce((a, b) => a + b * b, 0n);
  const varN2 = n * sq - sum * sum;
  const total = (u: bigint): bigint => (pnl.get(u) as bigint[]).reduce((a, b) => a + b, 0n);
  return {
    lpPnlMean: n === 0n ? 0 : Number(sum) / Number(n),
    lpPnlVariance: n === 0n ? 0 : Number(varN2) / Number(n * n),
    lpPnlVarianceN2: varN2,
    lpPnlTotal: sum,
    lpPnlMin: lp.reduce((a, b) => (b < a ? b : a), lp[0] ?? 0n),
    arbPayoff: total(ARB),
    jitPayoff: total(JIT),
    sandwiches: payoffs.length,
    sandwichPayoffMax: payoffs.reduce((a, b) => (b > a ? b : a), payoffs[0] ?? 0n),
    sandwichPayoffSum: payoffs.reduce((a, b) => a + b, 0n),
    whalesFilled: run.whalesFilled,
    taxPaid: run.st.router.insurance - run.insurance0,
    rejections: { ...run.rejections },
  };
}

/** Criterion 4: the same plan with the features on and off. */
export function antiToxicityExperiment(o: { seed: number; rounds: number }): AntiToxicityResult {
  const plan = planOf(o.seed, o.rounds);
  const on = runMode(plan, ANTI_ON);
  const control = runMode(plan, ANTI_OFF);
  const varianceLower = on.lpPnlVarianceN2 < control.lpPnlVarianceN2;
  const sandwichEliminated = on.sandwiches === 0 || on.sandwichPayoffMax <= 0n;
  return { seed: o.seed, rounds: o.rounds, on, control, varianceLower, sandwichEliminated, pass: varianceLower && sandwichEliminated };
}
