/**
 * Venue scripts (spec/curvescript.md §4–§6): the example venue checks clean and yields a typed,
 * fully defaulted config; each guardrail (CS-GUARD-*) fires exactly at its boundary.
 */
import test from 'ava';
import { checkSource } from '../../reference/script/index.ts';
import { DIRECTIVES, directivesOf } from '../../reference/script/directives.ts';
import { BLOCK_KINDS } from '../../reference/script/ast.ts';
import { BASE_VENUE, codes, codesAt, editVenue, readRepoFile } from './helpers.ts';

const check = (text: string) => checkSource(text, 'v.curve');

test('CS-VEN-020: examples/perp.curve checks with zero diagnostics and yields one router, two slabs, two oracles', (t) => {
  const r = checkSource(readRepoFile('examples/perp.curve'), 'examples/perp.curve');
  t.deepEqual(r.diagnostics, []);
  const v = r.venue;
  if (v === undefined) return t.fail('no venue');
  t.is(v.router.name, 'main');
  t.deepEqual(v.slabs.map((s) => s.name), ['perp:SOL-PERP', 'perp:BTC-PERP']);
  t.deepEqual(v.oracles.map((o) => o.name), ['pyth:SOLUSD', 'pyth:BTCUSD']);
  t.is(v.router.capTtl.ms, 120_000n);
  t.is(v.slabs[0]?.risk.imrBps, 500n);
  t.deepEqual(v.slabs[0]?.makerClass, [{ class: 'DLP', allowance: 256n }, { class: 'REG', allowance: 4_096n }]);
  t.is(v.oracles[1]?.failover, null);
  t.deepEqual(v.oracles[0]?.failover?.feeds, ['pyth:BTCUSD']);
  t.deepEqual(v.caps.map((c) => c.holder.kind), ['router', 'slab']);
});

test('CS-VEN-020: defaults fill every optional directive and argument; all integers are bigint', (t) => {
  const v = check(BASE_VENUE).venue;
  if (v === undefined) return t.fail('no venue');
  t.is(v.router.name, 'router');
  t.deepEqual(v.router.portfolioMargin, { model: 'net' });
  t.deepEqual(v.router.latencySla, { maxMs: 500n });
  t.deepEqual(v.router.insurance, { asset: 'USDC', fundCap: 0n, requireProof: true });
  const slab = v.slabs[0];
  t.deepEqual(slab?.matching, { fifo: true, pendingPromotion: true });
  t.deepEqual(slab?.makerClass, []);
  t.is(slab?.pools.orders, 65_536n);
  t.is(slab?.fee.rebateDelayMs, 0n);
  t.is(v.oracles[0]?.heartbeat.staleAfterMs, 5_000n);
  t.is(v.oracles[0]?.killBandSync, null);
  const ints: unknown[] = [];
  JSON.stringify(v, (_, x: unknown) => (typeof x === 'number' ? ints.push(x) : x, typeof x === 'bigint' ? String(x) : x));
  t.deepEqual(ints, [], 'no JS numbers in the config');
});

test('CS-ID-001: object ids are sha256 hex of the descriptor: stable, and changed by any value, default or not', (t) => {
  const id = (text: string) => check(text).venue?.slabs[0]?.id;
  const base = id(BASE_VENUE);
  t.regex(base ?? '', /^[0-9a-f]{64}$/);
  t.is(id(BASE_VENUE), base);
  t.is(id(editVenue(['  BATCH ms=50\n', '  BATCH ms=50\n  POOLS orders=65_536\n'])), base, 'writing a default explicitly changes nothing');
  t.not(id(editVenue(['  BATCH ms=50', '  BATCH ms=51'])), base);
  t.not(id(editVenue(['  BATCH ms=50\n', '  BATCH ms=50\n  POOLS orders=1\n'])), base);
  t.is(id(editVenue(['FEE maker_bps=1 taker_bps=2', 'FEE taker_bps=2 maker_bps=1'])), base, 'argument order does not matter');
});

test('CS-VEN-020: a venue with errors yields no config', (t) => {
  t.is(check(editVenue(['CAP_TTL ms=60_000', 'CAP_TTL ms=120_001'])).venue, undefined);
  t.is(check('').venue, undefined);
});

