/**
 * The symbolic side of the honesty property (issue 5 "keep the two executors honest"): a program is run
 * once on the symbolic executor from an unconstrained pre-state (arguments, gas limit, clock, caller,
 * storage segment and custody all free), then concrete inputs are substituted into the path conditions and
 * result terms of every path end (z3 `substitute`, then `simplify`). Exactly one end's condition must
 * become true, and that end's kind, halt, revert code, results, gas used, storage words and custody must
 * equal what the interpreter does on the same concrete inputs — traps, reverts and gas exhaustion included.
 */
import type { Expr } from 'z3-solver';
import { readUintLE } from '../../../../reference/lib/u128.ts';
import { execute } from '../../../../reference/vm/interpreter.ts';
import type { LoadedModule, ModuleStore } from '../../../../reference/vm/store.ts';
import { World } from '../../../../reference/vm/world.ts';
import type { SymbolicCustody } from '../../../../models/smt/symexec/custody.ts';
import type { ExecOutcome } from '../../../../models/smt/symexec/explore.ts';
import type { SymbolicInputs } from '../../../../models/smt/symexec/run.ts';
import type { PathEnd } from '../../../../models/smt/symexec/state.ts';
import { WORD, type SymWord, type ZBool } from '../../../../models/smt/symexec/word.ts';
import type { Z3Context } from '../../../../models/smt/z3.ts';

/** Concrete inputs of one draw: the pre-state world (storage segment included) and the call. */
export interface Draw {
  readonly world: World;
  readonly args: readonly bigint[];
  readonly gasLimit: number;
  readonly now: bigint;
  readonly origin: bigint;
}

export type Verdict =
  | { readonly kind: 'same'; readonly end: string }
  | { readonly kind: 'skip'; readonly why: string }
  | { readonly kind: 'differ'; readonly why: string };

type Pair = [Expr<'main'>, Expr<'main'>];

const parts = (k: string): bigint[] => k.split('/').map((x) => BigInt('0x' + x));
const num = (s: unknown): bigint => BigInt(s as string);

/** z3 arrays holding the world's custody (key encodings as SymbolicCustody.key: concatenated words). */
function custodyPairs(ctx: Z3Context, c: SymbolicCustody, world: World): Pair[] {
  const j = world.toJSON() as Record<string, Record<string, unknown>>;
  const bv = (v: bigint, bits = WORD) => ctx.BitVec.val(v, bits);
  const key = (ks: bigint[]) => ks.reduce((acc, k) => (acc << BigInt(WORD)) | k, 0n);
  type Arr = ReturnType<typeof ctx.Array.K<ReturnType<typeof ctx.BitVec.sort>, ReturnType<typeof ctx.BitVec.sort>>>;
  const arr = (entries: [bigint, bigint][], dom: number): Arr => entries.reduce((a: Arr, [k, v]) => a.store(bv(k, dom) as never, bv(v) as never), ctx.Array.K(ctx.BitVec.sort(dom), bv(0n)) as Arr);
  const flags = (ids: [bigint, boolean][]) => ids.reduce((a, [k, v]) => a.store(bv(k) as never, ctx.Bool.val(v) as never), ctx.Array.K(ctx.BitVec.sort(WORD), ctx.Bool.val(false)));
  const f = c.f;
  const caps = Object.entries(j.caps ?? {}).map(([k, v]) => [parts(k)[0] as bigint, v as Record<string, unknown>] as const);
  const capField = (name: string) => arr(caps.map(([id, v]) => [id, num(v[name])]), WORD);
  const escrows = Object.entries(j.escrows ?? {}).map(([k, v]) => [key(parts(k)), v as Record<string, unknown>] as const);
  const oracles = Object.entries(j.oracles ?? {}).map(([k, v]) => [parts(k)[0] as bigint, v as Record<string, unknown>] as const);
  const pairs: [unknown, unknown][] = [
    [f.wallet, arr(Object.entries(j.wallets ?? {}).map(([k, v]) => [key(parts(k)), num(v)]), 2 * WORD)],
    [f.vault, arr(Object.entries(j.vaults ?? {}).map(([k, v]) => [key(parts(k)), num(v)]), WORD)],
    [f.escBal, arr(escrows.map(([k, v]) => [k, num(v.balance)]), 3 * WORD)],
    [f.escNonce, arr(escrows.map(([k, v]) => [k, num(v.nonce)]), 3 * WORD)],
    [f.capExists, flags(caps.map(([id]) => [id, true]))],
    [f.capBurned, flags(caps.map(([id, v]) => [id, v.burned === true]))],
    [f.capUser, capField('user')],
    [f.capSlab, capField('slab')],
    [f.capAsset, capField('asset')],
    [f.capMax, capField('amountMax')],
    [f.capRem, capField('remaining')],
    [f.capExp, capField('expiry')],
    [f.capNonce, capField('nonce')],
    [f.oraclePrice, arr(oracles.map(([id, v]) => [id, num(v.price)]), WORD)],
    [f.oracleTime, arr(oracles.map(([id, v]) => [id, num(v.publishTime)]), WORD)],
    [f.nextCap, bv(num(j.nextCap))],
  ];
  return pairs as Pair[];
}

