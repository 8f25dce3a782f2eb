/**
 * `npm run bench -- vm`: the same workloads on CurveVM (the fast path, and the reference interpreter for
 * scale) and on @ethereumjs/evm, side by side in one process. Prints one JSON object:
 * `{"workloads": [{"name", "curvevm_ops_per_s", "ethereumjs_ops_per_s", "ratio", …}]}`.
 *
 * Executed opcodes are counted on each machine, not assumed: the count is linear in the iteration
 * count n, so it is measured by a full trace (CurveVM reference `trace`, ethereumjs `step` events) at
 * three small n, fitted as a·n + b, checked exact at the third, and evaluated at the benchmark's n. Each
 * timing is the median of several runs after warm-up runs. Both machines compute the same thing per
 * iteration; `iteration_ratio` compares iterations per second, which does not depend on how many
 * opcodes each instruction set needs for one iteration.
 */
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM, type EVM } from '@ethereumjs/evm';
import { readUintLE } from '../reference/lib/u128.ts';
import { assembleToBytes } from '../reference/vm/asm.ts';
import { executeFast } from '../reference/vm/fast.ts';
import { execute, type ExecResult } from '../reference/vm/interpreter.ts';
import { ModuleStore, type LoadedModule } from '../reference/vm/store.ts';
import { World } from '../reference/vm/world.ts';
import { evmAsm } from './evm-asm.ts';

/** About 7 M executed CurveVM opcodes for the loop (issue 2, Performance). */
const TARGET_OPS = 7_000_000;
/** Hash workloads spend most time in the hash; fewer iterations keep each run near a second. */
const HASH_ITERATIONS = 100_000;
const WARMUP_RUNS = 2;
const TIMED_RUNS = 7;
/** The reference interpreter and ethereumjs are slower; fewer runs keep the bench under a minute. */
const SLOW_TIMED_RUNS = 3;
const GAS_LIMIT = Number.MAX_SAFE_INTEGER;
const EVM_GAS_LIMIT = 10n ** 15n;

interface Workload {
  readonly name: string;
  readonly what: string;
  /** A module with entry `run(n) -> (u128)` doing n iterations. */
  readonly casm: string;
  /** EVM bytecode doing n iterations (returns one 32-byte word). */
  readonly evm: (n: number) => Uint8Array;
  /** The word both machines must return for n iterations, when word widths let them agree. */
  readonly expected?: (n: number) => bigint;
  /** Iterations on both machines; default: as many as make TARGET_OPS opcodes on each machine. */
  readonly iterations?: number;
}

const LOOP_CASM = `
.memory initial=0 max=0 storage=0
.caps none
.func run params=1 results=1 locals=2      ; 0 n, 1 i, 2 acc: acc = 1 + 2 + … + n, checked adds
loop:
  LGET 1
  LGET 0
  GE
  JUMPI done
  LGET 1
  PUSH 1
  ADD
  LTEE 1
  LGET 2
  ADD
  LSET 2
  JUMP loop
done:
  LGET 2
  RET
.entry run run (u128) -> (u128)
`;

const loopEvm = (n: number): Uint8Array =>
  evmAsm(`
  PUSH1 0 PUSH1 0                       ; [acc i]
loop:
  JUMPDEST
  PUSH3 ${n} DUP2 LT ISZERO PUSH2 @done JUMPI
  PUSH1 1 ADD SWAP1 DUP2 ADD SWAP1      ; i += 1; acc += i
  PUSH2 @loop JUMP
done:
  JUMPDEST POP PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
`);

