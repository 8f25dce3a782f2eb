/**
 * Static validation (spec/curvevm.md §4, VM-VAL-*): each rule is triggered by a module that breaks only
 * it, and the ValidationError carries the rule id and the byte offset of the offending instruction
 * (module-level rules report the offset of the field or item they reject).
 */
import test, { type ExecutionContext } from 'ava';
import { ValidationError } from '../../reference/lib/errors.ts';
import { assemble } from '../../reference/vm/asm.ts';
import { CAP, CAP_ALL } from '../../reference/vm/capabilities.ts';
import { SECTION, decodeModule, encodeModule, type DecodedModule, type FunctionDef, type Module } from '../../reference/vm/module.ts';
import { OP, type OpName } from '../../reference/vm/opcodes.ts';
import { SYSCALLS } from '../../reference/vm/syscalls.ts';
import { MAX_LOCALS, MAX_STACK, analyzeFunction, validateModule } from '../../reference/vm/validate.ts';
import { program } from './helpers.ts';

/** An opcode byte by name. */
const O = (name: string): number => OP[name as OpName];

const HASH = '0x' + '11'.repeat(32);

/** Validate a module value; returns the error (or fails the test when it validates). */
function expectVal(t: ExecutionContext, m: Module, code: string, where: { fn: number; pc: number } | ((d: DecodedModule) => number)): void {
  const d = decodeModule(encodeModule(m));
  const e = t.throws(() => validateModule(d), { instanceOf: ValidationError });
  t.is(e?.code, code, e?.message);
  const offset = typeof where === 'function' ? where(d) : (d.codeOffsets[where.fn] as number) + where.pc;
  t.is(e?.offset, offset, e?.message);
  t.is(e?.where, `byte ${offset}`);
}

/** A module from `.casm` body text with an explicit maxstack (so the assembler does not analyse it). */
const mod = (body: string, o: { maxstack?: number; caps?: string; head?: string; params?: number; results?: number; locals?: number } = {}): Module => {
  const src = program(body, o).replace(/^\.func main (.*)$/m, `.func main $1 maxstack=${o.maxstack ?? 4}`);
  return assemble(src);
};
const withCode = (m: Module, code: number[], patch: Partial<FunctionDef> = {}): Module => ({
  ...m,
  functions: [{ ...(m.functions[0] as FunctionDef), code: Uint8Array.from(code), ...patch }, ...m.functions.slice(1)],
});
const ok = mod('PUSH 1\nRET', { maxstack: 1 });

test('a well-formed module validates (the fixtures below break one rule each)', (t) => {
  t.notThrows(() => validateModule(decodeModule(encodeModule(ok))));
});

// ---- module-level rules ----

test('VM-VAL-CAP-001 rejects undefined capability bits', (t) => {
  expectVal(t, { ...ok, caps: CAP_ALL + 1 }, 'VM-VAL-CAP-001', (d) => (d.offsets.sections[SECTION.CAPS] as number));
  expectVal(t, { ...ok, caps: 0x8000_0000 }, 'VM-VAL-CAP-001', (d) => (d.offsets.sections[SECTION.CAPS] as number));
});

test('VM-VAL-MEM-001 rejects maxPages over 160 and initialPages over maxPages', (t) => {
  expectVal(t, { ...ok, memory: { initialPages: 0, maxPages: 161, storageBytes: 0 } }, 'VM-VAL-MEM-001', (d) => (d.offsets.sections[SECTION.MEMORY] as number) + 2);
  expectVal(t, { ...ok, memory: { initialPages: 3, maxPages: 2, storageBytes: 0 } }, 'VM-VAL-MEM-001', (d) => (d.offsets.sections[SECTION.MEMORY] as number));
  t.notThrows(() => validateModule(decodeModule(encodeModule({ ...ok, memory: { initialPages: 160, maxPages: 160, storageBytes: 0 } }))));
});

test('VM-VAL-MEM-002 rejects a storage segment over 10 MiB', (t) => {
  expectVal(t, { ...ok, memory: { initialPages: 0, maxPages: 0, storageBytes: 10 * 1024 * 1024 + 16 } }, 'VM-VAL-MEM-002', (d) => (d.offsets.sections[SECTION.MEMORY] as number) + 4);
  t.notThrows(() => validateModule(decodeModule(encodeModule({ ...ok, memory: { initialPages: 0, maxPages: 0, storageBytes: 10 * 1024 * 1024 } }))));
});

test('VM-VAL-MEM-003 rejects a storage segment that is not whole 16-byte words', (t) => {
  expectVal(t, { ...ok, memory: { initialPages: 0, maxPages: 0, storageBytes: 17 } }, 'VM-VAL-MEM-003', (d) => (d.offsets.sections[SECTION.MEMORY] as number) + 4);
});

