/**
 * Nested calls and sub-grants (spec/curvevm.md §8.4): results, status and code words; callee revert and
 * halt undoing the callee's writes; gas grants returned or consumed; page grants; capability attenuation;
 * identities across a call; the depth limit; diamonds sharing one segment; call sequences with commits;
 * and the top-level boundary errors (store, link, arguments).
 */
import { U128_MAX } from '../../reference/lib/u128.ts';
import { G_CALL } from '../../reference/vm/gas.ts';
import { callVector, gasBoundary, type CallSpec, type CallVectorSpec, type FillSpec, type Filler } from '../filler.ts';
import { program } from './lib.ts';

/** A caller `main(a)` that calls import `c` (1 param, 1 result) with a grant and returns [r, code, status]. */
const caller = (gas: number | string, pages: number, caps: number, declared = 'call', extra = ''): string =>
  program(`LGET 0\n${typeof gas === 'number' ? `PUSH ${gas}` : gas}\nPUSH ${pages}\nPUSH ${caps}\nCALL c\n${extra}RET`, {
    params: 1,
    results: 3,
    caps: declared,
    head: '.import c @callee main 1 1',
    memory: 'initial=1 max=2 storage=64',
  });

const callee = (body: string, o: { caps?: string; memory?: string } = {}): string =>
  program(body, { params: 1, ...(o.caps ? { caps: o.caps } : {}), memory: o.memory ?? 'initial=0 max=0 storage=64' });

interface Case {
  readonly name: string;
  readonly description: string;
  readonly covers: readonly string[];
  readonly callee: string;
  readonly caller: string;
  readonly call?: Partial<CallSpec>;
}

