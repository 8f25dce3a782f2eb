/**
 * The `.cvm` container (spec/curvevm.md §3, VM-MOD-*): each decoder rule triggered with its code and byte
 * offset; canonical encoding and content address; properties: encode/decode and asm/disasm round-trip,
 * and the decoder/validator throw nothing but their typed errors on random or mutated bytes.
 */
import { isDeepStrictEqual } from 'node:util';
import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { ByteWriter } from '../../reference/lib/bytes.ts';
import { ModuleFormatError, StoreError, ValidationError } from '../../reference/lib/errors.ts';
import { sha256Hex } from '../../reference/lib/hash.ts';
import { assemble } from '../../reference/vm/asm.ts';
import { disassemble } from '../../reference/vm/disasm.ts';
import { execute } from '../../reference/vm/interpreter.ts';
import { FORMAT_VERSION, MAGIC, MAX_FUNC_CODE_BYTES, SECTION, decodeModule, encodeModule, moduleHash, moduleHashHex, type Module } from '../../reference/vm/module.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { validateModule } from '../../reference/vm/validate.ts';
import { World } from '../../reference/vm/world.ts';
import { decodableModuleArb, validSourceArb } from './gen.ts';
import { program } from './helpers.ts';

const base = (): Uint8Array => encodeModule(assemble(program('PUSH 1\nRET')));

/** Where each section sits: header offset, body offset, body length. */
function sections(bytes: Uint8Array): Map<number, { at: number; body: number; len: number }> {
  const out = new Map<number, { at: number; body: number; len: number }>();
  let p = 6;
  for (let i = 0; i < 6; i++) {
    const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(p + 1, true);
    out.set(bytes[p] as number, { at: p, body: p + 5, len });
    p += 5 + len;
  }
  return out;
}

/** A container with the given section bodies (ids in order unless overridden). */
function container(bodies: readonly (readonly [number, Uint8Array])[], trailing = new Uint8Array(0)): Uint8Array {
  const w = new ByteWriter().bytes(MAGIC).u16(FORMAT_VERSION);
  for (const [id, body] of bodies) w.u8(id).u32(body.length).bytes(body);
  return w.bytes(trailing).finish();
}
const empty16 = (): Uint8Array => new ByteWriter().u16(0).finish();
const memoryBody = (): Uint8Array => new ByteWriter().u16(0).u16(0).u32(0).finish();
const capsBody = (): Uint8Array => new ByteWriter().u32(0).finish();
const funcsBody = (): Uint8Array => new ByteWriter().u16(1).u8(0).u8(0).u16(0).u16(0).u32(1).u8(0x05).finish();
/** The six standard section bodies with `entries` replacing section 5. */
const withEntries = (entries: Uint8Array): Uint8Array =>
  container([
    [SECTION.MEMORY, memoryBody()],
    [SECTION.CAPS, capsBody()],
    [SECTION.IMPORTS, empty16()],
    [SECTION.FUNCS, funcsBody()],
    [SECTION.ENTRIES, entries],
    [SECTION.DATA, empty16()],
  ]);

function expectMod(t: ExecutionContext, bytes: Uint8Array, code: string, offset: number): void {
  const e = t.throws(() => decodeModule(bytes), { instanceOf: ModuleFormatError });
  t.is(e?.code, code, e?.message);
  t.is(e?.offset, offset, e?.message);
  t.regex(e?.oneLine() ?? '', new RegExp(`^byte ${offset}: error ${code}: `));
}

test('a minimal hand-built container decodes (the fixtures below break one rule each)', (t) => {
  const d = decodeModule(withEntries(empty16()));
  t.is(d.module.functions.length, 1);
  t.notThrows(() => validateModule(d));
});

test('VM-MOD-001 bad magic, at the first wrong byte', (t) => {
  for (const i of [0, 3]) {
    const b = base();
    b[i] = (b[i] as number) ^ 0xff;
    expectMod(t, b, 'VM-MOD-001', i);
  }
});

test('VM-MOD-002 unsupported version, at byte 4', (t) => {
  const b = base();
  b[4] = FORMAT_VERSION + 1;
  expectMod(t, b, 'VM-MOD-002', 4);
});

test('VM-MOD-003 sections out of order, missing or repeated, at the section header', (t) => {
  const b = base();
  b[6] = SECTION.CAPS;
  expectMod(t, b, 'VM-MOD-003', 6);
  const c = base();
  const data = sections(c).get(SECTION.DATA) as { at: number };
  c[data.at] = SECTION.ENTRIES;
  expectMod(t, c, 'VM-MOD-003', data.at);
});

