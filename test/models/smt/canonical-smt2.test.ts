/**
 * PROOF-CERT-004: a bytecode certificate does not depend on what the z3 context built before it. z3 prints
 * `let` names after AST ids and binds a subterm only when its context-wide reference count is above one;
 * canonicalSmt2 prints the query again from a scratch context and numbers the names, so the same query
 * gives the same bytes alone or after other obligations.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { assembleToBytes } from '../../../reference/vm/asm.ts';
import type { CompiledModule } from '../../../reference/compiler/artifact.ts';
import { ModuleStore } from '../../../reference/vm/store.ts';
import { proveOne } from '../../../models/smt/prove.ts';
import { obligationsFor } from '../../../models/smt/symexec/index.ts';
import { canonicalSmt2, closeZ3, renumberLets } from '../../../models/smt/z3.ts';

test.after.always(async () => {
  await closeZ3();
});

test('PROOF-CERT-004 one formula written with different let bindings and names has one canonical text', async (t) => {
  const decls = '(declare-fun x () (_ BitVec 32))\n(declare-fun y () (_ BitVec 32))\n';
  // what z3 printed for the same query in a fresh context and after other obligations
  const shared = `; \n(set-info :status unknown)\n${decls}(assert\n (let ((?x24359 (bvadd x y)))\n (let ((?x27273 (bvmul ?x24359 x)))\n (bvugt ?x27273 (_ bv7 32)))))\n(assert\n (bvult (bvsub (bvmul x y) y) (_ bv3 32)))\n(check-sat)\n`;
  const inlined = `; \n(set-info :status unknown)\n${decls}(assert\n (bvugt (bvmul (bvadd x y) x) (_ bv7 32)))\n(assert\n (let ((?x5 (bvmul x y)))\n (bvult (bvsub ?x5 y) (_ bv3 32))))\n(check-sat)\n`;
  t.not(renumberLets(shared), renumberLets(inlined));
  const a = await canonicalSmt2(shared);
  t.is(a, await canonicalSmt2(inlined));
  t.regex(a, /\(set-info :status unknown\)/);
  t.is((a.match(/\(assert/g) ?? []).length, 2, 'the assertions are kept, in order');
  t.is(await canonicalSmt2(shared, 'unsat'), a.replace(':status unknown', ':status unsat'));
  await t.throwsAsync(canonicalSmt2('(assert (bvult x'), { message: /certificate does not parse/ });
});

test('PROOF-CERT-004 a bytecode obligation gives byte-identical certificates alone and after the other obligations of its module', async (t) => {
  const file = 'release-no-min.casm';
  const subject = () => {
    const store = new ModuleStore();
    const lm = store.add(assembleToBytes(readFileSync('test/models/smt/symexec/fixtures/' + file, 'utf8'), file));
    store.link(lm.hashHex);
    const entries = [{ name: 'release', index: 0, params: ['user', 'slab', 'asset', 'cap'].map((p) => ({ name: p, type: 'u128', words: ['u128'] as const })), results: [], gasBound: 0n }];
    const mod = { name: `router:${file}`, kind: 'router', storage: [], entries, constants: new Map(), hash: lm.hashHex } as unknown as CompiledModule;
    return { mod, store, lm, template: '' };
  };
  const clock = () => 0;
  const alone = obligationsFor(subject()).find((o) => o.id.endsWith('ADV1-burned'));
  if (!alone) return t.fail('no ADV1 obligation');
  const first = await proveOne(alone, 30_000, clock);
  const later = obligationsFor(subject());
  const entries = [];
  for (const o of later) entries.push(await proveOne(o, 30_000, clock));
  const again = entries.find((e) => e.id === alone.id);
  t.truthy(first.result.smt2);
  t.is(again?.result.smt2, first.result.smt2);
});
