/**
 * Generated SDKs (spec/manifest.md CPI-SDK-001, CPI-LAYOUT-*): the client typechecks under strict tsc,
 * runs against the reference VM through a small transport, decodes results, names revert codes, and
 * refuses a manifest whose descriptor hashes differ from the ones it was generated for.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildManifest, encodeManifestJson, type Manifest } from '../../reference/compiler/manifest.ts';
import { compileVenue } from '../../reference/compiler/compile.ts';
import { generateSdk } from '../../reference/compiler/sdk.ts';
import { checkSource, nameId, type VenueConfig } from '../../reference/script/index.ts';
import { execute } from '../../reference/vm/interpreter.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';
import { fixtureVenue } from './cpi-fixtures.ts';

const root = new URL('../..', import.meta.url).pathname;
const venue = checkSource(readFileSync(root + 'examples/perp.curve', 'utf8'), 'perp.curve').venue as VenueConfig;
const modules = fixtureVenue();
const manifest = buildManifest(venue, modules);
const dir = mkdtempSync(join(tmpdir(), 'curve-sdk-'));
for (const [name, text] of generateSdk(manifest)) writeFileSync(join(dir, name), text);
const clientFile = join(dir, 'client.ts');

/* What the generated module exports, as the test uses it. */
interface CallLike<R> {
  value: R;
  logs: readonly { topics: readonly bigint[] }[];
}
type Fn<A extends unknown[], R> = (...a: A) => Promise<CallLike<R>>;
interface Generated {
  connect(manifest: unknown, transport: unknown): {
    router_main: { moduleHash: string; echo: Fn<[Uint8Array | string, bigint], { h: Uint8Array; x: bigint }>; deposit: Fn<[bigint, bigint, bigint], bigint>; open_cap: Fn<[bigint, bigint, bigint, bigint], bigint> };
    slab_perp_SOL_PERP: {
      moduleHash: string;
      reserve: Fn<[bigint, bigint, bigint, bigint, bigint, bigint, bigint, string], { hold_id: bigint; max_charge: bigint }>;
      commit: Fn<[bigint, bigint], bigint>;
      cancel: Fn<[bigint], void>;
      liquidation_call: Fn<[bigint, bigint], boolean>;
    };
    oracle_pyth_SOLUSD: { read: Fn<[bigint], { price: bigint; publish_time: bigint }> };
  };
  DESCRIPTOR_HASHES: Record<string, string>;
  CallFailed: new (...a: never[]) => Error;
  ManifestMismatch: new (...a: never[]) => Error;
  ArgumentError: new (...a: never[]) => Error;
}

function vmTransport() {
  const store = new ModuleStore();
  for (const m of modules) store.add(m.bytes);
  const world = new World();
  const calls: string[] = [];
  return {
    world,
    calls,
    transport: {
      async call(moduleHash: string, entry: string, words: bigint[]) {
        calls.push(`${moduleHash.slice(0, 8)}.${entry}(${words.length})`);
        const r = execute(store, world, moduleHash, entry, words, { gasLimit: 1_000_000, now: 10n, origin: 7n, stateRoot: false });
        return { status: r.status, returnWords: [...r.results], logs: r.logs, ...(r.revertCode !== undefined ? { revertCode: r.revertCode } : {}), ...(r.halt ? { halt: r.halt } : {}) };
      },
    },
  };
}

const load = async (): Promise<Generated> => (await import(pathToFileURL(clientFile).href)) as Generated;

