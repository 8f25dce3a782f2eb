/**
 * Vectors for the CurveVM rules outside single results: per-step traces and replay (`trace` group, kind
 * `vm.trace`: VM-TRACE-001, VM-TRACE-002, VM-RESULT-JSON), the `.casm` text format and the canonical
 * encoding (`asm` group, kind `vm.asm`: VM-ASM-001, VM-ASM-002, VM-MOD-CANON — every decodable module of
 * the validation corpus round-trips), and exact arithmetic at the extremes (`calls/exact`, VM-DET-004).
 */
import { U128_MAX } from '../../reference/lib/u128.ts';
import { MAX_GAS_LIMIT } from '../../reference/vm/interpreter.ts';
import { decodeModule } from '../../reference/vm/module.ts';
import { callVector, type CallVectorSpec, type FillSpec, type Filler } from '../filler.ts';
import { program } from './lib.ts';
import { validationFiller } from './validation.ts';

/** A `vm.trace` spec from a `vm.call` one: the same calls, traced, with replays of the first call. */
function traceVector(spec: CallVectorSpec, replay: readonly number[]): FillSpec {
  const { draft } = callVector(spec);
  return { draft: { ...draft, kind: 'vm.trace', covers: [...spec.covers, 'VM-TRACE-001', 'VM-TRACE-002', 'VM-RESULT-JSON'], input: { ...(draft.input as object), replay } } };
}

const callee = program('LGET 0\nPUSH 1\nADD\nRET', { params: 1, memory: 'initial=0 max=0 storage=0' });
const caller = program('LGET 0\nPUSH 5000\nPUSH 0\nPUSH 0\nCALL c\nADD\nADD\nRET', { params: 1, caps: 'call', head: '.import c @callee main 1 1' });
const helper = `.func twice params=1 results=1 locals=1\nLGET 0\nLTEE 1\nLGET 1\nADD\nRET`;

function traceVectors(): FillSpec[] {
  return [
    traceVector({ id: 'trace/steps/arith', description: 'straight-line arithmetic: one record per instruction with the stack before it', covers: ['VM-OP-ADD', 'VM-OP-MUL'], modules: [['m', program('LGET 0\nPUSH 3\nMUL\nPUSH 4\nADD\nRET', { params: 1 })]], calls: [{ module: 'm', args: [7n] }] }, [0, 2, 4, 5]),
    traceVector(
      { id: 'trace/steps/memory', description: 'MGROW and stores: memSize before each instruction grows with the memory', covers: ['VM-OP-MGROW', 'VM-OP-MSTORE'], modules: [['m', program('PUSH 1\nMGROW\nPOP\nPUSH 65536\nPUSH 9\nMSTORE\nMSIZE\nRET', { memory: 'initial=1 max=2 storage=0' })]], calls: [{ module: 'm' }] },
      [1, 3, 6, 7],
    ),
    traceVector({ id: 'trace/steps/callf', description: 'CALLF: the callee function’s records (fn 1) sit between the CALLF and the next caller record; replay shows its locals', covers: ['VM-OP-CALLF'], modules: [['m', program('LGET 0\nCALLF twice\nRET', { params: 1, tail: helper })]], calls: [{ module: 'm', args: [21n] }] }, [1, 2, 4, 6]),
    traceVector(
      { id: 'trace/nested/call', description: 'a module CALL: callee records at depth 2 between the CALL and the caller’s next record; the CALL’s gasCost includes the callee', covers: ['VM-OP-CALL', 'VM-CALL-001'], modules: [['callee', callee], ['m', caller]], calls: [{ module: 'm', args: [41n] }] },
      [4, 5, 8, 9],
    ),
    traceVector({ id: 'trace/halt/out-of-gas', description: 'the instruction that runs out of gas is recorded, with all the gas that was left as its cost', covers: ['VM-GAS-004'], modules: [['m', program('LGET 0\nPUSH 3\nMUL\nPUSH 4\nADD\nRET', { params: 1 })]], calls: [{ module: 'm', args: [7n], gasLimit: 4 }] }, [0, 2, 9]),
    traceVector({ id: 'trace/halt/trap', description: 'a trap is the last record; a second call of the same vector gets its own trace', covers: ['VM-OP-TRAP'], modules: [['m', program('LGET 0\nTRAP', { params: 1 })]], calls: [{ module: 'm', args: [1n] }, { module: 'm', args: [2n] }] }, [0, 1, 2]),
  ];
}

