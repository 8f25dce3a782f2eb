/**
 * The module store (spec/curvevm.md §3.3, VM-STORE-*): load by content hash, refuse mismatched bytes,
 * resolve the import closure sharing diamond dependencies, report missing modules, bad imports and
 * cycles; the `execute` boundary's usage errors.
 */
import test from 'ava';
import { StoreError, UsageError } from '../../reference/lib/errors.ts';
import { U64_MAX, U128_MAX, fromSigned } from '../../reference/lib/u128.ts';
import { assemble } from '../../reference/vm/asm.ts';
import { CAP } from '../../reference/vm/capabilities.ts';
import { encodeArg, execute } from '../../reference/vm/interpreter.ts';
import { encodeModule } from '../../reference/vm/module.ts';
import { ModuleStore, type LoadedModule } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';
import { load, program, runLoaded } from './helpers.ts';

const leafSrc = program('LGET 0\nPUSH 1\nADD\nRET', { params: 1, memory: 'initial=0 max=0 storage=0' });
/** A module whose `main` (no params, one result) CALLs `entry` of `hash` with `params` copies of `arg`. */
const importing = (hash: string, entry = 'main', params = 1, arg = 1): string =>
  program(`${Array.from({ length: params }, () => `PUSH ${arg}`).join('\n')}\nPUSH 100\nPUSH 0\nPUSH 0\nCALL c\nPOP\nPOP\nRET`, {
    caps: 'call',
    head: `.import c 0x${hash} ${entry} ${params} 1`,
    memory: 'initial=0 max=0 storage=0',
  });

function storeErr(t: import('ava').ExecutionContext, f: () => unknown, code: string, re: RegExp): void {
  const e = t.throws(f, { instanceOf: StoreError });
  t.is(e?.code, code);
  t.regex(e?.message ?? '', re);
}

test('VM-STORE-001 bytes that do not hash to the given name are refused', (t) => {
  const bytes = encodeModule(assemble(leafSrc));
  const store = new ModuleStore();
  storeErr(t, () => store.addExpecting('00'.repeat(32), bytes, 'm.cvm'), 'VM-STORE-001', /hash to [0-9a-f]{64}, not 0{64}/);
  t.deepEqual(store.hashes(), [], 'nothing was stored');
  const lm = store.addExpecting('0x' + load(leafSrc).lm.hashHex.toUpperCase(), bytes);
  t.is(store.get('0x' + lm.hashHex), lm, '0x prefix and case do not matter');
});

test('VM-STORE add is idempotent per hash; hashes() is sorted', (t) => {
  const store = new ModuleStore();
  const a = store.add(encodeModule(assemble(leafSrc)));
  t.is(store.add(encodeModule(assemble(leafSrc))), a);
  store.add(encodeModule(assemble(program('PUSH 2\nRET'))));
  const hs = store.hashes();
  t.deepEqual(hs, [...hs].sort());
  t.is(hs.length, 2);
});

test('VM-STORE-002 linking a missing module or a module whose import is missing fails', (t) => {
  const store = new ModuleStore();
  storeErr(t, () => store.link('ab'.repeat(32)), 'VM-STORE-002', /not in the store/);
  const l = load(importing('cd'.repeat(32)), store);
  storeErr(t, () => store.link(l.lm.hashHex), 'VM-STORE-002', /import 0 needs missing module cdcd/);
  t.throws(() => runLoaded(l), { instanceOf: StoreError });
});

test('VM-STORE-003 an import naming a missing entry or the wrong arity fails', (t) => {
  const leaf = load(leafSrc);
  const noEntry = load(importing(leaf.lm.hashHex, 'nope'), leaf.store);
  storeErr(t, () => leaf.store.link(noEntry.lm.hashHex), 'VM-STORE-003', /has no entry nope/);
  const arity = load(importing(leaf.lm.hashHex, 'main', 2), leaf.store);
  storeErr(t, () => leaf.store.link(arity.lm.hashHex), 'VM-STORE-003', /declared 2→1, callee has 1→1/);
});

