/**
 * Counterexample replay (issue 5 "Counterexamples"): a solver model of a violated obligation becomes a
 * concrete pre-state (the storage bytes the paths read, the escrows, vaults, wallets, caps and oracle
 * quotes the syscalls touched, the cap counter), arguments, clock and caller; the entrypoint then runs on
 * the reference VM with a trace, and the obligation's concrete check decides whether the violation
 * reproduced. Only a reproduced violation is reported as a counterexample.
 */
import type { Model } from 'z3-solver';
import { execute, type ExecResult } from '../../../reference/vm/interpreter.ts';
import type { ModuleStore, LoadedModule } from '../../../reference/vm/store.ts';
import { World } from '../../../reference/vm/world.ts';
import type { SymbolicCustody } from './custody.ts';
import type { ExecOutcome } from './explore.ts';
import type { SymbolicInputs } from './run.ts';
import { modelValue } from '../model-eval.ts';
import type { Z3Context } from '../z3.ts';
import type { BV, SymWord, ZBool } from './word.ts';

/** The concrete inputs of a replay. */
export interface ReplayInput {
  readonly world: World;
  readonly args: readonly bigint[];
  readonly now: bigint;
  readonly origin: bigint;
  readonly gasLimit: number;
}

/** Gas limit of a replay when the model's is beyond what a call accepts. */
const REPLAY_GAS_CAP = 50_000_000;

/** A word's value under the model (models/smt/model-eval.ts: z3's evaluator, else closed substitution). */
function num(model: Model<'main'>, e: SymWord): bigint {
  if (typeof e === 'bigint') return e;
  const v = modelValue(e.ctx as Z3Context, model, e);
  if (typeof v !== 'bigint') throw new Error(`the model gives a boolean to the word ${e.sexpr().slice(0, 60)}`);
  return v;
}

function flag(model: Model<'main'>, e: ZBool | boolean): boolean {
  if (typeof e === 'boolean') return e;
  return modelValue(e.ctx as Z3Context, model, e) === true;
}

/** Build the replay's pre-state and inputs from a model. */
export function concreteInputs(model: Model<'main'>, lm: LoadedModule, inp: SymbolicInputs, out: ExecOutcome): ReplayInput {
  const world = new World();
  const cust: SymbolicCustody = inp.custody;
  const f = cust.f;
  const get = (a: Parameters<SymbolicCustody['get']>[0], ...k: SymWord[]) => num(model, cust.get(a, ...k));
  const escrows = new Map<string, [bigint, bigint, bigint]>();
  const vaults = new Set<bigint>();
  const caps = new Set<bigint>();
  const wallets = new Map<string, [bigint, bigint]>();
  const feeds = new Set<bigint>();
  for (const end of out.ends) {
    for (const e of end.events) {
      const a = e.args.map((x) => num(model, x));
      const esc = (u: bigint, s: bigint, as: bigint) => escrows.set(`${u}/${s}/${as}`, [u, s, as]);
      switch (e.name) {
        case 'ESCROW_BALANCE':
        case 'ESCROW_NONCE':
        case 'ESCROW_BUMP_NONCE':
          esc(a[0] as bigint, a[1] as bigint, a[2] as bigint);
          break;
        case 'ESCROW_CREDIT':
        case 'ESCROW_DEBIT':
        case 'CAP_MINT':
          esc(a[0] as bigint, a[1] as bigint, a[2] as bigint);
          vaults.add(a[2] as bigint);
          break;
        case 'VAULT_BALANCE':
          vaults.add(a[0] as bigint);
          break;
        case 'VAULT_DEPOSIT':
        case 'VAULT_WITHDRAW':
          wallets.set(`${a[0]}/${a[1]}`, [a[0] as bigint, a[1] as bigint]);
          vaults.add(a[1] as bigint);
          break;
        case 'CAP_BURN':
        case 'CAP_REMAINING':
        case 'CAP_DEBIT':
          caps.add(a[0] as bigint);
          break;
        case 'ORACLE':
          feeds.add(a[0] as bigint);
          break;
        default:
          break;
      }
    }
  }
  for (const id of caps) {
    if (!flag(model, cust.flag(f.capExists, id))) continue;
    const [user, slab, asset] = [get(f.capUser, id), get(f.capSlab, id), get(f.capAsset, id)];
    world.setCap(id, {
      user,
      slab,
      asset,
      amountMax: get(f.capMax, id),
      remaining: get(f.capRem, id),
      expiry: get(f.capExp, id),
      nonce: get(f.capNonce, id),
      burned: flag(model, cust.flag(f.capBurned, id)),
    });
    escrows.set(`${user}/${slab}/${asset}`, [user, slab, asset]);
    vaults.add(asset);
  }
  for (const [u, s, a] of escrows.values()) world.setEscrow(u, s, a, { balance: get(f.escBal, u, s, a), nonce: get(f.escNonce, u, s, a) });
  for (const a of vaults) world.setVault(a, get(f.vault, a));
  for (const [u, a] of wallets.values()) world.setWallet(u, a, get(f.wallet, u, a));
  for (const feed of feeds) world.setOracle(feed, { price: get(f.oraclePrice, feed), publishTime: get(f.oracleTime, feed) });
  const next = num(model, f.nextCap);
  if (next !== 1n) world.setNextCap(next);
  // the storage bytes any path read
  const size = lm.module.memory.storageBytes;
  if (out.reads.length && size > 0) {
    const seg = world.segment(lm.hashHex, size);
    const base = inp.storage.asArray();
    for (const r of out.reads) {
      const at = num(model, r.addr);
      if (at + BigInt(r.width) > BigInt(size)) continue;
      const bytes = new Uint8Array(r.width);
      for (let i = 0; i < r.width; i++) bytes[i] = Number(num(model, base.select(inp.storage.index(at + BigInt(i))) as BV));
      world.segmentWrite(lm.hashHex, seg, Number(at), bytes);
    }
  }
  world.commit();
  const gas = num(model, inp.gasLimit);
  return {
    world,
    args: inp.args.map((a) => num(model, a)),
    now: num(model, inp.now),
    origin: num(model, inp.caller),
    gasLimit: gas > BigInt(REPLAY_GAS_CAP) ? REPLAY_GAS_CAP : Number(gas),
  };
}

/** Run the replay on the reference VM with a trace; the pre-state world is left untouched. */
export function replay(store: ModuleStore, lm: LoadedModule, entry: string, r: ReplayInput): { result: ExecResult; post: World } {
  const post = r.world.clone();
  const result = execute(store, post, lm.hashHex, entry, r.args, { gasLimit: r.gasLimit, now: r.now, origin: r.origin, trace: true, stateRoot: false });
  return { result, post };
}

/** Each traced top-level run of syscall `id`: the arguments it popped and the first word it pushed. */
export function syscallCalls(lm: LoadedModule, result: ExecResult, id: number, arity: number): { args: bigint[]; result?: bigint }[] {
  const out: { args: bigint[]; result?: bigint }[] = [];
  const trace = result.trace ?? [];
  trace.forEach((st, i) => {
    if (st.op !== 'SYSCALL' || st.depth !== 1) return;
    const an = lm.analyses[st.fn];
    const ins = an?.instrs[an.indexOfPc.get(st.pc) as number];
    if (ins?.arg !== id) return;
    const next = trace[i + 1];
    const args = st.stack.slice(st.stack.length - arity);
    const pushed = next && next.depth === 1 && next.stack.length === st.stack.length - arity + 1 ? next.stack[next.stack.length - 1] : undefined;
    out.push(pushed === undefined ? { args } : { args, result: pushed });
  });
  return out;
}
