/**
 * Nested module calls (spec/curvevm.md §7, VM-CALL-*): a CALL passes arguments, a gas sub-grant, a memory
 * grant and an attenuated capability set; unused gas returns; a callee halt consumes only its grant; a
 * callee revert pushes its code; the callee's writes vanish when it fails; depth limits.
 */
import test from 'ava';
import { CAP } from '../../reference/vm/capabilities.ts';
import { G_CALL } from '../../reference/vm/gas.ts';
import { CALL_STATUS, haltCode } from '../../reference/vm/halts.ts';
import { MAX_CALL_DEPTH } from '../../reference/vm/interpreter.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';
import { load, program, runLoaded, type Loaded } from './helpers.ts';

/** Load a callee (entry `main`, one param, one result) and a caller that CALLs it; both share a store and world. */
function pair(calleeBody: string, callerBody: string, o: { calleeCaps?: string; callerCaps?: string; calleeMemory?: string; callerMemory?: string } = {}): { callee: Loaded; caller: Loaded } {
  const callee = load(program(calleeBody, { params: 1, caps: o.calleeCaps ?? 'none', memory: o.calleeMemory ?? 'initial=0 max=0 storage=64' }));
  const head = `.import c 0x${callee.lm.hashHex} main 1 1`;
  const caller = load(program(callerBody, { results: 3, caps: o.callerCaps ?? 'call', head, ...(o.callerMemory ? { memory: o.callerMemory } : {}) }), callee.store, callee.world);
  return { callee, caller };
}
/** arg gas pages caps CALL c → [result, code, status]. */
const callWith = (arg: number, gas: number, pages = 0, caps = 0): string => `PUSH ${arg}\nPUSH ${gas}\nPUSH ${pages}\nPUSH ${caps}\nCALL c\nRET`;

test('VM-CALL-001 VM-CALL-004 CALL passes arguments and pushes results, code 0 and status ok', (t) => {
  const { caller } = pair('LGET 0\nPUSH 1\nADD\nRET', callWith(41, 1000));
  const r = runLoaded(caller, { trace: true });
  t.deepEqual(r.results, [42n, 0n, CALL_STATUS.ok]);
  const call = r.trace?.find((s) => s.op === 'CALL' && s.depth === 1);
  t.is(call?.gasCost, G_CALL + 6, 'CALL costs G_CALL plus what the callee used (LGET 1, PUSH 1, ADD 2, RET 2)');
});

test('VM-CALL-003 unused gas of the sub-grant returns to the caller', (t) => {
  const { caller } = pair('LGET 0\nRET', callWith(1, 5000));
  const r = runLoaded(caller, { gasLimit: 10_000 });
  t.is(r.status, 'ok');
  t.is(r.gasUsed, 4 + G_CALL + 3 + 2, 'four pushes, the call and its 3 gas, RET');
});

test('VM-TRAP-003 VM-TRAP-005 a callee halt consumes its grant only; the caller continues with status halt and the kind code', (t) => {
  const { caller } = pair('TRAP', callWith(1, 700));
  const r = runLoaded(caller, { gasLimit: 10_000 });
  t.is(r.status, 'ok');
  t.deepEqual(r.results, [0n, haltCode('unreachable'), CALL_STATUS.halt]);
  t.is(r.gasUsed, 4 + G_CALL + 700 + 2);
  const oog = runLoaded(pair('PUSH 1\nPUSH 2\nADD\nRET', callWith(1, 3)).caller);
  t.deepEqual(oog.results, [0n, haltCode('out_of_gas'), CALL_STATUS.halt]);
});

test('VM-TRAP-004 VM-CALL-004 a callee revert pushes its code and returns its unused gas', (t) => {
  const { caller } = pair('PUSH 77\nREVERT', callWith(1, 700));
  const r = runLoaded(caller);
  t.deepEqual(r.results, [0n, 77n, CALL_STATUS.revert]);
  t.is(r.gasUsed, 4 + G_CALL + 1 + 2);
});