const CASES: readonly Case[] = [
  { name: 'ok', description: 'a callee returning ok: results, code 0, status 0; unused gas returns', covers: ['VM-CALL-001', 'VM-CALL-003', 'VM-CALL-004', 'VM-OP-CALL', 'VM-CALL-008', 'VM-EXEC-001'], callee: callee('LGET 0\nPUSH 1\nADD\nRET'), caller: caller(5000, 0, 0), call: { args: [41n], check: { results: [42n, 0n, 0n] } } },
  { name: 'untyped-between-modules', description: 'CALL passes raw words: a bool parameter of the callee receives 5 unchecked', covers: ['VM-ABI-002', 'VM-EXEC-001'], callee: callee('LGET 0\nRET').replace('(u128) -> (u128)', '(bool) -> (u128)'), caller: caller(5000, 0, 0), call: { args: [5n], check: { results: [5n, 0n, 0n] } } },
  { name: 'callee-writes', description: 'a callee storage write that returns ok is kept', covers: ['VM-CALL-008', 'VM-SEG-001', 'VM-STATE-DIFF'], callee: callee('PUSH 0\nLGET 0\nSSTORE\nLGET 0\nRET'), caller: caller(5000, 0, 0), call: { args: [9n] } },
  { name: 'callee-reverts', description: 'a callee that writes then reverts: its write is undone, caller sees status 1 with the code and gets the unused gas', covers: ['VM-CALL-004', 'VM-TRAP-002', 'VM-TRAP-004', 'VM-TRAP-005', 'VM-STATE-001'], callee: callee('PUSH 0\nPUSH 7\nSSTORE\nLGET 0\nREVERT'), caller: caller(5000, 0, 0), call: { args: [33n], check: { results: [0n, 33n, 1n] } } },
  { name: 'callee-halts', description: 'a callee that writes then traps: its write is undone, the grant is consumed, caller sees status 2 code 10', covers: ['VM-CALL-004', 'VM-TRAP-002', 'VM-TRAP-003', 'VM-TRAP-005'], callee: callee('PUSH 0\nPUSH 7\nSSTORE\nTRAP'), caller: caller(5000, 0, 0), call: { args: [1n], check: { results: [0n, 10n, 2n] } } },
  { name: 'callee-out-of-gas', description: 'a callee granted too little gas halts out_of_gas (code 1); the caller continues', covers: ['VM-CALL-003', 'VM-TRAP-003', 'VM-TRAP-005', 'VM-GAS-001'], callee: callee('LGET 0\nPUSH 1\nADD\nRET'), caller: caller(3, 0, 0), call: { args: [1n], check: { results: [0n, 1n, 2n] } } },
  { name: 'gas-grant-too-big', description: 'a gas grant above the gas left after G_CALL halts the caller with grant', covers: ['VM-CALL-003', 'VM-EXEC-006'], callee: callee('LGET 0\nRET'), caller: caller(1000, 0, 0), call: { args: [1n], gasLimit: 4 + G_CALL + 999, check: { halt: 'grant' } } },
  { name: 'gas-grant-exact', description: 'a gas grant equal to the gas left after G_CALL is allowed', covers: ['VM-CALL-003'], callee: callee('LGET 0\nRET'), caller: caller(1000, 0, 0), call: { args: [1n], gasLimit: 5 + G_CALL + 1000, check: { status: 'ok' } } },
  { name: 'gas-grant-huge', description: 'a gas grant of 2^128−1 halts the caller with grant', covers: ['VM-CALL-003'], callee: callee('LGET 0\nRET'), caller: caller(`PUSH ${U128_MAX}`, 0, 0), call: { args: [1n], check: { halt: 'grant' } } },
  { name: 'pages-grant-too-big', description: 'a page grant above the caller\'s free pages halts the caller with grant', covers: ['VM-CALL-007', 'VM-MEM-005'], callee: callee('LGET 0\nRET'), caller: caller(1000, 2, 0), call: { args: [1n], memoryPages: 2, check: { halt: 'grant' } } },
  { name: 'pages-grant-exact', description: 'a page grant equal to the caller\'s free pages is allowed', covers: ['VM-CALL-007', 'VM-MEM-005'], callee: callee('MSIZE\nRET', { memory: 'initial=1 max=1 storage=0' }), caller: caller(1000, 1, 0), call: { args: [1n], memoryPages: 2, check: { results: [65536n, 0n, 0n] } } },
  { name: 'callee-initial-over-grant', description: 'a callee whose initial pages exceed its grant halts memory_limit (status 2, code 5)', covers: ['VM-MEM-006', 'VM-CALL-007', 'VM-CALL-004'], callee: callee('MSIZE\nRET', { memory: 'initial=1 max=1 storage=0' }), caller: caller(1000, 0, 0), call: { args: [1n], check: { results: [0n, 5n, 2n] } } },
  { name: 'callee-memory-fresh', description: 'the callee\'s memory is fresh and separate from the caller\'s', covers: ['VM-MEM-001', 'VM-CALL-008'], callee: callee('PUSH 0\nMLOAD\nRET', { memory: 'initial=1 max=1 storage=0' }), caller: caller(1000, 1, 0, 'call', ''), call: { args: [1n] } },
  { name: 'caps-attenuated', description: 'the callee is granted clock.read and uses it', covers: ['VM-CAP-004', 'VM-CALL-002', 'VM-CAP-002'], callee: callee('SYSCALL CLOCK\nRET', { caps: 'clock.read' }), caller: caller(1000, 0, 1, 'call,clock.read'), call: { args: [1n], now: 77n, check: { results: [77n, 0n, 0n] } } },
  { name: 'caps-not-granted', description: 'a callee not granted clock.read halts capability (status 2, code 7)', covers: ['VM-CAP-004', 'VM-CAP-003', 'VM-CAP-002'], callee: callee('SYSCALL CLOCK\nRET', { caps: 'clock.read' }), caller: caller(1000, 0, 0, 'call,clock.read'), call: { args: [1n], check: { results: [0n, 7n, 2n] } } },
  { name: 'caps-beyond-caller', description: 'granting a capability the caller lacks halts the caller with capability', covers: ['VM-CAP-004', 'VM-CALL-002'], callee: callee('SYSCALL CLOCK\nRET', { caps: 'clock.read' }), caller: caller(1000, 0, 1), call: { args: [1n], check: { halt: 'capability' } } },
  { name: 'caps-undefined-bit', description: 'granting an undefined capability bit halts the caller with capability', covers: ['VM-CAP-004'], callee: callee('LGET 0\nRET'), caller: caller(1000, 0, 0x200), call: { args: [1n], check: { halt: 'capability' } } },
  { name: 'call-not-granted', description: 'CALL in a top-level call granted no capabilities halts capability', covers: ['VM-CALL-001', 'VM-CAP-003'], callee: callee('LGET 0\nRET'), caller: caller(1000, 0, 0), call: { args: [1n], caps: 0, check: { halt: 'capability' } } },
  { name: 'caller-id', description: 'CALLER in a callee is the caller\'s module id; ORIGIN is the same at every depth', covers: ['VM-SYS-CALLER', 'VM-SYS-ORIGIN', 'VM-CALL-008', 'VM-MOD-ID'], callee: callee('SYSCALL CALLER\nSYSCALL ORIGIN\nADDW\nRET'), caller: caller(1000, 0, 0), call: { args: [1n], origin: 0x5n } },
  { name: 'logs-of-reverted-callee', description: 'logs of a callee that reverts are discarded; the caller\'s are kept', covers: ['VM-EXEC-005', 'VM-TRAP-002'], callee: callee('PUSH 0\nPUSH 0\nPUSH 1\nLOG 1\nPUSH 4\nREVERT', { caps: 'log.emit' }), caller: caller(1000, 0, 4, 'call,log.emit', 'PUSH 0\nPUSH 0\nPUSH 2\nLOG 1\n'), call: { args: [1n] } },
];

