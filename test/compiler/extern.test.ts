/**
 * Cross-module calls end to end (spec/curvescript.md CS-CALL-*, CS-EXTERN-*, CS-ANALYZE-EXTERN/GRANT,
 * CS-COMPILE-004): a router template calling the slab modules of a venue through CurveVM `CALL`, compiled
 * by compileVenue and run on the VM with the real module store.
 */
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { compileVenue, type SourceText, type TemplateSet } from '../../reference/compiler/compile.ts';
import type { CompiledModule } from '../../reference/compiler/artifact.ts';
import { buildManifest, decodeManifestJson, encodeManifestJson } from '../../reference/compiler/manifest.ts';
import { describeModule } from '../../reference/compiler/cpi.ts';
import { execute, type ExecResult } from '../../reference/vm/interpreter.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';

const read = (f: string): SourceText => ({ file: f, text: readFileSync(f, 'utf8') });
const PERP = read('examples/perp.curve');
const VENUE: SourceText = { file: 'xcall.curve', text: PERP.text };
/** The router's CAP block without cap.debit, which the slabs' commit needs. */
const NO_DEBIT: SourceText = { file: 'nodebit.curve', text: PERP.text.replace('"cap.mint", "cap.debit", "call"]', '"cap.mint", "call"]') };
const T: TemplateSet = { router: read('test/compiler/fixtures/xcall-router.curve'), slab: read('test/compiler/fixtures/xcall-slab.curve'), oracle: read('stdlib/oracle.curve') };

function compile(venue = VENUE, templates = T): readonly CompiledModule[] {
  const r = compileVenue(venue, templates);
  if (r.modules === undefined) throw new Error(r.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('\n'));
  return r.modules;
}