test('VM-VAL-DATA-001 rejects overlapping or unordered data segments', (t) => {
  const mem = { initialPages: 1, maxPages: 1, storageBytes: 0 };
  expectVal(t, { ...ok, memory: mem, data: [{ offset: 0, bytes: new Uint8Array(4) }, { offset: 3, bytes: new Uint8Array(1) }] }, 'VM-VAL-DATA-001', (d) => d.offsets.data[1] as number);
  expectVal(t, { ...ok, memory: mem, data: [{ offset: 8, bytes: new Uint8Array(1) }, { offset: 0, bytes: new Uint8Array(1) }] }, 'VM-VAL-DATA-001', (d) => d.offsets.data[1] as number);
});

test('VM-VAL-DATA-002 rejects a data segment outside the initial memory', (t) => {
  expectVal(t, { ...ok, memory: { initialPages: 1, maxPages: 2, storageBytes: 0 }, data: [{ offset: 65535, bytes: new Uint8Array(2) }] }, 'VM-VAL-DATA-002', (d) => d.offsets.data[0] as number);
  expectVal(t, { ...ok, memory: { initialPages: 0, maxPages: 1, storageBytes: 0 }, data: [{ offset: 0, bytes: new Uint8Array(1) }] }, 'VM-VAL-DATA-002', (d) => d.offsets.data[0] as number);
});

test('VM-VAL-IMPORT-001 rejects a duplicate import', (t) => {
  const imp = { module: new Uint8Array(32).fill(1), entry: 'inc', params: 0, results: 0 };
  expectVal(t, { ...ok, imports: [imp, { ...imp }] }, 'VM-VAL-IMPORT-001', (d) => d.offsets.imports[1] as number);
});

test('VM-VAL-FUNC-001 rejects a module without functions', (t) => {
  expectVal(t, { ...ok, functions: [], entries: [] }, 'VM-VAL-FUNC-001', (d) => (d.offsets.sections[SECTION.FUNCS] as number));
});

test('VM-VAL-ENTRY-001 rejects duplicate or unsorted entry names', (t) => {
  const e = ok.entries[0] as Module['entries'][number];
  expectVal(t, { ...ok, entries: [e, { ...e }] }, 'VM-VAL-ENTRY-001', (d) => d.offsets.entries[1] as number);
  expectVal(t, { ...ok, entries: [{ ...e, name: 'b' }, { ...e, name: 'a' }] }, 'VM-VAL-ENTRY-001', (d) => d.offsets.entries[1] as number);
});

test('VM-VAL-ENTRY-002 rejects an entry naming a missing function', (t) => {
  expectVal(t, { ...ok, entries: [{ name: 'x', func: 1, params: [], results: ['u128'] }] }, 'VM-VAL-ENTRY-002', (d) => d.offsets.entries[0] as number);
});

test('VM-VAL-ENTRY-003 rejects an entry whose arity differs from its function', (t) => {
  expectVal(t, { ...ok, entries: [{ name: 'x', func: 0, params: ['u128'], results: ['u128'] }] }, 'VM-VAL-ENTRY-003', (d) => d.offsets.entries[0] as number);
  expectVal(t, { ...ok, entries: [{ name: 'x', func: 0, params: [], results: [] }] }, 'VM-VAL-ENTRY-003', (d) => d.offsets.entries[0] as number);
});

// ---- instruction rules (offset = the function's first code byte + pc) ----

test('VM-VAL-OP-001 rejects an invalid opcode at its pc', (t) => {
  expectVal(t, withCode(ok, [O('NOP'), 0xff, O('RET')]), 'VM-VAL-OP-001', { fn: 0, pc: 1 });
  expectVal(t, withCode(ok, [0x0c]), 'VM-VAL-OP-001', { fn: 0, pc: 0 });
});

test('VM-VAL-OP-002 rejects a truncated immediate at the instruction', (t) => {
  expectVal(t, withCode(ok, [O('NOP'), O('PUSH64'), 1, 2, 3]), 'VM-VAL-OP-002', { fn: 0, pc: 1 });
  expectVal(t, withCode(ok, [O('JUMP'), 0]), 'VM-VAL-OP-002', { fn: 0, pc: 0 });
});

