/**
 * The fast execution path (reference/vm/fast.ts) against the reference interpreter: on generated valid
 * programs — three modules importing each other as a diamond (A → B → C, A → C), each with straight-line
 * and bounded-loop code, checked and wrapping arithmetic near every width boundary, memory and storage
 * in and out of bounds, hashes, syscalls with and without granted capabilities, logs, internal CALLF
 * and nested CALLs with random gas, memory and capability grants, reverts, traps — run with random
 * arguments, grants and gas limits (down to every point of an out-of-gas halt), `executeFast` and
 * `execute` give deep-equal results and leave equal worlds. The same on the programs in examples/.
 * A failure prints fast-check's seed and the program.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import test from 'ava';
import fc from 'fast-check';
import { loadModuleFile } from '../../cli/load.ts';
import { I128_MIN, U128_MAX, U64_MAX, fromSigned } from '../../reference/lib/u128.ts';
import { assembleToBytes } from '../../reference/vm/asm.ts';
import { CAP, CAP_ALL } from '../../reference/vm/capabilities.ts';
import { executeFast } from '../../reference/vm/fast.ts';
import { execute, type CallOptions, type ExecResult } from '../../reference/vm/interpreter.ts';
import type { ValueType } from '../../reference/vm/module.ts';
import { ModuleStore, type LoadedModule } from '../../reference/vm/store.ts';
import { SYSCALLS, type SyscallInfo } from '../../reference/vm/syscalls.ts';
import { World } from '../../reference/vm/world.ts';

/** Runs of the generated-program property (each makes 2–120 calls on both paths). */
const PROGRAM_RUNS = 300;
/** Runs that used at most this much gas are repeated at every lower gas limit. */
const SWEEP_ALL_BELOW = 120;
/** Runs of the examples property. */
const EXAMPLE_RUNS = 100;

// ---------------------------------------------------------------------------------------------------
// Random choices, through fast-check's `gen` so failures shrink and replay from the printed seed.

interface Rand {
  int(lo: number, hi: number): number;
  word(): bigint;
}

const TWO = (n: number): bigint => 1n << BigInt(n);
/** Words at the edges of every width the fast path distinguishes (2^31, 2^32, 2^53, 2^64, 2^127, 2^128). */
const EDGES = [0n, 1n, 2n, 15n, 16n, 31n, 32n, 127n, 128n, 255n, 256n, 65535n, 65536n]
  .concat([31, 32, 52, 53, 63, 64, 126, 127].flatMap((n) => [TWO(n) - 1n, TWO(n), TWO(n) + 1n]))
  .concat([U128_MAX - 1n, U128_MAX, fromSigned(-1n), fromSigned(-2n)]);

/** Words just around the width boundaries (2^k − 3 … 2^k + 3). */
const NEAR_EDGE: fc.Arbitrary<bigint> = fc
  .tuple(fc.constantFrom(31, 32, 52, 53, 63, 64, 126, 127, 128), fc.integer({ min: -3, max: 3 }))
  .map(([k, d]) => (TWO(k) + BigInt(d)) & U128_MAX);

const WORD: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt({ min: 0n, max: 40n }) },
  { weight: 3, arbitrary: fc.constantFrom(...EDGES) },
  { weight: 3, arbitrary: NEAR_EDGE },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: TWO(53) + 5n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: U128_MAX }) },
);

const randFrom = (g: fc.GeneratorValue): Rand => ({
  int: (lo, hi) => g(fc.integer, { min: lo, max: hi }),
  word: () => g(() => WORD),
});
const chance = (r: Rand, numerator: number, denominator: number): boolean => r.int(1, denominator) <= numerator;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[r.int(0, xs.length - 1)] as T;

// ---------------------------------------------------------------------------------------------------
// Program generator: `.casm` text that always validates (stack heights are tracked; every label is
// entered at the height it was laid out with; loops count a dedicated local down from at most 5).

interface Sig {
  readonly params: number;
  readonly results: number;
}

interface ImportSig extends Sig {
  readonly name: string;
  readonly hash: string;
  readonly entry: string;
}

interface ModuleSpec {
  readonly caps: number;
  readonly memoryBytes: number;
  readonly storageBytes: number;
  readonly imports: readonly ImportSig[];
  readonly funcs: readonly Sig[];
  /** 0..3: how often trap-prone choices are made (any word as an operand or address, MGROW, …). */
  readonly danger: number;
}

