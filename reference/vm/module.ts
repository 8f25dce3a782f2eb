/**
 * The `.cvm` module format (spec/curvevm.md §3, VM-MOD-*): magic, version, six sections in fixed order.
 * The encoding is canonical — one module has exactly one byte string — and a module's content address is
 * sha256 of those bytes (VM-MOD-HASH).
 */
import { ByteReader, ByteWriter, ReadPastEnd } from '../lib/bytes.ts';
import { ModuleFormatError } from '../lib/errors.ts';
import { sha256, sha256Hex } from '../lib/hash.ts';
import { bytesToHex } from '../lib/hex.ts';

export const MAGIC = Uint8Array.of(0x43, 0x56, 0x4d, 0x00); // "CVM\0"
export const FORMAT_VERSION = 1;
export const PAGE_BYTES = 65536;
/** 10 MiB: the slab segment size of PERP_DESIGN.md, and the memory ceiling of any frame (VM-MEM-002). */
export const SEGMENT_LIMIT_BYTES = 10 * 1024 * 1024;
export const MAX_PAGES = SEGMENT_LIMIT_BYTES / PAGE_BYTES; // 160
export const MAX_FUNC_CODE_BYTES = 1 << 20;
export const MAX_NAME_BYTES = 64;

export const SECTION = { MEMORY: 1, CAPS: 2, IMPORTS: 3, FUNCS: 4, ENTRIES: 5, DATA: 6 } as const;
export const SECTION_ORDER = [SECTION.MEMORY, SECTION.CAPS, SECTION.IMPORTS, SECTION.FUNCS, SECTION.ENTRIES, SECTION.DATA] as const;