test('CPI-SDK-001: the generated client typechecks under strict tsc (noUncheckedIndexedAccess, exactOptionalPropertyTypes)', (t) => {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const args = ['--noEmit', '--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes', '--noImplicitReturns', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--lib', 'ES2022', clientFile];
  try {
    execFileSync(process.execPath, [tsc, ...args], { stdio: 'pipe' });
    t.pass();
  } catch (e) {
    t.fail((e as { stdout?: Buffer }).stdout?.toString() ?? String(e));
  }
});

test('CPI-SDK-001: generation is deterministic and embeds every descriptor hash', async (t) => {
  const again = generateSdk(buildManifest(venue, fixtureVenue()));
  t.is(again.get('client.ts'), readFileSync(clientFile, 'utf8'));
  const g = await load();
  t.deepEqual(g.DESCRIPTOR_HASHES, Object.fromEntries(manifest.modules.map((m) => [m.name, m.descriptorHash])));
  t.regex(again.get('README.md') ?? '', /SlabPerpSolPerpClient/);
});

test('CPI-LAYOUT-002: calls through the reference VM encode bytes32 and i128 and decode named results', async (t) => {
  const g = await load();
  const { transport, calls } = vmTransport();
  const v = g.connect(JSON.parse(encodeManifestJson(manifest)), transport);
  t.is(v.router_main.moduleHash, modules[0]?.hash as string);
  const h = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
  const echo = await v.router_main.echo(h, -5n);
  t.deepEqual(echo.value.h, h);
  t.is(echo.value.x, -5n);
  const hex = '0x' + Buffer.from(h).toString('hex');
  t.deepEqual((await v.router_main.echo(hex, (1n << 127n) - 1n)).value, { h, x: (1n << 127n) - 1n });
  const r = await v.slab_perp_SOL_PERP.reserve(41n, 7n, 1n, 0n, 3n, 1000n, 50n, '11'.repeat(32));
  t.deepEqual(r.value, { hold_id: 42n, max_charge: 3000n });
  t.is((await v.slab_perp_SOL_PERP.liquidation_call(7n, 0n)).value, false);
  t.is((await v.slab_perp_SOL_PERP.liquidation_call(7n, 9n)).value, true);
  t.is((await v.slab_perp_SOL_PERP.cancel(42n)).value, undefined);
  t.deepEqual(calls.map((c) => c.split('.')[1]), ['echo(3)', 'echo(3)', 'reserve(9)', 'liquidation_call(2)', 'liquidation_call(2)', 'cancel(1)']);
});

test('CPI-SDK-001: the router mints a cap, the slab commits through it; a failed debit is CallFailed with its code', async (t) => {
  const g = await load();
  const { transport, world } = vmTransport();
  const v = g.connect(JSON.parse(encodeManifestJson(manifest)), transport);
  const slabId = BigInt('0x' + Buffer.from(Buffer.from(v.slab_perp_SOL_PERP.moduleHash, 'hex').subarray(0, 16)).reverse().toString('hex'));
  world.setVault(5n, 1000n);
  const cap = (await v.router_main.open_cap(7n, slabId, 5n, 500n)).value;
  t.is(cap, 1n);
  await v.slab_perp_SOL_PERP.reserve(1n, 7n, 1n, 0n, 200n, 1n, 50n, '00'.repeat(32));
  const ok = await v.slab_perp_SOL_PERP.commit(2n, cap);
  t.is(ok.value, 200n);
  t.is(ok.logs.length, 1);
  t.is(world.escrow(7n, slabId, 5n).balance, 300n);
  await v.slab_perp_SOL_PERP.reserve(1n, 7n, 1n, 0n, 400n, 1n, 50n, '00'.repeat(32));
  const e = await t.throwsAsync(v.slab_perp_SOL_PERP.commit(2n, cap), { instanceOf: g.CallFailed });
  t.like(e, { status: 'revert', code: 5n, entry: 'commit', module: 'slab:perp:SOL-PERP' });
  t.regex(e?.message ?? '', /reverted with code 5/);
});

test('CPI-SDK-001: a manifest with another descriptor hash, a missing module or another version is refused', async (t) => {
  const g = await load();
  const { transport } = vmTransport();
  const json = JSON.parse(encodeManifestJson(manifest)) as { version: number; modules: { name: string; descriptorHash: string }[] };
  const changed = structuredClone(json);
  (changed.modules[1] as { descriptorHash: string }).descriptorHash = 'ff'.repeat(32);
  const e = t.throws(() => g.connect(changed, transport), { instanceOf: g.ManifestMismatch });
  t.regex(e?.message ?? '', /slab:perp:SOL-PERP: descriptor hash f{64} differs from [0-9a-f]{64}, the one this client was generated for/);
  const missing = { ...json, modules: json.modules.slice(0, 2) };
  t.throws(() => g.connect(missing, transport), { instanceOf: g.ManifestMismatch, message: /no module oracle:pyth:SOLUSD/ });
  t.throws(() => g.connect({ ...json, version: 2 }, transport), { instanceOf: g.ManifestMismatch, message: /version 2/ });
  t.throws(() => g.connect(null, transport), { instanceOf: g.ManifestMismatch });
  // A redeployment behind the same interface (other bytecode hash, filled proof slot) is accepted.
  const redeployed: Manifest = { ...manifest, modules: manifest.modules.map((m) => ({ ...m, bytecodeHash: 'ab'.repeat(32), proofHash: 'cd'.repeat(32) })) };
  t.is(g.connect(JSON.parse(encodeManifestJson(redeployed)), transport).slab_perp_SOL_PERP.moduleHash, 'ab'.repeat(32));
});

test('CPI-LAYOUT-002: values that do not fit their parameter are ArgumentErrors naming the parameter, before any call', async (t) => {
  const g = await load();
  const { transport, calls } = vmTransport();
  const v = g.connect(JSON.parse(encodeManifestJson(manifest)), transport);
  await t.throwsAsync(v.router_main.echo(new Uint8Array(31), 0n), { instanceOf: g.ArgumentError, message: /echo\.h: expected 32 bytes/ });
  await t.throwsAsync(v.router_main.echo('zz', 0n), { instanceOf: g.ArgumentError, message: /64 hex digits/ });
  await t.throwsAsync(v.router_main.echo('00'.repeat(32), 1n << 127n), { instanceOf: g.ArgumentError, message: /echo\.x: .* is outside/ });
  await t.throwsAsync(v.slab_perp_SOL_PERP.reserve(1n, 7n, 1n << 64n, 0n, 1n, 1n, 1n, '00'.repeat(32)), { instanceOf: g.ArgumentError, message: /reserve\.instrument/ });
  await t.throwsAsync(v.router_main.deposit(1 as unknown as bigint, 1n, 1n), { instanceOf: g.ArgumentError, message: /expected a bigint/ });
  t.deepEqual(calls, []);
});

test('CPI-SDK-001: the client of the real compiled example venue typechecks and runs against the reference VM', async (t) => {
  const src = (f: string) => ({ file: f, text: readFileSync(root + f, 'utf8') });
  const r = compileVenue(src('examples/perp.curve'), { router: src('stdlib/router.curve'), slab: src('stdlib/slab.curve'), oracle: src('stdlib/oracle.curve') });
  t.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  const real = buildManifest(r.venue as VenueConfig, r.modules ?? []);
  const out = mkdtempSync(join(tmpdir(), 'curve-sdk-real-'));
  for (const [name, text] of generateSdk(real)) writeFileSync(join(out, name), text);
  const file = join(out, 'client.ts');
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  t.notThrows(() => execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--lib', 'ES2022', file], { stdio: 'pipe' }));
  const store = new ModuleStore();
  for (const m of r.modules ?? []) store.add(m.bytes);
  const world = new World();
  world.setOracle(nameId('pyth:SOLUSD'), { price: 123_000n, publishTime: 9n });
  const transport = {
    async call(moduleHash: string, entry: string, words: bigint[]) {
      const x = execute(store, world, moduleHash, entry, words, { gasLimit: 10_000_000, now: 10n, origin: 7n, stateRoot: false });
      return { status: x.status, returnWords: [...x.results], logs: x.logs, ...(x.revertCode !== undefined ? { revertCode: x.revertCode } : {}), ...(x.halt ? { halt: x.halt } : {}) };
    },
  };
  type Real = {
    connect(m: unknown, t: unknown): {
      oracle_pyth_SOLUSD: { read: Fn<[], { price: bigint; publish_time: bigint }>; late: Fn<[], boolean> };
      oracle_pyth_BTCUSD: { read: Fn<[], unknown> };
      slab_perp_SOL_PERP: { init: Fn<[bigint, bigint, bigint, bigint], void>; batch_open: Fn<[bigint], { epoch: bigint; promoted: bigint }>; cancel: Fn<[bigint, bigint], boolean> };
    };
    CallFailed: new (...a: never[]) => Error;
  };
  const g = (await import(pathToFileURL(file).href)) as Real;
  const v = g.connect(JSON.parse(encodeManifestJson(real)), transport);
  t.deepEqual((await v.oracle_pyth_SOLUSD.read()).value, { price: 123_000n, publish_time: 9n });
  t.is((await v.oracle_pyth_SOLUSD.late()).value, false);
  t.like(await t.throwsAsync(v.oracle_pyth_BTCUSD.read(), { instanceOf: g.CallFailed }), { errorName: 'E_NO_PRICE', code: 1n });
  t.is((await v.slab_perp_SOL_PERP.init(99n, 8n, 8n, 2_000n)).value, undefined);
  // The top-level caller (origin 7) is not the router the slab was initialised with (PERP-SLAB-001).
  t.like(await t.throwsAsync(v.slab_perp_SOL_PERP.batch_open(0n), { instanceOf: g.CallFailed }), { status: 'revert', errorName: 'NOT_ROUTER', code: 213n });
  t.like(await t.throwsAsync(v.slab_perp_SOL_PERP.cancel(0n, 0n), { instanceOf: g.CallFailed }), { status: 'revert', errorName: 'NOT_ROUTER' });
});
