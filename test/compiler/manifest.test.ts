/** The deployment manifest (spec/manifest.md, MAN-*): canonical JSON and Borsh, decoding, hashes, errors. */
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import {
  buildManifest,
  canonicalJson,
  decodeManifestBorsh,
  decodeManifestJson,
  encodeManifestBorsh,
  encodeManifestJson,
  manifestHash,
  ManifestError,
  readManifestBorsh,
  venueId,
  type Manifest,
} from '../../reference/compiler/manifest.ts';
import { checkSource, type VenueConfig } from '../../reference/script/index.ts';
import { fixtureVenue } from './cpi-fixtures.ts';

const perp = new URL('../../examples/perp.curve', import.meta.url).pathname;
const venue = checkSource(readFileSync(perp, 'utf8'), perp).venue as VenueConfig;
const manifest = buildManifest(venue, fixtureVenue());

const throwsCode = (t: import('ava').ExecutionContext, f: () => unknown, code: string, where?: RegExp) => {
  const e = t.throws(f, { instanceOf: ManifestError });
  t.is(e?.code, code, e?.message);
  if (where) t.regex(e?.where ?? '', where);
};

test('MAN-BUILD-001: one record per module, in order, with the proof-hash slot empty', (t) => {
  t.is(manifest.format, 'curve-manifest');
  t.is(manifest.version, 1);
  t.is(manifest.venue.name, 'main');
  t.deepEqual(manifest.modules.map((m) => m.name), ['router:main', 'slab:perp:SOL-PERP', 'oracle:pyth:SOLUSD']);
  const slab = manifest.modules[1];
  t.is(slab?.proofHash, null);
  t.is(slab?.bytecodeBytes, fixtureVenue()[1]?.bytes.length);
  t.deepEqual(slab?.constants.map((c) => c.name), ['feed', 'taker_bps']);
  t.deepEqual(slab?.storage[1], { name: 'orders', type: '[Pair; 4]', offset: 16, bytes: 128, capacity: 4, stride: 32 });
  t.deepEqual(slab?.storage[0], { name: 'total', type: 'u128', offset: 0, bytes: 16, capacity: null, stride: null });
  t.is(slab?.entrypoints.find((e) => e.name === 'reserve')?.gasBound, 5000n);
});

test('MAN-VENUE-001: the venue id covers every block id and changes with any of them', (t) => {
  t.regex(venueId(venue), /^[0-9a-f]{64}$/);
  const other = { ...venue, caps: venue.caps.slice(1) };
  t.not(venueId(other), venueId(venue));
});

test('MAN-JSON-001: canonical JSON has sorted keys, two-space indent, decimal u128 strings and a final newline', (t) => {
  const json = encodeManifestJson(manifest);
  t.true(json.endsWith('}\n'));
  t.regex(json, /\n {2}"format": "curve-manifest",\n/);
  t.regex(json, /"value": "170141183460469231731687303715884105731"/);
  t.is(canonicalJson({ b: 1, a: { d: [2n], c: null } }), '{\n  "a": {\n    "c": null,\n    "d": [\n      "2"\n    ]\n  },\n  "b": 1\n}\n');
  const keys = [...json.matchAll(/^ {2}"(\w+)":/gm)].map((m) => m[1]);
  t.deepEqual(keys, [...keys].sort());
});

test('MAN-JSON-002, MAN-BORSH-002: both encodings decode to the same manifest, which re-encodes byte for byte', (t) => {
  const json = encodeManifestJson(manifest);
  const borsh = encodeManifestBorsh(manifest);
  const a = decodeManifestJson(json);
  const b = readManifestBorsh(borsh);
  t.deepEqual(a, manifest);
  t.deepEqual(b, manifest);
  t.is(encodeManifestJson(b), json);
  t.deepEqual(encodeManifestBorsh(a), borsh);
  // JSON formatting does not matter to a reader.
  t.deepEqual(decodeManifestJson(JSON.stringify(JSON.parse(json))), manifest);
});

test('MAN-HASH-001: the manifest hash is sha256 of the Borsh bytes; a filled proof hash changes it', (t) => {
  const h = manifestHash(manifest);
  t.regex(h, /^[0-9a-f]{64}$/);
  const proved: Manifest = { ...manifest, modules: manifest.modules.map((m, i) => (i === 1 ? { ...m, proofHash: 'ab'.repeat(32) } : m)) };
  t.not(manifestHash(proved), h);
  t.deepEqual(decodeManifestBorsh(encodeManifestBorsh(proved)), proved);
  t.deepEqual(decodeManifestJson(encodeManifestJson(proved)), proved);
});