test('VM-MOD-004 section length past the end, at the length field', (t) => {
  const b = base();
  const funcs = sections(b).get(SECTION.FUNCS) as { at: number };
  new DataView(b.buffer).setUint32(funcs.at + 1, 0xffff, true);
  expectMod(t, b, 'VM-MOD-004', funcs.at + 1);
});

test('VM-MOD-004 truncated input, at the read that ran out', (t) => {
  expectMod(t, base().slice(0, 5), 'VM-MOD-004', 4);
  expectMod(t, new Uint8Array(0), 'VM-MOD-004', 0);
  expectMod(t, base().slice(0, 6), 'VM-MOD-004', 6);
});

test('VM-MOD-004 unread bytes inside a section, at the first unread byte', (t) => {
  const mem = new ByteWriter().u16(0).u16(0).u32(0).u8(9).finish();
  const b = container([
    [SECTION.MEMORY, mem],
    [SECTION.CAPS, capsBody()],
    [SECTION.IMPORTS, empty16()],
    [SECTION.FUNCS, funcsBody()],
    [SECTION.ENTRIES, empty16()],
    [SECTION.DATA, empty16()],
  ]);
  expectMod(t, b, 'VM-MOD-004', 6 + 5 + 8);
  // A count that promises more items than the section holds: the read past the section end.
  const imports = new ByteWriter().u16(1).finish();
  const c = container([
    [SECTION.MEMORY, memoryBody()],
    [SECTION.CAPS, capsBody()],
    [SECTION.IMPORTS, imports],
    [SECTION.FUNCS, funcsBody()],
    [SECTION.ENTRIES, empty16()],
    [SECTION.DATA, empty16()],
  ]);
  const at = sections(c).get(SECTION.IMPORTS) as { body: number };
  expectMod(t, c, 'VM-MOD-004', at.body + 2);
});

test('VM-MOD-005 trailing bytes after the last section, at the first trailing byte', (t) => {
  const b = base();
  const c = new Uint8Array(b.length + 3);
  c.set(b);
  expectMod(t, c, 'VM-MOD-005', b.length);
});

test('VM-MOD-006 function code over 1 MiB, at its length field', (t) => {
  const funcs = new ByteWriter().u16(1).u8(0).u8(0).u16(0).u16(0).u32(MAX_FUNC_CODE_BYTES + 1).finish();
  const b = container([
    [SECTION.MEMORY, memoryBody()],
    [SECTION.CAPS, capsBody()],
    [SECTION.IMPORTS, empty16()],
    [SECTION.FUNCS, funcs],
    [SECTION.ENTRIES, empty16()],
    [SECTION.DATA, empty16()],
  ]);
  const at = sections(b).get(SECTION.FUNCS) as { body: number };
  expectMod(t, b, 'VM-MOD-006', at.body + 8);
});

test('VM-MOD-007 names: empty, longer than 64, invalid UTF-8, not an identifier', (t) => {
  const entry = (name: Uint8Array, declared = name.length): Uint8Array => new ByteWriter().u16(1).u8(declared).bytes(name).u16(0).u8(0).u8(0).finish();
  const entriesAt = (b: Uint8Array): number => (sections(b).get(SECTION.ENTRIES) as { body: number }).body;
  const cases: [Uint8Array, number][] = [
    [new Uint8Array(0), 0],
    [new Uint8Array(65).fill(0x61), 0],
    [Uint8Array.of(0xff, 0xfe), 1],
    [new TextEncoder().encode('1abc'), 1],
    [new TextEncoder().encode('a-b'), 1],
  ];
  for (const [name, rel] of cases) {
    const b = withEntries(entry(name));
    expectMod(t, b, 'VM-MOD-007', entriesAt(b) + 2 + rel);
  }
  // Import entry names follow the same rule.
  const imp = new ByteWriter().u16(1).bytes(new Uint8Array(32)).u8(0).u8(0).u8(0).finish();
  const c = container([
    [SECTION.MEMORY, memoryBody()],
    [SECTION.CAPS, capsBody()],
    [SECTION.IMPORTS, imp],
    [SECTION.FUNCS, funcsBody()],
    [SECTION.ENTRIES, empty16()],
    [SECTION.DATA, empty16()],
  ]);
  expectMod(t, c, 'VM-MOD-007', (sections(c).get(SECTION.IMPORTS) as { body: number }).body + 2 + 32);
});

test('VM-MOD-008 unknown value type tag, at the tag', (t) => {
  const entries = new ByteWriter().u16(1).u8(1).u8(0x61).u16(0).u8(2).u8(0).u8(4).u8(0).finish();
  const b = withEntries(entries);
  const at = (sections(b).get(SECTION.ENTRIES) as { body: number }).body;
  expectMod(t, b, 'VM-MOD-008', at + 2 + 2 + 2 + 1 + 1);
});

