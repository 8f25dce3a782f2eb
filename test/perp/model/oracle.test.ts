/** Oracles: heartbeat/staleness and ordered failover (spec/perp.md §9, PERP-ORC-*). */
import test from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { PX, SOL_BACKUP, SOL_FEED, T0, venue } from './helpers.ts';

test('PERP-ORC-001 a feed is fresh within the heartbeat, late until stale_after, then stale', (t) => {
  const f = venue().oracles.get(SOL_FEED)!;
  t.is(M.feedHealth(f, T0 + 400n), 'fresh');
  t.is(M.feedHealth(f, T0 + 401n), 'late');
  t.is(M.feedHealth(f, T0 + 2_001n), 'stale');
  t.is(M.feedHealth(f, T0 - 1n), 'stale');
});

test('PERP-ORC-002 a stale feed fails over to its failover feeds in order; none fresh is ORACLE_STALE', (t) => {
  let st = venue();
  t.deepEqual(M.oraclePrice(st.oracles, SOL_FEED, T0 + 1_000n), { price: PX, source: SOL_FEED });
  st = M.step(st, (s) => M.publishPrice(s, SOL_BACKUP, PX + 5n, T0 + 2_000n)).state;
  t.deepEqual(M.oraclePrice(st.oracles, SOL_FEED, T0 + 3_000n), { price: PX + 5n, source: SOL_BACKUP });
  t.throws(() => M.oraclePrice(st.oracles, SOL_FEED, T0 + 9_000n), { message: /ORACLE_STALE/ });
  t.throws(() => M.oraclePrice(st.oracles, 42n, T0), { message: /ORACLE_UNKNOWN/ });
});

test('PERP-ORC-003 publications need a positive price and a later publish time', (t) => {
  const st = venue();
  const a = M.step(st, (s) => M.publishPrice(s, SOL_FEED, 0n, T0 + 1n));
  t.is(a.ok ? '' : a.error, 'ORACLE_BAD_PRICE');
  const b = M.step(st, (s) => M.publishPrice(s, SOL_FEED, PX, T0));
  t.is(b.ok ? '' : b.error, 'ORACLE_NOT_MONOTONE');
  const c = M.step(st, (s) => M.publishPrice(s, 42n, PX, T0));
  t.is(c.ok ? '' : c.error, 'ORACLE_UNKNOWN');
});