const SCRATCH = 4;
const COUNTERS = 2;
const UNARY = ['ISZERO', 'NOT', 'SNEG'];
const BINARY = [
  'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'ADDW', 'SUBW', 'MULW', 'DIV_UP', 'MIN', 'MAX', 'SADD', 'SSUB', 'SMUL', 'SDIV', 'SMOD',
  'SLT', 'SGT', 'SLE', 'SGE', 'EQ', 'NE', 'LT', 'GT', 'LE', 'GE', 'AND', 'OR', 'XOR', 'SHL', 'SHR', 'SAR',
];
const TERNARY = ['SELECT', 'MULDIV_DOWN', 'MULDIV_UP'];
/** Trap-prone operations and what a program uses instead when it does not take the risk. */
const SAFER: ReadonlyMap<string, string> = new Map([
  ['SUB', 'SUBW'], ['MUL', 'MULW'], ['DIV', 'MIN'], ['MOD', 'MAX'], ['DIV_UP', 'OR'], ['SDIV', 'XOR'], ['SMOD', 'AND'],
  ['SSUB', 'SUBW'], ['SMUL', 'MULW'], ['SNEG', 'NOT'], ['MULDIV_DOWN', 'SELECT'], ['MULDIV_UP', 'SELECT'],
]);
const WIDTH_SUFFIX = ['', '8', '64'];

class BodyGen {
  readonly lines: string[] = [];
  private h = 0;
  private loops = 0;
  private budget: number;

  constructor(
    private readonly r: Rand,
    private readonly spec: ModuleSpec,
    private readonly fi: number,
    private readonly label: string,
  ) {
    this.budget = r.int(2, 14);
  }

  private get sig(): Sig {
    return this.spec.funcs[this.fi] as Sig;
  }

  private emit(line: string, dh: number): void {
    this.lines.push('  ' + line);
    this.h += dh;
  }

  private fresh(): string {
    return `${this.label}_${this.lines.length}`;
  }

  private slot(): number {
    return this.r.int(0, this.sig.params + SCRATCH - 1);
  }

  /** A syscall this module declared the capability of (or one that needs none). */
  private syscall(maxParams: number): SyscallInfo | undefined {
    const ok = SYSCALLS.filter((s) => s.params.length <= maxParams && (s.cap === null || (this.spec.caps & CAP[s.cap]) !== 0));
    return ok.length > 0 ? pick(this.r, ok) : undefined;
  }

  /** True with probability danger/8: a trap-prone choice. */
  private risky(): boolean {
    return chance(this.r, this.spec.danger, 8);
  }

  /** An operation from `ops`, swapped for its safer twin unless the program takes the risk. */
  private op(ops: readonly string[]): string {
    const name = pick(this.r, ops);
    return this.risky() ? name : (SAFER.get(name) ?? name);
  }

  private operand(): void {
    const r = this.r;
    const k = r.int(0, 19);
    if (k < 9) this.emit(`PUSH 0x${(this.risky() || chance(r, 1, 5) ? r.word() : BigInt(r.int(1, 40))).toString(16)}`, 1);
    else if (k < 14) this.emit(`LGET ${this.slot()}`, 1);
    else if (k < 16) this.address(this.spec.memoryBytes);
    else if (k === 16) this.emit('GAS', 1);
    else if (k === 17) this.emit(pick(r, ['MSIZE', 'SSIZE']), 1);
    else {
      const s = this.syscall(0);
      if (s) this.emit(`SYSCALL ${s.name}`, 1);
      else this.emit('PUSH 0', 1);
    }
  }

  /** An address: mostly inside (or just past) memory or storage, sometimes any word. */
  private address(limit: number): void {
    const k = this.r.int(0, 5);
    if (k === 0 && this.risky()) this.expr(1);
    else if (k < 4 || !this.risky()) this.emit(`PUSH ${this.r.int(0, Math.min(80, Math.max(0, limit - 16)))}`, 1);
    else this.emit(`PUSH ${Math.max(0, limit + this.r.int(-40, 8))}`, 1);
  }

