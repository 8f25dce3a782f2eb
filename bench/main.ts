/**
 * `npm run bench -- [name]`: run one benchmark by name, or all of them. Each prints one JSON object on
 * stdout (progress goes to stderr). Benchmarks time things; tests never do.
 */
import { runPerpBench } from './perp.ts';
import { runVmBench } from './vm.ts';

const BENCHES: Readonly<Record<string, () => Promise<unknown>>> = {
  vm: runVmBench,
  perp: () => runPerpBench({ quick: process.argv.includes('--quick') }),
};

const name = process.argv[2];
if (name !== undefined && !(name in BENCHES)) {
  process.stderr.write(`unknown benchmark ${JSON.stringify(name)} (have: ${Object.keys(BENCHES).join(', ')})\n`);
  process.exit(2);
}
for (const [key, run] of Object.entries(BENCHES)) {
  if (name !== undefined && key !== name) continue;
  process.stdout.write(JSON.stringify(await run()) + '\n');
}
