/**
 * The `.casm` assembler and the disassembler (spec/curvevm.md §10, VM-ASM-*): syntax, constant widths,
 * labels, errors as AsmError with file:line:col, validator errors mapped to the source line, disassembly
 * text for odd modules, and the property that garbage text only ever raises AsmError.
 */
import { readFileSync } from 'node:fs';
import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { AsmError } from '../../reference/lib/errors.ts';
import { assemble, assembleToBytes } from '../../reference/vm/asm.ts';
import { disassemble } from '../../reference/vm/disasm.ts';
import { decodeBody } from '../../reference/vm/instructions.ts';
import { encodeModule, type Module } from '../../reference/vm/module.ts';
import { OPCODES } from '../../reference/vm/opcodes.ts';
import { program, run } from './helpers.ts';

const HASH = '0x' + 'ab'.repeat(32);

function asmErr(t: ExecutionContext, src: string, where: string, re: RegExp): void {
  const e = t.throws(() => assemble(src, 'f.casm'), { instanceOf: AsmError });
  t.is(e?.where, `f.casm:${where}`, e?.message);
  t.regex(e?.message ?? '', re);
}

test('VM-ASM-001 the example counter assembles and runs', (t) => {
  const src = readFileSync(new URL('../../examples/counter.casm', import.meta.url), 'utf8');
  t.deepEqual(run(src, { entry: 'sum', args: [100n] }).results, [5050n]);
  t.deepEqual(assembleToBytes(src), encodeModule(assemble(src)));
});

test('VM-ASM-001 PUSH picks the smallest width; negative constants are two’s complement; _ separates digits', (t) => {
  const ops = (body: string): string[] => decodeBody(assemble(program(body)).functions[0]?.code ?? new Uint8Array()).instrs.map((i) => `${i.info.name} ${i.value}`);
  t.deepEqual(ops('PUSH 255\nPOP\nPUSH 256\nPOP\nPUSH 0x1_0000_0000_0000_0000\nRET'), ['PUSH8 255', 'POP 0', 'PUSH64 256', 'POP 0', `PUSH128 ${1n << 64n}`, 'RET 0']);
  t.deepEqual(ops('PUSH -1\nRET'), [`PUSH128 ${(1n << 128n) - 1n}`, 'RET 0']);
  t.deepEqual(ops('PUSH64 1_000\nRET'), ['PUSH64 1000', 'RET 0']);
});

test('VM-ASM-001 directives: memory, caps by name or mask, data, import, entry signature, comments', (t) => {
  const m = assemble(
    [
      '; comment',
      '.memory initial=1 max=2 storage=32 # another',
      '.caps log.emit, clock.read',
      `.import imp ${HASH} run 2 1`,
      '.data 0 "a\\"b"',
      '.func f params=2 results=1 locals=1 maxstack=2',
      'LGET 0',
      'RET',
      '.entry go f (u128 i128) -> (bool)',
    ].join('\n'),
  );
  t.deepEqual(m.memory, { initialPages: 1, maxPages: 2, storageBytes: 32 });
  t.is(m.caps, 0b101);
  t.deepEqual(m.imports[0], { module: new Uint8Array(32).fill(0xab), entry: 'run', params: 2, results: 1 });
  t.deepEqual(Array.from(m.data[0]?.bytes ?? []), [0x61, 0x22, 0x62]);
  t.deepEqual(m.entries, [{ name: 'go', func: 0, params: ['u128', 'i128'], results: ['bool'] }]);
  t.is(m.functions[0]?.maxStack, 2);
  t.is(assemble('.caps 0x5\n.func f\nTRAP').caps, 5);
  t.is(assemble('.caps none\n.func f\nTRAP').caps, 0);
  t.is(assemble('.caps all\n.func f\nTRAP').caps, 0x1ff);
});

test('VM-ASM-001 labels are local to their function; numeric jump, function and import operands are accepted', (t) => {
  const m = assemble(`.import i ${HASH} e 0 0\n.func a\nx:\nJUMP x\n.func b\nx:\nPUSH 0\nJUMPI 0\nCALLF 0\nJUMP x`);
  t.is(m.functions.length, 2);
  t.is(m.functions[1]?.code.length, 2 + 5 + 3 + 5);
});