  /** Push exactly one word. */
  private expr(depth: number): void {
    const r = this.r;
    if (depth <= 0 || chance(r, 2, 5)) return this.operand();
    const k = r.int(0, 19);
    if (k < 2) {
      this.expr(depth - 1);
      this.emit(this.op(UNARY), 0);
    } else if (k < 10) {
      this.expr(depth - 1);
      if (chance(r, 1, 5)) this.emit('DUP 0', 1);
      else this.expr(depth - 1);
      if (chance(r, 1, 5)) this.emit('SWAP 1', 0);
      this.emit(this.op(BINARY), -1);
    } else if (k < 12) {
      for (let i = 0; i < 3; i++) this.expr(depth - 1);
      if (chance(r, 1, 4)) this.emit(`SWAP ${r.int(1, 2)}`, 0);
      this.emit(this.op(TERNARY), -2);
    } else if (k < 14 && (this.spec.memoryBytes > 0 || this.risky())) {
      this.address(this.spec.memoryBytes);
      this.emit(`MLOAD${pick(r, WIDTH_SUFFIX)}`, 0);
    } else if (k < 16 && (this.spec.storageBytes > 0 || this.risky())) {
      this.address(this.spec.storageBytes);
      this.emit(`SLOAD${pick(r, WIDTH_SUFFIX)}`, 0);
    } else if (k === 16 && this.risky()) {
      this.emit(`PUSH ${r.int(0, 2)}`, 1);
      this.emit('MGROW', 0);
    } else if (k === 17) {
      for (let i = 0; i < 3; i++) this.address(this.spec.memoryBytes);
      this.emit(`PUSH ${this.risky() ? r.int(0, 70) : r.int(0, 3)}`, 1);
      this.expr(1);
      this.emit('MERKLE_VERIFY', -4);
    } else {
      this.expr(depth - 1);
      this.emit(`DUP ${r.int(0, this.h - 1)}`, 1);
      this.emit(this.op(BINARY), -1);
    }
  }

  /** Pop `n` words into random slots or drop them. */
  private sink(n: number): void {
    for (let i = 0; i < n; i++) this.emit(chance(this.r, 1, 2) ? `LSET ${this.slot()}` : 'POP', -1);
  }

  private stmts(n: number): void {
    for (let i = 0; i < n && this.budget > 0; i++) this.stmt();
  }

  /** One stack-neutral statement. */
  private stmt(): void {
    const r = this.r;
    this.budget--;
    const k = r.int(0, 29);
    if (k < 5) {
      this.expr(3);
      this.sink(1);
    } else if (k < 8 && (this.spec.memoryBytes > 0 || this.risky())) {
      this.address(this.spec.memoryBytes);
      this.expr(2);
      this.emit(`MSTORE${pick(r, WIDTH_SUFFIX)}`, -2);
    } else if (k < 10 && (this.spec.storageBytes > 0 || this.risky())) {
      this.address(this.spec.storageBytes);
      this.expr(2);
      this.emit(`SSTORE${pick(r, WIDTH_SUFFIX)}`, -2);
    } else if (k === 10 && (this.spec.memoryBytes > 0 || this.risky())) {
      for (let i = 0; i < 3; i++) this.address(this.spec.memoryBytes);
      this.emit(pick(r, ['MCOPY', 'SHA256', 'KECCAK256']), -3);
    } else if (k === 11 && this.risky()) {
      this.address(this.spec.memoryBytes);
      this.emit(`PUSH ${this.risky() ? r.int(0, 17) : r.int(1, 3)}`, 1);
      this.address(this.spec.memoryBytes);
      this.emit('POSEIDON', -3);
    } else if (k < 15) this.syscallStmt();
    else if (k < 17 && (this.spec.caps & CAP['log.emit']) !== 0) {
      const topics = r.int(0, 4);
      this.address(this.spec.memoryBytes);
      this.emit(`PUSH ${this.spec.memoryBytes > 0 || this.risky() ? r.int(0, 40) : 0}`, 1);
      for (let i = 0; i < topics; i++) this.expr(1);
      this.emit(`LOG ${topics}`, -2 - topics);
    } else if (k < 18) this.callStmt();
    else if (k < 20) this.callfStmt();
    else if (k < 22) this.ifStmt();
    else if (k < 25 && this.loops < COUNTERS) this.loopStmt();
    else if (k === 25 && this.risky()) this.exitStmt();
    else if (k === 26) {
      this.expr(2); // a word held on the stack across the nested statements' blocks
      this.stmts(r.int(1, 3));
      this.emit('POP', -1);
    } else {
      this.expr(2);
      this.sink(1);
    }
  }