test('CS-VEN-002: a ROUTER-less venue and a second ROUTER are each CS2010', (t) => {
  t.deepEqual(codes(check(BASE_VENUE.replace(/^ROUTER[^}]*}\n/, '')).diagnostics), ['CS2010']);
  t.deepEqual(codesAt(check(BASE_VENUE + 'ROUTER "two" {\n}\n').diagnostics).filter((c) => c.startsWith('CS2010')), ['CS2010 18:1']);
});

test('CS-VEN-014: a repeatable required directive (COLLATERAL) may repeat but not be absent', (t) => {
  const two = editVenue(['  CAP_TTL', '  COLLATERAL asset=USDT vault_cap=5\n  CAP_TTL']);
  t.deepEqual(check(two).diagnostics, []);
  t.deepEqual(check(two).venue?.router.collateral.map((c) => c.asset), ['USDC', 'USDT']);
  t.deepEqual(codes(check(editVenue(['  COLLATERAL asset=USDC vault_cap=1_000_000\n', ''])).diagnostics), ['CS2008']);
});

// ── guardrails, one test each, at their boundaries ──────────────────────────────────────────────────

test('CS-GUARD-ORACLE (CS3001): a slab reading an undeclared oracle is rejected at the feed value', (t) => {
  t.deepEqual(codesAt(check(editVenue(['feed="pyth:SOLUSD"', 'feed="pyth:ETHUSD"'])).diagnostics), ['CS3001 10:15']);
});

test('CS-GUARD-BATCH (CS3002): RESERVATION_BATCH within ±10 ms of each slab BATCH passes, 11 ms fails', (t) => {
  for (const ms of [40, 60]) t.deepEqual(check(editVenue(['  BATCH ms=50', `  BATCH ms=${ms}`])).diagnostics, []);
  for (const ms of [39, 61]) t.deepEqual(codes(check(editVenue(['  BATCH ms=50', `  BATCH ms=${ms}`])).diagnostics), ['CS3002']);
});

test('CS-GUARD-CYCLE (CS3003): failover chains are fine, a cycle or a self-reference is rejected once', (t) => {
  const chain = BASE_VENUE.replace('  HEARTBEAT ms=400\n', '  HEARTBEAT ms=400\n  FAILOVER feeds=["pyth:B"]\n') + 'ORACLE "pyth:B" {\n  HEARTBEAT ms=1\n}\n';
  t.deepEqual(check(chain).diagnostics, []);
  const self = BASE_VENUE.replace('  HEARTBEAT ms=400\n', '  HEARTBEAT ms=400\n  FAILOVER feeds=["pyth:SOLUSD"]\n');
  t.deepEqual(codes(check(self).diagnostics), ['CS3003']);
  const three =
    BASE_VENUE.replace('  HEARTBEAT ms=400\n', '  HEARTBEAT ms=400\n  FAILOVER feeds=["pyth:B"]\n') +
    'ORACLE "pyth:B" {\n  HEARTBEAT ms=1\n  FAILOVER feeds=["pyth:C"]\n}\nORACLE "pyth:C" {\n  HEARTBEAT ms=1\n  FAILOVER feeds=["pyth:SOLUSD"]\n}\n';
  t.deepEqual(codes(check(three).diagnostics), ['CS3003']);
});

test('CS-GUARD-FEE (CS3004, S2, ADV3): a fee equal to the registry cap passes, one bps above fails, maker and taker separately', (t) => {
  t.deepEqual(check(editVenue(['FEE maker_bps=1 taker_bps=2', 'FEE maker_bps=10 taker_bps=20'])).diagnostics, []);
  t.deepEqual(codesAt(check(editVenue(['FEE maker_bps=1 taker_bps=2', 'FEE maker_bps=11 taker_bps=21'])).diagnostics), ['CS3004 12:17', 'CS3004 12:30']);
});