test('VM-VAL-FLOW-001 rejects an empty body and control falling off the end', (t) => {
  expectVal(t, withCode(ok, []), 'VM-VAL-FLOW-001', { fn: 0, pc: 0 });
  expectVal(t, withCode(ok, [O('PUSH8'), 1, O('NOP')]), 'VM-VAL-FLOW-001', { fn: 0, pc: 2 });
  // Reached only by a jump, then falls off.
  expectVal(t, withCode(ok, [O('JUMP'), 5, 0, 0, 0, O('PUSH8'), 1]), 'VM-VAL-FLOW-001', { fn: 0, pc: 5 });
});

test('VM-VAL-FLOW-002 rejects an unreachable instruction', (t) => {
  expectVal(t, withCode(ok, [O('PUSH8'), 1, O('RET'), O('NOP'), O('RET')]), 'VM-VAL-FLOW-002', { fn: 0, pc: 3 });
});

test('VM-VAL-LOCAL-001 rejects a local index out of range (LGET, LSET, LTEE)', (t) => {
  expectVal(t, mod('LGET 1\nRET', { params: 1, locals: 0 }), 'VM-VAL-LOCAL-001', { fn: 0, pc: 0 });
  expectVal(t, mod('PUSH 1\nLSET 2\nPUSH 1\nRET', { locals: 2 }), 'VM-VAL-LOCAL-001', { fn: 0, pc: 2 });
  expectVal(t, mod('PUSH 1\nLTEE 0\nRET'), 'VM-VAL-LOCAL-001', { fn: 0, pc: 2 });
});

test('VM-VAL-LOCAL-002 rejects more than 1024 params + locals', (t) => {
  expectVal(t, mod('PUSH 1\nRET', { params: 1, locals: MAX_LOCALS }), 'VM-VAL-LOCAL-002', { fn: 0, pc: 0 });
});

test('VM-VAL-JUMP-001 rejects a jump into the middle of an instruction or out of the body', (t) => {
  expectVal(t, withCode(ok, [O('PUSH8'), 1, O('JUMP'), 1, 0, 0, 0]), 'VM-VAL-JUMP-001', { fn: 0, pc: 2 });
  expectVal(t, withCode(ok, [O('PUSH8'), 1, O('JUMPI'), 99, 0, 0, 0, O('PUSH8'), 1, O('RET')]), 'VM-VAL-JUMP-001', { fn: 0, pc: 2 });
});

test('VM-VAL-CALL-001 rejects recursion through CALLF, at the call that closes the cycle', (t) => {
  const head = '.func g params=0 results=1 locals=0 maxstack=1\nCALLF main\nRET';
  const m = mod('CALLF g\nRET', { head, maxstack: 1 });
  // main is function 1 (after g); g calls main at pc 0.
  expectVal(t, m, 'VM-VAL-CALL-001', { fn: 1, pc: 0 });
  const self = mod('CALLF main\nRET', { maxstack: 1 });
  expectVal(t, self, 'VM-VAL-CALL-001', { fn: 0, pc: 0 });
});

test('VM-VAL-CALL-002 rejects CALLF of a missing function', (t) => {
  expectVal(t, withCode(ok, [O('CALLF'), 5, 0, O('PUSH8'), 1, O('RET')]), 'VM-VAL-CALL-002', { fn: 0, pc: 0 });
});

test('VM-VAL-CALL-003 rejects CALL of a missing import', (t) => {
  expectVal(t, { ...withCode(ok, [O('PUSH8'), 1, O('CALL'), 0, 0, O('RET')]), caps: CAP.call }, 'VM-VAL-CALL-003', { fn: 0, pc: 2 });
});

test('VM-VAL-CAP-002 rejects CALL, LOG and each capability-guarded SYSCALL when the capability is undeclared', (t) => {
  const callM = mod('PUSH 0\nPUSH 0\nPUSH 0\nCALL c\nPOP\nRET', { head: `.import c ${HASH} main 0 0`, maxstack: 3 });
  expectVal(t, callM, 'VM-VAL-CAP-002', { fn: 0, pc: 6 });
  expectVal(t, mod('PUSH 0\nPUSH 0\nLOG 0\nPUSH 1\nRET'), 'VM-VAL-CAP-002', { fn: 0, pc: 4 });
  for (const s of SYSCALLS) {
    if (!s.cap) continue;
    const pre = s.params.map(() => 'PUSH 0').join('\n');
    const body = `${pre}\nSYSCALL ${s.name}\n${s.results.map(() => 'POP').join('\n')}\nPUSH 1\nRET`;
    const m = mod(body, { caps: Object.keys(CAP).filter((c) => c !== s.cap).join(','), maxstack: 8 });
    expectVal(t, m, 'VM-VAL-CAP-002', { fn: 0, pc: 2 * s.params.length });
  }
});

