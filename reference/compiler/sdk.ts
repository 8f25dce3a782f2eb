/**
 * Typed TypeScript clients generated from a manifest (`curve sdk`, spec/manifest.md CPI-SDK-001): one
 * class per module, one async method per entrypoint with typed parameters (bigint for integers and
 * addresses, boolean, `Bytes32` = bytes or hex, arrays as arrays, records as their raw words), encoding
 * to the entry's word layout (CPI-LAYOUT-*), calling through an injected `Transport`, decoding results
 * and naming revert codes. The client embeds the descriptor hash of every module and `connect` refuses a
 * manifest whose descriptor hashes differ. Output is deterministic text: same manifest, same files.
 */
import type { CpiField } from './cpi.ts';
import type { Manifest, ManifestEntry, ManifestModule } from './manifest-types.ts';
import { SDK_RUNTIME } from './sdk-runtime.ts';

/** JS reserved words and names a generated class already uses: a parameter or method so named gets `_`. */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in ' +
    'instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package ' +
    'private protected public await arguments eval constructor moduleName moduleHash transport'
  ).split(' '),
);

const safe = (name: string): string => (RESERVED.has(name) ? `${name}_` : name);

function pascal(name: string): string {
  const parts = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const s = parts.map((p) => (p[0] as string).toUpperCase() + p.slice(1).toLowerCase()).join('');
  return /^[0-9]/.test(s) ? `M${s}` : s || 'Module';
}

/** A JS identifier for a module: `slab:perp:SOL-PERP` → `slab_perp_SOL_PERP`. */
function ident(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

interface Shape {
  readonly code: string;
  readonly tsIn: string;
  readonly tsOut: string;
}

const SCALAR: Record<string, Shape> = {
  u64: { code: "{ t: 'u64' }", tsIn: 'bigint', tsOut: 'bigint' },
  u128: { code: "{ t: 'u128' }", tsIn: 'bigint', tsOut: 'bigint' },
  address: { code: "{ t: 'u128' }", tsIn: 'bigint', tsOut: 'bigint' },
  i128: { code: "{ t: 'i128' }", tsIn: 'bigint', tsOut: 'bigint' },
  bool: { code: "{ t: 'bool' }", tsIn: 'boolean', tsOut: 'boolean' },
  bytes32: { code: "{ t: 'bytes32' }", tsIn: 'Bytes32', tsOut: 'Uint8Array' },
};

/** Records whose fields the SDK knows: the built-in ones (CS-TYPE-001). Others travel as their words. */
const RECORDS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  OracleReading: [
    ['price', 'u128'],
    ['publish_time', 'u64'],
  ],
};

function record(fields: readonly (readonly [string, string])[]): Shape {
  const shapes = fields.map(([n, t]) => [n, shapeOf(t, [])] as const);
  return {
    code: `{ t: 'record', fields: [${shapes.map(([n, s]) => `[${JSON.stringify(n)}, ${s.code}]`).join(', ')}] }`,
    tsIn: `{ ${shapes.map(([n, s]) => `readonly ${n}: ${s.tsIn}`).join('; ')} }`,
    tsOut: `{ ${shapes.map(([n, s]) => `readonly ${n}: ${s.tsOut}`).join('; ')} }`,
  };
}

/** The runtime shape and TS types of a CurveScript type; a record the manifest does not spell out is its words. */
function shapeOf(type: string, words: readonly string[]): Shape {
  const scalar = SCALAR[type];
  if (scalar) return scalar;
  const rec = RECORDS[type];
  if (rec) return record(rec);
  const arr = /^\[(.+);\s*(\d+)\]$/.exec(type);
  if (arr) {
    const n = Number(arr[2]);
    const per = n > 0 && words.length % n === 0 ? words.slice(0, words.length / n) : words;
    const of = shapeOf((arr[1] as string).trim(), per);
    return { code: `{ t: 'array', of: ${of.code}, n: ${n} }`, tsIn: `readonly (${of.tsIn})[]`, tsOut: `(${of.tsOut})[]` };
  }
  const list = words.map((w) => `'${w}'`).join(', ');
  const ts = `[${words.map((w) => (w === 'bool' ? 'boolean' : 'bigint')).join(', ')}]`;
  return { code: `{ t: 'words', words: [${list}] }`, tsIn: `readonly ${ts}`, tsOut: ts };
}

const fieldShape = (f: CpiField): Shape => shapeOf(f.type, f.words);

function resultType(results: readonly CpiField[]): string {
  if (results.length === 0) return 'void';
  if (results.length === 1) return fieldShape(results[0] as CpiField).tsOut;
  return `{ ${results.map((r) => `readonly ${r.name}: ${fieldShape(r).tsOut}`).join('; ')} }`;
}

