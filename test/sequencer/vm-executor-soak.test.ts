/**
 * SEQ-EXE-005 in the simulator: a seed run with every node on the VM executor (blocks on CurveVM) has no
 * violation and commits the same blocks and state roots as the model executor's run of the same seed on
 * the same compiled venue (equal trace hashes: every event, receipt and root alike). Also the runner's
 * and the CLI's executor selection and its bad-argument paths.
 */
import test from 'ava';
import { runSoak, Simulation } from '../../soak/index.ts';
import { compileSoakVenue } from '../../soak/vm-venue.ts';
import { stdlibTemplates } from '../stdlib-templates.ts';
import { curve } from '../cli/helpers.ts';

const modules = compileSoakVenue(stdlibTemplates());

const run = (executor: 'model' | 'vm', seed: number, events: number) => {
  const sim = new Simulation({ seed, events, executor, modules, swarm: true });
  const r = sim.run();
  const chains = sim.nodes.map((n) => n.durable.chain.map((c) => `${c.cert.height}:${c.cert.block}:${c.cert.root}`));
  return { r, chains };
};

test('SEQ-EXE-005 a swarm seed on the VM executor: no violation, the same committed roots as the model executor', (t) => {
  const vm = run('vm', 2, 700);
  const model = run('model', 2, 700);
  t.deepEqual(vm.r.violations, []);
  t.true(vm.r.committedBatches > 3, `${vm.r.committedBatches} batches`);
  t.deepEqual(vm.chains, model.chains);
  t.is(vm.r.traceHash, model.r.traceHash);
});

test('SEQ-EXE-005 runSoak selects the executor; the VM executor needs the compiled venue', (t) => {
  const s = runSoak({ seeds: [1], events: 200, executor: 'vm', modules, mode: 'safety' });
  t.is(s.violations, 0);
  t.is(s.per_seed[0]?.trace_hash, runSoak({ seeds: [1], events: 200, modules, mode: 'safety' }).per_seed[0]?.trace_hash);
  t.throws(() => runSoak({ seeds: [1], events: 10, executor: 'vm' }), { message: /compiled soak venue/ });
});

test('SEQ-SOAK-PLANT ttl-off-by-one planted in the VM executor is found within three seeds with VM execution on (F1)', (t) => {
  const s = runSoak({ seeds: [1, 2, 3], events: 4_000, executor: 'vm', modules, plant: 'ttl-off-by-one', stopOnFailure: true });
  const v = s.per_seed.find((x) => x.violations.length)?.violations[0];
  t.is(v?.check, 'F1');
  t.regex(v?.reproduce ?? '', /--plant ttl-off-by-one --executor vm$/);
});

test.serial('SEQ-SOAK-EXEC SEQ-SOAK-EXIT curve soak --executor vm runs, bad --executor / --venue exit 2', async (t) => {
  const r = await curve('soak', '--seed', '3', '--events', '150', '--executor', 'vm', '--mode', 'safety', '--json');
  t.is(r.code, 0, r.err);
  t.is((JSON.parse(r.out) as { violations: number }).violations, 0);
  for (const args of [['--executor', 'evm'], ['--venue', 'x'], ['--executor', 'vm', '--venue', 'model'], ['--executor', 'vm', '--plant', 'double-commit']]) {
    const bad = await curve('soak', '--seed', '1', '--events', '10', ...args);
    t.is(bad.code, 2, args.join(' '));
    t.regex(bad.err, /--(executor|venue|plant)/);
  }
});
