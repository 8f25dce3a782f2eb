/**
 * Suite strength (spec/conformance.md CONF-STR-*): deliberately broken variants of the reference
 * interpreter, run against the suite; a mutant is *killed* when at least one vector fails against it, and
 * the score is killed / total. Faults are injected only through `execute`'s machine factory — a
 * `MutantMachine` with a mutated copy of the handler map and the static gas table — so the real
 * interpreter carries no hook and pays nothing when the measure is off.
 */
import { readUintLE } from '../reference/lib/u128.ts';
import { CAP_ALL } from '../reference/vm/capabilities.ts';
import * as G from '../reference/vm/gas.ts';
import { Halt, type HaltKind } from '../reference/vm/halts.ts';
import { HANDLERS, type Handler } from '../reference/vm/handlers.ts';
import type { Instr } from '../reference/vm/instructions.ts';
import { MAX_FUNCTION_FRAMES, Machine, type FunctionFrame, type MachineFactory, type ModuleFrame, type TraceStep } from '../reference/vm/interpreter.ts';
import { OPCODES, type OpName } from '../reference/vm/opcodes.ts';
import { SYSCALLS, syscallById } from '../reference/vm/syscalls.ts';
import * as PerpModel from '../reference/perp/model/index.ts';
import type { RunHooks } from './kinds.ts';
import { PERP_OPS, type PerpOpFn } from './kinds-perp.ts';

type HandlerMap = Record<OpName, Handler>;
type GasTable = Record<OpName, number>;

/** The reference loop (Machine.runFunction) over a given handler map and gas table, with its trace; no pause. */
class MutantMachine extends Machine {
  constructor(
    base: ConstructorParameters<typeof Machine>,
    private readonly handlers: HandlerMap,
    private readonly gasOf: GasTable,
  ) {
    super(...base);
  }

  override runFunction(mf: ModuleFrame, fi: number, args: readonly bigint[]): bigint[] {
    if (this.frames >= MAX_FUNCTION_FRAMES) throw new Halt('call_depth', `${MAX_FUNCTION_FRAMES} function frames`);
    const def = mf.lm.module.functions[fi];
    const an = mf.lm.analyses[fi];
    if (!def || !an) throw new Error(`internal assertion failed: function ${fi} missing after validation`);
    const f: FunctionFrame = { mf, fn: fi, an, stack: [], locals: [...args, ...new Array<bigint>(def.locals).fill(0n)], next: 0, done: false };
    this.frames++;
    try {
      while (!f.done) {
        const ins = an.instrs[f.next] as Instr;
        this.steps++;
        f.next++;
        const name = ins.info.name as OpName;
        // VM-TRACE-001 records, so `--trace-diff` can show where a mutant departs from the reference.
        const rec: TraceStep | undefined = this.trace ? { depth: this.depth, module: f.mf.lm.hashHex, fn: f.fn, pc: ins.pc, op: name, gas: this.gas, stack: f.stack.slice(), gasCost: 0, memSize: f.mf.memory.size } : undefined;
        if (rec) this.trace?.push(rec);
        const before = this.gas;
        try {
          this.use(this.gasOf[name]);
          this.handlers[name](this, f, ins);
        } finally {
          if (rec) rec.gasCost = before - this.gas;
        }
      }
    } finally {
      this.frames--;
    }
    return f.stack;
  }
}

export interface Mutant {
  readonly name: string;
  readonly description: string;
  readonly machine: MachineFactory;
}

/** The reference handlers, seen as a plain map (each takes the full handler signature). */
const H: HandlerMap = HANDLERS;
const BASE_GAS = Object.fromEntries(OPCODES.map((o) => [o.name, o.gas])) as GasTable;