/** The substitution of every free input of a symbolic run by the draw's concrete value. */
export function substitution(ctx: Z3Context, lm: LoadedModule, inp: SymbolicInputs, d: Draw): Pair[] {
  const bv = (v: bigint) => ctx.BitVec.val(v, WORD);
  const size = lm.module.memory.storageBytes;
  const seg = d.world.hasSegment(lm.hashHex) ? d.world.clone().segment(lm.hashHex, size).bytes : new Uint8Array(0);
  let storage = ctx.Array.K(ctx.BitVec.sort(32), ctx.BitVec.val(0n, 8));
  seg.forEach((b, i) => {
    if (b !== 0) storage = storage.store(ctx.BitVec.val(BigInt(i), 32), ctx.BitVec.val(BigInt(b), 8));
  });
  const base = inp.storage.base;
  if (!base) throw new Error('a symbolic run without a symbolic storage base');
  return [
    ...inp.args.map((a, i): Pair => [a, bv(d.args[i] ?? 0n)]),
    [inp.gasLimit, bv(BigInt(d.gasLimit))],
    [inp.now, bv(d.now)],
    [inp.caller, bv(d.origin)],
    [inp.origin, bv(d.origin)],
    [base, storage] as Pair,
    ...custodyPairs(ctx, inp.custody, d.world),
  ];
}

/** Evaluates terms of a run under one substitution (undefined: a free variable the inputs do not fix). */
class Evaluator {
  constructor(
    private readonly ctx: Z3Context,
    private readonly subs: Pair[],
  ) {}

  async word(e: SymWord): Promise<bigint | undefined> {
    if (typeof e === 'bigint') return e;
    const r = await this.ctx.simplify(this.ctx.substitute(e, ...this.subs));
    return this.ctx.isBitVecVal(r) ? r.value() : undefined;
  }

  async truth(c: ZBool | boolean): Promise<boolean | undefined> {
    if (typeof c === 'boolean') return c;
    const r = await this.ctx.simplify(this.ctx.substitute(c, ...this.subs));
    return this.ctx.isTrue(r) ? true : this.ctx.isFalse(r) ? false : undefined;
  }
}

/** Every custody value of the interpreter's post-state (and pre-state keys), with the symbolic term for it. */
function custodyTerms(c: SymbolicCustody, pre: World, post: World): [string, SymWord | ZBool, bigint | boolean][] {
  const f = c.f;
  const pj = pre.toJSON() as Record<string, Record<string, unknown>>;
  const qj = post.toJSON() as Record<string, Record<string, unknown>>;
  const keys = (g: string) => [...new Set([...Object.keys(pj[g] ?? {}), ...Object.keys(qj[g] ?? {})])].map(parts);
  const out: [string, SymWord | ZBool, bigint | boolean][] = [];
  for (const [u, a] of keys('wallets') as [bigint, bigint][]) out.push([`wallet ${u}/${a}`, c.get(f.wallet, u, a), post.wallet(u, a)]);
  for (const [a] of keys('vaults') as [bigint][]) out.push([`vault ${a}`, c.get(f.vault, a), post.vault(a)]);
  for (const [u, s, a] of keys('escrows') as [bigint, bigint, bigint][]) {
    const e = post.escrow(u, s, a);
    out.push([`escrow ${u}/${s}/${a} balance`, c.get(f.escBal, u, s, a), e.balance], [`escrow ${u}/${s}/${a} nonce`, c.get(f.escNonce, u, s, a), e.nonce]);
  }
  for (const [id] of keys('caps') as [bigint][]) {
    const cap = post.cap(id);
    out.push([`cap ${id} exists`, c.flag(f.capExists, id), cap !== undefined]);
    if (!cap) continue;
    out.push(
      [`cap ${id} burned`, c.flag(f.capBurned, id), cap.burned],
      [`cap ${id} user`, c.get(f.capUser, id), cap.user],
      [`cap ${id} slab`, c.get(f.capSlab, id), cap.slab],
      [`cap ${id} asset`, c.get(f.capAsset, id), cap.asset],
      [`cap ${id} amount_max`, c.get(f.capMax, id), cap.amountMax],
      [`cap ${id} remaining`, c.get(f.capRem, id), cap.remaining],
      [`cap ${id} expiry`, c.get(f.capExp, id), cap.expiry],
      [`cap ${id} nonce`, c.get(f.capNonce, id), cap.nonce],
    );
  }
  out.push(['next cap', f.nextCap, num(qj.nextCap)]);
  return out;
}