test('ModuleFormatError names the file when one is given', (t) => {
  const e = t.throws(() => decodeModule(new Uint8Array(0), 'x.cvm'), { instanceOf: ModuleFormatError });
  t.is(e?.where, 'x.cvm:byte 0');
});

test('VM-MOD-HASH the content address is sha256 of the canonical bytes', (t) => {
  const b = base();
  const d = decodeModule(b);
  t.is(d.hashHex, sha256Hex(b));
  t.is(moduleHashHex(b), d.hashHex);
  t.deepEqual(moduleHash(b), d.hash);
  t.deepEqual(encodeModule(d.module), b, 'canonical: re-encoding gives the same bytes');
});

// ---- properties ----

const eqBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

test('property VM-MOD-HASH: encodeModule/decodeModule round-trip random decodable modules', (t) => {
  fc.assert(
    fc.property(decodableModuleArb, (m: Module) => {
      const bytes = encodeModule(m);
      const d = decodeModule(bytes);
      return isDeepStrictEqual(d.module, m) && eqBytes(encodeModule(d.module), bytes);
    }),
    { numRuns: 150 },
  );
  t.pass();
});

test('property VM-ASM-002: assemble(disassemble(m)) reproduces the bytes of random decodable modules', (t) => {
  fc.assert(
    fc.property(decodableModuleArb, (m: Module) => {
      const bytes = encodeModule(m);
      return eqBytes(encodeModule(assemble(disassemble(decodeModule(bytes).module))), bytes);
    }),
    { numRuns: 150 },
  );
  t.pass();
});

test('property VM-ASM-002: random valid modules validate and round-trip through encode/decode and disasm/asm', (t) => {
  fc.assert(
    fc.property(validSourceArb, (src) => {
      const m = assemble(src);
      const bytes = encodeModule(m);
      const d = decodeModule(bytes);
      validateModule(d);
      return isDeepStrictEqual(d.module, m) && eqBytes(encodeModule(assemble(disassemble(d.module))), bytes);
    }),
    { numRuns: 100 },
  );
  t.pass();
});

/** Decode, validate, and run every entry: only typed errors or result values may come out. */
function decodeValidateRun(bytes: Uint8Array): 'format' | 'validation' | 'store' | 'ran' {
  try {
    const store = new ModuleStore();
    const lm = store.add(bytes);
    for (const e of lm.module.entries) {
      const r = execute(store, new World(), lm.hashHex, e.name, e.params.map(() => 0n), { gasLimit: 5000, stateRoot: false });
      if (r.gasUsed > 5000) throw new Error('gas used exceeds the limit');
    }
    return 'ran';
  } catch (e) {
    if (e instanceof ModuleFormatError) {
      if (e.offset < 0 || e.offset > bytes.length) throw new Error(`offset ${e.offset} outside the input`);
      return 'format';
    }
    if (e instanceof ValidationError) return 'validation';
    if (e instanceof StoreError) return 'store';
    throw e;
  }
}

test('property VM-MOD/VM-VAL: random bytes raise only ModuleFormatError or ValidationError', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      decodeValidateRun(bytes);
    }),
    { numRuns: 300 },
  );
  // Random bodies inside a well-formed container reach the validator (not just the magic check).
  const seen = new Set<string>();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (code) => {
      const m = assemble(program('PUSH 1\nRET'));
      const bytes = encodeModule({ ...m, functions: [{ ...(m.functions[0] as Module['functions'][number]), code }] });
      seen.add(decodeValidateRun(bytes));
    }),
    { numRuns: 300 },
  );
  t.true(seen.has('validation'));
});

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), value: fc.constant(0) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
);

test('property VM-MOD/VM-VAL: mutated valid modules raise only typed errors, and what validates runs', (t) => {
  const outcomes = new Set<string>();
  fc.assert(
    fc.property(validSourceArb, fc.array(mutation, { minLength: 1, maxLength: 3 }), (src, muts) => {
      let bytes = encodeModule(assemble(src));
      for (const m of muts) {
        const at = m.at % (bytes.length + 1);
        if (m.kind === 'flip' && at < bytes.length) bytes[at] = m.value;
        else if (m.kind === 'truncate') bytes = bytes.slice(0, at);
        else {
          const c = new Uint8Array(bytes.length + 1);
          c.set(bytes.subarray(0, at));
          c[at] = m.value;
          c.set(bytes.subarray(at), at + 1);
          bytes = c;
        }
      }
      outcomes.add(decodeValidateRun(bytes));
    }),
    { numRuns: 250 },
  );
  t.true(outcomes.has('format'));
});