function mutant(name: string, description: string, patch: { handlers?: Partial<HandlerMap>; gas?: Partial<GasTable>; world?: (w: Parameters<MachineFactory>[1]) => void }): Mutant {
  const handlers = { ...H, ...patch.handlers } as HandlerMap;
  const gas = { ...BASE_GAS, ...patch.gas } as GasTable;
  return {
    name,
    description,
    machine: (store, world, now, origin, trace, pauseAt) => {
      patch.world?.(world);
      return new MutantMachine([store, world, now, origin, trace, pauseAt], handlers, gas);
    },
  };
}

const gasOff = (op: OpName, delta: number): Mutant => mutant(`gas-${op}${delta > 0 ? '+' : ''}${delta}`, `static gas of ${op} off by ${delta}`, { gas: { [op]: BASE_GAS[op] + delta } });
const swap = (op: OpName, by: OpName, what: string): Mutant => mutant(`${op}-as-${by}`, `${op} computes ${by} (${what})`, { handlers: { [op]: H[by] } });
/** A handler whose halt of kind `from` is reported as `to`. */
const wrongTrap = (op: OpName, from: HaltKind, to: HaltKind): Mutant =>
  mutant(`${op}-${from}-as-${to}`, `${op} reports ${from} as ${to}`, {
    handlers: {
      [op]: (m: Machine, f: FunctionFrame, ins: Instr) => {
        try {
          H[op](m, f, ins);
        } catch (e) {
          throw e instanceof Halt && e.kind === from ? new Halt(to) : e;
        }
      },
    },
  });
/** Run a handler in a frame whose module call holds every capability (the capability check is skipped). */
const allCaps = (op: OpName): Handler => (m, f, ins) => H[op](m, { ...f, mf: { ...f.mf, caps: CAP_ALL } } as FunctionFrame, ins);
/** Run SYSCALL `name` with a changed host context; other syscalls unchanged. */
const syscallWith = (name: string, host: (h: ModuleFrame['host']) => ModuleFrame['host']): Handler => (m, f, ins) =>
  syscallById(ins.arg)?.name === name ? H.SYSCALL(m, { ...f, mf: { ...f.mf, host: host(f.mf.host) } } as FunctionFrame, ins) : H.SYSCALL(m, f, ins);
const pop = (f: FunctionFrame): bigint => f.stack.pop() as bigint;

