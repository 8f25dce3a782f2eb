/**
 * The compiler driver (CS-COMPILE-*, CS-ANALYZE-*): the example venue compiles against the standard
 * library into modules that pass the VM validator, byte-identically on every run; the analyzers report
 * memory, capability and gas problems with their codes; static gas bounds hold on real runs; and the
 * stdlib templates carry a reserve → fund → commit flow end to end on the reference VM.
 */
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { compileVenue, type TemplateSet } from '../../reference/compiler/compile.ts';
import type { CompiledModule } from '../../reference/compiler/artifact.ts';
import { commitment, nameId } from '../../reference/script/ids.ts';
import { execute, type ExecResult } from '../../reference/vm/interpreter.ts';
import { decodeModule } from '../../reference/vm/module.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { validateModule } from '../../reference/vm/validate.ts';
import { World } from '../../reference/vm/world.ts';
import { bytesToHex } from '../../reference/lib/hex.ts';
import { readUintLE } from '../../reference/lib/u128.ts';
import { compileRouter } from './lower-helpers.ts';

const read = (f: string) => ({ file: f, text: readFileSync(f, 'utf8') });
const STDLIB: TemplateSet = { router: read('stdlib/router.curve'), slab: read('stdlib/slab.curve'), oracle: read('stdlib/oracle.curve') };
const PERP = read('examples/perp.curve');

function compilePerp(): readonly CompiledModule[] {
  const r = compileVenue(PERP, STDLIB);
  if (r.modules === undefined) throw new Error(r.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('\n'));
  return r.modules;
}

test('CS-COMPILE examples/perp.curve: one router, two slabs, two oracles; every module passes the VM validator', (t) => {
  const mods = compilePerp();
  t.deepEqual(mods.map((m) => m.name), ['router:main', 'slab:perp:SOL-PERP', 'slab:perp:BTC-PERP', 'oracle:pyth:SOLUSD', 'oracle:pyth:BTCUSD']);
  for (const m of mods) t.notThrows(() => validateModule(decodeModule(m.bytes)), m.name);
  const slab = mods[1] as CompiledModule;
  t.deepEqual(slab.caps, ['clock.read', 'oracle.read', 'log.emit', 'escrow.read', 'cap.debit']);
  t.true(slab.memory.storageBytes <= 10 * 1024 * 1024);
  t.is(slab.storage.find((s) => s.name === 'orders')?.capacity, 32_768);
  t.is(slab.constants.get('taker_bps'), 5n);
  t.is((mods[2] as CompiledModule).constants.get('taker_bps'), 4n);
  t.is((mods[3] as CompiledModule).constants.get('name_id'), nameId('pyth:SOLUSD'));
  t.notDeepEqual(slab.hash, (mods[2] as CompiledModule).hash, 'different constants, different modules');
});

test('CS-COMPILE compiling the same source twice gives byte-identical modules and equal artifacts', (t) => {
  const a = compilePerp();
  const b = compilePerp();
  t.deepEqual(a.map((m) => bytesToHex(m.bytes)), b.map((m) => bytesToHex(m.bytes)));
  t.deepEqual(a, b);
});

test('CS4001 a slab whose pools do not fit the 10 MiB segment is reported at its SLAB block', (t) => {
  const venue = PERP.text.replace('POOLS accounts=10_000 orders=32_768', 'POOLS accounts=10_000 orders=200_000');
  const r = compileVenue({ file: 'big.curve', text: venue }, STDLIB);
  t.is(r.modules, undefined);
  const d = r.diagnostics.filter((x) => x.code === 'CS4001');
  t.is(d.length, 1);
  t.is(d[0]?.span.file, 'big.curve');
  t.is(d[0]?.span.line, PERP.text.split('\n').findIndex((l) => l.startsWith('SLAB "perp:SOL-PERP"')) + 1);
  t.regex(d[0]?.message ?? '', /orders 200000×/);
});