  private syscallStmt(): void {
    const s = this.syscall(5);
    if (!s) return;
    for (let i = 0; i < s.params.length; i++) {
      if (chance(this.r, 3, 4)) this.emit(`PUSH ${this.r.int(0, 4)}`, 1);
      else this.expr(1);
    }
    this.emit(`SYSCALL ${s.name}`, s.results.length - s.params.length);
    this.sink(s.results.length);
  }

  private callStmt(): void {
    const r = this.r;
    if (this.spec.imports.length === 0 || (this.spec.caps & CAP.call) === 0) return;
    const imp = pick(r, this.spec.imports);
    for (let i = 0; i < imp.params; i++) this.expr(1);
    const gas = r.int(0, 9);
    if (gas < 6) this.emit(`PUSH ${r.int(0, 30_000)}`, 1);
    else if (gas < 8) {
      this.emit('GAS', 1);
      this.emit(`PUSH ${r.int(1, 4)}`, 1);
      this.emit('DIV', -1);
    } else this.expr(1);
    this.emit(`PUSH ${chance(r, 5, 6) ? r.int(0, 2) : this.r.word()}`, 1);
    this.emit(`PUSH ${!this.risky() ? (chance(r, 1, 2) ? 0 : r.int(0, CAP_ALL) & this.spec.caps) : chance(r, 1, 2) ? r.int(0, CAP_ALL) : this.r.word()}`, 1);
    this.emit(`CALL ${imp.name}`, imp.results + 2 - imp.params - 3);
    this.sink(imp.results + 2);
  }

  private callfStmt(): void {
    const n = this.spec.funcs.length;
    if (this.fi + 1 >= n) return;
    const j = this.r.int(this.fi + 1, n - 1);
    const callee = this.spec.funcs[j] as Sig;
    for (let i = 0; i < callee.params; i++) this.expr(1);
    this.emit(`CALLF f${j}`, callee.results - callee.params);
    this.sink(callee.results);
  }

  private ifStmt(): void {
    const skip = this.fresh();
    this.expr(2);
    this.emit(`JUMPI ${skip}`, -1);
    this.stmts(this.r.int(1, 3));
    this.lines.push(`${skip}:`);
  }

  private loopStmt(): void {
    const counter = this.sig.params + SCRATCH + this.loops;
    const top = this.fresh();
    this.loops++;
    this.emit(`PUSH ${this.r.int(1, 5)}`, 1);
    this.emit(`LSET ${counter}`, -1);
    this.lines.push(`${top}:`);
    this.stmts(this.r.int(1, 4));
    this.emit(`LGET ${counter}`, 1);
    this.emit('PUSH 1', 1);
    this.emit('SUB', -1);
    this.emit(`LTEE ${counter}`, 0);
    this.emit(`JUMPI ${top}`, -1);
    this.loops--;
  }

  /** A conditional early exit: REVERT, TRAP or (at height 0) RET. */
  private exitStmt(): void {
    const skip = this.fresh();
    this.expr(2);
    this.emit(`JUMPI ${skip}`, -1);
    const k = this.r.int(0, 2);
    if (k === 0) {
      this.expr(1);
      this.emit('REVERT', -1);
    } else if (k === 1 || this.h !== 0) this.emit('TRAP', 0);
    else this.ret();
    this.lines.push(`${skip}:`);
  }

  private ret(): void {
    const base = this.h;
    for (let i = 0; i < this.sig.results; i++) this.expr(2);
    this.emit('RET', 0);
    this.h = base;
  }

  body(): string[] {
    while (this.budget > 0) this.stmt();
    this.ret();
    return this.lines;
  }
}