test('VM-CALL-003 a gas grant above the gas left traps `grant` in the caller', (t) => {
  const { caller } = pair('LGET 0\nRET', callWith(1, 10_000));
  const r = runLoaded(caller, { gasLimit: 5000 });
  t.is(r.halt, 'grant');
  t.is(r.gasUsed, 5000);
  // Exactly the gas left after the CALL's own cost is allowed; one more traps.
  const left = 5000 - 4 - G_CALL;
  t.deepEqual(runLoaded(pair('LGET 0\nRET', callWith(1, left)).caller, { gasLimit: 5000 }).results, [1n, 0n, 0n]);
  t.is(runLoaded(pair('LGET 0\nRET', callWith(1, left + 1)).caller, { gasLimit: 5000 }).halt, 'grant');
});

test('VM-CAP-004 granting capabilities the caller lacks traps `capability` in the caller', (t) => {
  const { caller } = pair('LGET 0\nRET', callWith(1, 100, 0, CAP['clock.read']), { calleeCaps: 'clock.read' });
  t.is(runLoaded(caller).halt, 'capability');
  // Declared but not granted to the caller's own call: still lacking.
  const declared = pair('LGET 0\nRET', callWith(1, 100, 0, CAP['clock.read']), { calleeCaps: 'clock.read', callerCaps: 'call,clock.read' }).caller;
  t.is(runLoaded(declared, { caps: CAP.call }).halt, 'capability');
  t.is(runLoaded(declared).status, 'ok');
});

test('VM-CAP-002 the callee runs with granted ∩ its declared capabilities', (t) => {
  const src = (caps: number): string => callWith(1, 100, 0, caps);
  const ok = pair('SYSCALL CLOCK\nRET', src(CAP['clock.read']), { calleeCaps: 'clock.read', callerCaps: 'call,clock.read' }).caller;
  t.deepEqual(runLoaded(ok, { now: 5n }).results, [5n, 0n, 0n]);
  const none = pair('SYSCALL CLOCK\nRET', src(0), { calleeCaps: 'clock.read', callerCaps: 'call,clock.read' }).caller;
  t.deepEqual(runLoaded(none).results, [0n, haltCode('capability'), CALL_STATUS.halt]);
});

test('VM-CALL-007 VM-MEM-006 the memory grant bounds the callee; a grant above the caller’s free pages traps `grant`', (t) => {
  const grow = 'PUSH 2\nMGROW\nRET';
  const fits = pair(grow, callWith(1, 5000, 3), { calleeMemory: 'initial=1 max=4' }).caller;
  t.deepEqual(runLoaded(fits).results, [1n, 0n, 0n]);
  const tight = pair(grow, callWith(1, 5000, 2), { calleeMemory: 'initial=1 max=4' }).caller;
  t.deepEqual(runLoaded(tight).results, [0n, haltCode('memory_limit'), CALL_STATUS.halt]);
  const noInitial = pair('LGET 0\nRET', callWith(1, 5000, 0), { calleeMemory: 'initial=1 max=1' }).caller;
  t.deepEqual(runLoaded(noInitial).results, [0n, haltCode('memory_limit'), CALL_STATUS.halt]);
  // The caller holds 1 page of its 4-page grant: 3 are free.
  const over = pair('LGET 0\nRET', callWith(1, 5000, 4), { calleeMemory: 'initial=0 max=0' }).caller;
  t.is(runLoaded(over, { memoryPages: 4 }).halt, 'grant');
  t.is(runLoaded(over, { memoryPages: 5 }).status, 'ok');
});

