/**
 * The Router cap obligations of models/smt/symexec/router-checks.ts (issue 5): F1-cap-expiry and the
 * strengthened ADV1-burned are proved (with a witness) on the shipped router, and each has a deliberately
 * broken Router fixture whose solver model, replayed on the VM, reproduces the violation; the regression
 * vector written for it under conformance/vectors/regressions/ shows the violation again from its JSON.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTemplates } from '../../../../cli/commands/compile.ts';
import { FORMAT_VERSION } from '../../../../conformance/format.ts';
import type { CompiledModule } from '../../../../reference/compiler/artifact.ts';
import { hexToBytes } from '../../../../reference/lib/hex.ts';
import { assembleToBytes } from '../../../../reference/vm/asm.ts';
import { ModuleStore } from '../../../../reference/vm/store.ts';
import { obligationsFor, subjects, type BytecodeObligation, type Subject } from '../../../../models/smt/symexec/index.ts';
import { functionParamWord, syscallSequence } from '../../../../models/smt/symexec/router-checks.ts';
import { regressionVector } from '../../../../models/smt/symexec/vector.ts';
import { closeZ3 } from '../../../../models/smt/z3.ts';
import { replayVector } from './replay-vector.ts';

test.after.always(async () => {
  await closeZ3();
});

const DIR = 'test/models/smt/symexec/fixtures/';
const CAP_TTL = 1000n;

/** A hand-written router (and the modules its `.import ./x.casm` lines name) as a proof subject. */
function fixture(file: string, params: Record<string, readonly string[]>): Subject {
  const store = new ModuleStore();
  const lm = store.add(
    assembleToBytes(readFileSync(DIR + file, 'utf8'), file, {
      resolveImport: (ref) => {
        const callee = ref.replace(/^\.\//, '');
        return hexToBytes(store.add(assembleToBytes(readFileSync(DIR + callee, 'utf8'), callee), callee).hashHex);
      },
    }),
  );
  store.link(lm.hashHex);
  const entries = Object.entries(params).map(([name, ps], index) => ({ name, index, params: ps.map((p) => ({ name: p, type: 'u128', words: ['u128'] as const })), results: [], gasBound: 0n }));
  const mod = { name: `router:${file}`, kind: 'router', storage: [], entries, constants: new Map([['cap_ttl_ms', CAP_TTL]]), hash: lm.hashHex } as unknown as CompiledModule;
  return { mod, store, lm, template: '' };
}

/** Run a fixture obligation to a reproduced counterexample; returns the fresh and the committed vector files. */
async function reproduce(t: import('ava').ExecutionContext, ob: BytecodeObligation | undefined, name: string): Promise<string[]> {
  if (!ob) {
    t.fail('no such obligation for the fixture');
    return [];
  }
  const r = await ob.run({ timeoutMs: 30_000 });
  t.is(r.verdict, 'counterexample', r.reason);
  t.true(r.counterexample?.reproduced);
  const rep = ob.replayed;
  if (!rep) {
    t.fail('no replay recorded');
    return [];
  }
  const v = regressionVector(rep, name, ob.id, ob.invariants, FORMAT_VERSION);
  // the fresh vector goes to a temp dir (tests never rewrite the tree); the committed one must reproduce too
  const fresh = join(mkdtempSync(join(tmpdir(), 'cx-')), `${name}.json`);
  writeFileSync(fresh, JSON.stringify({ format: FORMAT_VERSION, vectors: [v] }, null, 2) + '\n');
  t.log(`fresh vector: ${fresh}`);
  return [fresh, `conformance/vectors/regressions/${name}.json`];
}

test.serial('F1 a router that mints its cap with the slab-reported expiry unclamped yields a reproduced counterexample whose vector mints a cap outliving its route', async (t) => {
  const s = fixture('reserve-unclamped.casm', { reserve: ['user', 'slab', 'asset', 'amount', 'ttl'] });
  for (const file of await reproduce(t, obligationsFor(s).find((o) => o.id.endsWith('reserve/F1-cap-expiry')), 'router-reserve-unclamped')) {
    const { res, world, args, now, lm } = replayVector(JSON.parse(readFileSync(file, 'utf8')).vectors[0]);
    t.is(res.status, 'ok', `${file}: the broken reserve completes`);
    const mint = syscallSequence(lm, res).find((c) => c.name === 'CAP_MINT');
    const cap = world.cap(res.results[0]!);
    t.truthy(mint && cap, `${file}: a cap was minted`);
    t.true(cap!.expiry > now + args[4]!, `${file}: cap expiry ${cap?.expiry} > now ${now} + ttl ${args[4]}: it outlives its route (F1 violated)`);
  }
});

test.serial('ADV1 a release that refunds one cap and burns its neighbour yields a reproduced counterexample whose vector leaves the refunded cap live', async (t) => {
  const s = fixture('release-wrong-cap.casm', { settle: ['user', 'slab', 'asset', 'cap'] });
  for (const file of await reproduce(t, obligationsFor(s).find((o) => o.id.endsWith('settle/ADV1-burned')), 'router-release-wrong-cap')) {
    const { res, world, args, lm } = replayVector(JSON.parse(readFileSync(file, 'utf8')).vectors[0]);
    t.is(res.status, 'ok', `${file}: the broken release completes`);
    const burns = syscallSequence(lm, res).filter((c) => c.name === 'CAP_BURN');
    t.deepEqual(
      burns.map((b) => b.args[0]),
      [args[3]! + 1n],
      `${file}: the release burned cap ${args[3]! + 1n}, not the refunded cap ${args[3]} (ADV1 violated)`,
    );
    const cap = world.cap(args[3]!);
    t.true(cap === undefined || !cap.burned, `${file}: the refunded cap is not burned`);
  }
});

test.serial('F1 ADV1 on the shipped router: reserve_leg F1-cap-expiry and release_leg ADV1-burned are proved, not vacuous', async (t) => {
  const router = subjects(readFileSync('examples/perp.curve', 'utf8'), loadTemplates(undefined)).find((x) => x.mod.kind === 'router');
  if (!router) return t.fail('no router in the shipped venue');
  const wanted = ['/reserve_leg/F1-cap-expiry', '/release_leg/ADV1-burned'];
  const obs = obligationsFor(router).filter((o) => wanted.some((w) => o.id.endsWith(w)));
  t.is(obs.length, wanted.length, obs.map((o) => o.id).join(', '));
  for (const ob of obs) {
    const r = await ob.run({ timeoutMs: 60_000 });
    t.is(r.verdict, 'proved', `${ob.id}: ${r.reason ?? ''}`);
    t.truthy(r.witness, `${ob.id}: a witness model (the guarded path is reachable)`);
  }
});

test('F1 functionParamWord finds the word of a named parameter of an internal template function', (t) => {
  const tpl = 'template router;\nstruct P { a: u64, h: bytes32 }\nfn f(x: u64, p: P, ttl: u64) -> u64 { return ttl; }\npub fn g() -> u64 { return f(1, P { a: 1, h: 0 as bytes32 }, 2); }\n';
  t.is(functionParamWord(tpl, 'f', 'ttl'), 4, 'x (1 word) and P (u64 + bytes32 = 3 words) come first');
  t.is(functionParamWord(tpl, 'f', 'nope'), undefined);
  t.is(functionParamWord(tpl, 'h', 'ttl'), undefined);
  t.is(functionParamWord(readFileSync('stdlib/router.curve', 'utf8'), 'reserve_leg', 'ttl'), 4);
});
