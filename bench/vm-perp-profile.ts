/**
 * The perp workload on the VM alone (no golden model), for profiling the fast path (PFM1):
 * `node --cpu-prof --import=tsx bench/vm-perp-profile.ts [pairs] [resting]`. It runs `runEngine` of
 * `npm run bench -- perp` (bench/perp.ts) on the VM engine only — the same book, pairs and figures — and
 * prints them as one JSON line. Not a registered benchmark: the figures to report come from
 * `npm run bench -- perp`.
 */
import { runEngine } from './perp.ts';
import { vmVenue } from './perp-vm.ts';

const pairs = Number(process.argv[2] ?? 5_000);
const resting = Number(process.argv[3] ?? 4_096);
const figures = runEngine(vmVenue, { resting: (capacity) => Math.min(resting, capacity), pairs, warmup: Math.min(500, Math.floor(pairs / 4)) });
process.stdout.write(JSON.stringify({ pairs, ...figures, traced: undefined }) + '\n');