function codes(venue: SourceText, templates: TemplateSet): string[] {
  return compileVenue(venue, templates).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.span.file}:${d.span.line}`);
}

interface Run {
  call(entry: string, args: readonly bigint[]): ExecResult;
  slab(i: number, entry: string, args: readonly bigint[]): ExecResult;
  readonly mods: readonly CompiledModule[];
  readonly ids: readonly bigint[];
}

function run(mods = compile()): Run {
  const store = new ModuleStore();
  const world = new World();
  const loaded = mods.map((m) => store.add(m.bytes));
  const exec = (i: number, entry: string, args: readonly bigint[]): ExecResult => {
    const m = mods[i] as CompiledModule;
    const r = execute(store, world, loaded[i]?.hashHex ?? '', entry, [...args], { gasLimit: 10_000_000, stateRoot: false });
    if (r.status === 'ok') world.commit();
    const bound = m.entries.find((e) => e.name === entry)?.gasBound ?? 0n;
    if (BigInt(r.gasUsed) > bound && r.status !== 'halt') throw new Error(`${m.name}.${entry} used ${r.gasUsed} gas over its bound ${bound}`);
    return r;
  };
  return { mods, ids: loaded.map((l) => l.id), call: (e, a) => exec(0, e, a), slab: (i, e, a) => exec(1 + i, e, a) };
}

test('CS-COMPILE-004 callees compile first; the router imports each slab by content address and the artifact lists the imports', (t) => {
  const mods = compile();
  t.deepEqual(mods.map((m) => m.kind), ['router', 'slab', 'slab', 'oracle', 'oracle'], 'output order stays router, slabs, oracles');
  const [router, sol, btc] = mods as [CompiledModule, CompiledModule, CompiledModule];
  const hashes = new Set(router.imports.map((i) => i.hash));
  t.deepEqual([...hashes].sort(), [sol.hash, btc.hash].sort());
  t.true(router.imports.some((i) => i.module === sol.name && i.entry === 'reserve'));
  t.true(router.caps.includes('call'));
  const accounts = describeModule(router).entries.find((e) => e.name === 'route')?.accounts ?? [];
  t.true(accounts.some((a) => a.kind === 'module' && a.key[0] === `0x${sol.hash}`), 'CPI: the route entry names the slab it calls');
  const manifest = buildManifest(compileVenue(VENUE, T).venue as never, mods);
  t.deepEqual(decodeManifestJson(encodeManifestJson(manifest)), manifest);
});

test('CS-CALL-001 m[i].f(args) calls the i-th module of the kind; m[i].id is its module id and m.count their number', (t) => {
  const r = run();
  t.deepEqual(r.call('one', [0n, 5n, 10n]).results, [10n + 5n], 'SOL slab: taker_bps 5');
  t.deepEqual(r.call('one', [1n, 5n, 10n]).results, [10n + 4n], 'BTC slab: taker_bps 4');
  t.deepEqual(r.call('totals', []).results, [20n]);
  t.deepEqual(r.call('ids', [0n]).results, [r.ids[1]]);
  t.deepEqual(r.call('ids', [1n]).results, [r.ids[2]]);
  t.deepEqual(r.call('ids', [2n]).results, [0n], 'no module: id 0');
  t.deepEqual(r.call('count', []).results, [2n]);
  t.deepEqual(r.call('whoami', [1n]).results, [1n], 'VM-CALL-008: CALLER in the callee is the router');
  t.deepEqual(r.slab(0, 'who', []).results, [0n], 'top level: CALLER = origin 0');
});

test('CS-CALL-002 a propagating call reverts with the callee code, the stated code, or CALL_FAILED_BASE + halt code', (t) => {
  const r = run();
  const passed = r.call('one', [0n, 0n, 5_000n]);
  t.is(passed.status, 'revert');
  t.is(passed.revertCode, 7n, 'the slab E_BIG passes through');
  t.is(r.call('stated', [0n, 5_000n]).revertCode, 42n, 'else E_LEG');
  t.is(r.call('stated', [7n, 1n]).revertCode, 42n, 'no module, stated code');
  t.is(r.call('one', [9n, 0n, 1n]).revertCode, 65_536n, 'no module: CALL_FAILED_BASE');
  t.deepEqual(r.call('totals', []).results, [0n], 'VM-TRAP-002: nothing of the failed calls stayed');
});

test('CS-CALL-003 try yields status, code and value; a halted callee (overflow, out of gas) is a status, not a halt of the caller', (t) => {
  const r = run();
  t.deepEqual(r.call('tried', [0n, 3n]).results, [8n]);
  t.deepEqual(r.call('tried', [0n, 5_000n]).results, [1_007n], 'revert, code 7');
  t.deepEqual(r.call('tried', [5n, 3n]).results, [3_000n], 'CALL_NO_MODULE');
  t.deepEqual(r.call('sq', [0n, 3n]).results, [9n]);
  t.deepEqual(r.call('sq', [0n, 1n << 100n]).results, [2_002n], 'halt overflow: status 2, code 2');
});

test('CS-CALL-003 a two-leg route cancels its first leg when the second fails, and commits both otherwise', (t) => {
  const r = run();
  t.deepEqual(r.call('route', [10n, 5_000n]).results, [0n]);
  t.deepEqual(r.call('totals', []).results, [0n], 'leg 0 was reserved, then cancelled');
  t.deepEqual(r.call('route', [10n, 20n]).results, [15n + 24n]);
  t.deepEqual(r.call('totals', []).results, [30n]);
});

test('CS-ANALYZE-GAS the bound of a calling entry counts the callee sub-grant: real gas ≤ bound (property)', (t) => {
  const r = run();
  const bound = (e: string): bigint => r.mods[0]?.entries.find((x) => x.name === e)?.gasBound ?? 0n;
  const slabBound = r.mods[1]?.entries.find((x) => x.name === 'reserve')?.gasBound ?? 0n;
  t.true(bound('one') > slabBound, 'the default gas grant is the callee bound');
  fc.assert(fc.property(fc.bigInt(0n, 2n), fc.bigInt(0n, 1_100n), fc.bigInt(0n, 1_100n), (i, q0, q1) => {
    for (const [e, args] of [['one', [i, 1n, q0]], ['tried', [i, q0]], ['route', [q0, q1]]] as const) {
      const x = r.call(e, args);
      t.true(BigInt(x.gasUsed) <= bound(e), `${e}(${args.join(', ')}) used ${x.gasUsed} > ${bound(e)}`);
    }
  }), { numRuns: 40 });
});

test('CS4009 a grant of a capability the caller does not hold (cap.debit) is refused at compile time', (t) => {
  // the default grant is the slab's declared caps, cap.debit among them: reported once per extern entry
  // (one per slab module: two SLAB blocks)
  const lines = T.router.text.split('\n').flatMap((l, i) => (/^ {2}fn (reserve|cancel|square|total_of|who)\(/.test(l) ? [`CS4009 ${T.router.file}:${i + 1}`, `CS4009 ${T.router.file}:${i + 1}`] : []));
  t.notDeepEqual(NO_DEBIT.text, PERP.text);
  t.deepEqual(codes(NO_DEBIT, T), lines);
  const bad: TemplateSet = { ...T, router: { ...T.router, text: T.router.text.replace('pub fn count()', 'pub fn debit(c: u128) -> u64 { return slab[0].commit(c, 1); }\n\npub fn count()') } };
  const d = compileVenue(NO_DEBIT, bad).diagnostics.filter((x) => x.code === 'CS4009');
  t.true(d.length >= 1);
  t.true(d.every((x) => x.span.file === T.router.file));
  t.true(codes(VENUE, bad).length === 0, 'holding cap.debit, the grant is fine');
});

test('CS4009 a page grant below the callee initial pages; CS4008 an extern that does not match the callee', (t) => {
  const pages: TemplateSet = { ...T, router: { ...T.router, text: T.router.text.replace('fn total_of() -> u128;', 'fn total_of() -> u128 with (pages = 0);') } };
  t.true(codes(VENUE, pages).some((c) => c.startsWith('CS4009')));
  const words: TemplateSet = { ...T, router: { ...T.router, text: T.router.text.replace('fn total_of() -> u128;', 'fn total_of() -> bytes32;').replace('slab[0].total_of() + slab[1].total_of()', '0') } };
  const line = words.router.text.split('\n').findIndex((l) => l.includes('fn total_of()')) + 1;
  t.deepEqual(codes(VENUE, words), [`CS4008 ${T.router.file}:${line}`, `CS4008 ${T.router.file}:${line}`], 'once per slab module');
  const missing: TemplateSet = { ...T, router: { ...T.router, text: T.router.text.replace('fn who() -> address;', 'fn who() -> address;\n  fn nope();').replace('pub fn count()', 'pub fn n() { slab[0].nope(); }\n\npub fn count()') } };
  t.true(codes(VENUE, missing).some((c) => c.startsWith('CS4008')));
});

test('CS-CALL-005 a module that calls needs the call capability (CS4002 when its CAP block lacks it)', (t) => {
  const venue: SourceText = { file: 'nocall.curve', text: VENUE.text.replace('"cap.debit", "call"]', '"cap.debit"]') };
  const d = compileVenue(venue, T).diagnostics.filter((x) => x.code === 'CS4002');
  t.true(d.length > 0);
  t.true(d.every((x) => x.message.includes('call')));
});

test('CS-CALL-002 CS-CALL-003 property: a propagating call reverts exactly when the try form reports a failure, with the code CS-CALL-002 derives from it', (t) => {
  const mods = compile();
  fc.assert(fc.property(fc.bigInt(0n, 3n), fc.bigInt(0n, 2_000n), (i, qty) => {
    const r = run(mods);
    const tried = r.call('tried', [i, qty]);
    const one = r.call('one', [i, 0n, qty]);
    const out = tried.results[0] as bigint;
    // `tried` encodes a failure as status · 1000 + code: 1007 (E_BIG) or 3000 (no module); else the value
    const [status, code] = out === 1_007n || out === 3_000n ? [out / 1_000n, out % 1_000n] : [0n, 0n];
    t.is(one.status === 'ok', status === 0n);
    if (status === 1n) t.is(one.revertCode, code);
    if (status === 3n) t.is(one.revertCode, 65_536n);
    if (status === 0n) t.deepEqual(one.results, [out + qty], 'the second call sees the reservation of the first');
  }), { numRuns: 30 });
});

test('CS4009 a page grant that, with the caller pages, passes MAX_PAGES', (t) => {
  const big: TemplateSet = { ...T, router: { ...T.router, text: T.router.text.replace('fn total_of() -> u128;', 'fn total_of() -> u128 with (pages = 160);') } };
  const d = compileVenue(VENUE, big).diagnostics.filter((x) => x.code === 'CS4009');
  t.true(d.length > 0);
  t.true(d.every((x) => x.message.includes('VM-CALL-007')));
});
