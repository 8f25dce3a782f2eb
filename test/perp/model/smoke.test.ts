import test from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { ALICE, PX, SLAB_A, T0, TICK, book, ok, slab, trade, venue } from './helpers.ts';

test('smoke: a buy fills against the book and every invariant holds', (t) => {
  const st = book(venue());
  t.deepEqual(M.checkInvariants(st, { now: T0 }), []);
  const r = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 15n, limitPx: PX + 3n * TICK }], T0 + 1n));
  t.deepEqual(M.checkInvariants(r.state, { now: T0 + 1n }), []);
  const pos = M.positionsOf(r.state, ALICE);
  t.is(pos[0]?.p.qty, 15n);
  t.is(slab(r.state).tradeCount, 2n);
  t.snapshot !== undefined;
  t.truthy(JSON.stringify(M.observe(r.state)));
});
