/**
 * Traces and time travel (spec/curvevm.md §11, VM-TRACE-*): one record per executed instruction with pc,
 * op, gas before, gas cost and the stack before it; replaying to any step gives the same machine view and
 * leaves the world as it was; a cursor walks the trace both ways.
 */
import { readFileSync } from 'node:fs';
import test from 'ava';
import { ModuleStore } from '../../reference/vm/store.ts';
import { TraceCursor, replayTo } from '../../reference/vm/timetravel.ts';
import { World } from '../../reference/vm/world.ts';
import { load, program, run, runLoaded } from './helpers.ts';

const counter = readFileSync(new URL('../../examples/counter.casm', import.meta.url), 'utf8');

test('VM-TRACE-001 one step per instruction: pc, op, gas before, gas cost, stack before', (t) => {
  const r = run(counter, { entry: 'sum', args: [3n], trace: true, gasLimit: 1000 });
  t.deepEqual(r.results, [6n]);
  const steps = r.trace ?? [];
  t.is(steps[0]?.gas, 1000);
  t.like(steps[0], { depth: 1, fn: 0, pc: 0, op: 'LGET', gasCost: 1, stack: [] });
  t.like(steps[1], { pc: 3, op: 'LGET', stack: [0n] });
  t.like(steps[2], { op: 'GE', gasCost: 2, stack: [0n, 3n] });
  for (let i = 0; i + 1 < steps.length; i++) t.is(steps[i + 1]?.gas, (steps[i]?.gas ?? 0) - (steps[i]?.gasCost ?? 0));
  t.is(steps.reduce((n, s) => n + s.gasCost, 0), r.gasUsed);
  t.is(steps.at(-1)?.op, 'RET');
  t.is(steps[0]?.module, r.loaded.lm.hashHex);
  t.is(steps[0]?.memSize, 0);
});

test('VM-TRACE-001 the halting instruction is recorded with the gas it consumed', (t) => {
  const r = run(program('PUSH 1\nPUSH 2\nMUL\nRET'), { trace: true, gasLimit: 4 });
  t.is(r.halt, 'out_of_gas');
  t.deepEqual(r.trace?.map((s) => [s.op, s.gasCost]), [
    ['PUSH8', 1],
    ['PUSH8', 1],
    ['MUL', 2],
  ]);
  const trap = run(program('PUSH -1\nPUSH 1\nADD\nRET'), { trace: true });
  t.deepEqual(trap.trace?.map((s) => s.op), ['PUSH128', 'PUSH8', 'ADD']);
});

test('VM-TRACE-001 nested calls appear at depth 2 inside the CALL step, which costs G_CALL plus the callee', (t) => {
  const callee = load(program('LGET 0\nRET', { params: 1, memory: 'initial=0 max=0' }));
  const caller = load(program('PUSH 5\nPUSH 100\nPUSH 0\nPUSH 0\nCALL c\nPOP\nPOP\nRET', { caps: 'call', head: `.import c 0x${callee.lm.hashHex} main 1 1` }), callee.store);
  const r = runLoaded(caller, { trace: true });
  const ops = r.trace?.map((s) => `${s.depth}:${s.op}`);
  t.deepEqual(ops, ['1:PUSH8', '1:PUSH8', '1:PUSH8', '1:PUSH8', '1:CALL', '2:LGET', '2:RET', '1:POP', '1:POP', '1:RET']);
  t.is(r.trace?.[4]?.gasCost, 200 + 3);
  t.is(r.trace?.[5]?.gas, 100, 'the callee starts with its grant');
  t.is(r.trace?.[5]?.module, callee.lm.hashHex);
});

test('VM-TRACE-002 replaying to step k gives the recorded view at k and leaves the world unchanged', (t) => {
  const world = new World();
  const l = load(program('PUSH 0\nSLOAD\nPUSH 1\nADD\nDUP 0\nPUSH 0\nSWAP 1\nSSTORE\nRET'), new ModuleStore(), world);
  const spec = { store: l.store, world, module: l.lm.hashHex, entry: 'main', args: [], opts: { gasLimit: 1000 } };
  const recorded = runLoaded(l, { trace: true, gasLimit: 1000 });
  // The recorded call committed 1; replays start from that state and must not change it.
  const before = JSON.stringify(world.toJSON());
  const again = execTrace(spec);
  for (let k = 0; k < again.length; k++) {
    const v = replayTo(spec, k);
    t.like(v, { step: k, pc: again[k]?.pc, op: again[k]?.op, gas: again[k]?.gas, stack: again[k]?.stack });
  }
  t.is(replayTo(spec, again.length), undefined, 'the call ends before that step');
  t.is(JSON.stringify(world.toJSON()), before);
  t.throws(() => replayTo(spec, -1), { instanceOf: RangeError });
  t.is(recorded.trace?.length, again.length);
  t.deepEqual(replayTo(spec, 0)?.locals, []);
});

/** The trace a fresh run of `spec` would record, without committing it. */
function execTrace(spec: { store: ModuleStore; world: World; module: string }): NonNullable<ReturnType<typeof runLoaded>['trace']> {
  const w = spec.world.clone();
  const lm = spec.store.get(spec.module);
  if (!lm) throw new Error('module missing');
  const r = runLoaded({ store: spec.store, world: w, lm, module: lm.module, bytes: lm.decoded.bytes }, { trace: true, gasLimit: 1000 });
  return r.trace ?? [];
}

test('VM-TRACE-002 TraceCursor steps forward, back, seeks and searches', (t) => {
  const r = run(counter, { entry: 'sum', args: [2n], trace: true });
  const c = new TraceCursor(r.trace ?? []);
  t.is(c.current()?.pc, 0);
  t.is(c.back()?.pc, 0, 'back at the start stays');
  t.is(c.forward(2)?.op, 'GE');
  t.is(c.index, 2);
  t.is(c.findNext((s) => s.op === 'ADD')?.op, 'ADD');
  const at = c.index;
  t.is(c.findNext((s) => s.op === 'NOPE'), undefined);
  t.is(c.index, at, 'a failed search stays put');
  t.is(c.findPrev((s) => s.op === 'GE')?.op, 'GE');
  t.is(c.findPrev((s) => s.op === 'NOPE'), undefined);
  t.is(c.seek(1e9)?.op, 'RET');
  t.is(c.forward()?.op, 'RET');
  t.is(c.seek(-5)?.pc, 0);
});
