/**
 * spec/sequencer.md §3–§4: batch boundaries (SEQ-TTL-001, SEQ-WIN-001, SEQ-STALE-001/002, SEQ-STATE-001),
 * nonces and the executor interface (SEQ-EXE-*), and the failure rules F1–F3 at the sequencer level.
 */
import test from 'ava';
import * as M from '../../reference/perp/model/index.ts';
import { blockHash } from '../../reference/sequencer/block.ts';
import { ExecutionMemo, Ledger } from '../../reference/sequencer/ledger.ts';
import { ModelExecutor } from '../../reference/sequencer/model-executor.ts';
import { SLAB_A, SLAB_B, SOL_PX, SOL_TICK, USDC } from '../../soak/venue.ts';
import { Signer, T, askBook, execConfig, maker, alice, newLedger, operator } from './helpers.ts';

const buy = (slab: bigint, qty = 5n) => ({ slab, instrument: 0n, side: 0 as const, qty, limitPx: SOL_PX + 5n * SOL_TICK });
const model = (l: Ledger): M.PerpState => (l.executor as ModelExecutor).state;

function booked(): { l: Ledger; m: Signer; a: Signer } {
  const l = newLedger();
  const m = new Signer(maker);
  const a = new Signer(alice);
  const r = l.executeBlock([...askBook(m, SLAB_A), ...askBook(m, SLAB_B)], T);
  if (!r.receipts.every((x) => x.ok)) throw new Error(JSON.stringify(r.receipts));
  return { l, m, a };
}

test('SEQ-WIN-001 each slab opens a batch when its own window elapsed, once per window', (t) => {
  const l = newLedger();
  t.deepEqual(l.executeBlock([], T).boundary.opened, ['0xa1/0x0', '0xb2/0x0', '0xc3/0x0']);
  t.deepEqual(l.executeBlock([], T + 49n).boundary.opened, []);
  t.is(l.executeBlock([], T + 50n).boundary.opened.length, 3);
  t.is(model(l).slabs.get(SLAB_A)?.instruments[0]?.epoch, 2n);
});

test('SEQ-EXE-002 an intent with another nonce fails NONCE_GAP / NONCE_USED and consumes nothing', (t) => {
  const l = newLedger();
  const a = new Signer(alice);
  a.nonce = 1n;
  const gap = a.sign({ kind: 'deposit', amount: 1n });
  t.is(l.executeBlock([gap], T).receipts[0]?.error, 'NONCE_GAP');
  t.is(l.nextNonce(a.account), 0n);
  a.nonce = 0n;
  const first = a.sign({ kind: 'deposit', amount: 1n });
  t.true(l.executeBlock([first, gap], T + 1n).receipts.every((r) => r.ok));
  t.is(l.executeBlock([first], T + 2n).receipts[0]?.error, 'NONCE_USED');
  t.is(l.nextNonce(a.account), 2n);
});

test('SEQ-TTL-001 F1 an expired reservation is cancelled at the boundary, its hold released once, and a late commit fails with escrow unchanged', (t) => {
  const { l, a } = booked();
  const cash0 = M.cashOf(model(l), a.account);
  const { intent, routeId } = a.reserve([buy(SLAB_A)], 100n);
  const r = l.executeBlock([intent], T + 10n);
  t.true(r.receipts[0]?.ok, r.receipts[0]?.error);
  t.true(M.cashOf(model(l), a.account) < cash0);
  t.is(model(l).slabs.get(SLAB_A)?.reservations.used, 1);
  const late = a.commit(routeId, [buy(SLAB_A)]);
  const at = l.executeBlock([late], T + 110n);
  t.deepEqual(at.boundary.expired, ['0x' + routeId.toString(16)]);
  t.false(at.receipts[0]?.ok);
  t.is(at.receipts[0]?.error, 'UNKNOWN_ROUTE');
  t.is(M.cashOf(model(l), a.account), cash0);
  t.is(model(l).slabs.get(SLAB_A)?.reservations.used, 0);
  t.is(M.escrow(model(l).custody, a.account, SLAB_A, USDC).balance, 0n);
  t.is(M.escrow(model(l).custody, a.account, SLAB_A, USDC).nonce, 1n);
  t.deepEqual(l.executeBlock([], T + 500n).boundary.expired, []);
  t.deepEqual(l.executor.checkInvariants(T + 500n), []);
});

test('SEQ-TTL-001 a reservation is live until the boundary at its expiry: one tick before, it commits', (t) => {
  const { l, a } = booked();
  const { intent, routeId } = a.reserve([buy(SLAB_A)], 100n);
  l.executeBlock([intent], T + 10n);
  const c = l.executeBlock([a.commit(routeId, [buy(SLAB_A)])], T + 109n);
  t.deepEqual(c.boundary.expired, []);
  t.true(c.receipts[0]?.ok, c.receipts[0]?.error);
});