test('MAN-DET-001: the same input gives byte-identical JSON and Borsh in a fresh process', (t) => {
  const script = `
    import { readFileSync } from 'node:fs';
    import { buildManifest, encodeManifestJson, encodeManifestBorsh } from './reference/compiler/manifest.ts';
    import { checkSource } from './reference/script/index.ts';
    import { fixtureVenue } from './test/compiler/cpi-fixtures.ts';
    const v = checkSource(readFileSync('examples/perp.curve', 'utf8'), ${JSON.stringify(perp)}).venue;
    const m = buildManifest(v, fixtureVenue());
    process.stdout.write(JSON.stringify({ json: encodeManifestJson(m), borsh: Buffer.from(encodeManifestBorsh(m)).toString('hex') }));`;
  const root = new URL('../..', import.meta.url).pathname;
  const out = execFileSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { cwd: root, env: { ...process.env, TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8' } });
  const fresh = JSON.parse(out.toString()) as { json: string; borsh: string };
  t.is(fresh.json, encodeManifestJson(manifest));
  t.is(fresh.borsh, Buffer.from(encodeManifestBorsh(manifest)).toString('hex'));
});

test('MAN-JSON-002: a bad manifest names the JSON path of the first bad value', (t) => {
  const j = JSON.parse(encodeManifestJson(manifest)) as { modules: Record<string, unknown>[]; version: number; format: string };
  const edit = (f: (x: typeof j) => void): string => {
    const c = structuredClone(j);
    f(c);
    return JSON.stringify(c);
  };
  throwsCode(t, () => decodeManifestJson('{"format": '), 'MAN-JSON-002', /manifest\.json/);
  throwsCode(t, () => decodeManifestJson('[1]'), 'MAN-JSON-002');
  throwsCode(t, () => decodeManifestJson(edit((x) => (x.version = 2))), 'MAN-VER-001', /\.version/);
  throwsCode(t, () => decodeManifestJson(edit((x) => (x.format = "other"))), 'MAN-VER-001', /\.format/);
  const e1 = t.throws(() => decodeManifestJson(edit((x) => ((x.modules[1] as { bytecodeHash: string }).bytecodeHash = 'XYZ'))), { instanceOf: ManifestError });
  t.regex(e1?.message ?? '', /^\.modules\[1\]\.bytecodeHash: must match pattern/);
  const e2 = t.throws(() => decodeManifestJson(edit((x) => ((x.modules[0] as { extra: number }).extra = 1))), { instanceOf: ManifestError });
  t.regex(e2?.message ?? '', /additional properties \(extra\)/);
  throwsCode(t, () => decodeManifestJson(edit((x) => ((x.modules[0] as { constants: { name: string; value: string }[] }).constants = [{ name: 'x', value: (1n << 128n).toString() }]))), 'MAN-JSON-002', /constants\[0\]\.value/);
});

test('MAN-MOD-001: a descriptor hash that does not match the entrypoints is rejected in both encodings', (t) => {
  const j = JSON.parse(encodeManifestJson(manifest)) as { modules: { entrypoints: { capHandles: string[] }[] }[] };
  (j.modules[1]?.entrypoints[0] as { capHandles: string[] }).capHandles = ['sneaky_cap'];
  throwsCode(t, () => decodeManifestJson(JSON.stringify(j)), 'MAN-MOD-001', /modules\[1\]\.descriptorHash/);
  const forged: Manifest = { ...manifest, modules: manifest.modules.map((m, i) => (i === 0 ? { ...m, descriptorHash: '00'.repeat(32) } : m)) };
  throwsCode(t, () => readManifestBorsh(encodeManifestBorsh(forged)), 'MAN-MOD-001');
});

test('MAN-BORSH-002: truncated, trailing and mistagged bytes are rejected, never misread', (t) => {
  const b = encodeManifestBorsh(manifest);
  throwsCode(t, () => decodeManifestBorsh(b.slice(0, b.length - 1)), 'MAN-BORSH-002');
  throwsCode(t, () => decodeManifestBorsh(Uint8Array.of(...b, 0)), 'MAN-BORSH-002');
  const wrongVersion = b.slice();
  wrongVersion[4 + 'curve-manifest'.length] = 9;
  throwsCode(t, () => decodeManifestBorsh(wrongVersion), 'MAN-VER-001');
  // The first module's kind byte sits right after its name.
  const kindAt = 4 + 14 + 2 + 4 + 4 + 32 + 4 + 4 + 'router:main'.length;
  const badKind = b.slice();
  t.is(badKind[kindAt], 0);
  badKind[kindAt] = 7;
  throwsCode(t, () => decodeManifestBorsh(badKind), 'MAN-BORSH-002');
});

test('MAN-BORSH-002 property: random byte edits either decode to a manifest that re-encodes to them, or throw ManifestError', (t) => {
  const b = encodeManifestBorsh(manifest);
  fc.assert(
    fc.property(fc.nat(b.length - 1), fc.integer({ min: 0, max: 255 }), (at, v) => {
      const c = b.slice();
      c[at] = v;
      try {
        const m = decodeManifestBorsh(c);
        return Buffer.compare(Buffer.from(encodeManifestBorsh(m)), Buffer.from(c)) === 0;
      } catch (e) {
        return e instanceof ManifestError;
      }
    }),
    { numRuns: 300 },
  );
  t.pass();
});