function caseVectors(): FillSpec[] {
  return CASES.map((c) => callVector({ id: `calls/nested/${c.name}`, description: c.description, covers: c.covers, modules: [['callee', c.callee], ['m', c.caller]], calls: [{ module: 'm', ...c.call }] }));
}

/** A chain of `n` modules, each calling the next; the last returns 7; a call_depth shows as 7 → 0+9+2 = 11. */
function depthChain(n: number): CallVectorSpec['modules'] {
  const mods: [string, string][] = [[`d${n}`, program('PUSH 7\nRET', { memory: 'initial=0 max=0 storage=0' })]];
  for (let i = n - 1; i >= 1; i--)
    mods.push([`d${i}`, program(`PUSH ${200_000 - i * 1000}\nPUSH 0\nPUSH 0x100\nCALL next\nADD\nADD\nRET`, { caps: 'call', memory: 'initial=0 max=0 storage=0', head: `.import next @d${i + 1} main 0 1` })]);
  return mods;
}

function depthVectors(): FillSpec[] {
  return [
    callVector({ id: 'calls/depth/16', description: '16 live module calls (the top-level one included) are allowed', covers: ['VM-CALL-005', 'VM-STORE-006'], modules: depthChain(16), calls: [{ module: 'd1', check: { results: [7n] } }] }),
    callVector({ id: 'calls/depth/17', description: 'the 17th module call halts call_depth before its first instruction; its caller sees status 2 code 9', covers: ['VM-CALL-005', 'VM-CALL-004'], modules: depthChain(17), calls: [{ module: 'd1', check: { results: [11n] } }] }),
  ];
}

