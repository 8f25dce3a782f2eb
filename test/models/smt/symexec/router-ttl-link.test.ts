/**
 * F1's link at bytecode level (models/smt/symexec/router-checks.ts ttlPassedWithinCap): every CALLF of
 * reserve_leg passes a ttl ≤ CAP_TTL, decided at the call's checkpoint with reserve_leg havocked
 * (summary.ts checkpointView). Proved on the shipped router's reserve_route and on a fixture that checks
 * the ttl; a fixture that drops the upper TTL check yields a counterexample replayed on the VM, and its
 * regression vector under conformance/vectors/regressions/ mints a cap outliving CAP_TTL.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTemplates } from '../../../../cli/commands/compile.ts';
import { FORMAT_VERSION } from '../../../../conformance/format.ts';
import type { CompiledModule } from '../../../../reference/compiler/artifact.ts';
import { assembleToBytes } from '../../../../reference/vm/asm.ts';
import { ModuleStore } from '../../../../reference/vm/store.ts';
import { proveHoare, type Replayed, type Subject } from '../../../../models/smt/symexec/hoare.ts';
import { obligationsFor, subjects } from '../../../../models/smt/symexec/index.ts';
import { callersOf, syscallSequence, ttlPassedWithinCap } from '../../../../models/smt/symexec/router-checks.ts';
import { functionIndex } from '../../../../models/smt/symexec/run.ts';
import { checkpointView } from '../../../../models/smt/symexec/summary.ts';
import { regressionVector } from '../../../../models/smt/symexec/vector.ts';
import { closeZ3 } from '../../../../models/smt/z3.ts';
import { replayVector } from './replay-vector.ts';

test.after.always(() => closeZ3());

const DIR = 'test/models/smt/symexec/fixtures/';
const CAP_TTL = 1000n;
const TTL_WORD = 4;

/** A hand-written router as a proof subject, with reserve_leg's calls as checkpoints. */
function fixture(file: string): { s: Subject; callee: number } {
  const text = readFileSync(DIR + file, 'utf8');
  const store = new ModuleStore();
  const lm = store.add(assembleToBytes(text, file), file);
  store.link(lm.hashHex);
  const entries = [{ name: 'reserve_route', index: 0, params: ['user', 'slab', 'asset', 'amount', 'ttl'].map((p) => ({ name: p, type: 'u128', words: ['u128'] as const })), results: [], gasBound: 0n }];
  const mod = { name: `router:${file}`, kind: 'router', storage: [], entries, constants: new Map([['cap_ttl_ms', CAP_TTL]]), hash: lm.hashHex } as unknown as CompiledModule;
  const callee = functionIndex(text, 'reserve_leg') as number;
  return { s: { mod, store, lm: checkpointView(lm, [callee]), template: '' }, callee };
}

test.serial('F1 a route that passes reserve_leg an unchecked ttl yields a reproduced counterexample whose vector mints a cap outliving CAP_TTL', async (t) => {
  const { s, callee } = fixture('route-ttl-unchecked.casm');
  t.deepEqual(callersOf(s.lm, callee), [0]);
  let replayed: Replayed | undefined;
  const r = await proveHoare(s, 'reserve_route', ttlPassedWithinCap(callee, TTL_WORD, CAP_TTL), { timeoutMs: 30_000 }, (x) => (replayed = x));
  t.is(r.verdict, 'counterexample', r.reason);
  t.true(r.counterexample?.reproduced);
  if (!replayed) return t.fail('no replay recorded');
  const v = regressionVector(replayed, 'router-route-ttl-unchecked', 'SAFE-DEBIT/router/reserve_route/F1-ttl-passed', ['F1', 'R4'], FORMAT_VERSION);
  // the fresh vector goes to a temp dir (tests never rewrite the tree); the committed one must show it too
  const fresh = join(mkdtempSync(join(tmpdir(), 'cx-')), 'router-route-ttl-unchecked.json');
  writeFileSync(fresh, JSON.stringify({ format: FORMAT_VERSION, vectors: [v] }, null, 2) + '\n');
  t.log(`fresh vector: ${fresh}`);
  for (const file of [fresh, 'conformance/vectors/regressions/router-route-ttl-unchecked.json']) {
    const { res, world, args, now, lm } = replayVector(JSON.parse(readFileSync(file, 'utf8')).vectors[0]);
    t.true(args[TTL_WORD]! > CAP_TTL, `${file}: ttl ${args[TTL_WORD]} > CAP_TTL ${CAP_TTL}`);
    const calls = (res.trace ?? []).filter((st) => st.op === 'CALLF' && st.depth === 1);
    t.is(calls.length, 1, `${file}: reserve_route called reserve_leg`);
    t.is(calls[0]!.stack[calls[0]!.stack.length - 5 + TTL_WORD], args[TTL_WORD], `${file}: with the route's ttl`);
    if (res.status === 'ok' && syscallSequence(lm, res).some((c) => c.name === 'CAP_MINT')) {
      const cap = world.cap(res.results[0]!);
      t.true(cap !== undefined && cap.expiry > now + CAP_TTL, `${file}: cap expiry ${cap?.expiry} > now ${now} + CAP_TTL ${CAP_TTL}: it outlives CAP_TTL (F1 violated)`);
    }
  }
});

test.serial('F1 the bounded twin (1 ≤ ttl ≤ CAP_TTL checked before the call) proves F1-ttl-passed, not vacuous', async (t) => {
  const { s, callee } = fixture('route-ttl-checked.casm');
  const r = await proveHoare(s, 'reserve_route', ttlPassedWithinCap(callee, TTL_WORD, CAP_TTL), { timeoutMs: 30_000 });
  t.is(r.verdict, 'proved', r.reason);
  t.truthy(r.witness);
});

test.serial('F1 the shipped router: reserve_route F1-ttl-passed (every CALLF of reserve_leg passes ttl ≤ CAP_TTL) is proved with a witness', async (t) => {
  const router = subjects(readFileSync('examples/perp.curve', 'utf8'), loadTemplates(undefined)).find((x) => x.mod.kind === 'router');
  if (!router) return t.fail('no router in the shipped venue');
  const obs = obligationsFor(router).filter((o) => o.id.endsWith('/F1-ttl-passed'));
  t.deepEqual(
    obs.map((o) => o.id),
    ['SAFE-DEBIT/main/reserve_route/F1-ttl-passed'],
  );
  const r = await obs[0]!.run({ timeoutMs: 60_000 });
  t.is(r.verdict, 'proved', r.reason);
  t.truthy(r.witness, 'a witness model: some call of reserve_leg is reachable');
});