test('CS4002 a syscall or emit outside the declared CAP grants; CS4003 a router-only syscall in a slab', (t) => {
  const slab = { file: 'slab.curve', text: 'template slab;\nevent E(x: u64);\npub fn f(u: address) -> u64 { emit E(1); return escrow_credit(u, u, 1, 1); }\n' };
  const venue = PERP.text.replace('"escrow.read", "cap.debit"]', '"escrow.read"]').replace(/"clock.read", "oracle.read", "log.emit", "escrow.read"\]/, '"clock.read", "oracle.read", "escrow.read"]');
  const r = compileVenue({ file: 'v.curve', text: venue }, { ...STDLIB, slab });
  const codes = r.diagnostics.filter((d) => d.span.file === 'slab.curve').map((d) => [d.code, d.span.line, d.span.col]);
  t.deepEqual(codes, [['CS4002', 3, 31], ['CS4003', 3, 49]]);
});

test('CS4004 an entry whose static gas bound passes the limit', (t) => {
  const slab = { file: 'slab.curve', text: 'template slab;\nstorage s: u64;\npub fn f() { for i in 0..65536 { for j in 0..65536 { s = i + j; } } }\n' };
  const r = compileVenue(PERP, { ...STDLIB, slab });
  t.deepEqual(r.diagnostics.filter((d) => d.code === 'CS4004').map((d) => d.span.file), ['examples/perp.curve', 'examples/perp.curve']);
});

test('CS2110 a template of the wrong kind, or a venue given as a template, is a diagnostic', (t) => {
  const r = compileVenue(PERP, { ...STDLIB, slab: STDLIB.router });
  t.true(r.diagnostics.some((d) => d.code === 'CS2110' && d.span.file === 'stdlib/router.curve'));
  const r2 = compileVenue(PERP, { ...STDLIB, oracle: PERP });
  t.true(r2.diagnostics.some((d) => d.code === 'CS2110'));
  const r3 = compileVenue(STDLIB.slab, STDLIB);
  t.true(r3.diagnostics.some((d) => d.code === 'CS2010'));
});

test('CS4010 a template without a pub fn is a diagnostic, not a crash', (t) => {
  const router = { file: 'r.curve', text: 'template router;\nfn helper() -> u64 { return 1; }\n' };
  const r = compileVenue(PERP, { ...STDLIB, router });
  t.deepEqual(r.diagnostics.map((d) => [d.code, d.span.file]), [['CS4010', 'r.curve']]);
  t.is(r.modules, undefined);
  const empty = compileVenue(PERP, { ...STDLIB, router: { file: 'e.curve', text: 'template router;\n' } });
  t.deepEqual(empty.diagnostics.map((d) => d.code), ['CS4010']);
});

test('CS4011 two SLAB blocks that compile to byte-identical modules are a diagnostic at the second block, not a validator crash', (t) => {
  const sol = PERP.text.slice(PERP.text.indexOf('SLAB "perp:SOL-PERP"'), PERP.text.indexOf('SLAB "perp:BTC-PERP"'));
  const text = PERP.text.replace(sol, sol + sol.replace('perp:SOL-PERP', 'perp:SOL2-PERP'));
  const r = compileVenue({ file: 'v.curve', text }, STDLIB);
  t.deepEqual(r.diagnostics.map((d) => [d.code, d.span.line]), [['CS4011', text.split('\n').findIndex((l) => l.startsWith('SLAB "perp:SOL2-PERP"')) + 1]]);
  t.is(r.modules, undefined);
  const fees = compileVenue({ file: 'v.curve', text: text.replace(/(SLAB "perp:SOL2-PERP"[^]*?)taker_bps=5/, '$1taker_bps=6') }, STDLIB);
  t.deepEqual(fees.diagnostics.filter((d) => d.severity === 'error'), []);
});