/** Per iteration: a word stored at a moving address, a hash of 64 bytes of memory, its word read back. */
const memHashCasm = (hash: 'KECCAK256' | 'SHA256'): string => `
.memory initial=1 max=1 storage=0
.caps none
.func run params=1 results=1 locals=2      ; 0 n, 1 i, 2 acc
loop:
  LGET 1
  LGET 0
  GE
  JUMPI done
  LGET 1                ; mem[(i & 63) * 16] = i
  PUSH 63
  AND
  PUSH 4
  SHL
  LGET 1
  MSTORE
  PUSH 0                ; hash(mem[0..64)) -> mem[1024..1056)
  PUSH 64
  PUSH 1024
  ${hash}
  PUSH 1024             ; acc ^= mem word at 1024
  MLOAD
  LGET 2
  XOR
  LSET 2
  LGET 1
  PUSH 1
  ADD
  LSET 1
  JUMP loop
done:
  LGET 2
  RET
.entry run run (u128) -> (u128)
`;

const memHashEvm =
  (hash: 'keccak' | 'sha256') =>
  (n: number): Uint8Array =>
    evmAsm(`
  PUSH1 0 PUSH1 0                       ; [acc i]
loop:
  JUMPDEST
  PUSH3 ${n} DUP2 LT ISZERO PUSH2 @done JUMPI
  DUP1 DUP1 PUSH1 63 AND PUSH1 5 SHL MSTORE     ; mem[(i & 63) * 32] = i
  ${
    hash === 'keccak'
      ? 'PUSH1 64 PUSH1 0 SHA3 PUSH2 2048 MSTORE' // keccak256(mem[0..64)) -> mem[2048..2080)
      : 'PUSH1 32 PUSH2 2048 PUSH1 64 PUSH1 0 PUSH1 2 GAS STATICCALL POP' // sha256 precompile, same
  }
  PUSH2 2048 MLOAD SWAP1 SWAP2 XOR SWAP1        ; acc ^= mem word at 2048
  PUSH1 1 ADD
  PUSH2 @loop JUMP
done:
  JUMPDEST POP PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
`);

const WORKLOADS: readonly Workload[] = [
  { name: 'loop', what: 'counter loop summing 1..n (locals, checked add, compare, branch)', casm: LOOP_CASM, evm: loopEvm, expected: (n) => (BigInt(n) * BigInt(n + 1)) / 2n },
  { name: 'memhash', what: 'memory store, keccak256 of 64 bytes of memory, load, xor — per iteration', casm: memHashCasm('KECCAK256'), evm: memHashEvm('keccak'), iterations: HASH_ITERATIONS },
  { name: 'memhash_sha256', what: 'as memhash with sha256 (EVM: STATICCALL of the 0x02 precompile)', casm: memHashCasm('SHA256'), evm: memHashEvm('sha256'), iterations: HASH_ITERATIONS },
];