/** Hand-written mutants: gas, semantics, capability checks, trap kinds, state rollback, bounds. */
const HAND_WRITTEN: readonly Mutant[] = [
  gasOff('ADD', 1),
  gasOff('MUL', -1),
  gasOff('JUMPI', 1),
  gasOff('MLOAD', 1),
  gasOff('SSTORE', -1),
  gasOff('CALL', 1),
  gasOff('CALLF', -1),
  gasOff('MGROW', 1),
  gasOff('KECCAK256', -1),
  mutant('SHA256-word-gas+1', 'SHA256 charges one more gas after hashing', { handlers: { SHA256: (m, f, ins) => (H.SHA256(m, f, ins), m.use(1)) } }),
  mutant('CAP_DEBIT-gas+1', 'the CAP_DEBIT syscall charges one more gas', { handlers: { SYSCALL: (m, f, ins) => (syscallById(ins.arg)?.name === 'CAP_DEBIT' ? m.use(1) : undefined, H.SYSCALL(m, f, ins)) } }),
  swap('LT', 'GT', 'a flipped comparison'),
  swap('GE', 'GT', 'an off-by-one comparison'),
  swap('SLT', 'LT', 'signed compared as unsigned'),
  swap('ADD', 'ADDW', 'the overflow check skipped'),
  swap('SUB', 'SUBW', 'the underflow check skipped'),
  swap('DIV_UP', 'DIV', 'rounding down instead of up'),
  swap('MULDIV_UP', 'MULDIV_DOWN', 'rounding down instead of up'),
  swap('SAR', 'SHR', 'a logical instead of an arithmetic shift'),
  swap('SDIV', 'DIV', 'signed division as unsigned'),
  swap('MSTORE64', 'MSTORE', 'a store of the wrong width'),
  swap('SLOAD8', 'SLOAD64', 'a load of the wrong width'),
  swap('KECCAK256', 'SHA256', 'the wrong hash'),
  mutant('JUMPI-inverted', 'JUMPI jumps when the condition is zero', { handlers: { JUMPI: (_m, f, ins) => void (pop(f) === 0n && (f.next = f.an.indexOfPc.get(ins.arg) as number)) } }),
  mutant('MGROW-pushes-new', 'MGROW pushes the new page count instead of the old', {
    handlers: {
      MGROW: (m, f, ins) => {
        H.MGROW(m, f, ins);
        pop(f);
        f.stack.push(BigInt(f.mf.memory.pages));
      },
    },
  }),
  mutant('MLOAD-bound-off-by-one', 'MLOAD allows a read one byte past the end', {
    handlers: {
      MLOAD: (_m, f) => {
        const addr = pop(f);
        const mem = f.mf.memory;
        if (addr + 16n > BigInt(mem.size) + 1n) throw new Halt('memory_oob');
        const buf = new Uint8Array(16);
        buf.set(mem.bytes.subarray(Number(addr), Number(addr) + 16));
        f.stack.push(readUintLE(buf, 0, 16));
      },
    },
  }),
  mutant('MCOPY-not-overlap-safe', 'MCOPY copies byte by byte forwards', {
    handlers: {
      MCOPY: (m, f) => {
        const len = pop(f);
        const src = pop(f);
        const dst = pop(f);
        const mem = f.mf.memory;
        const n = mem.length(len);
        m.use(G.G_COPY_WORD * G.words16(n));
        const s = mem.check(src, n);
        const d = mem.check(dst, n);
        for (let i = 0; i < n; i++) mem.bytes[d + i] = mem.bytes[s + i] as number;
      },
    },
  }),
  mutant('SYSCALL-no-capability-check', 'SYSCALL skips its capability check', { handlers: { SYSCALL: allCaps('SYSCALL') } }),
  mutant('LOG-no-capability-check', 'LOG skips its capability check', { handlers: { LOG: allCaps('LOG') } }),
  mutant('CALL-no-attenuation', 'CALL skips its capability checks (call and the grant subset)', { handlers: { CALL: allCaps('CALL') } }),
  mutant('CAP_DEBIT-no-expiry', 'the guarded debit never sees a cap as expired', { handlers: { SYSCALL: syscallWith('CAP_DEBIT', (h) => ({ ...h, now: 0n })) } }),
  mutant('CALLER-is-self', 'CALLER pushes the running module instead of its caller', { handlers: { SYSCALL: syscallWith('CALLER', (h) => ({ ...h, callerId: h.selfId })) } }),
  wrongTrap('MLOAD', 'memory_oob', 'storage_oob'),
  wrongTrap('DIV', 'div_by_zero', 'overflow'),
  wrongTrap('MGROW', 'memory_limit', 'memory_oob'),
  wrongTrap('POSEIDON', 'invalid_argument', 'memory_oob'),
  mutant('rollback-skipped', 'a revert or halt keeps the writes it made', { world: (w) => Object.assign(w, { revertTo: () => {} }) }),
];

const VALUE_FAMILIES = new Set(['arith', 'signed', 'compare', 'bitwise']);

/**
 * Mutants generated from the tables: the static gas of every opcode off by +1 and −1, every syscall's gas
 * off by +1, and every value opcode computing the next value opcode of the same arity in the table.
 */
function generatedMutants(): Mutant[] {
  const out: Mutant[] = [];
  for (const o of OPCODES) {
    out.push(gasOff(o.name, 1));
    if (o.gas > 0) out.push(gasOff(o.name, -1));
  }
  for (const s of SYSCALLS)
    out.push(mutant(`gas-${s.name}+1`, `the ${s.name} syscall charges one more gas`, { handlers: { SYSCALL: (m, f, ins) => (ins.arg === s.id ? m.use(1) : undefined, H.SYSCALL(m, f, ins)) } }));
  const values = OPCODES.filter((o) => VALUE_FAMILIES.has(o.family));
  values.forEach((o, i) => {
    const same = (x: (typeof values)[number]): boolean => x.name !== o.name && x.pops === o.pops && x.pushes === o.pushes;
    const next = values.slice(i + 1).find(same) ?? values.find(same);
    if (next) out.push(swap(o.name, next.name, 'the neighbouring operation of the table'));
  });
  return out;
}