function method(m: ManifestModule, e: ManifestEntry): string {
  const params = e.params.map((p) => `${safe(p.name)}: ${fieldShape(p).tsIn}`).join(', ');
  const enc = e.params.map((p) => `    encode(${fieldShape(p).code}, ${safe(p.name)}, ${JSON.stringify(`${e.name}.${p.name}`)}, $w);`);
  const res = e.results.map((r) => `[${JSON.stringify(r.name)}, ${fieldShape(r).code}]`).join(', ');
  const doc = [
    `${m.name} ${e.name}: callers ${e.callers}; grants ${e.grants.join(', ') || 'none'}; gas bound ${e.gasBound}`,
    `accounts: ${e.accounts.map((a) => `${a.name} (${a.access} ${a.key.join(', ')})`).join('; ')}`,
    ...(e.capHandles.length ? [`cap handles: ${e.capHandles.join(', ')}`] : []),
  ];
  return [
    `  /**\n${doc.map((d) => `   * ${d.replaceAll('*/', '*\\/')}`).join('\n')}\n   */`,
    `  async ${safe(e.name)}(${params}): Promise<Call<${resultType(e.results)}>> {`,
    `    const $w: bigint[] = [];`,
    ...enc,
    `    return invoke(this.transport, this.moduleName, this.moduleHash, ${JSON.stringify(e.name)}, $w, [${res}], ERRORS_${ident(m.name)});`,
    `  }`,
  ].join('\n');
}

function moduleClass(m: ManifestModule, cls: string): string {
  const errors = m.errors.map((x) => `${JSON.stringify(x.code.toString())}: ${JSON.stringify(x.name)}`).join(', ');
  return [
    `const ERRORS_${ident(m.name)}: Readonly<Record<string, string>> = { ${errors} };`,
    '',
    `/** ${m.name} (${m.kind}, block ${m.block}); descriptor ${m.descriptorHash}. */`,
    `export class ${cls} {`,
    `  readonly moduleName = ${JSON.stringify(m.name)};`,
    `  constructor(`,
    `    private readonly transport: Transport,`,
    `    readonly moduleHash: string,`,
    `  ) {}`,
    '',
    m.entrypoints.map((e) => method(m, e)).join('\n\n'),
    `}`,
  ].join('\n');
}

/** Class names per module, made unique in module order. */
function classNames(mods: readonly ManifestModule[]): string[] {
  const used = new Set<string>();
  return mods.map((m) => {
    let n = `${pascal(m.name)}Client`;
    for (let i = 2; used.has(n); i++) n = `${pascal(m.name)}Client${i}`;
    used.add(n);
    return n;
  });
}

/** Generate the SDK of a manifest: `client.ts` (self-contained) and a `README.md`. */
export function generateSdk(manifest: Manifest): Map<string, string> {
  const names = classNames(manifest.modules);
  const hashes = manifest.modules.map((m) => `  ${JSON.stringify(m.name)}: ${JSON.stringify(m.descriptorHash)},`);
  const fields = manifest.modules.map((m, i) => `  readonly ${ident(m.name)}: ${names[i]};`);
  const inits = manifest.modules.map((m, i) => `    ${ident(m.name)}: new ${names[i]}(transport, hashes[${JSON.stringify(m.name)}] as string),`);
  const client = [
    `// Generated by \`curve sdk\` from a curve manifest (spec/manifest.md, CPI-SDK-001). Do not edit.`,
    `// Venue ${manifest.venue.name} (${manifest.venue.id}).`,
    '',
    SDK_RUNTIME,
    `/** The descriptor hash of every module this client was generated for (CPI-HASH-001). */`,
    `export const DESCRIPTOR_HASHES: Readonly<Record<string, string>> = {`,
    ...hashes,
    `};`,
    '',
    ...manifest.modules.flatMap((m, i) => [moduleClass(m, names[i] as string), '']),
    `export interface VenueClient {`,
    ...fields,
    `}`,
    '',
    `/**`,
    ` * Check a manifest (parsed manifest.json) against the descriptor hashes above and bind every module to`,
    ` * the bytecode hash the manifest names. Throws ManifestMismatch when the interface differs.`,
    ` */`,
    `export function connect(manifest: unknown, transport: Transport): VenueClient {`,
    `  const hashes = moduleHashes(manifest, DESCRIPTOR_HASHES);`,
    `  return {`,
    ...inits,
    `  };`,
    `}`,
    '',
  ].join('\n');
  const readme = [
    `# Client for venue ${manifest.venue.name}`,
    '',
    'Generated by `curve sdk`. `import { connect } from \'./client.ts\'`, then',
    '`connect(JSON.parse(manifestJson), transport)` checks the manifest\'s descriptor hashes and returns one',
    'client per module. Each method encodes its arguments, calls `transport.call(moduleHash, entry, words)`',
    'and decodes the results; a revert or halt throws `CallFailed`.',
    '',
    '| module | class | descriptor hash |',
    '| --- | --- | --- |',
    ...manifest.modules.map((m, i) => `| ${m.name} | \`${names[i]}\` | \`${m.descriptorHash}\` |`),
    '',
  ].join('\n');
  return new Map([
    ['client.ts', client],
    ['README.md', readme],
  ]);
}