test('CS-ANALYZE-GAS straight-line code uses exactly its bound; branches and loops stay under it', (t) => {
  const m = compileRouter(`
storage s: u128;
event E(a: u128);
pub fn line(a: u128, b: u128) -> u128 { s = mul_div_up(a, b, 7) + route_id(a as address, 3) % 5; emit E(s); return s; }
pub fn branchy(n: u64) -> u64 { let mut acc: u64 = 0; for i in 0..20 { if i < n { acc += i * 2; } else { acc += 1; } } if n > 5 { return acc; } return acc + n; }`);
  const store = new ModuleStore();
  const lm = store.add(m.bytes);
  const run = (entry: string, args: bigint[]): ExecResult => execute(store, new World(), lm.hashHex, entry, args, { gasLimit: 1_000_000, stateRoot: false });
  const bound = (name: string): number => Number(m.entries.find((e) => e.name === name)?.gasBound);
  t.is(run('line', [3n, 4n]).gasUsed, bound('line'));
  fc.assert(fc.property(fc.bigInt(0n, 40n), (n) => {
    const r = run('branchy', [n]);
    t.is(r.status, 'ok');
    t.true(r.gasUsed <= bound('branchy'));
  }), { numRuns: 30 });
});

// ── the stdlib templates end to end ────────────────────────────────────────────────────────────────

interface Venue {
  readonly world: World;
  call(m: CompiledModule, entry: string, args: readonly bigint[], now?: bigint, from?: bigint): ExecResult;
  id(m: CompiledModule): bigint;
}

function venue(mods: readonly CompiledModule[], origin: bigint): Venue {
  const store = new ModuleStore();
  const world = new World();
  const loaded = new Map(mods.map((m) => [m.name, store.add(m.bytes)]));
  return {
    world,
    id: (m) => loaded.get(m.name)?.id ?? 0n,
    call(m, entry, args, now = 1_000n, from = origin) {
      const r = execute(store, world, loaded.get(m.name)?.hashHex ?? '', entry, args, { gasLimit: 50_000_000, now, origin: from, stateRoot: false });
      if (r.status === 'ok') world.commit();
      const bound = m.entries.find((e) => e.name === entry)?.gasBound ?? 0n;
      if (BigInt(r.gasUsed) > bound && r.halt !== 'out_of_gas') throw new Error(`${m.name}.${entry} used ${r.gasUsed} gas over its bound ${bound}`);
      return r;
    },
  };
}


const w32 = (b: Uint8Array): [bigint, bigint] => [readUintLE(b, 0, 16), readUintLE(b, 16, 16)];

test('stdlib P7 R6 M6 S9: place → reserve → fund (escrow + cap, through the host) → commit debits fee + tax through the cap; a wrong salt and a late commit fail', (t) => {
  const [, sol] = compilePerp() as [CompiledModule, CompiledModule];
  const ROUTER_KEY = 77n;
  const user = 5n;
  const asset = 9n;
  const v = venue([sol], ROUTER_KEY);
  t.is(v.call(sol, 'init', [ROUTER_KEY, 8n, 8n, 2_000n], 1_000n, 1n).status, 'ok');
  t.is(v.call(sol, 'init', [ROUTER_KEY, 8n, 8n, 2_000n], 1_000n, 1n).revertCode, 213n, 'init once');
  v.world.setOracle(nameId('pyth:SOLUSD'), { price: 3_000n, publishTime: 1_000n });
  for (const m of [11n, 12n]) t.is(v.call(sol, 'set_dlp', [m, 1n]).status, 'ok');
  // two DLP makers selling 3 and 4 lots at 2_000 and 3_000: LIVE at once (M7)
  t.deepEqual(v.call(sol, 'place', [11n, 0n, 1n, 2_000n, 3n]).results, [1n << 20n, 0n]);
  t.deepEqual(v.call(sol, 'place', [12n, 0n, 1n, 3_000n, 4n]).results, [(2n << 20n) | 1n, 0n]);
  const salt = new Uint8Array(32).fill(7);
  const route = 1234n;
  const com = commitment(route, 0n, 0n, 5n, 3_000n, salt);
  const res = v.call(sol, 'reserve', [route, user, 0n, 0n, 5n, 3_000n, 60_000n, ...w32(com)]);
  t.is(res.status, 'ok');
  const [hold, slot, vwap, worst, notional, maxCharge] = res.results as bigint[];
  t.deepEqual([vwap, worst, notional], [2_400n, 3_000n, 12_000n]);
  t.is(maxCharge, (12_000n * 5n + 9_999n) / 10_000n, 'max charge = taker fee, rounded up (no aggressor tax yet)');
  // the router's part (test/perp/vm/router-e2e.test.ts runs it through the router): escrow + a cap
  const cap = v.world.mintCapId();
  v.world.setCap(cap, { user, slab: v.id(sol), asset, amountMax: maxCharge as bigint, remaining: maxCharge as bigint, expiry: 1_000n + 120_000n, nonce: 0n, burned: false });
  v.world.setEscrow(user, v.id(sol), asset, { balance: maxCharge as bigint, nonce: 0n });
  v.world.commit();
  const args = (s: Uint8Array) => [hold as bigint, slot as bigint, cap, 0n, 5n, 3_000n, ...w32(s)];
  t.is(v.call(sol, 'commit', args(com)).revertCode, 303n, 'M6: a wrong salt is rejected');
  t.is(v.call(sol, 'commit', args(salt), 1_000n + 60_000n).revertCode, 302n, 'R4: after expiry');
  const ok = v.call(sol, 'commit', args(salt));
  t.is(ok.status, 'ok');
  t.deepEqual(ok.results, [5n, 12_000n, maxCharge as bigint, 0n, maxCharge as bigint]);
  t.is(ok.logs.length, 1, 'one Committed event; the trades are in the ring');
  t.is(v.world.escrow(user, v.id(sol), asset).balance, 0n);
  t.is(v.call(sol, 'commit', args(salt)).revertCode, 301n, 'a hold commits once');
  t.is(v.call(sol, 'commit', args(salt), 1_000n, 78n).revertCode, 213n, 'P4: the router only');
});