function linkingVectors(): FillSpec[] {
  const counter = program('PUSH 0\nSLOAD\nPUSH 1\nADD\nDUP 0\nPUSH 0\nSWAP 1\nSSTORE\nRET', { results: 1, memory: 'initial=0 max=0 storage=16' });
  const mid = (name: string): string => program(`PUSH 5000\nPUSH 0\nPUSH 0\nCALL d\nPOP\nPOP\nRET`, { caps: 'call', memory: 'initial=0 max=0 storage=0', head: `.import d @${name} main 0 1` });
  const top = program('PUSH 20000\nPUSH 0\nPUSH 0x100\nCALL b\nPOP\nPOP\nPOP\nPUSH 20000\nPUSH 0\nPUSH 0x100\nCALL c\nPOP\nPOP\nRET', { caps: 'call', memory: 'initial=0 max=0 storage=0', head: '.import b @b main 0 1\n.import c @c main 0 1' });
  const v: FillSpec[] = [
    callVector({ id: 'calls/link/diamond', description: 'a diamond A→B→D, A→C→D shares one D and one storage segment (the counter reaches 2)', covers: ['VM-STORE-006', 'VM-SEG-001', 'VM-STORE-005'], modules: [['d', counter], ['b', mid('d')], ['c', mid('d').replace('PUSH 5000', 'PUSH 5001')], ['a', top]], calls: [{ module: 'a', check: { results: [2n] } }] }),
    callVector({ id: 'calls/sequence/commit', description: 'two top-level calls in sequence: the first commits, the second sees its write', covers: ['VM-STATE-003', 'VM-SEG-001', 'VM-DET-001'], modules: [['d', counter]], calls: [{ module: 'd', check: { results: [1n] } }, { module: 'd', check: { results: [2n] } }] }),
    callVector({ id: 'calls/sequence/revert-then-ok', description: 'a reverted top-level call changes nothing for the next one', covers: ['VM-STATE-003', 'VM-TRAP-002'], modules: [['d', counter], ['r', program('PUSH 0\nPUSH 5\nSSTORE\nPUSH 1\nREVERT', { results: 0, memory: 'initial=0 max=0 storage=16' })]], calls: [{ module: 'r', check: { status: 'revert' } }, { module: 'd', check: { results: [1n] } }] }),
  ];
  // Boundary errors (VM-ABI-001, VM-STORE-*): no module call starts and no state changes (VM-STORE-007).
  const typed = program('LGET 0\nLGET 1\nADD\nLGET 2\nADD\nRET', { params: 3 }).replace('(u128 u128 u128)', '(u64 bool i128)');
  const abi = (name: string, description: string, call: Partial<CallSpec>): FillSpec =>
    callVector({ id: `calls/abi/${name}`, description, covers: ['VM-ABI-001', 'VM-STORE-007'], modules: [['m', typed]], calls: [{ module: 'm', args: [1n, 1n, 1n], ...call }] });
  v.push(abi('ok', 'typed arguments in range (a negative i128 travels as its word)', { args: [(1n << 64n) - 1n, 1n, -1n] }));
  v.push(abi('unknown-entry', 'an unknown entry is refused', { entry: 'nope', check: { error: 'VM-ABI-001' } }));
  v.push(abi('arg-count', 'a wrong argument count is refused', { args: [1n], check: { error: 'VM-ABI-001' } }));
  v.push(abi('u64-range', 'a u64 argument of 2^64 is refused', { args: [1n << 64n, 0n, 0n], check: { error: 'VM-ABI-001' } }));
  v.push(abi('bool-range', 'a bool argument of 2 is refused', { args: [0n, 2n, 0n], check: { error: 'VM-ABI-001' } }));
  v.push(abi('i128-range', 'an i128 argument word of 2^128 is refused', { args: [0n, 0n, 1n << 128n], check: { error: 'VM-ABI-001' } }));
  v.push(abi('gas-limit', 'a gas limit above 2^53−1 is refused', { gasLimit: 2 ** 53, check: { error: 'VM-ABI-001' } }));
  v.push(abi('pages', 'a page grant above 160 is refused', { memoryPages: 161, check: { error: 'VM-ABI-001' } }));
  const importer = program('PUSH 100\nPUSH 0\nPUSH 0\nCALL x\nPOP\nPOP\nRET', { caps: 'call', memory: 'initial=0 max=0 storage=0', head: '.import x @d main 0 1' });
  const missing = callVector({ id: 'calls/link/missing-import', description: 'an import naming a module not in the store fails to link', covers: ['VM-STORE-002', 'VM-STORE-007'], modules: [['d', counter], ['m', importer]], calls: [{ module: 'm', check: { error: 'VM-STORE-002' } }] });
  const dHash = Object.keys(missing.draft.pre.modules)[0] as string;
  const { [dHash]: _dropped, ...rest } = missing.draft.pre.modules;
  v.push({ ...missing, draft: { ...missing.draft, pre: { ...missing.draft.pre, modules: rest } } });
  v.push(callVector({ id: 'calls/link/arity', description: 'an import declaring the wrong arity fails to link', covers: ['VM-STORE-003', 'VM-STORE-007'], modules: [['d', counter], ['m', importer.replace('main 0 1', 'main 0 2').replace('POP\nPOP\nRET', 'POP\nPOP\nPOP\nRET')]], calls: [{ module: 'm', check: { error: 'VM-STORE-003' } }] }));
  v.push(callVector({ id: 'calls/link/unknown-module', description: 'calling a module that is not in the store fails', covers: ['VM-STORE-002'], modules: [['d', counter]], calls: [{ module: '00'.repeat(32), check: { error: 'VM-STORE-002' } }] }));
  const bad = callVector({ id: 'calls/link/hash-mismatch', description: 'module bytes offered under another content address are refused', covers: ['VM-STORE-001', 'VM-MOD-HASH'], modules: [['d', counter]], calls: [{ module: 'd' }] });
  const [[h, bytes]] = Object.entries(bad.draft.pre.modules) as [[string, string]];
  const wrong = (h.slice(0, 63) + (h[63] === '0' ? '1' : '0')) as string;
  v.push({ draft: { ...bad.draft, pre: { ...bad.draft.pre, modules: { [wrong]: bytes } } } });
  return v;
}

function callBoundary(): FillSpec[] {
  const c = program('LGET 0\nRET', { params: 1, memory: 'initial=0 max=0 storage=0' });
  const m = program('PUSH 1\nPUSH 0\nPUSH 0\nPUSH 0\nCALL c\nREVERT', { caps: 'call', results: 0, memory: 'initial=0 max=0 storage=0', head: '.import c @callee main 1 1' });
  return gasBoundary({ id: 'calls/CALL/boundary', description: 'CALL at its gas boundary (a grant of 0)', covers: ['VM-OP-CALL', 'VM-CALL-003'], modules: [['callee', c], ['m', m]], calls: [{ module: 'm', check: { status: 'revert' } }] }, 'CALL');
}

export const callsFiller: Filler = {
  group: 'calls',
  specs: () => [...caseVectors(), ...depthVectors(), ...linkingVectors(), ...callBoundary()],
};
