/**
 * `curve compile` and `curve sdk` (spec/manifest.md MAN-FILES-001, MAN-DET-001, CPI-SDK-001): files,
 * determinism, diagnostics and exit codes, all-or-nothing output, one-line bad-input errors.
 */
import test from 'ava';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeManifestBorsh, decodeManifestJson } from '../../reference/compiler/manifest.ts';
import { sha256Hex } from '../../reference/lib/hash.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { curve } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'curve-compile-'));
const root = new URL('../..', import.meta.url).pathname;
const perp = join(root, 'examples/perp.curve');

const noTrace = (t: import('ava').ExecutionContext, s: string) => t.false(/\n\s+at /.test(s), s);

test.serial('MAN-FILES-001: compile writes manifest.json, manifest.borsh and one validated .cvm per module', async (t) => {
  const out = join(tmp, 'perp');
  const r = await curve('compile', perp, '--out', out);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /5 module\(s\)/);
  const files = readdirSync(out).sort();
  t.deepEqual(files, ['manifest.borsh', 'manifest.json', 'oracle_pyth_BTCUSD.cvm', 'oracle_pyth_SOLUSD.cvm', 'router_main.cvm', 'slab_perp_BTC-PERP.cvm', 'slab_perp_SOL-PERP.cvm']);
  const m = decodeManifestJson(readFileSync(join(out, 'manifest.json'), 'utf8'));
  t.deepEqual(decodeManifestBorsh(new Uint8Array(readFileSync(join(out, 'manifest.borsh')))), m);
  const store = new ModuleStore();
  for (const mod of m.modules) {
    const bytes = new Uint8Array(readFileSync(join(out, `${mod.name.replace(/[^A-Za-z0-9._-]/g, '_')}.cvm`)));
    t.is(sha256Hex(bytes), mod.bytecodeHash);
    t.is(store.add(bytes).hashHex, mod.bytecodeHash); // decodes and passes the VM validator
  }
  t.deepEqual(m.modules.map((x) => x.template), ['stdlib/router.curve', 'stdlib/slab.curve', 'stdlib/slab.curve', 'stdlib/oracle.curve', 'stdlib/oracle.curve']);
});

test.serial('MAN-DET-001: compiling twice gives byte-identical files; --json summarises; --emit-asm adds listings', async (t) => {
  const a = join(tmp, 'det-a');
  const b = join(tmp, 'det-b');
  t.is((await curve('compile', perp, '--out', a)).code, 0);
  const r = await curve('compile', perp, '--out', b, '--json', '--emit-asm');
  t.is(r.code, 0, r.err);
  for (const f of readdirSync(a)) t.deepEqual(readFileSync(join(a, f)), readFileSync(join(b, f)), f);
  const j = JSON.parse(r.out) as { ok: boolean; manifestHash: string; modules: { name: string; file: string; descriptorHash: string }[]; files: string[]; manifestBytes: { json: number; borsh: number } };
  t.true(j.ok);
  t.is(j.manifestHash, sha256Hex(new Uint8Array(readFileSync(join(a, 'manifest.borsh')))));
  t.is(j.modules[1]?.file, 'slab_perp_SOL-PERP.cvm');
  t.true(j.files.includes('router_main.casm'));
  t.regex(readFileSync(join(b, 'router_main.casm'), 'utf8'), /\.entry /);
  t.is(j.manifestBytes.borsh, readFileSync(join(a, 'manifest.borsh')).length);
});

test.serial('compile: a recompile replaces an earlier output as a whole', async (t) => {
  const out = join(tmp, 'again');
  t.is((await curve('compile', perp, '--out', out)).code, 0);
  writeFileSync(join(out, 'stale.cvm'), 'x');
  t.is((await curve('compile', perp, '--out', out)).code, 0);
  t.false(existsSync(join(out, 'stale.cvm')));
  t.deepEqual(readdirSync(tmp).filter((f) => f.includes('.tmp-')), []);
});

test.serial('compile: a bad venue prints diagnostics like curve check, exits 1 and leaves no output behind', async (t) => {
  const bad = join(tmp, 'bad.curve');
  writeFileSync(bad, readFileSync(perp, 'utf8').replace('CAP_TTL ms=120_000', 'CAP_TTL ms=999_999'));
  const out = join(tmp, 'bad-out');
  const r = await curve('compile', bad, '--out', out);
  t.is(r.code, 1);
  t.regex(r.err, /bad\.curve:6:\d+: error CS3007:/);
  t.regex(r.err, /\n\s*\^+/);
  noTrace(t, r.err);
  t.false(existsSync(out));
  // An earlier good output stays exactly as it was.
  const good = join(tmp, 'perp');
  const before = readFileSync(join(good, 'manifest.json'));
  t.is((await curve('compile', bad, '--out', good)).code, 1);
  t.deepEqual(readFileSync(join(good, 'manifest.json')), before);
  const j = JSON.parse((await curve('compile', bad, '--out', out, '--json')).out) as { ok: boolean; diagnostics: { code: string; line: number }[] };
  t.false(j.ok);
  t.true(j.diagnostics.some((d) => d.code === 'CS3007' && d.line === 6));
  t.deepEqual(readdirSync(tmp).filter((f) => f.includes('.tmp-') || f === 'bad-out'), []);
});