test('CS-GUARD-MARGIN (CS3005): imr > mmr > 0', (t) => {
  t.deepEqual(check(editVenue(['RISK imr_bps=500 mmr_bps=300', 'RISK imr_bps=301 mmr_bps=300'])).diagnostics, []);
  t.deepEqual(codesAt(check(editVenue(['RISK imr_bps=500 mmr_bps=300', 'RISK imr_bps=300 mmr_bps=300'])).diagnostics), ['CS3005 11:16']);
  t.deepEqual(codesAt(check(editVenue(['RISK imr_bps=500 mmr_bps=300', 'RISK imr_bps=500 mmr_bps=0'])).diagnostics), ['CS3005 11:28']);
});

test("CS-GUARD-SLA (CS3006): a slab SLA equal to the router's ceiling passes; above it, or not below CAP_TTL, fails", (t) => {
  const sla = (ms: number, extra: readonly [string, string][] = []) =>
    codes(check(editVenue(['  BATCH ms=50\n', `  BATCH ms=50\n  LATENCY_SLA ms=${ms}\n`], ...extra)).diagnostics);
  t.deepEqual(sla(500), []);
  t.deepEqual(sla(501), ['CS3006']);
  const ceiling: [string, string] = ['  INSURANCE', '  LATENCY_SLA max_ms=60_000\n  INSURANCE'];
  const ttl: [string, string] = ['CAP_TTL ms=60_000', 'CAP_TTL ms=1_000'];
  t.deepEqual(sla(999, [ceiling, ttl]), []);
  t.deepEqual(sla(1_000, [ceiling, ttl]), ['CS3006']);
});

test('CS-GUARD-TTL (CS3007): CAP_TTL 120 000 ms passes, 120 001 fails with its own code (not CS2005)', (t) => {
  t.deepEqual(check(editVenue(['CAP_TTL ms=60_000', 'CAP_TTL ms=120_000'])).diagnostics, []);
  t.deepEqual(codesAt(check(editVenue(['CAP_TTL ms=60_000', 'CAP_TTL ms=120_001'])).diagnostics), ['CS3007 3:14']);
  t.deepEqual(codes(check(editVenue(['CAP_TTL ms=60_000', 'CAP_TTL ms=0'])).diagnostics), ['CS2005']);
});

test('CS-GUARD-FEED (CS3008): only pyth:* and switchboard:* feeds are approved', (t) => {
  const feed = (name: string) => codes(check(editVenue(['feed="pyth:SOLUSD"', `feed="${name}"`], ['ORACLE "pyth:SOLUSD"', `ORACLE "${name}"`])).diagnostics);
  t.deepEqual(feed('switchboard:SOL_USD'), []);
  t.deepEqual(feed('chainlink:SOLUSD'), ['CS3008']);
  t.deepEqual(feed('pythx:SOLUSD'), ['CS3008']);
});

test('CS-GUARD-CAP (CS3009, P1, P4, P6): escrow.write, vault.write and cap.mint only to the router', (t) => {
  const cap = (kind: string, caps: string) => codes(check(BASE_VENUE + `CAP "c" {\n  HOLDER kind=${kind}\n  GRANTS caps=[${caps}]\n}\n`).diagnostics);
  t.deepEqual(cap('router', '"escrow.write", "vault.write", "cap.mint"'), []);
  t.deepEqual(cap('slab', '"cap.debit", "escrow.read"'), []);
  for (const c of ['escrow.write', 'vault.write', 'cap.mint']) {
    t.deepEqual(cap('slab', `"${c}"`), ['CS3009']);
    t.deepEqual(cap('oracle', `"${c}"`), ['CS3009']);
  }
});

test('CS-GUARD-INSURANCE (CS3010, E2E4): insurance payouts without proofs are rejected', (t) => {
  t.deepEqual(check(editVenue(['INSURANCE asset=USDC', 'INSURANCE asset=USDC require_proof=true'])).diagnostics, []);
  t.deepEqual(codes(check(editVenue(['INSURANCE asset=USDC', 'INSURANCE asset=USDC require_proof=false'])).diagnostics), ['CS3010']);
});

