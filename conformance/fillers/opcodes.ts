/**
 * Opcode vectors generated from the opcode table (reference/vm/opcodes.ts): every value opcode over edge
 * operands (normal use and each of its traps), the stack, locals and control opcodes, and for every opcode
 * with static gas the gas boundary — exactly enough gas and one short, spent at that opcode.
 */
import { I128_MIN, U128_MAX, fromSigned } from '../../reference/lib/u128.ts';
import { OPCODES, type OpInfo } from '../../reference/vm/opcodes.ts';
import { callVector, gasBoundary, type FillSpec, type Filler } from '../filler.ts';
import { EDGE_WORDS, SHIFT_AMOUNTS, SMALL_EDGE_WORDS, hex, lgets, pad2, pad3, product, program } from './lib.ts';

const VALUE_FAMILIES = new Set(['arith', 'signed', 'compare', 'bitwise']);

/** Spec rules a value opcode exercises besides its own VM-OP-<NAME>. */
function valueCovers(o: OpInfo): string[] {
  const c = [`VM-OP-${o.name}`, 'VM-WORD-001', 'VM-EXEC-003', 'VM-EXEC-004'];
  if (o.family === 'signed' || o.name === 'SAR') c.push('VM-WORD-002');
  if (['ADDW', 'SUBW', 'MULW', 'SHL', 'SHR', 'SAR'].includes(o.name)) c.push('VM-WORD-004');
  if (['DIV', 'DIV_UP', 'MULDIV_DOWN', 'MULDIV_UP', 'SDIV', 'SMOD'].includes(o.name)) c.push('VM-WORD-005');
  if (o.name.startsWith('MULDIV')) c.push('VM-OP-MULDIV');
  if (o.family === 'compare' || ['SLT', 'SGT', 'SLE', 'SGE'].includes(o.name)) c.push('VM-WORD-006');
  if (['ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'DIV_UP', 'MULDIV_DOWN', 'MULDIV_UP', 'SADD', 'SSUB', 'SMUL', 'SDIV', 'SMOD', 'SNEG'].includes(o.name)) c.push('VM-WORD-003');
  return c;
}

function operandSets(o: OpInfo): bigint[][] {
  const n = o.pops as number;
  if (['SHL', 'SHR', 'SAR'].includes(o.name)) return product([EDGE_WORDS, SHIFT_AMOUNTS]);
  if (n === 3) return product([SMALL_EDGE_WORDS, SMALL_EDGE_WORDS, SMALL_EDGE_WORDS]);
  const signedExtra = o.family === 'signed' ? [fromSigned(-1n), fromSigned(-7n)] : [];
  return product(Array.from({ length: n }, () => [...EDGE_WORDS, ...signedExtra]));
}

/** Every value opcode over edge operands: the result, or the trap the operands provoke. */
function valueVectors(o: OpInfo): FillSpec[] {
  const n = o.pops as number;
  const mod = program(`${lgets(n)}\n${o.name}\nRET`, { params: n, memory: 'initial=0 max=0 storage=0' });
  return operandSets(o).map((args, i) =>
    callVector({
      id: `opcodes/${o.name}/case-${pad3(i)}`,
      description: `${o.name}(${args.map(hex).join(', ')})`,
      covers: valueCovers(o),
      modules: [['m', mod]],
      calls: [{ module: 'm', args }],
    }),
  );
}

/**
 * The gas boundary of one opcode: operands of 1 (in range for every opcode here, memory and storage
 * included), the opcode, then REVERT (gas 0) so the opcode is the last charge.
 */
function boundaryBody(o: OpInfo): { body: string; results: number; locals?: number; caps?: string } | undefined {
  const ones = (k: number): string => Array.from({ length: k }, () => 'PUSH 1').join('\n');
  switch (o.name) {
    case 'TRAP':
    case 'REVERT':
    case 'CALL':
    case 'SYSCALL':
      return undefined; // gas 0, or covered by the call and syscall fillers
    case 'RET':
      return { body: 'RET', results: 0 };
    case 'JUMP':
      return { body: 'PUSH 42\nJUMP next\nnext:\nREVERT', results: 0 };
    case 'JUMPI':
      return { body: 'PUSH 42\nPUSH 1\nJUMPI next\nnext:\nREVERT', results: 0 };
    case 'CALLF':
      // The callee traps at once (TRAP costs 0): enough gas halts `unreachable`, one short `out_of_gas`.
      return { body: 'CALLF g\nTRAP', results: 0 };
    case 'PUSH8':
    case 'PUSH64':
    case 'PUSH128':
      return { body: `${o.name} 9\nREVERT`, results: 0 };
    case 'DUP':
      return { body: 'PUSH 3\nDUP 0\nREVERT', results: 0 };
    case 'SWAP':
      return { body: 'PUSH 3\nPUSH 4\nSWAP 1\nREVERT', results: 0 };
    case 'LGET':
    case 'LTEE':
      return { body: `PUSH 3\n${o.name} 0\nREVERT`, results: 0, locals: 1 };
    case 'LSET':
      return { body: 'PUSH 42\nPUSH 3\nLSET 0\nREVERT', results: 0, locals: 1 };
    case 'LOG':
      return { body: 'PUSH 42\nPUSH 0\nPUSH 4\nPUSH 7\nLOG 1\nREVERT', results: 0, caps: 'log.emit' };
    default: {
      const pops = o.pops as number;
      const pre = (o.pushes as number) > 0 ? '' : 'PUSH 42\n';
      return { body: `${pre}${ones(pops)}\n${o.name}\nREVERT`, results: 0 };
    }
  }
}

function boundaryVectors(o: OpInfo): FillSpec[] {
  const b = boundaryBody(o);
  if (!b) return [];
  const mod = program(b.body, {
    results: b.results,
    locals: b.locals ?? 0,
    ...(b.caps ? { caps: b.caps } : {}),
    head: o.name === 'CALLF' ? '.func g params=0 results=0 locals=0\nTRAP' : '',
  });
  const check = o.name === 'RET' ? { status: 'ok' as const } : o.name === 'CALLF' ? { status: 'halt' as const, halt: 'unreachable' } : { status: 'revert' as const };
  return gasBoundary({ id: `opcodes/${o.name}/boundary`, description: `${o.name} at its gas boundary`, covers: [`VM-OP-${o.name}`], modules: [['m', mod]], calls: [{ module: 'm', check }] }, o.name);
}

const one = (id: string, description: string, covers: string[], src: string, call: Parameters<typeof callVector>[0]['calls'][number] = { module: 'm' }): FillSpec =>
  callVector({ id, description, covers, modules: [['m', src]], calls: [call] });

/** Stack, locals and control opcodes in normal use and at their traps. */
function controlVectors(): FillSpec[] {
  const v: FillSpec[] = [];
  v.push(one('opcodes/TRAP/halts', 'TRAP halts with unreachable and uses the whole limit', ['VM-OP-TRAP', 'VM-TRAP-001'], program('TRAP', { results: 0 }), { module: 'm', gasLimit: 77, check: { halt: 'unreachable' } }));
  v.push(one('opcodes/NOP/ok', 'NOP does nothing', ['VM-OP-NOP'], program('NOP\nPUSH 7\nRET'), { module: 'm', check: { results: [7n] } }));
  for (const code of [0n, 1n, 0xdeadn, U128_MAX])
    v.push(one(`opcodes/REVERT/code-${hex(code)}`, `REVERT with code ${hex(code)} keeps the unused gas`, ['VM-OP-REVERT', 'VM-TRAP-004'], program('LGET 0\nREVERT', { params: 1, results: 0 }), { module: 'm', args: [code], check: { status: 'revert' } }));
  v.push(one('opcodes/RET/results-order', 'RET returns the stack, deepest first, as the results', ['VM-OP-RET', 'VM-EXEC-004', 'VM-CONV-001'], program('PUSH 1\nPUSH 2\nPUSH 0x0102030405060708090a0b0c0d0e0f10\nRET', { results: 3 })));
  v.push(one('opcodes/JUMP/forward', 'JUMP skips to its label', ['VM-OP-JUMP'], program('JUMP over\nover:\nPUSH 3\nRET')));
  v.push(one('opcodes/JUMP/loop', 'a JUMP/JUMPI loop sums 1..10', ['VM-OP-JUMP', 'VM-OP-JUMPI'], program('loop:\nLGET 1\nLGET 0\nGE\nJUMPI done\nLGET 1\nPUSH 1\nADD\nLTEE 1\nLGET 2\nADD\nLSET 2\nJUMP loop\ndone:\nLGET 2\nRET', { params: 1, locals: 2 }), { module: 'm', args: [10n], check: { results: [55n] } }));
  EDGE_WORDS.forEach((c, i) =>
    v.push(one(`opcodes/JUMPI/cond-${pad2(i)}`, `JUMPI with condition ${hex(c)} (taken when non-zero)`, ['VM-OP-JUMPI', 'VM-WORD-006'], program('LGET 0\nJUMPI yes\nPUSH 10\nRET\nyes:\nPUSH 20\nRET', { params: 1 }), { module: 'm', args: [c], check: { results: [c === 0n ? 10n : 20n] } })),
  );
  EDGE_WORDS.forEach((c, i) =>
    v.push(one(`opcodes/SELECT/cond-${pad2(i)}`, `SELECT with condition ${hex(c)}`, ['VM-OP-SELECT', 'VM-WORD-006'], program('PUSH 10\nPUSH 20\nLGET 0\nSELECT\nRET', { params: 1 }), { module: 'm', args: [c], check: { results: [c === 0n ? 20n : 10n] } })),
  );
  v.push(one('opcodes/GAS/left', 'GAS pushes the gas left after its own charge', ['VM-OP-GAS', 'VM-GAS-005'], program('NOP\nGAS\nRET'), { module: 'm', gasLimit: 1000, check: { results: [998n] } }));
  const callfHead = '.func add3 params=3 results=2 locals=1\nLGET 0\nLGET 1\nADD\nLGET 2\nLSET 3\nLGET 3\nRET';
  v.push(one('opcodes/CALLF/args-results', 'CALLF passes arguments deepest-first and pushes results', ['VM-OP-CALLF', 'VM-EXEC-002'], program('PUSH 1\nPUSH 2\nPUSH 3\nCALLF add3\nRET', { results: 2, head: callfHead }), { module: 'm', check: { results: [3n, 3n] } }));
  // A chain of 257 functions: the 257th activation exceeds MAX_FUNCTION_FRAMES (VM-CALL-006).
  const chain = (n: number): string => Array.from({ length: n }, (_, i) => `.func f${i} params=0 results=1 locals=0\n${i === n - 1 ? 'PUSH 1' : `CALLF f${i + 1}`}\nRET`).join('\n');
  v.push(one('opcodes/CALLF/frames-256', '256 live activations are allowed', ['VM-OP-CALLF', 'VM-CALL-006'], program('CALLF f0\nRET', { head: chain(255) }), { module: 'm', check: { status: 'ok' } }));
  v.push(one('opcodes/CALLF/frames-257', 'the 257th live activation halts with call_depth', ['VM-OP-CALLF', 'VM-CALL-006'], program('CALLF f0\nRET', { head: chain(256) }), { module: 'm', check: { halt: 'call_depth' } }));
  for (const [name, val] of [['PUSH8', 0xffn], ['PUSH64', (1n << 64n) - 1n], ['PUSH128', U128_MAX]] as const) {
    v.push(one(`opcodes/${name}/max`, `${name} pushes its largest immediate, zero-extended`, [`VM-OP-${name}`, 'VM-CONV-001'], program(`${name} ${hex(val)}\nRET`), { module: 'm', check: { results: [val] } }));
    v.push(one(`opcodes/${name}/zero`, `${name} 0`, [`VM-OP-${name}`], program(`${name} 0\nRET`), { module: 'm', check: { results: [0n] } }));
  }
  v.push(one('opcodes/PUSH128/i128-min', 'PUSH of −2^127 encodes its two\'s-complement word', ['VM-OP-PUSH128', 'VM-WORD-002'], program(`PUSH ${I128_MIN}\nRET`), { module: 'm', check: { results: [1n << 127n] } }));
  v.push(one('opcodes/POP/drops-top', 'POP drops the top word', ['VM-OP-POP'], program('PUSH 1\nPUSH 2\nPOP\nRET'), { module: 'm', check: { results: [1n] } }));
  for (let n = 0; n <= 3; n++)
    v.push(one(`opcodes/DUP/n-${n}`, `DUP ${n} copies the word ${n} below the top`, ['VM-OP-DUP'], program(`PUSH 1\nPUSH 2\nPUSH 3\nPUSH 4\nDUP ${n}\nRET`, { results: 5 }), { module: 'm', check: { results: [1n, 2n, 3n, 4n, BigInt(4 - n)] } }));
  for (let n = 1; n <= 3; n++)
    v.push(one(`opcodes/SWAP/n-${n}`, `SWAP ${n} exchanges the top with the word ${n} below`, ['VM-OP-SWAP'], program(`PUSH 1\nPUSH 2\nPUSH 3\nPUSH 4\nSWAP ${n}\nRET`, { results: 4 })));
  v.push(one('opcodes/LGET/params-and-locals', 'params are the first locals, the rest start at 0', ['VM-OP-LGET', 'VM-EXEC-002'], program('LGET 0\nLGET 1\nLGET 2\nRET', { params: 2, locals: 1, results: 3 }), { module: 'm', args: [7n, 8n], check: { results: [7n, 8n, 0n] } }));
  v.push(one('opcodes/LSET/stores', 'LSET pops into a local', ['VM-OP-LSET'], program('PUSH 9\nLSET 1\nLGET 1\nLGET 0\nRET', { params: 1, locals: 1, results: 2 }), { module: 'm', args: [4n], check: { results: [9n, 4n] } }));
  v.push(one('opcodes/LTEE/keeps', 'LTEE copies the top into a local and keeps it', ['VM-OP-LTEE'], program('PUSH 9\nLTEE 0\nLGET 0\nRET', { locals: 1, results: 2 }), { module: 'm', check: { results: [9n, 9n] } }));
  return v;
}

export const opcodesFiller: Filler = {
  group: 'opcodes',
  specs() {
    const out: FillSpec[] = [];
    for (const o of OPCODES) {
      if (VALUE_FAMILIES.has(o.family)) out.push(...valueVectors(o));
      out.push(...boundaryVectors(o));
    }
    out.push(...controlVectors());
    return out;
  },
};