function genModule(r: Rand, spec: ModuleSpec, entries: number): string {
  const memPages = spec.memoryBytes / 65536;
  const out = [`.memory initial=${memPages} max=${memPages + r.int(0, 2)} storage=${spec.storageBytes}`, `.caps 0x${spec.caps.toString(16)}`];
  for (const imp of spec.imports) out.push(`.import ${imp.name} 0x${imp.hash} ${imp.entry} ${imp.params} ${imp.results}`);
  if (memPages > 0 && chance(r, 1, 2)) out.push(`.data ${r.int(0, 64)} 0x${r.word().toString(16).padStart(32, '0')}`);
  spec.funcs.forEach((f, fi) => {
    out.push(`.func f${fi} params=${f.params} results=${f.results} locals=${SCRATCH + COUNTERS}`);
    out.push(...new BodyGen(r, spec, fi, `L${fi}`).body());
  });
  for (let e = 0; e < entries; e++) {
    const f = spec.funcs[e] as Sig;
    out.push(`.entry e${e} f${e} (${Array(f.params).fill('u128').join(' ')}) -> (${Array(f.results).fill('u128').join(' ')})`);
  }
  return out.join('\n') + '\n';
}

interface Program {
  readonly store: ModuleStore;
  readonly sources: readonly string[];
  readonly root: LoadedModule;
  readonly ids: readonly bigint[];
}

/** Modules C, B (imports C), A (imports B and C); A's entry e0 is the one that runs. */
function genProgram(r: Rand): Program {
  const store = new ModuleStore();
  const sources: string[] = [];
  const exported: ImportSig[] = [];
  let root: LoadedModule | undefined;
  for (const tag of ['c', 'b', 'a']) {
    const funcs = Array.from({ length: r.int(1, 3) }, (): Sig => ({ params: r.int(0, 2), results: r.int(0, 2) }));
    const imports = exported.filter(() => chance(r, 3, 4));
    const spec: ModuleSpec = {
      caps: (r.int(0, CAP_ALL) & CAP_ALL) | (imports.length > 0 && chance(r, 4, 5) ? CAP.call : 0),
      memoryBytes: 65536 * pick(r, [0, 1, 1, 2]),
      storageBytes: pick(r, [0, 16, 48, 4096 + 32]),
      imports,
      funcs,
      danger: chance(r, 1, 2) ? 0 : r.int(1, 3),
    };
    const source = genModule(r, spec, Math.min(2, funcs.length));
    sources.push(source);
    root = store.add(assembleToBytes(source, `${tag}.casm`));
    funcs.slice(0, 2).forEach((f, e) => exported.push({ ...f, name: `${tag}${e}`, hash: (root as LoadedModule).hashHex, entry: `e${e}` }));
  }
  const lm = store.link((root as LoadedModule).hashHex);
  return { store, sources, root: lm, ids: store.hashes().map((h) => (store.get(h) as LoadedModule).id) };
}

// ---------------------------------------------------------------------------------------------------
// Worlds and the comparison.

/** A world with wallets, vaults, escrows and caps scoped to the given module ids, and an oracle. */
function seedWorld(ids: readonly bigint[], pending: boolean): World {
  const w = new World();
  for (const user of [1n, 2n, 3n]) for (const asset of [1n, 2n]) w.setWallet(user, asset, 1000n * user + asset);
  for (const asset of [1n, 2n]) w.setVault(asset, 10_000n);
  for (const slab of ids) {
    for (const user of [1n, 2n]) w.setEscrow(user, slab, 1n, { balance: 500n, nonce: user });
    for (const [expiry, burned] of [[1000n, false], [1n, false], [1000n, true]] as const) {
      const id = w.mintCapId();
      w.setCap(id, { user: 1n, slab, asset: 1n, amountMax: 300n, remaining: 300n, expiry, nonce: 1n, burned });
    }
  }
  w.setOracle(1n, { price: 123_456n, publishTime: 7n });
  w.commit();
  // An uncommitted write: the call then runs inside a pending transaction (no commit at its end).
  if (pending) w.setWallet(9n, 9n, 1n);
  return w;
}

/** Outcome kinds seen (logged, so a generator that stops reaching a case shows up in the test output). */
const seen = new Map<string, number>();
function tally(o: Outcome): void {
  const kinds = 'error' in o ? ['usage error'] : [(o.result.halt ?? o.result.status), ...(o.result.logs.length > 0 ? ['logs'] : []), ...(o.result.stateDiff.length > 0 ? ['state diff'] : [])];
  for (const k of kinds) seen.set(k, (seen.get(k) ?? 0) + 1);
}

type Outcome = { readonly result: ExecResult } | { readonly error: string };