/** Every mutant: the hand-written ones, then the generated ones whose names are new. */
export const MUTANTS: readonly Mutant[] = (() => {
  const names = new Set(HAND_WRITTEN.map((m) => m.name));
  return [...HAND_WRITTEN, ...generatedMutants().filter((m) => !names.has(m.name) && (names.add(m.name), true))];
})();

/**
 * Mutants of `perp.scenario` (CONF-STR-003): one operation of the scenario table replaced by a faulty one —
 * a step skipped, an event lost, a time or amount off, a guard ignored. They run against the perp vectors.
 */
export interface PerpMutant {
  readonly name: string;
  readonly description: string;
  readonly hooks: RunHooks;
}

const perpMutant = (name: string, description: string, op: string, f: PerpOpFn): PerpMutant => ({ name, description, hooks: { perpOps: { [op]: f as never } } });

export const PERP_MUTANTS: readonly PerpMutant[] = [
  perpMutant('perp-cancel-route-noop', 'cancelRoute releases nothing', 'cancelRoute', () => ({ cancelled: 0 })),
  perpMutant('perp-deposit-drops-event', 'deposit emits no event', 'deposit', (s, a) => (PERP_OPS.deposit?.(s, a), s.events.pop(), undefined)),
  perpMutant('perp-settle-skipped', 'settle does nothing', 'settle', () => 0n),
  perpMutant('perp-expiry-never', 'the expiry sweep never expires a route', 'expireRoutes', () => 0),
  perpMutant('perp-liquidate-no-grace', 'liquidation ignores the grace window', 'liquidate', (s, a) => PerpModel.liquidate(s, a.w('user'), a.w('now') + s.router.params.graceMs)),
  perpMutant('perp-withdraw-one-more', 'a withdrawal moves one unit more than asked', 'withdraw', (s, a) => PerpModel.withdraw(s, a.w('user'), a.w('asset'), a.w('amount') + 1n, a.w('now'))),
  perpMutant('perp-debit-no-expiry', 'the guarded debit never sees a cap as expired', 'guardedDebit', (s, a) => ({ status: PerpModel.guardedDebit(s.custody, a.w('caller'), 0n, a.w('cap'), a.w('amount')) })),
  perpMutant('perp-batch-early', 'batch_open runs one batch early', 'openBatch', (s, a) => PerpModel.openBatch(s, a.w('slab'), a.w('instrument'), a.w('now') + 50n)),
];

export interface StrengthResult {
  readonly mutants: number;
  readonly killed: number;
  readonly score: number;
  readonly survivors: readonly string[];
  /** Per mutant, the first vector that killed it. */
  readonly killers: Readonly<Record<string, string>>;
}

/** Score from per-mutant outcomes (the CLI runs each mutant through the runner and passes the first failure). */
export function strengthOf(results: readonly { mutant: string; killedBy: string | undefined }[]): StrengthResult {
  const killed = results.filter((r) => r.killedBy !== undefined);
  return {
    mutants: results.length,
    killed: killed.length,
    score: results.length === 0 ? 0 : killed.length / results.length,
    survivors: results.filter((r) => r.killedBy === undefined).map((r) => r.mutant),
    killers: Object.fromEntries(killed.map((r) => [r.mutant, r.killedBy as string])),
  };
}

/** For messages: a mutant list line. */
export const mutantLine = (m: { readonly name: string; readonly description: string }): string => `${m.name.padEnd(32)} ${m.description}`;
