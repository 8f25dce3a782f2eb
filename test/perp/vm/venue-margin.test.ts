/**
 * The netting rule of portfolio margin on CurveVM next to the golden model (spec/perp.md PERP-MARGIN-002,
 * RM5, P8): the test venue's SOL slabs have IMRs of 500 and 600 bps; a hedge across them needs no IM,
 * neither to reserve (the route counts filled as reserved) nor once committed, where one leg alone of the
 * same size is INSUFFICIENT_MARGIN for a taker holding 30 USDC.
 */
import test from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { commitment } from '../../../reference/script/ids.ts';
import { MAKERS, Pair, PX, TAKERS, TICK } from './venue-harness.ts';

const SALT = new Uint8Array(32).fill(3);
const QTY = 8n;

/** The maker's contra quotes: an ask on slab 0 (IMR 500 bps) and a bid on slab 1 (IMR 600 bps). */
function quote(p: Pair): void {
  for (const [i, side, px] of [[0, 1, PX + TICK], [1, 0, PX - TICK]] as const) {
    const slab = p.slabIds[i] as bigint;
    const r = p.both('place', () => p.vm.placeOrder(MAKERS[0], slab, 0n, side, px, QTY, p.now), (s) => M.placeOrder(s, MAKERS[0], slab, 0n, side, px, QTY, p.now));
    if (!r.ok) throw new Error(`quote: ${r.error}`);
  }
}

/** Legs of a route of `u`: a buy of QTY on slab 0 and, when `hedged`, a sell of QTY on slab 1. */
function legsOf(p: Pair, u: bigint, hedged: boolean): { req: M.LegRequest[]; reveals: M.Chosen['reveal'][] } {
  const id = M.nextRouteId(p.st, u);
  const specs = [{ i: 0, side: 0 as const, limitPx: PX + TICK }, ...(hedged ? [{ i: 1, side: 1 as const, limitPx: PX - TICK }] : [])];
  return {
    req: specs.map((l) => ({ slab: p.slabIds[l.i] as bigint, instrument: 0n, side: l.side, qty: QTY, limitPx: l.limitPx, commitment: commitment(id, 0n, BigInt(l.side), QTY, l.limitPx, SALT) })),
    reveals: specs.map((l) => ({ side: l.side, qty: QTY, limitPx: l.limitPx, salt: SALT })),
  };
}

test('PERP-MARGIN-002 RM5 on CurveVM: a hedge across slabs of 500 and 600 bps IMR reserves and commits with no IM; one leg alone is INSUFFICIENT_MARGIN; as in the model', (t) => {
  const p = new Pair();
  const u = TAKERS[0];
  quote(p);
  const alone = legsOf(p, u, false);
  const one = p.both('reserveRoute', () => p.vm.reserveRoute(u, alone.req, 1_000n, p.now), (s) => M.reserveRoute(s, u, alone.req, 1_000n, p.now));
  t.is(one.ok ? '' : one.error, 'INSUFFICIENT_MARGIN', `${QTY} SOL at 500 bps is 40 USDC of IM, above the taker's cash`);
  const hedge = legsOf(p, u, true);
  let holds: bigint[] = [];
  let routeId = 0n;
  const r = p.both('reserveRoute', () => p.vm.reserveRoute(u, hedge.req, 1_000n, p.now), (s) => {
    const out = M.reserveRoute(s, u, hedge.req, 1_000n, p.now);
    holds = out.legs.map((l) => l.holdId);
    routeId = out.routeId;
    return out.routeId;
  }, (id) => id);
  t.true(r.ok, r.ok ? '' : r.error);
  t.is(M.portfolio(p.st, u, p.now).imWorst, 0n, 'the open hedge route counts filled as reserved');
  const chosen: M.Chosen[] = holds.map((h, k) => ({ holdId: h, reveal: hedge.reveals[k] as M.Chosen['reveal'] }));
  const c = p.bothResult('commitRoute', () => p.vm.commitRoute(u, routeId, chosen, p.now), (s) => M.commitRoute(s, u, routeId, chosen, p.now));
  t.true(c.ok, c.ok ? '' : c.error);
  for (const st of [p.st, p.vm.state()]) {
    const pf = M.portfolio(st, u, p.now);
    t.is(pf.im, 0n);
    t.is(pf.mm, 0n);
    t.true(M.requirement(pf.exposures, (e) => e.qty, (e) => e.imrBps, 'gross') > 0n, 'each slab alone would ask IM');
  }
});

test('PERP-MARGIN-002 on CurveVM: committing only the buy leg of the hedge route fails INSUFFICIENT_MARGIN afterwards and fails the route, as in the model', (t) => {
  const p = new Pair();
  const u = TAKERS[1];
  quote(p);
  const hedge = legsOf(p, u, true);
  let holds: bigint[] = [];
  let routeId = 0n;
  t.true(p.both('reserveRoute', () => p.vm.reserveRoute(u, hedge.req, 1_000n, p.now), (s) => {
    const out = M.reserveRoute(s, u, hedge.req, 1_000n, p.now);
    holds = out.legs.map((l) => l.holdId);
    routeId = out.routeId;
    return out.routeId;
  }).ok);
  const first: M.Chosen[] = [{ holdId: holds[0] as bigint, reveal: hedge.reveals[0] as M.Chosen['reveal'] }];
  const c = p.bothResult('commitRoute', () => p.vm.commitRoute(u, routeId, first, p.now), (s) => M.commitRoute(s, u, routeId, first, p.now));
  t.is(c.ok ? '' : c.error, 'INSUFFICIENT_MARGIN');
  t.false(p.st.router.routes.has(routeId), 'the route failed and was freed');
  t.is(M.positionsOf(p.st, u).length, 0, 'nothing filled');
});