function attempt(run: () => ExecResult): Outcome {
  try {
    return { result: run() };
  } catch (e) {
    if (e instanceof Error && !e.message.startsWith('internal assertion')) return { error: `${e.name}: ${e.message}` };
    throw e;
  }
}

/** Run one call on both paths from equal worlds; throws (for fast-check) on any difference. */
function compare(store: ModuleStore, lm: LoadedModule, entry: string, args: readonly bigint[], opts: CallOptions, ids: readonly bigint[], pending: boolean): Outcome {
  const wr = seedWorld(ids, pending);
  const wf = seedWorld(ids, pending);
  const ref = attempt(() => execute(store, wr, lm.hashHex, entry, args, opts));
  const fast = attempt(() => executeFast(store, wf, lm.hashHex, entry, args, opts));
  deepStrictEqual(fast, ref);
  tally(ref);
  deepStrictEqual(wf.toJSON(), wr.toJSON());
  deepStrictEqual(wf.logs, wr.logs);
  deepStrictEqual(wf.diffSince({ journal: 0 }), wr.diffSince({ journal: 0 }));
  for (const h of store.hashes()) deepStrictEqual(wf.hasSegment(h), wr.hasSegment(h));
  return ref;
}

function argFor(r: Rand, t: ValueType): bigint {
  const w = r.word();
  switch (t) {
    case 'u128':
      return w;
    case 'u64':
      return w & U64_MAX;
    case 'bool':
      return w & 1n;
    case 'i128':
      return w > U128_MAX + I128_MIN ? w - (U128_MAX + 1n) : w;
  }
}

/** Call options with random grants; gas limit given. */
function optsFor(r: Rand, gasLimit: number): CallOptions {
  return {
    gasLimit,
    now: BigInt(r.int(0, 2000)),
    origin: BigInt(r.int(0, 3)),
    ...(chance(r, 1, 4) ? { caps: r.int(0, CAP_ALL) } : {}),
    ...(chance(r, 1, 6) ? { memoryPages: r.int(0, 3) } : {}),
  };
}

/**
 * The full-gas run, then limits below what it used, so that the gas runs out at every kind of point:
 * every limit when the run is short, else random ones and a few just short of the end.
 */
function gasSweep(r: Rand, run: (gasLimit: number) => Outcome): void {
  const full = run(r.int(0, 9) === 0 ? r.int(0, 400) : 400_000);
  if (!('result' in full)) return;
  const used = full.result.gasUsed;
  if (used <= SWEEP_ALL_BELOW) {
    for (let g = 0; g < used; g++) run(g);
    return;
  }
  for (let i = 0; i < 4; i++) run(r.int(0, used));
  for (let i = 1; i <= 3; i++) run(used - i);
}

test('fast path equals the reference on generated programs (nested calls, traps, out of gas)', (t) => {
  fc.assert(
    fc.property(fc.gen(), (g) => {
      const r = randFrom(g);
      const p = genProgram(r);
      const entry = p.root.entries.get('e0');
      if (!entry) throw new Error('generated module lacks e0');
      const args = entry.params.map((ty) => argFor(r, ty));
      const base = optsFor(r, 0);
      const pending = chance(r, 1, 5);
      try {
        gasSweep(r, (gasLimit) => compare(p.store, p.root, 'e0', args, { ...base, gasLimit }, p.ids, pending));
      } catch (e) {
        const opts = JSON.stringify({ ...base, args, pending }, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));
        throw new Error(`${(e as Error).message}\n--- call ${opts}\n--- modules c, b, a:\n${p.sources.join('\n---\n')}`, { cause: e });
      }
    }),
    { numRuns: PROGRAM_RUNS, includeErrorInReport: true },
  );
  t.log([...seen].sort().map(([k, n]) => `${k}: ${n}`).join(', '));
  t.pass();
});

test('fast path equals the reference with a trace requested (delegates)', (t) => {
  const src = '.memory initial=0 max=0 storage=0\n.caps none\n.func f params=1 results=1 locals=0\n  LGET 0\n  PUSH 1\n  ADD\n  RET\n.entry e f (u128) -> (u128)\n';
  const store = new ModuleStore();
  const lm = store.add(assembleToBytes(src));
  const a = execute(store, new World(), lm.hashHex, 'e', [41n], { gasLimit: 100, trace: true });
  const b = executeFast(store, new World(), lm.hashHex, 'e', [41n], { gasLimit: 100, trace: true });
  t.deepEqual(b, a);
  t.is(b.results[0], 42n);
});

