/**
 * Oracles (spec/perp.md §9, PERP-ORC-*): quotes are host inputs; a price is usable while fresh, and a
 * stale feed fails over to its FAILOVER feeds in declared order (one level deep, so the loop is bounded
 * by the list length).
 */
import { check, fail } from './errors.ts';
import type { Feed } from './types.ts';

export type FeedHealth = 'fresh' | 'late' | 'stale';

/** PERP-ORC-001: fresh while now − publish ≤ heartbeat; late while ≤ stale_after; stale after that or when never published or from the future. */
export function feedHealth(f: Feed, now: bigint): FeedHealth {
  if (f.price === 0n || f.publishTime > now) return 'stale';
  const age = now - f.publishTime;
  if (age <= f.heartbeatMs) return 'fresh';
  return age <= f.staleAfterMs ? 'late' : 'stale';
}

/** PERP-ORC-002: the price of `feed` at `now`: the feed itself unless stale, else the first failover feed that is not stale; else ORACLE_STALE. */
export function oraclePrice(feeds: ReadonlyMap<bigint, Feed>, feed: bigint, now: bigint): { price: bigint; source: bigint } {
  const f = feeds.get(feed);
  if (!f) fail('ORACLE_UNKNOWN', feed.toString(16));
  if (feedHealth(f, now) !== 'stale') return { price: f.price, source: feed };
  for (const alt of f.failover) {
    const g = feeds.get(alt);
    if (g && feedHealth(g, now) !== 'stale') return { price: g.price, source: alt };
  }
  return fail('ORACLE_STALE', feed.toString(16));
}

/** PERP-ORC-003: a published quote: price > 0 and publish time strictly after the previous one. */
export function publish(feeds: Map<bigint, Feed>, feed: bigint, price: bigint, publishTime: bigint): void {
  const f = feeds.get(feed);
  if (!f) fail('ORACLE_UNKNOWN', feed.toString(16));
  check(price > 0n, 'ORACLE_BAD_PRICE');
  check(f.price === 0n || publishTime > f.publishTime, 'ORACLE_NOT_MONOTONE');
  f.price = price;
  f.publishTime = publishTime;
}