const CASM: readonly [string, string, string][] = [
  ['minimal', 'the smallest program: defaults for .memory, no caps', '.func main params=0 results=1 locals=0\nPUSH 1\nRET\n.entry main main () -> (u128)\n'],
  ['labels', 'labels, JUMPI to a label, comments with ; and #, commas as whitespace', '.memory initial=0 max=0 storage=0\n.caps none\n.func main params=1 results=1 locals=0\n  LGET 0 ; the argument\n  JUMPI yes # non-zero\n  PUSH 0\n  RET\nyes:\n  PUSH 1,\n  RET\n.entry main main (u128) -> (u128)\n'],
  ['push-forms', 'PUSH picks PUSH8, PUSH64 or PUSH128 by value; negative values wrap; _ in numbers', `.func main params=0 results=4 locals=0\nPUSH 255\nPUSH 0x1_0000\nPUSH ${U128_MAX}\nPUSH -1\nRET\n.entry main main () -> (u128 u128 u128 u128)\n`],
  ['caps-data-import', 'capability names, a data segment of text and of hex, an import by hash, two entries', `.memory initial=1 max=2 storage=32\n.caps clock.read,log.emit,call\n.import ext ${'ab'.repeat(32)} run 1 1\n.data 0 "hi"\n.data 16 0x0102\n.func main params=0 results=1 locals=0\nSYSCALL CLOCK\nRET\n.func other params=1 results=1 locals=2 maxstack=3\nLGET 0\nCALL ext\nRET\n.entry a other (u128) -> (u128)\n.entry main main () -> (u128)\n`],
  ['raw', '.raw body bytes and numeric operands', '.func main params=0 results=0 locals=0 maxstack=0\n.raw 0x01\nRET\n.entry main 0 () -> ()\n'],
  ['error-mnemonic', 'an unknown mnemonic is an error naming its line and column', '.func main params=0 results=1 locals=0\nPUSH 1\nFROB 2\nRET\n'],
  ['error-directive', 'a malformed directive is an error naming its place', '.memory initial=x\n'],
];

function asmVectors(): FillSpec[] {
  const sources = CASM.map(([name, description, source]): FillSpec => ({
    draft: { id: `asm/source/${name}`, kind: 'vm.asm', description, covers: ['VM-ASM-001'], pre: { modules: {}, state: {} }, input: { source } },
    check: (e) => ((e as { error?: string }).error !== undefined) === name.startsWith('error-') ? undefined : `unexpected result ${JSON.stringify(e).slice(0, 120)}`,
  }));
  // Every module of the validation corpus that decodes, valid or not, round-trips (VM-ASM-002, VM-MOD-CANON).
  const decodable = validationFiller
    .specs()
    .map((s) => ({ id: s.draft.id, module: (s.draft.input as { module: string }).module }))
    .filter((m) => {
      try {
        decodeModule(Uint8Array.from(Buffer.from(m.module.slice(2), 'hex')));
        return true;
      } catch {
        return false;
      }
    });
  const roundTrips = decodable.map(
    (m): FillSpec => ({
      draft: { id: `asm/roundtrip/${m.id.split('/').slice(1).join('-')}`, kind: 'vm.asm', description: `assembling the disassembly and re-encoding the decoding of ${m.id} give its bytes back`, covers: ['VM-ASM-002', 'VM-MOD-CANON'], pre: { modules: {}, state: {} }, input: { module: m.module } },
      check: (e) => {
        const x = e as { reassembled: string; reencoded: string };
        return x.reassembled === m.module && x.reencoded === m.module ? undefined : 'the round trip changed the bytes';
      },
    }),
  );
  return [...sources, ...roundTrips];
}

function exactVectors(): FillSpec[] {
  const max = (body: string, results = 1) => program(body, { results });
  return [
    callVector({
      id: 'calls/exact/extremes',
      description: 'exact 128-bit words and exact gas at the extremes: MULDIV_DOWN(max, max, max) = max through a 256-bit product, ADDW wraps, under the largest gas limit (2^53 − 1)',
      covers: ['VM-DET-004', 'VM-OP-MULDIV_DOWN', 'VM-OP-ADDW', 'VM-GAS-001'],
      modules: [['m', max(`PUSH ${U128_MAX}\nPUSH ${U128_MAX}\nPUSH ${U128_MAX}\nMULDIV_DOWN\nPUSH ${U128_MAX}\nPUSH 2\nADDW\nRET`, 2)]],
      calls: [{ module: 'm', gasLimit: MAX_GAS_LIMIT, check: { status: 'ok', results: [U128_MAX, 1n] } }],
    }),
  ];
}

export const traceFiller: Filler = { group: 'trace', specs: traceVectors };
export const asmFiller: Filler = { group: 'asm', specs: asmVectors };
export const exactFiller: Filler = { group: 'calls', specs: exactVectors };