/** Argument/result types of entrypoints (the typed CPI interface); all travel as words. */
export const VALUE_TYPES = ['u128', 'i128', 'u64', 'bool'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export interface MemoryLayout {
  readonly initialPages: number;
  readonly maxPages: number;
  /** Size of the module's persistent storage segment (zero-initialised), ≤ 10 MiB. */
  readonly storageBytes: number;
}

export interface ImportDef {
  /** sha256 content address of the imported module. */
  readonly module: Uint8Array;
  readonly entry: string;
  readonly params: number;
  readonly results: number;
}

export interface FunctionDef {
  readonly params: number;
  readonly results: number;
  readonly locals: number;
  /** Maximum operand stack height; must equal the validator's computed maximum (VM-VAL-STACK-004). */
  readonly maxStack: number;
  readonly code: Uint8Array;
}

export interface EntryDef {
  readonly name: string;
  readonly func: number;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
}

export interface DataSegment {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

export interface Module {
  readonly memory: MemoryLayout;
  readonly caps: number;
  readonly imports: readonly ImportDef[];
  readonly functions: readonly FunctionDef[];
  readonly entries: readonly EntryDef[];
  readonly data: readonly DataSegment[];
}

/** A decoded module with where its parts sit in the bytes (for validator messages). */
export interface DecodedModule {
  readonly module: Module;
  readonly bytes: Uint8Array;
  readonly hash: Uint8Array;
  readonly hashHex: string;
  /** Byte offset of each function's first code byte. */
  readonly codeOffsets: readonly number[];
  /** Byte offsets of the parts module-level validation rules point at (VM-VAL-* messages). */
  readonly offsets: ModuleOffsets;
}

export interface ModuleOffsets {
  /** First payload byte of each section, by section id. */
  readonly sections: Readonly<Record<number, number>>;
  readonly imports: readonly number[];
  readonly entries: readonly number[];
  readonly data: readonly number[];
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function encodeModule(m: Module): Uint8Array {
  const w = new ByteWriter();
  w.bytes(MAGIC).u16(FORMAT_VERSION);
  const section = (id: number, body: (s: ByteWriter) => void): void => {
    const s = new ByteWriter();
    body(s);
    w.u8(id).u32(s.length).bytes(s.finish());
  };
  section(SECTION.MEMORY, (s) => s.u16(m.memory.initialPages).u16(m.memory.maxPages).u32(m.memory.storageBytes));
  section(SECTION.CAPS, (s) => s.u32(m.caps));
  section(SECTION.IMPORTS, (s) => {
    s.u16(m.imports.length);
    for (const imp of m.imports) writeName(s.bytes(imp.module), imp.entry).u8(imp.params).u8(imp.results);
  });
  section(SECTION.FUNCS, (s) => {
    s.u16(m.functions.length);
    for (const f of m.functions) s.u8(f.params).u8(f.results).u16(f.locals).u16(f.maxStack).u32(f.code.length).bytes(f.code);
  });
  section(SECTION.ENTRIES, (s) => {
    s.u16(m.entries.length);
    for (const e of m.entries) {
      writeName(s, e.name).u16(e.func).u8(e.params.length);
      for (const t of e.params) s.u8(VALUE_TYPES.indexOf(t));
      s.u8(e.results.length);
      for (const t of e.results) s.u8(VALUE_TYPES.indexOf(t));
    }
  });
  section(SECTION.DATA, (s) => {
    s.u16(m.data.length);
    for (const d of m.data) s.u32(d.offset).u32(d.bytes.length).bytes(d.bytes);
  });
  return w.finish();
}

function writeName(w: ByteWriter, name: string): ByteWriter {
  const b = utf8.encode(name);
  return w.u8(b.length).bytes(b);
}

export function moduleHash(bytes: Uint8Array): Uint8Array {
  return sha256(bytes);
}

/**
 * Decode module bytes. Checks the container (VM-MOD-*): magic, version, every section present once in
 * order with exact lengths, names, value types, no trailing bytes. Semantic rules are the validator's.
 */
export function decodeModule(bytes: Uint8Array, file = ''): DecodedModule {
  const fail = (code: string, msg: string, at: number): never => {
    throw new ModuleFormatError(code, msg, at, file);
  };
  const r = new ByteReader(bytes);
  try {
    for (let i = 0; i < MAGIC.length; i++) {
      if (r.u8() !== MAGIC[i]) fail('VM-MOD-001', 'bad magic: not a CurveVM module (expected "CVM\\0")', i);
    }
    const version = r.u16();
    if (version !== FORMAT_VERSION) fail('VM-MOD-002', `unsupported format version ${version} (this VM reads ${FORMAT_VERSION})`, 4);

    const body = new Map<number, ByteReader>();
    const sectionAt: Record<number, number> = {};
    for (const expected of SECTION_ORDER) {
      const at = r.pos;
      const id = r.u8();
      if (id !== expected) fail('VM-MOD-003', `expected section ${expected}, found ${id} (sections appear once, in order 1–6)`, at);
      const len = r.u32();
      if (len > r.remaining()) fail('VM-MOD-004', `section ${id} length ${len} runs past the end (${r.remaining()} bytes left)`, at + 1);
      body.set(id, new ByteReader(bytes, r.pos, r.pos + len));
      sectionAt[id] = r.pos;
      r.pos += len;
    }
    if (r.remaining() !== 0) fail('VM-MOD-005', `${r.remaining()} trailing byte(s) after the last section`, r.pos);

    const section = (id: number): ByteReader => body.get(id) as ByteReader;
    const done = (s: ByteReader, id: number): void => {
      if (s.remaining() !== 0) fail('VM-MOD-004', `section ${id} has ${s.remaining()} unread byte(s)`, s.pos);
    };

    const ms = section(SECTION.MEMORY);
    const memory: MemoryLayout = { initialPages: ms.u16(), maxPages: ms.u16(), storageBytes: ms.u32() };
    done(ms, SECTION.MEMORY);

    const cs = section(SECTION.CAPS);
    const caps = cs.u32();
    done(cs, SECTION.CAPS);

    const is = section(SECTION.IMPORTS);
    const imports: ImportDef[] = [];
    const importAt: number[] = [];
    for (let n = is.u16(), i = 0; i < n; i++) {
      importAt.push(is.pos);
      const module = is.take(32);
      const entry = readName(is, fail);
      imports.push({ module, entry, params: is.u8(), results: is.u8() });
    }
    done(is, SECTION.IMPORTS);

    const fs = section(SECTION.FUNCS);
    const functions: FunctionDef[] = [];
    const codeOffsets: number[] = [];
    for (let n = fs.u16(), i = 0; i < n; i++) {
      const params = fs.u8();
      const results = fs.u8();
      const locals = fs.u16();
      const maxStack = fs.u16();
      const lenAt = fs.pos;
      const len = fs.u32();
      if (len > MAX_FUNC_CODE_BYTES) fail('VM-MOD-006', `function ${i} code of ${len} bytes exceeds ${MAX_FUNC_CODE_BYTES}`, lenAt);
      codeOffsets.push(fs.pos);
      functions.push({ params, results, locals, maxStack, code: fs.take(len) });
    }
    done(fs, SECTION.FUNCS);

    const es = section(SECTION.ENTRIES);
    const entries: EntryDef[] = [];
    const entryAt: number[] = [];
    for (let n = es.u16(), i = 0; i < n; i++) {
      entryAt.push(es.pos);
      const name = readName(es, fail);
      const func = es.u16();
      const params = readTypes(es, fail);
      const results = readTypes(es, fail);
      entries.push({ name, func, params, results });
    }
    done(es, SECTION.ENTRIES);

    const ds = section(SECTION.DATA);
    const data: DataSegment[] = [];
    const dataAt: number[] = [];
    for (let n = ds.u16(), i = 0; i < n; i++) {
      dataAt.push(ds.pos);
      const offset = ds.u32();
      const len = ds.u32();
      data.push({ offset, bytes: ds.take(len) });
    }
    done(ds, SECTION.DATA);

    const hash = sha256(bytes);
    return {
      module: { memory, caps, imports, functions, entries, data },
      bytes,
      hash,
      hashHex: bytesToHex(hash),
      codeOffsets,
      offsets: { sections: sectionAt, imports: importAt, entries: entryAt, data: dataAt },
    };
  } catch (e) {
    if (e instanceof ReadPastEnd) fail('VM-MOD-004', `unexpected end of module: wanted ${e.wanted} more byte(s)`, e.offset);
    throw e;
  }
}

type Fail = (code: string, msg: string, at: number) => never;

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function readName(r: ByteReader, fail: Fail): string {
  const at = r.pos;
  const len = r.u8();
  if (len === 0 || len > MAX_NAME_BYTES) fail('VM-MOD-007', `name length ${len} outside 1..${MAX_NAME_BYTES}`, at);
  const raw = r.take(len);
  let name = '';
  try {
    name = utf8Strict.decode(raw);
  } catch {
    fail('VM-MOD-007', 'name is not valid UTF-8', at + 1);
  }
  if (!NAME_RE.test(name)) fail('VM-MOD-007', `name ${JSON.stringify(name)} is not an identifier`, at + 1);
  return name;
}

function readTypes(r: ByteReader, fail: Fail): ValueType[] {
  const out: ValueType[] = [];
  for (let n = r.u8(), i = 0; i < n; i++) {
    const at = r.pos;
    const tag = r.u8();
    const t = VALUE_TYPES[tag];
    if (t === undefined) fail('VM-MOD-008', `unknown value type tag ${tag}`, at);
    out.push(t as ValueType);
  }
  return out;
}

/** Hex content address of module bytes. */
export function moduleHashHex(bytes: Uint8Array): string {
  return sha256Hex(bytes);
}