// ---------------------------------------------------------------------------------------------------

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Median wall time in seconds of `timed` runs after `WARMUP_RUNS` warm-up runs. */
async function timeIt(run: () => unknown, timed: number): Promise<number> {
  for (let i = 0; i < WARMUP_RUNS; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < timed; i++) {
    const t0 = performance.now();
    await run();
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

/** ops(n) = a·n + b from exact counts at n = 10, 20, checked at n = 37. */
async function fitOps(count: (n: number) => Promise<number> | number, what: string): Promise<(n: number) => number> {
  const [c10, c20, c37] = [await count(10), await count(20), await count(37)];
  const a = (c20 - c10) / 10;
  const b = c10 - 10 * a;
  if (!Number.isInteger(a) || a * 37 + b !== c37) throw new Error(`${what}: executed opcodes are not linear in n (${c10}, ${c20}, ${c37})`);
  return (n) => a * n + b;
}

function curveRun(store: ModuleStore, lm: LoadedModule, n: number, fast: boolean): ExecResult {
  const run = fast ? executeFast : execute;
  const r = run(store, new World(), lm.hashHex, 'run', [BigInt(n)], { gasLimit: GAS_LIMIT, stateRoot: false });
  if (r.status !== 'ok') throw new Error(`CurveVM workload ended ${r.status} ${r.halt ?? ''}`);
  return r;
}

async function evmRun(evm: EVM, code: Uint8Array): Promise<Uint8Array> {
  const r = await evm.runCode({ code, gasLimit: EVM_GAS_LIMIT });
  if (r.exceptionError) throw new Error(`EVM workload failed: ${r.exceptionError.error}`);
  return r.returnValue;
}

async function evmSteps(evm: EVM, code: Uint8Array): Promise<number> {
  let steps = 0;
  const onStep = (): void => {
    steps++;
  };
  evm.events?.on('step', onStep);
  try {
    await evmRun(evm, code);
  } finally {
    evm.events?.off('step', onStep);
  }
  return steps;
}

async function benchWorkload(w: Workload, evm: EVM): Promise<Record<string, number | string>> {
  const store = new ModuleStore();
  const lm = store.add(assembleToBytes(w.casm, `${w.name}.casm`));
  const curveOps = await fitOps((n) => {
    const r = execute(store, new World(), lm.hashHex, 'run', [BigInt(n)], { gasLimit: GAS_LIMIT, stateRoot: false, trace: true });
    return (r.trace ?? []).length;
  }, `CurveVM ${w.name}`);
  const evmOps = await fitOps((n) => evmSteps(evm, w.evm(n)), `EVM ${w.name}`);
  const n = w.iterations ?? Math.round(TARGET_OPS / (curveOps(1) - curveOps(0)));
  const evmN = w.iterations ?? Math.round(TARGET_OPS / (evmOps(1) - evmOps(0)));
  const code = w.evm(evmN);

  // The two CurveVM paths agree, and both machines compute what they should.
  const fastResult = curveRun(store, lm, n, true);
  const refResult = curveRun(store, lm, n, false);
  if (fastResult.gasUsed !== refResult.gasUsed || fastResult.results[0] !== refResult.results[0]) throw new Error(`${w.name}: fast path and reference differ`);
  const evmWord = readUintLE((await evmRun(evm, code)).slice().reverse(), 0, 32);
  if (w.expected && (fastResult.results[0] !== w.expected(n) || evmWord !== w.expected(evmN))) throw new Error(`${w.name}: a machine computed a wrong result`);

  process.stderr.write(`bench vm: ${w.name} n=${n} (EVM n=${evmN}) …\n`);
  const fastS = await timeIt(() => curveRun(store, lm, n, true), TIMED_RUNS);
  const refS = await timeIt(() => curveRun(store, lm, n, false), SLOW_TIMED_RUNS);
  const evmS = await timeIt(() => evmRun(evm, code), SLOW_TIMED_RUNS);
  const curveOpsN = curveOps(n);
  const evmOpsN = evmOps(evmN);
  const curvePerS = curveOpsN / fastS;
  const evmPerS = evmOpsN / evmS;
  return {
    name: w.name,
    curvevm_ops_per_s: Math.round(curvePerS),
    ethereumjs_ops_per_s: Math.round(evmPerS),
    ratio: round2(curvePerS / evmPerS),
    curvevm_reference_ops_per_s: Math.round(curveOpsN / refS),
    reference_ratio: round2(curveOpsN / refS / evmPerS),
    iteration_ratio: round2(evmS / evmN / (fastS / n)),
    iterations: n,
    ethereumjs_iterations: evmN,
    executed_ops: curveOpsN,
    ethereumjs_executed_ops: evmOpsN,
    curvevm_median_s: round4(fastS),
    curvevm_reference_median_s: round4(refS),
    ethereumjs_median_s: round4(evmS),
    curvevm_gas_used: fastResult.gasUsed,
    what: w.what,
  };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const round4 = (x: number): number => Math.round(x * 10000) / 10000;

export async function runVmBench(): Promise<{ workloads: Record<string, number | string>[]; runs: Record<string, number | string> }> {
  const evm = await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Cancun }) });
  const workloads: Record<string, number | string>[] = [];
  for (const w of WORKLOADS) workloads.push(await benchWorkload(w, evm));
  return { workloads, runs: { warmup: WARMUP_RUNS, timed_fast: TIMED_RUNS, timed_reference_and_ethereumjs: SLOW_TIMED_RUNS, node: process.version } };
}