test('CS-GUARD-REF (CS3011): router_ref, failover feeds and the insurance asset must name declared things', (t) => {
  const sync = (ref: string) => codes(check(editVenue(['  HEARTBEAT ms=400\n', `  HEARTBEAT ms=400\n  KILL_BAND_SYNC router_ref="${ref}"\n`])).diagnostics);
  t.deepEqual(sync('router'), []);
  t.deepEqual(sync('main'), ['CS3011']);
  t.deepEqual(codes(check(editVenue(['  HEARTBEAT ms=400\n', '  HEARTBEAT ms=400\n  FAILOVER feeds=["pyth:NONE"]\n'])).diagnostics), ['CS3011']);
  t.deepEqual(codes(check(editVenue(['INSURANCE asset=USDC', 'INSURANCE asset=USDT'])).diagnostics), ['CS3011']);
});

// ── the schema itself ───────────────────────────────────────────────────────────────────────────────

test('CS-VEN-011: every directive argument is required or defaulted; at most one positional; spec ids unique', (t) => {
  const ids = new Set<string>();
  for (const d of DIRECTIVES) {
    t.false(ids.has(d.spec), d.spec);
    ids.add(d.spec);
    t.true(d.args.filter((a) => 'positional' in a).length <= 1, d.name);
    for (const a of d.args) t.true('required' in a !== 'default' in a, `${d.name} ${a.name}`);
  }
  for (const k of BLOCK_KINDS) t.true(directivesOf(k).length > 0, k);
});

test('CS-VEN-012: values of the wrong kind are CS2004, for every argument type', (t) => {
  const wrong = [
    ['  BATCH ms=50', '  BATCH ms=true'],
    ['MATCHING', 'MATCHING fifo=1'],
    ['ORACLE feed="pyth:SOLUSD"', 'ORACLE feed=pyth'],
    ['INSTRUMENT symbol=SOL', 'INSTRUMENT symbol=1'],
    ['MAKER', 'MAKER_CLASS "DLP" allowance=1'],
    ['FAILOVER feeds=[]', 'FAILOVER feeds="x"'],
    ['FAILOVER feeds=[]', 'FAILOVER feeds=[1]'],
  ] as const;
  for (const [from, to] of wrong) {
    const text = from === 'MATCHING' || from === 'MAKER'
      ? editVenue(['  BATCH ms=50\n', `  BATCH ms=50\n  ${to}\n`])
      : from.startsWith('FAILOVER') ? editVenue(['  HEARTBEAT ms=400\n', `  HEARTBEAT ms=400\n  ${to}\n`]) : editVenue([from, to]);
    t.deepEqual(codes(check(text).diagnostics), ['CS2004'], to);
  }
});

test('CS-VEN-003: block names follow their kind pattern; unnamed SLAB is CS2014; names are unique per kind', (t) => {
  t.deepEqual(codes(check(editVenue(['SLAB "perp:SOL-PERP"', 'SLAB'])).diagnostics), ['CS2014']);
  t.deepEqual(codes(check(BASE_VENUE.replace('ROUTER {', 'ROUTER "Main Router" {')).diagnostics), ['CS2014']);
  t.deepEqual(codes(check(BASE_VENUE + BASE_VENUE.slice(BASE_VENUE.indexOf('SLAB'))).diagnostics), ['CS2009', 'CS2009']);
});

test('CS-GRAM-011: a minus after whitespace and touching its digits starts a negative value, not arithmetic', (t) => {
  t.deepEqual(codesAt(check(editVenue(['  BATCH ms=50', '  BATCH ms=50 -1'])).diagnostics), ['CS2011 13:15']);
  t.deepEqual(codesAt(check(editVenue(['  BATCH ms=50', '  BATCH ms=50-1'])).diagnostics), ['CS1013 13:14']);
  t.deepEqual(codesAt(check(editVenue(['  BATCH ms=50', '  BATCH ms=-50'])).diagnostics), ['CS2005 13:12']);
});

test('CS-VEN-001: arithmetic anywhere in a venue value is CS1013, and the rest of the file is still checked', (t) => {
  const r = check(editVenue(['vault_cap=1_000_000', 'vault_cap=1_000*1_000'], ['  BATCH ms=50', '  BATCH ms=(50)'], ['mmr_bps=300', 'mmr_bps=300 - 1']));
  t.deepEqual(codesAt(r.diagnostics), ['CS1013 2:40', 'CS1013 11:32', 'CS1013 13:12']);
});