test('VM-STORE-004 import cycles are reported with the path', (t) => {
  const store = new ModuleStore();
  const fake = '22'.repeat(32);
  // A imports `fake`; B imports A; then `fake` is made to resolve to B (content hashes cannot form a
  // cycle, so the private map is edited directly): A → B → A.
  const a = load(importing(fake, 'main', 0), store);
  const b = load(importing(a.lm.hashHex, 'main', 0), store);
  (store as unknown as { modules: Map<string, LoadedModule> }).modules.set(fake, b.lm);
  storeErr(t, () => store.link(a.lm.hashHex), 'VM-STORE-004', new RegExp(`import cycle: ${a.lm.hashHex.slice(0, 12)} → ${b.lm.hashHex.slice(0, 12)} → ${a.lm.hashHex.slice(0, 12)}`));
});

test('VM-STORE diamond dependencies are shared: one LoadedModule per hash', (t) => {
  const d = load(leafSrc);
  const b = load(importing(d.lm.hashHex), d.store);
  const c = load(importing(d.lm.hashHex, 'main', 1, 2), d.store);
  const top = program(`CALLF bb\nCALLF cc\nADD\nRET`, {
    caps: 'call',
    memory: 'initial=0 max=0 storage=0',
    head: [
      `.import b 0x${b.lm.hashHex} main 0 1`,
      `.import c 0x${c.lm.hashHex} main 0 1`,
      `.func bb params=0 results=1 locals=0\nPUSH 1000\nPUSH 0\nPUSH ${CAP.call}\nCALL b\nPOP\nPOP\nRET`,
      `.func cc params=0 results=1 locals=0\nPUSH 1000\nPUSH 0\nPUSH ${CAP.call}\nCALL c\nPOP\nPOP\nRET`,
    ].join('\n'),
  });
  const a = load(top, d.store, d.world);
  const linked = d.store.link(a.lm.hashHex);
  t.is(linked.imports[0]?.imports[0], linked.imports[1]?.imports[0]);
  t.is(linked.imports[0]?.imports[0], d.lm);
  t.true(d.lm.linked);
  t.deepEqual(runLoaded(a).results, [2n + 3n]);
});

test('VM-ABI-001 execute: unknown entry, wrong argument count or range, bad gas limit or memory grant are UsageErrors', (t) => {
  const l = load(program('LGET 0\nRET', { params: 1 }));
  const ex = (entry: string, args: bigint[], gasLimit = 100, memoryPages?: number) =>
    execute(l.store, new World(), l.lm.hashHex, entry, args, { gasLimit, ...(memoryPages !== undefined ? { memoryPages } : {}) });
  t.regex(t.throws(() => ex('nope', [1n]), { instanceOf: UsageError })?.message ?? '', /no entrypoint "nope" \(has: main\)/);
  t.regex(t.throws(() => ex('main', []), { instanceOf: UsageError })?.message ?? '', /takes 1 argument/);
  t.regex(t.throws(() => ex('main', [U128_MAX + 1n]), { instanceOf: UsageError })?.message ?? '', /outside u128/);
  t.throws(() => ex('main', [-1n]), { instanceOf: UsageError });
  t.throws(() => ex('main', [1n], -1), { instanceOf: UsageError });
  t.throws(() => ex('main', [1n], 1.5), { instanceOf: UsageError });
  t.throws(() => ex('main', [1n], 100, 161), { instanceOf: UsageError });
  t.is(ex('main', [1n], 100, 1).status, 'ok');
});

test('VM-ABI-001 encodeArg checks each value type', (t) => {
  t.is(encodeArg('u64', U64_MAX), U64_MAX);
  t.is(encodeArg('u64', U64_MAX + 1n), 'outside u64');
  t.is(encodeArg('bool', 1n), 1n);
  t.is(encodeArg('bool', 2n), 'not a bool (0 or 1)');
  t.is(encodeArg('i128', -1n), fromSigned(-1n));
  t.is(encodeArg('i128', -(1n << 127n) - 1n), 'outside i128');
  t.is(encodeArg('u128', -1n), 'outside u128');
});