test('stdlib R8 F2 M7 M5 R10: cancel is idempotent; REG orders wait for batch_open; reserve is fill-or-kill; liquidation_call is router-only', (t) => {
  const [, sol] = compilePerp() as [CompiledModule, CompiledModule];
  const v = venue([sol], 77n);
  v.call(sol, 'init', [77n, 8n, 8n, 2_000n]);
  t.deepEqual(v.call(sol, 'place', [11n, 0n, 1n, 2_000n, 3n]).results, [1n << 20n, 1n], 'REG: PENDING until the next batch');
  const none = v.call(sol, 'reserve', [1n, 5n, 0n, 0n, 1n, 5_000n, 1_000n, 0n, 0n]);
  t.is(none.revertCode, 107n, 'M2: a PENDING order never matches');
  t.is(v.call(sol, 'batch_open', [0n], 1_020n).revertCode, 601n, 'not before BATCH ms');
  t.deepEqual(v.call(sol, 'batch_open', [0n], 1_050n).results, [1n, 1n]);
  const r = v.call(sol, 'reserve', [1n, 5n, 0n, 0n, 2n, 5_000n, 1_000n, 0n, 0n], 1_050n);
  t.is(r.status, 'ok');
  const over = v.call(sol, 'reserve', [2n, 6n, 0n, 0n, 2n, 5_000n, 1_000n, 0n, 0n], 1_050n);
  t.is(over.revertCode, 107n, 'M5: only one lot is unreserved');
  const [hold, slot] = r.results as [bigint, bigint];
  t.deepEqual(v.call(sol, 'cancel', [hold, slot]).results, [1n]);
  t.deepEqual(v.call(sol, 'cancel', [hold, slot]).results, [0n], 'R8: the second cancel changes nothing');
  t.is(v.call(sol, 'reserve', [3n, 7n, 0n, 0n, 2n, 5_000n, 1_000n, 0n, 0n], 1_050n).status, 'ok', 'cancelled lots are reservable again');
  t.is(v.call(sol, 'liquidation_call', [5n, 0n, 100n], 1_000n, 78n).revertCode, 213n, 'R10: not the router');
  const liq = v.call(sol, 'liquidation_call', [5n, 0n, 100n]);
  t.is(liq.status, 'ok');
  t.deepEqual(liq.results, [0n, 0n, 0n], 'no position: nothing to close');
});
