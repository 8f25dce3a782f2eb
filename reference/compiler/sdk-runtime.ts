/**
 * The fixed part of every generated SDK (sdk.ts): the transport interface, call errors, the manifest
 * check (CPI-SDK-001) and the word codecs of CPI-LAYOUT-002. Emitted verbatim at the top of `client.ts`,
 * so a generated client has no dependency; kept free of backticks and `${` so it can live in a string.
 */
export const SDK_RUNTIME = `/** One VM call as a transport performs it: status, result words, logs. */
export interface CallResult {
  readonly status: 'ok' | 'revert' | 'halt';
  /** The revert code (status revert). */
  readonly revertCode?: bigint;
  /** The halt kind (status halt), e.g. 'capability', 'overflow'. */
  readonly halt?: string;
  readonly returnWords: readonly bigint[];
  readonly logs: readonly Log[];
}

export interface Log {
  readonly topics: readonly bigint[];
  readonly data: Uint8Array;
}

/** How calls reach a CurveVM: in process, over RPC, through a sequencer. */
export interface Transport {
  call(moduleHash: string, entry: string, words: bigint[]): Promise<CallResult>;
}

/** A successful call: its decoded results and the logs it emitted. */
export interface Call<R> {
  readonly value: R;
  readonly logs: readonly Log[];
}

/** A call that reverted or halted. errorName is the template's error name for the revert code, if known. */
export class CallFailed extends Error {
  constructor(
    readonly module: string,
    readonly entry: string,
    readonly status: 'revert' | 'halt',
    readonly code: bigint | undefined,
    readonly errorName: string | undefined,
    readonly halt: string | undefined,
  ) {
    super(module + '.' + entry + ': ' + (status === 'revert' ? 'reverted with code ' + String(code) + (errorName ? ' (' + errorName + ')' : '') : 'halted (' + String(halt) + ')'));
    this.name = 'CallFailed';
  }
}

/** The manifest is not one this client was generated for (CPI-SDK-001). */
export class ManifestMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestMismatch';
  }
}

/** A value that cannot be encoded as its parameter's words. */
export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

/** bytes32 as bytes or hex (64 digits, optional 0x). */
export type Bytes32 = Uint8Array | string;

/** Layout of one value (CPI-LAYOUT-002). */
export type Shape =
  | { readonly t: 'u64' | 'u128' | 'i128' | 'bool' | 'bytes32' }
  | { readonly t: 'array'; readonly of: Shape; readonly n: number }
  | { readonly t: 'record'; readonly fields: readonly (readonly [string, Shape])[] }
  | { readonly t: 'words'; readonly words: readonly ('u64' | 'u128' | 'i128' | 'bool')[] };

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;
const I128_MIN = -(1n << 127n);
const I128_MAX = (1n << 127n) - 1n;

function fail(what: string, why: string): never {
  throw new ArgumentError(what + ': ' + why);
}

function int(v: unknown, what: string, lo: bigint, hi: bigint): bigint {
  if (typeof v !== 'bigint') fail(what, 'expected a bigint, got ' + typeof v);
  if (v < lo || v > hi) fail(what, String(v) + ' is outside ' + String(lo) + '..' + String(hi));
  return v;
}

function bytes32(v: unknown, what: string): Uint8Array {
  if (v instanceof Uint8Array) return v.length === 32 ? v : fail(what, 'expected 32 bytes, got ' + v.length);
  if (typeof v !== 'string') return fail(what, 'expected 32 bytes or 64 hex digits');
  const h = v.startsWith('0x') ? v.slice(2) : v;
  if (!/^[0-9a-fA-F]{64}$/.test(h)) fail(what, 'expected 64 hex digits');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function le(b: Uint8Array, from: number): bigint {
  let x = 0n;
  for (let i = from + 15; i >= from; i--) x = (x << 8n) | BigInt(b[i] ?? 0);
  return x;
}

/** Append the words of value v of shape s (CPI-LAYOUT-002). */
export function encode(s: Shape, v: unknown, what: string, out: bigint[]): void {
  switch (s.t) {
    case 'u64':
      out.push(int(v, what, 0n, U64_MAX));
      return;
    case 'u128':
      out.push(int(v, what, 0n, U128_MAX));
      return;
    case 'i128': {
      const x = int(v, what, I128_MIN, I128_MAX);
      out.push(x < 0n ? x + (1n << 128n) : x);
      return;
    }
    case 'bool':
      if (typeof v !== 'boolean') fail(what, 'expected a boolean');
      out.push(v ? 1n : 0n);
      return;
    case 'bytes32': {
      const b = bytes32(v, what);
      out.push(le(b, 0), le(b, 16));
      return;
    }
    case 'array': {
      if (!Array.isArray(v) || v.length !== s.n) fail(what, 'expected an array of ' + s.n);
      (v as unknown[]).forEach((x, i) => encode(s.of, x, what + '[' + i + ']', out));
      return;
    }
    case 'record': {
      if (v === null || typeof v !== 'object') fail(what, 'expected a record');
      for (const [name, f] of s.fields) encode(f, (v as Record<string, unknown>)[name], what + '.' + name, out);
      return;
    }
    case 'words': {
      if (!Array.isArray(v) || v.length !== s.words.length) fail(what, 'expected ' + s.words.length + ' words');
      s.words.forEach((w, i) => encode({ t: w }, (v as unknown[])[i], what + '[' + i + ']', out));
      return;
    }
  }
}

/** Read a value of shape s from words at position at.i (advancing it). */
export function decode(s: Shape, words: readonly bigint[], at: { i: number }): unknown {
  const next = (): bigint => {
    const w = words[at.i++];
    if (w === undefined) throw new ManifestMismatch('the call returned fewer result words than the layout has');
    return w;
  };
  switch (s.t) {
    case 'u64':
    case 'u128':
      return next();
    case 'i128': {
      const w = next();
      return w > I128_MAX ? w - (1n << 128n) : w;
    }
    case 'bool':
      return next() !== 0n;
    case 'bytes32': {
      const out = new Uint8Array(32);
      for (const half of [0, 16]) {
        let w = next();
        for (let i = 0; i < 16; i++) {
          out[half + i] = Number(w & 0xffn);
          w >>= 8n;
        }
      }
      return out;
    }
    case 'array':
      return Array.from({ length: s.n }, () => decode(s.of, words, at));
    case 'record':
      return Object.fromEntries(s.fields.map(([name, f]) => [name, decode(f, words, at)]));
    case 'words':
      return s.words.map((w) => decode({ t: w }, words, at));
  }
}

/** The manifest check of CPI-SDK-001: format, version, and every module's descriptor hash. */
export function moduleHashes(manifest: unknown, expected: Readonly<Record<string, string>>): Record<string, string> {
  const m = manifest as { format?: unknown; version?: unknown; modules?: unknown } | null;
  if (m === null || typeof m !== 'object' || m.format !== 'curve-manifest') throw new ManifestMismatch('not a curve manifest (format must be "curve-manifest")');
  if (m.version !== 1) throw new ManifestMismatch('manifest version ' + String(m.version) + ' is not the version 1 this client was generated for');
  const mods = Array.isArray(m.modules) ? (m.modules as { name?: unknown; descriptorHash?: unknown; bytecodeHash?: unknown }[]) : [];
  const out: Record<string, string> = {};
  for (const [name, hash] of Object.entries(expected)) {
    const mod = mods.find((x) => x.name === name);
    if (!mod) throw new ManifestMismatch('the manifest has no module ' + name + ' (this client was generated for it)');
    if (mod.descriptorHash !== hash) {
      throw new ManifestMismatch('module ' + name + ': descriptor hash ' + String(mod.descriptorHash) + ' differs from ' + hash + ', the one this client was generated for; regenerate it with curve sdk');
    }
    if (typeof mod.bytecodeHash !== 'string' || !/^[0-9a-f]{64}$/.test(mod.bytecodeHash)) throw new ManifestMismatch('module ' + name + ': bytecodeHash is not 64 hex digits');
    out[name] = mod.bytecodeHash;
  }
  return out;
}

/** Run one call and decode its results, or throw CallFailed. */
export async function invoke<R>(
  transport: Transport,
  moduleName: string,
  moduleHash: string,
  entry: string,
  words: bigint[],
  results: readonly (readonly [string, Shape])[],
  errors: Readonly<Record<string, string>>,
): Promise<Call<R>> {
  const r = await transport.call(moduleHash, entry, words);
  if (r.status !== 'ok') throw new CallFailed(moduleName, entry, r.status, r.revertCode, r.revertCode === undefined ? undefined : errors[String(r.revertCode)], r.halt);
  const at = { i: 0 };
  const values = results.map(([, s]) => decode(s, r.returnWords, at));
  if (at.i !== r.returnWords.length) throw new ManifestMismatch(moduleName + '.' + entry + ' returned ' + r.returnWords.length + ' words; its layout has ' + at.i);
  const value = results.length === 0 ? undefined : results.length === 1 ? values[0] : Object.fromEntries(results.map(([n], i) => [n, values[i]]));
  return { value: value as R, logs: r.logs };
}
`;