test('VM-TRAP-002 a failed callee’s writes vanish; the caller’s writes before the call stay', (t) => {
  const calleeBody = 'PUSH 0\nPUSH 9\nSSTORE\nPUSH 0\nPUSH 0\nLOG 0\nLGET 0\nJUMPI fail\nPUSH 1\nRET\nfail:\nTRAP';
  const callerBody = `PUSH 0\nPUSH 5\nSSTORE\nLGET 0\nPUSH 5000\nPUSH 0\nPUSH ${CAP['log.emit']}\nCALL c\nRET`;
  const callee = load(program(calleeBody, { params: 1, caps: 'log.emit', memory: 'initial=0 max=0 storage=64' }));
  const caller = load(program(callerBody, { params: 1, results: 3, caps: 'call,log.emit', head: `.import c 0x${callee.lm.hashHex} main 1 1` }), callee.store, callee.world);
  const w = caller.world;
  const failed = runLoaded(caller, { args: [1n] });
  t.deepEqual(failed.results, [0n, haltCode('unreachable'), CALL_STATUS.halt]);
  t.is(w.readSegmentWord(caller.lm.hashHex, 0), 5n);
  t.is(w.readSegmentWord(callee.lm.hashHex, 0), 0n);
  t.is(failed.logs.length, 0);
  const ok = runLoaded(caller, { args: [0n] });
  t.deepEqual(ok.results, [1n, 0n, 0n]);
  t.is(w.readSegmentWord(callee.lm.hashHex, 0), 9n);
  t.is(ok.logs.length, 1);
  t.is(ok.logs[0]?.module, callee.lm.hashHex);
});

test('VM-TRAP-002 a caller halt after a successful call undoes the callee’s writes too', (t) => {
  const callee = load(program('PUSH 0\nPUSH 9\nSSTORE\nLGET 0\nRET', { params: 1, memory: 'initial=0 max=0 storage=64' }));
  const body = callWith(1, 500).replace('RET', 'TRAP');
  const caller = load(program(body, { results: 0, caps: 'call', head: `.import c 0x${callee.lm.hashHex} main 1 1` }), callee.store, callee.world);
  const before = JSON.stringify(caller.world.toJSON());
  t.is(runLoaded(caller).halt, 'unreachable');
  t.is(JSON.stringify(caller.world.toJSON()), before);
});

test('VM-SYS-CALLER inside a callee is the caller’s module id', (t) => {
  const { caller } = pair('SYSCALL CALLER\nRET', callWith(1, 100));
  t.deepEqual(runLoaded(caller, { origin: 3n }).results, [caller.lm.id, 0n, 0n]);
});

/** A chain of `n` modules, each calling the next; the leaf returns 1, others return callee + 1 or 1000 + code. */
function chain(n: number): Loaded {
  const store = new ModuleStore();
  const world = new World();
  let next = load(program('PUSH 1\nRET', { memory: 'initial=0 max=0 storage=0' }), store, world);
  for (let i = 1; i < n; i++) {
    const body = `GAS\nPUSH 1000\nSUB\nPUSH 0\nPUSH ${CAP.call}\nCALL c\nJUMPI fail\nPOP\nPUSH 1\nADD\nRET\nfail:\nSWAP 1\nPOP\nPUSH 1000\nADD\nRET`;
    next = load(program(body, { caps: 'call', memory: 'initial=0 max=0 storage=0', head: `.import c 0x${next.lm.hashHex} main 0 1` }), store, world);
  }
  return next;
}

test('VM-CALL-005 module calls nest 16 deep; the 17th halts call_depth', (t) => {
  t.is(MAX_CALL_DEPTH, 16);
  t.deepEqual(runLoaded(chain(16)).results, [16n]);
  // Depth 16 sees its callee halt with call_depth (1000 + code); 15 callers add one each.
  t.deepEqual(runLoaded(chain(17)).results, [1000n + haltCode('call_depth') + 15n]);
});

test('VM-CALL-006 CALLF nests 256 function frames per module call; one more halts call_depth', (t) => {
  const funcs = (n: number): string => Array.from({ length: n }, (_, i) => `.func g${i} params=0 results=1 locals=0\n${i === n - 1 ? 'PUSH 7' : `CALLF g${i + 1}`}\nRET`).join('\n');
  t.deepEqual(runLoaded(load(program('CALLF g0\nRET', { head: funcs(255) }))).results, [7n]);
  const r = runLoaded(load(program('CALLF g0\nRET', { head: funcs(256) })));
  t.is(r.halt, 'call_depth');
});

test('VM-OP-CALLF passes params as locals and pushes results', (t) => {
  const head = '.func sub params=2 results=2 locals=1\nLGET 0\nLGET 1\nSUB\nLGET 2\nRET';
  t.deepEqual(runLoaded(load(program('PUSH 10\nPUSH 3\nCALLF sub\nADD\nRET', { head }))).results, [7n]);
});