/**
 * Every one- and two-operand operation on every pair of boundary words, each result then compared
 * with 2^53 and with an operand, incremented, and round-tripped through memory: a result the fast path
 * kept in the wrong representation shows up here even when its value looks right.
 */
test('fast path equals the reference on boundary words for every arithmetic, comparison and memory width', (t) => {
  const edges = [0n, 1n, 2n, 3n, 31n, 32n, 52n, 53n, 127n, 128n]
    .concat([31, 32, 52, 53, 64, 127].flatMap((n) => [TWO(n) - 2n, TWO(n) - 1n, TWO(n), TWO(n) + 1n]))
    .concat([U128_MAX - 1n, U128_MAX]);
  const ops = [...UNARY.map((o) => `LGET 0\n  ${o}`), ...BINARY.map((o) => `LGET 0\n  LGET 1\n  ${o}`)]
    .concat(TERNARY.map((o) => `LGET 0\n  LGET 1\n  PUSH 7\n  ${o}`))
    .concat(['', '8', '64'].map((w) => `LGET 1\n  LGET 0\n  MSTORE${w}\n  LGET 1\n  MLOAD${w}`))
    .concat(['LGET 1\n  LGET 0\n  LGET 1\n  SELECT', 'LGET 0\n  ISZERO\n  LGET 1\n  LT']);
  const store = new ModuleStore();
  let calls = 0;
  for (const body of ops) {
    const src = [
      '.memory initial=1 max=1 storage=0',
      '.caps none',
      '.func f params=2 results=5 locals=1',
      `  ${body}`,
      '  LSET 2',
      ...['LGET 2', 'LGET 2\n  PUSH 0x20000000000000\n  EQ', 'LGET 2\n  PUSH 0x20000000000000\n  LT', 'LGET 2\n  LGET 0\n  EQ', 'LGET 2\n  PUSH 1\n  ADDW'].map((l) => `  ${l}`),
      '  RET',
      '.entry f f (u128 u128) -> (u128 u128 u128 u128 u128)',
    ].join('\n');
    const lm = store.add(assembleToBytes(src));
    for (const a of edges) {
      for (const b of edges) {
        // Memory bodies store at address b: keep it inside the page.
        const args = body.includes('MSTORE') ? [a, b % 65000n] : [a, b];
        compare(store, lm, 'f', args, { gasLimit: 10_000, stateRoot: false }, [], false);
        calls++;
      }
    }
  }
  t.log(`${calls} calls`);
  t.pass();
});

const EXAMPLES = readdirSync(new URL('../../examples/', import.meta.url)).filter((f) => f.endsWith('.casm')).sort();

test('fast path equals the reference on examples/*.casm', (t) => {
  const store = new ModuleStore();
  const mods = EXAMPLES.map((f) => loadModuleFile(new URL(`../../examples/${f}`, import.meta.url).pathname, store));
  const ids = store.hashes().map((h) => (store.get(h) as LoadedModule).id);
  const calls = mods.flatMap((lm) => [...lm.entries.values()].map((e) => ({ lm: store.link(lm.hashHex), e })));
  t.true(calls.length >= EXAMPLES.length);
  fc.assert(
    fc.property(fc.gen(), (g) => {
      const r = randFrom(g);
      const { lm, e } = pick(r, calls);
      // Small arguments mostly (users, assets and amounts the seeded world knows), else any word.
      const args = e.params.map((ty) => (chance(r, 3, 4) ? BigInt(r.int(0, 1000)) : argFor(r, ty)));
      const base = optsFor(r, 0);
      gasSweep(r, (gasLimit) => compare(store, lm, e.name, args, { ...base, gasLimit }, ids, false));
    }),
    { numRuns: EXAMPLE_RUNS, includeErrorInReport: true },
  );
  // The counter loop on fixed inputs, including a run long enough to matter.
  const counter = mods[EXAMPLES.indexOf('counter.casm')];
  if (counter) for (const n of [0n, 1n, 100n, 20_000n]) compare(store, counter, 'sum', [n], { gasLimit: 1_000_000 }, ids, false);
});