test.serial('CS4005 through --templates: a slab template without cancel is a diagnostic at its first line', async (t) => {
  const dir = join(tmp, 'mylib');
  mkdirSync(dir);
  for (const k of ['router', 'oracle']) cpSync(join(root, 'stdlib', `${k}.curve`), join(dir, `${k}.curve`));
  writeFileSync(join(dir, 'slab.curve'), readFileSync(join(root, 'stdlib/slab.curve'), 'utf8').replace('pub fn cancel(', 'pub fn cancel_hold('));
  const r = await curve('compile', perp, '--templates', dir, '--out', join(tmp, 'nocancel'));
  t.is(r.code, 1, r.err);
  t.regex(r.err, /mylib\/slab\.curve:1:1: error CS4005: .*cancel/);
  t.false(existsSync(join(tmp, 'nocancel')));
  // The folder's name, not its place on this machine, goes into the manifest.
  cpSync(join(root, 'stdlib/slab.curve'), join(dir, 'slab.curve'));
  t.is((await curve('compile', perp, '--templates', dir, '--out', join(tmp, 'mylib-out'))).code, 0);
  t.is(decodeManifestJson(readFileSync(join(tmp, 'mylib-out/manifest.json'), 'utf8')).modules[0]?.template, 'mylib/router.curve');
});

test.serial('compile: bad input is one line and exit 2 (missing file, missing template, --out a file or a foreign folder)', async (t) => {
  const missing = await curve('compile', join(tmp, 'nope.curve'), '--out', join(tmp, 'x'));
  t.is(missing.code, 2);
  t.regex(missing.err, /^curve: .*nope\.curve: error USAGE: no such file\n$/);
  const noLib = await curve('compile', perp, '--templates', join(tmp, 'empty-lib'), '--out', join(tmp, 'x'));
  t.is(noLib.code, 2);
  t.regex(noLib.err, /router\.curve: error USAGE: no such file/);
  const file = join(tmp, 'a-file');
  writeFileSync(file, 'keep');
  t.is((await curve('compile', perp, '--out', file)).code, 2);
  t.is(readFileSync(file, 'utf8'), 'keep');
  const foreign = join(tmp, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'notes.txt'), 'mine');
  const r = await curve('compile', perp, '--out', foreign);
  t.is(r.code, 2);
  t.regex(r.err, /holds no manifest\.json/);
  t.deepEqual(readdirSync(foreign), ['notes.txt']);
  t.false(existsSync(join(tmp, 'x')));
});

test.serial('CPI-SDK-001: curve sdk writes a client from manifest.json or manifest.borsh; a bad manifest is one line, exit 2', async (t) => {
  const out = join(tmp, 'sdk');
  const r = await curve('sdk', join(tmp, 'perp/manifest.json'), '--out', out);
  t.is(r.code, 0, r.err);
  t.deepEqual(readdirSync(out).sort(), ['README.md', 'client.ts']);
  const client = readFileSync(join(out, 'client.ts'), 'utf8');
  const j = JSON.parse((await curve('sdk', join(tmp, 'perp/manifest.borsh'), '--out', out, '--json')).out) as { descriptorHashes: Record<string, string> };
  t.is(readFileSync(join(out, 'client.ts'), 'utf8'), client);
  for (const h of Object.values(j.descriptorHashes)) t.true(client.includes(h));
  const badJson = join(tmp, 'bad-manifest.json');
  const m = JSON.parse(readFileSync(join(tmp, 'perp/manifest.json'), 'utf8')) as { modules: { bytecodeHash: string }[] };
  (m.modules[2] as { bytecodeHash: string }).bytecodeHash = 'nope';
  writeFileSync(badJson, JSON.stringify(m));
  const bad = await curve('sdk', badJson, '--out', join(tmp, 'sdk-bad'));
  t.is(bad.code, 2);
  t.regex(bad.err, /^curve: .*bad-manifest\.json: error MAN-JSON-002: \.modules\[2\]\.bytecodeHash: must match pattern/);
  t.is(bad.err.split('\n').length, 2);
  noTrace(t, bad.err);
  writeFileSync(badJson, '{"format": "curve-manifest", "version": 1, ');
  t.is((await curve('sdk', badJson, '--out', join(tmp, 'sdk-bad'))).code, 2);
  t.is((await curve('sdk', join(tmp, 'perp/manifest.json'))).code, 2); // --out is required
  t.false(existsSync(join(tmp, 'sdk-bad')));
});