/** Compare the end whose condition holds under the draw with the interpreter on the same inputs. */
export async function crossCheck(ctx: Z3Context, store: ModuleStore, lm: LoadedModule, entry: string, inp: SymbolicInputs, out: ExecOutcome, d: Draw): Promise<Verdict> {
  const ev = new Evaluator(ctx, substitution(ctx, lm, inp, d));
  const holding: PathEnd[] = [];
  for (const end of out.ends) {
    const t = await ev.truth(end.pc);
    if (t === undefined) return { kind: 'skip', why: `a ${end.kind} end's condition depends on a value the inputs do not fix (a hash of symbolic bytes)` };
    if (t) holding.push(end);
  }
  if (holding.length !== 1) return { kind: 'differ', why: `${holding.length} path conditions hold (${holding.map((e) => e.kind).join(', ')}), not exactly one` };
  const end = holding[0] as PathEnd;
  if (end.kind === 'unsupported') return { kind: 'skip', why: `unsupported path: ${end.reason ?? ''}` };
  const post = d.world.clone();
  const r = execute(store, post, lm.hashHex, entry, d.args, { gasLimit: d.gasLimit, now: d.now, origin: d.origin, stateRoot: false });
  const name = `${end.kind}${end.halt ? ' ' + end.halt : ''}`;
  const diffs: string[] = [];
  const cmp = (what: string, got: bigint | boolean | string | undefined, want: bigint | boolean | string | undefined): void => {
    if (got !== want) diffs.push(`${what}: symbolic ${String(got)}, interpreter ${String(want)}`);
  };
  cmp('status', end.kind, r.status);
  cmp('halt', end.halt, r.halt);
  cmp('revert code', end.revertCode === undefined ? undefined : await ev.word(end.revertCode), r.revertCode);
  cmp('gas used', await ev.word(end.gasUsed), BigInt(r.gasUsed));
  cmp('result count', BigInt(end.results.length), BigInt(r.results.length));
  for (const [i, x] of end.results.entries()) cmp(`result ${i}`, await ev.word(x), r.results[i]);
  if (end.kind === 'ok' && r.status === 'ok') {
    const size = lm.module.memory.storageBytes;
    const seg = post.hasSegment(lm.hashHex) ? post.segment(lm.hashHex, size).bytes : new Uint8Array(size);
    for (let at = 0; at < size; at += 16) {
      const len = Math.min(16, size - at);
      cmp(`storage word ${at / 16}`, await ev.word(end.storage.load(BigInt(at), len)), readUintLE(seg, at, len));
    }
    for (const [what, term, want] of custodyTerms(end.host as SymbolicCustody, d.world, post)) {
      cmp(what, typeof want === 'boolean' ? await ev.truth(term as ZBool) : await ev.word(term as SymWord), want);
    }
  }
  if (diffs.some((x) => x.includes('symbolic undefined'))) return { kind: 'skip', why: `the ${name} end's terms depend on a value the inputs do not fix: ${diffs.join('; ')}` };
  return diffs.length ? { kind: 'differ', why: `${name} end: ${diffs.join('; ')}` } : { kind: 'same', end: name };
}
