/**
 * A focused driver of the perp workload on the VM alone (no golden model), for profiling the fast path
 * (PFM1): `node --cpu-prof --import=tsx bench/vm-perp-profile.ts [pairs] [resting]`. It drives the same
 * venue as `npm run bench -- perp` (bench/perp-vm.ts) — a book filled to `resting` orders, then
 * alternating 3-lot taker pairs at the touch — and prints one JSON line: pairs and inserts per CPU
 * second of this process, and median reserve / commit / insert times. Not a registered benchmark: the
 * figures to report come from `npm run bench -- perp`.
 */
import { BENCH_MAKERS, BENCH_ORACLE_PX, vmVenue } from './perp-vm.ts';
import type { BenchSide } from './perp-book.ts';

const PAIRS = Number(process.argv[2] ?? 5_000);
const RESTING = Number(process.argv[3] ?? 4_096);
const TICK = 1_000n;
const TAKER = 0x77n;

const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const ns = (): bigint => process.hrtime.bigint();
/** Wall time of one call, µs. */
function timedUs(f: () => void): number {
  const t0 = ns();
  f();
  return Number(ns() - t0) / 1e3;
}

const v = vmVenue();
v.fundUser(TAKER, 10n ** 24n);
const perSide = Math.floor(RESTING / 2);
const insertUs: number[] = [];
const i0 = cpuUs();
for (let k = 0; k < perSide; k++) {
  const level = BigInt(perSide - k);
  for (const side of [1, 0] as const) {
    const px = side === 1 ? BENCH_ORACLE_PX + level * TICK : BENCH_ORACLE_PX - level * TICK;
    insertUs.push(timedUs(() => v.book.post(BENCH_MAKERS[k % BENCH_MAKERS.length] as bigint, side, px, 1_000_000n)));
  }
}
const insertCpu = cpuUs() - i0;
const res: number[] = [];
const com: number[] = [];
let pairCpu = 0;
const warm = Math.min(500, Math.floor(PAIRS / 4));
for (let n = 0; n < warm + PAIRS; n++) {
  const side: BenchSide = n % 2 === 0 ? 0 : 1;
  const salt = new Uint8Array(32);
  new DataView(salt.buffer).setUint32(0, n, true);
  const p = v.book.prepare(n, TAKER, side, 3n, side === 0 ? BENCH_ORACLE_PX + TICK : BENCH_ORACLE_PX - TICK, salt);
  const c0 = cpuUs();
  const r = timedUs(() => v.book.reserve(p));
  v.book.fund(p);
  const c = timedUs(() => v.book.commit(p));
  v.book.release(p);
  if (n < warm) continue;
  pairCpu += cpuUs() - c0;
  res.push(r);
  com.push(c);
}
process.stdout.write(
  JSON.stringify({
    pairs: PAIRS,
    resting: 2 * perSide,
    pairs_per_cpu_s: Math.round((PAIRS / pairCpu) * 1e6),
    inserts_per_cpu_s: Math.round(((2 * perSide) / insertCpu) * 1e6),
    insert_median_us: Math.round(median(insertUs) * 10) / 10,
    reserve_median_us: Math.round(median(res) * 10) / 10,
    commit_median_us: Math.round(median(com) * 10) / 10,
  }) + '\n',
);