const ERRORS: [string, string, string, RegExp][] = [
  ['unknown instruction', '.func f\n  FROB', '2:3', /unknown instruction "FROB"/],
  ['operand count', '.func f\nADD 1', '2:5', /ADD takes 0 operand\(s\), found 1/],
  ['missing operand', '.func f\nLGET', '2:1', /LGET takes 1 operand/],
  ['unknown label', '.func f\nJUMP nowhere', '2:6', /unknown label "nowhere" in function f/],
  ['unknown function', '.func f\nCALLF g', '2:7', /unknown function "g"/],
  ['unknown import', '.func f\nCALL g', '2:6', /unknown import "g"/],
  ['unknown syscall', '.func f\nSYSCALL NAP', '2:9', /unknown syscall "NAP"/],
  ['unknown directive', '.frob', '1:1', /unknown directive \.frob/],
  ['instruction outside a function', 'NOP', '1:1', /outside a function/],
  ['label outside a function', 'x:', '1:1', /label outside a function/],
  ['label twice', '.func f\nx:\nx:', '3:1', /label x defined twice/],
  ['label not alone', '.func f\nx: NOP', '2:4', /stands alone/],
  ['bad label', '.func f\n9x:', '2:1', /bad label name/],
  ['unterminated string', '.data 0 "abc', '1:9', /unterminated string/],
  ['bad string literal', '.data 0 "\\q"', '1:9', /bad string literal/],
  ['bad data literal', '.data 0 xyz', '1:9', /expected "text" or 0xHEX/],
  ['missing data', '.data 0', '1:1', /usage: \.data/],
  ['unknown capability', '.caps log.emit,fly', '1:16', /unknown capability "fly"/],
  ['bad import hash', '.import a 0x12 e 0 0', '1:11', /not a 64-hex-digit module hash/],
  ['import usage', '.import a', '1:1', /usage: \.import/],
  ['import twice', `.import a ${HASH} e 0 0\n.import a ${HASH} e 0 0`, '2:9', /import a defined twice/],
  ['function twice', '.func f\nTRAP\n.func f', '3:7', /function f defined twice/],
  ['func usage', '.func', '1:1', /usage: \.func/],
  ['unknown func option', '.func f size=3', '1:9', /expected one of params= results= locals= maxstack=/],
  ['option twice', '.func f params=1 params=2', '1:18', /params= given twice/],
  ['not an integer', '.func f params=x', '1:16', /params: expected an integer/],
  ['out of range', '.func f params=256', '1:16', /params 256 out of range 0\.\.255/],
  ['PUSH out of range', `.func f\nPUSH 0x1${'0'.repeat(32)}`, '2:6', /constant .* out of range/],
  ['entry unknown function', '.func f\nTRAP\n.entry e g () -> ()', '3:10', /entry e: unknown function g/],
  ['entry function index out of range', '.func f\nTRAP\n.entry e 65536 () -> ()', '3:10', /function index 65536 out of range 0\.\.65535/],
  ['entry usage', '.entry e', '1:1', /usage: \.entry/],
  ['entry unknown type', '.func f\nTRAP\n.entry e f (u7) -> ()', '3:13', /unknown type "u7"/],
  ['entry missing (', '.func f\nTRAP\n.entry e f u128', '3:12', /expected \( in entry signature/],
  ['entry missing ->', '.func f\nTRAP\n.entry e f () ()', '3:15', /expected -> in entry signature/],
  ['entry missing )', '.func f\nTRAP\n.entry e f () -> (u128', '3:1', /missing \) in entry signature/],
  ['entry trailing text', '.func f\nTRAP\n.entry e f () -> () x', '3:21', /unexpected text after entry signature/],
  ['raw outside a function', '.raw 0x00', '1:1', /\.raw outside a function/],
  ['raw usage', '.func f\n.raw 0x0', '2:1', /usage: \.raw 0xHEX/],
  ['validator error at its line', '.func f results=1\nPUSH 1\nADD\nRET', '3:1', /function f: ADD needs 2 operand\(s\), stack has 1 \[VM-VAL-STACK-001\]/],
];

for (const [name, src, where, re] of ERRORS) {
  test(`VM-ASM-001 error: ${name} at file:line:col`, (t) => asmErr(t, src, where, re));
}

test('VM-ASM-001 a validator error in a function without a source instruction points at the .func line', (t) => {
  asmErr(t, '.func f results=1', '1:1', /empty body .*\[VM-VAL-FLOW-001\]/);
});

test('VM-ASM-002 disasm writes numeric operands, .raw tails and unknown capability bits as a mask', (t) => {
  const base = assemble(program('PUSH 1\nRET'));
  const m: Module = {
    ...base,
    caps: 0x8000_0001,
    functions: [{ params: 0, results: 0, locals: 0, maxStack: 0, code: Uint8Array.of(0x04, 9, 0, 0x07, 3, 0, 0x08, 0xee, 0x02, 1, 0, 0, 0, 0x12, 1) }],
  };
  const text = disassemble(m);
  t.regex(text, /\.caps 0x80000001/);
  t.regex(text, /CALLF 9\n {2}CALL 3\n {2}SYSCALL 238\n {2}JUMP 1\n {2}\.raw 0x1201/);
  t.deepEqual(encodeModule(assemble(text)), encodeModule(m));
  t.regex(disassemble(assemble(program('PUSH 0\nJUMPI a\na:\nSYSCALL SELF\nRET', { caps: 'clock.read' }))), /JUMPI L7\nL7:\n {2}SYSCALL SELF/);
});

// ---- property: garbage in, AsmError out ----

const VOCAB = [
  ...OPCODES.map((o) => o.name),
  'PUSH', '.memory', '.caps', '.import', '.data', '.func', '.entry', '.raw', 'initial=1', 'max=x', 'storage=16', 'params=1',
  'results=1', 'locals=2', 'maxstack=3', 'x:', 'x', ':', '(', ')', '->', 'u128', 'bool', '"s', '"t"', '0x', '0x0g', '0xff', '-1', '1_0',
  '99999999999999999999999999999999999999999', ';', '#', ',', 'log.emit', 'none', 'all', HASH, 'f', 'CLOCK',
];
const garbageLine = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.array(fc.constantFrom(...VOCAB), { maxLength: 6 }).map((ws) => ws.join(' ')),
);

test('property VM-ASM-001: random garbage text raises AsmError and nothing else', (t) => {
  let assembled = 0;
  fc.assert(
    fc.property(fc.array(garbageLine, { maxLength: 12 }), (lines) => {
      try {
        assemble(lines.join('\n'));
        assembled++;
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
        if (!/^<casm>:\d+:\d+$/.test(e.where)) throw new Error(`bad location ${e.where}`);
      }
    }),
    { numRuns: 400 },
  );
  // Prefixing a valid function makes more of the garbage reach the later passes.
  fc.assert(
    fc.property(fc.array(garbageLine, { maxLength: 6 }), (lines) => {
      try {
        assemble(['.func f params=1 results=1 locals=1', 'LGET 0', ...lines, 'RET'].join('\n'));
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
      }
    }),
    { numRuns: 400 },
  );
  t.true(assembled > 0, 'some garbage is valid assembly (empty text at least)');
});