test('F2 a cancel replayed across a restart (snapshot → restore) yields identical state roots', (t) => {
  const { l, a } = booked();
  const { intent, routeId } = a.reserve([buy(SLAB_A)], 5_000n);
  l.executeBlock([intent], T + 10n);
  const cancel = a.sign({ kind: 'cancel', routeId });
  l.executeBlock([cancel], T + 20n);
  const restarted = Ledger.restore(new ModelExecutor(execConfig()), l.snapshot());
  t.is(restarted.root, l.root);
  const again = a.sign({ kind: 'cancel', routeId });
  const x = l.executeBlock([cancel, again], T + 30n);
  const y = restarted.executeBlock([cancel, again], T + 30n);
  t.is(x.root, y.root);
  t.deepEqual(x.receipts, y.receipts);
  t.is(x.receipts[0]?.error, 'NONCE_USED');
  t.deepEqual(l.executor.checkInvariants(T + 30n), []);
});

test('F3 a retried commit spends the cap and escrow nonce at most once', (t) => {
  const { l, a } = booked();
  const { intent, routeId } = a.reserve([buy(SLAB_A)], 5_000n);
  l.executeBlock([intent], T + 10n);
  const commit = a.commit(routeId, [buy(SLAB_A)]);
  t.true(l.executeBlock([commit], T + 20n).receipts[0]?.ok);
  const nonceAfter = M.escrow(model(l).custody, a.account, SLAB_A, USDC).nonce;
  const retry = a.commit(routeId, [buy(SLAB_A)]);
  const r = l.executeBlock([commit, retry], T + 30n);
  t.is(r.receipts[0]?.error, 'NONCE_USED');
  t.false(r.receipts[1]?.ok);
  t.is(M.escrow(model(l).custody, a.account, SLAB_A, USDC).nonce, nonceAfter);
  t.is(nonceAfter, 1n);
  const pos = M.positionsOf(model(l), a.account);
  t.is(pos.length, 1);
  t.is(pos[0]?.p.qty, 5n);
});

test('SEQ-STALE-001 SEQ-STALE-002 a slab that misses its windows goes stale and reserves move to a healthy slab within the ceiling', (t) => {
  const { l, a } = booked();
  const op = new Signer(operator);
  l.executeBlock([op.sign({ kind: 'slab_status', slab: SLAB_A, down: true })], T + 10n);
  t.deepEqual(l.executeBlock([], T + 100n).boundary.nowStale, []);
  const s = l.executeBlock([], T + 200n);
  t.deepEqual(s.boundary.nowStale, ['0xa1']);
  t.false(s.boundary.opened.includes('0xa1/0x0'));
  const { intent } = a.reserve([buy(SLAB_A)], 5_000n);
  const r = l.executeBlock([intent], T + 210n).receipts[0];
  t.true(r?.ok, r?.error);
  t.is(r?.out?.slabs, '0xb2');
  a.routes += 1n;
  const big = a.reserve([buy(SLAB_A, 36n)], 5_000n);
  t.is(l.executeBlock([big.intent], T + 220n).receipts[0]?.error, 'NO_HEALTHY_SLAB');
  const up = l.executeBlock([op.sign({ kind: 'slab_status', slab: SLAB_A, down: false })], T + 230n);
  t.deepEqual(up.boundary.nowHealthy, []);
  t.deepEqual(l.executeBlock([], T + 240n).boundary.nowHealthy, ['0xa1']);
  t.deepEqual(l.executor.checkInvariants(T + 240n), []);
});

test('SEQ-STATE-001 closed routes and their burned caps leave the state at the next boundary', (t) => {
  const { l, a } = booked();
  const { intent, routeId } = a.reserve([buy(SLAB_A)], 5_000n);
  l.executeBlock([intent], T + 10n);
  l.executeBlock([a.sign({ kind: 'cancel', routeId })], T + 20n);
  t.false(model(l).router.routes.has(routeId), 'PERP-ROUTE-007: the router frees a closed route at once');
  t.true([...model(l).custody.caps.values()].some((c) => c.burned));
  l.executeBlock([], T + 30n);
  t.is([...model(l).custody.caps.values()].filter((c) => c.burned).length, 0);
});

test('SEQ-EXE-003 restore(snapshot()) has equal entries; a fork is independent', (t) => {
  const { l } = booked();
  const e = new ModelExecutor(execConfig());
  e.restore(l.executor.snapshot());
  t.deepEqual(e.entries(), l.executor.entries());
  const f = l.fork();
  f.executeBlock([], T + 1_000n);
  t.not(f.root, l.root);
  t.is(Ledger.restore(new ModelExecutor(execConfig()), l.snapshot()).root, l.root);
});

test('SEQ-EXE-004 the execution memo shares results per (executor kind, pre-root, block) only', (t) => {
  const { l } = booked();
  const memo = new ExecutionMemo(4);
  const b = { height: 2, prevHash: '00'.repeat(32), time: T + 60n, proposer: 0, intents: [] };
  const h = blockHash(b);
  const x = memo.run(l, h, b.intents, b.time);
  t.is(memo.run(l.fork(), h, b.intents, b.time), x);
  class OtherKind extends ModelExecutor {}
  const other = new Ledger(new OtherKind(execConfig()));
  other.executeBlock([], T);
  t.not(memo.run(other, h, b.intents, b.time), x);
});