test('VM-VAL-SYS-001 rejects an unknown syscall id', (t) => {
  expectVal(t, withCode(ok, [O('SYSCALL'), 0xee, O('PUSH8'), 1, O('RET')]), 'VM-VAL-SYS-001', { fn: 0, pc: 0 });
});

test('VM-VAL-IMM-001 rejects LOG with more than 4 topics', (t) => {
  expectVal(t, { ...withCode(ok, [O('LOG'), 5, O('PUSH8'), 1, O('RET')]), caps: CAP['log.emit'] }, 'VM-VAL-IMM-001', { fn: 0, pc: 0 });
});

test('VM-VAL-IMM-002 rejects SWAP 0', (t) => {
  expectVal(t, withCode(ok, [O('PUSH8'), 1, O('SWAP'), 0, O('RET')]), 'VM-VAL-IMM-002', { fn: 0, pc: 2 });
});

test('VM-VAL-STACK-001 rejects underflow (plain ops, DUP/SWAP depth, RET, CALLF params)', (t) => {
  expectVal(t, mod('PUSH 1\nADD\nRET'), 'VM-VAL-STACK-001', { fn: 0, pc: 2 });
  expectVal(t, mod('PUSH 1\nDUP 1\nRET'), 'VM-VAL-STACK-001', { fn: 0, pc: 2 });
  expectVal(t, mod('PUSH 1\nSWAP 1\nRET'), 'VM-VAL-STACK-001', { fn: 0, pc: 2 });
  expectVal(t, mod('RET'), 'VM-VAL-STACK-001', { fn: 0, pc: 0 });
  const head = '.func two params=2 results=1 locals=0 maxstack=1\nLGET 0\nRET';
  expectVal(t, mod('PUSH 1\nCALLF two\nRET', { head }), 'VM-VAL-STACK-001', { fn: 1, pc: 2 });
});

test('VM-VAL-STACK-002 rejects stack heights that differ at a merge', (t) => {
  // Path 1 reaches `end` with height 1 (after JUMPI pops), path 2 pushes one more word.
  expectVal(t, mod('PUSH 1\nPUSH 0\nJUMPI end\nPUSH 2\nend:\nRET'), 'VM-VAL-STACK-002', { fn: 0, pc: 9 });
});

test('VM-VAL-STACK-003 rejects RET with more operands than the function returns', (t) => {
  expectVal(t, mod('PUSH 1\nPUSH 2\nRET'), 'VM-VAL-STACK-003', { fn: 0, pc: 4 });
});

test('VM-VAL-STACK-004 rejects a stack deeper than 1024', (t) => {
  const body = Array.from({ length: MAX_STACK + 1 }, () => 'PUSH 1').join('\n') + '\nRET';
  expectVal(t, mod(body, { maxstack: MAX_STACK + 1 }), 'VM-VAL-STACK-004', { fn: 0, pc: 2 * MAX_STACK });
});

test('VM-VAL-STACK-005 rejects a declared maxStack that differs from the computed one', (t) => {
  // The offset is the function's maxStack field (6 bytes before its code).
  expectVal(t, mod('PUSH 1\nPUSH 2\nADD\nRET', { maxstack: 3 }), 'VM-VAL-STACK-005', (d) => (d.codeOffsets[0] as number) - 6);
  expectVal(t, mod('PUSH 1\nPUSH 2\nADD\nRET', { maxstack: 1 }), 'VM-VAL-STACK-005', (d) => (d.codeOffsets[0] as number) - 6);
});

test('analyzeFunction reports the height before every instruction', (t) => {
  const m = assemble(program('PUSH 1\nPUSH 2\nADD\nDUP 0\nPOP\nRET'));
  const a = analyzeFunction(m, 0);
  t.deepEqual(a.heights, [0, 1, 2, 1, 2, 1]);
  t.is(a.maxStack, 2);
  t.is(a.indexOfPc.get(4), 2);
});

test('VM-VAL-STACK stack effects of CALL, SYSCALL and LOG come from their immediates', (t) => {
  const head = `.import c ${HASH} f 2 3`;
  const m = assemble(program('PUSH 1\nPUSH 2\nPUSH 3\nPUSH 4\nPUSH 5\nCALL c\nPOP\nPOP\nPOP\nPOP\nPOP\nSYSCALL CLOCK\nPUSH 0\nPUSH 0\nPUSH 7\nLOG 1\nRET', { head, caps: 'call,clock.read,log.emit' }));
  const a = analyzeFunction(m, 0);
  t.is(a.maxStack, 5);
  t.deepEqual(a.heights.slice(5, 12), [5, 5, 4, 3, 2, 1, 0]);
});
