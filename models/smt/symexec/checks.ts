/**
 * The bytecode-level properties (spec/symexec.md "Obligations"), each as a `Check` over the path ends of
 * one entrypoint: status-checked fallible syscalls (P7, R6, ADV1), the router's refund bound (P5, P3), cap
 * coverage and cap lifetime at funding (P6, F1), burn on release (ADV1), debits only through the guarded
 * debit (access control), and the reservation bounds of slab storage (S8, S9, M4, M5). Every check also
 * has its concrete form, evaluated on the VM replay of a counterexample.
 */
import { syscallByName, type SyscallName } from '../../../reference/vm/syscalls.ts';
import { readUintLE } from '../../../reference/lib/u128.ts';
import type { World } from '../../../reference/vm/world.ts';
import type { SymbolicCustody } from './custody.ts';
import type { Check, Run } from './hoare.ts';
import { postDominators } from './cfg.ts';
import type { FieldRef } from './layout.ts';
import { linearOf, low32 } from './linear.ts';
import { syscallCalls } from './replay.ts';
import type { PathEnd, SysEvent } from './state.ts';
import type { BV, SymWord, ZBool } from './word.ts';

/** Syscalls that answer with a status word (0 = done, else nothing changed). */
export const FALLIBLE: readonly SyscallName[] = ['ESCROW_CREDIT', 'ESCROW_DEBIT', 'VAULT_DEPOSIT', 'VAULT_WITHDRAW', 'CAP_BURN', 'CAP_DEBIT'];
/** Syscalls no Slab may reach (escrow writes, vault moves, cap mint/burn). */
export const ROUTER_ONLY: readonly SyscallName[] = ['ESCROW_CREDIT', 'ESCROW_DEBIT', 'ESCROW_BUMP_NONCE', 'VAULT_DEPOSIT', 'VAULT_WITHDRAW', 'CAP_MINT', 'CAP_BURN'];

const isOk = (e: PathEnd): boolean => e.kind === 'ok';
const custody = (run: Run): SymbolicCustody => run.inp.custody;
export const eventsOf = (e: PathEnd, name: SyscallName): SysEvent[] => e.events.filter((x) => x.name === name);
export const sysId = (name: SyscallName): number => (syscallByName(name) as { id: number }).id;
const arity = (name: SyscallName): number => (syscallByName(name) as { params: readonly string[] }).params.length;

export function anyOf(run: Run, xs: (ZBool | boolean)[]): ZBool | boolean {
  const sym = xs.filter((x): x is ZBool => typeof x !== 'boolean');
  if (xs.some((x) => x === true)) return true;
  return sym.length === 0 ? false : sym.length === 1 ? (sym[0] as ZBool) : run.w.ctx.Or(...sym);
}

/** The pre-call remaining of a live cap (0 when unknown or burned), as CAP_REMAINING reads it. */
export function liveRemaining(run: Run, c: SymbolicCustody, id: SymWord): BV {
  const ctx = run.w.ctx;
  const f = c.f;
  return ctx.If(ctx.And(c.flag(f.capExists, id), ctx.Not(c.flag(f.capBurned, id))), c.get(f.capRem, id), ctx.BitVec.val(0n, 128)) as BV;
}

/** P7, R6, ADV1: a call that completes never ignored a refused (non-zero status) custody syscall. */
export function statusChecked(names: readonly SyscallName[] = FALLIBLE): Check {
  return {
    reach: (e, run) => isOk(e) && anyOf(run, e.events.filter((x) => (names as readonly string[]).includes(x.name)).map((x) => x.guard)),
    violation: (e, run) => anyOf(run, e.events.filter((x) => (names as readonly string[]).includes(x.name)).map((x) => run.w.and(x.guard, run.w.not(run.w.eq(x.results[0] as SymWord, 0n))))),
    concrete: (_r, res, _post, s) => {
      if (res.status !== 'ok') return undefined;
      for (const name of names) {
        const bad = syscallCalls(s.lm, res, sysId(name), arity(name)).find((c) => c.result !== undefined && c.result !== 0n);
        if (bad) return `${name}(${bad.args.join(', ')}) answered status ${bad.result} and the call still completed`;
      }
      return undefined;
    },
  };
}

/** P5, P3: every escrow refund is at most min(the cap's remaining, the escrow balance) — `cap` names the cap argument. */
export function refundBounded(capArg: number): Check {
  return {
    reach: (e, run) => anyOf(run, eventsOf(e, 'ESCROW_DEBIT').map((x) => x.guard)),
    violation: (e, run) =>
      anyOf(
        run,
        eventsOf(e, 'ESCROW_DEBIT').map((x) => {
          const [u, sl, a, amount] = x.args as [SymWord, SymWord, SymWord, SymWord];
          const pre = x.pre as SymbolicCustody;
          const bal = pre.get(pre.f.escBal, u, sl, a);
          const rem = liveRemaining(run, custody(run), run.inp.args[capArg] as BV);
          return run.w.ctx.And(run.w.bool(x.guard), run.w.ctx.Or(run.w.bv(amount).ugt(bal), run.w.bv(amount).ugt(rem)));
        }),
      ),
    concrete: (r, res, _post, s) => {
      const cap = r.args[capArg] as bigint;
      const c = r.world.cap(cap);
      const rem = c && !c.burned ? c.remaining : 0n;
      for (const call of syscallCalls(s.lm, res, sysId('ESCROW_DEBIT'), 4)) {
        const [u, sl, a, amount] = call.args as [bigint, bigint, bigint, bigint];
        const bal = r.world.escrow(u, sl, a).balance;
        if (amount > rem || amount > bal) return `ESCROW_DEBIT of ${amount} exceeds min(cap remaining ${rem}, escrow balance ${bal})`;
      }
      return undefined;
    },
  };
}

/** P6, P4: after funding, the minted cap never exceeds the escrow it may debit. */
export function capCovered(): Check {
  const viol = (e: PathEnd, run: Run, x: SysEvent): ZBool | boolean => {
    const post = e.host as SymbolicCustody;
    const [u, sl, a] = x.args as [SymWord, SymWord, SymWord];
    const id = x.results[0] as SymWord;
    return run.w.ctx.And(run.w.bool(x.guard), post.get(post.f.capRem, id).ugt(post.get(post.f.escBal, u, sl, a)));
  };
  return {
    reach: (e, run) => isOk(e) && anyOf(run, eventsOf(e, 'CAP_MINT').map((x) => x.guard)),
    violation: (e, run) => anyOf(run, eventsOf(e, 'CAP_MINT').map((x) => viol(e, run, x))),
    concrete: (_r, res, post, s) => {
      if (res.status !== 'ok') return undefined;
      for (const call of syscallCalls(s.lm, res, sysId('CAP_MINT'), 5)) {
        if (call.result === undefined) continue;
        const cap = post.cap(call.result);
        const [u, sl, a] = call.args as [bigint, bigint, bigint];
        const bal = post.escrow(u, sl, a).balance;
        if (cap && cap.remaining > bal) return `cap ${call.result} may debit ${cap.remaining} but its escrow holds ${bal}`;
      }
      return undefined;
    },
  };
}

/** F1: a minted cap expires after now and at most `ttl` ticks later. */
export function capLifetime(ttl: bigint): Check {
  const bad = (run: Run, expiry: SymWord): ZBool => {
    const now = run.w.bv(run.inp.now);
    const e = run.w.bv(expiry);
    return run.w.ctx.Or(e.ule(now), e.zeroExt(1).ugt(now.zeroExt(1).add(ttl)));
  };
  return {
    reach: (e, run) => isOk(e) && anyOf(run, eventsOf(e, 'CAP_MINT').map((x) => x.guard)),
    violation: (e, run) => anyOf(run, eventsOf(e, 'CAP_MINT').map((x) => run.w.ctx.And(run.w.bool(x.guard), bad(run, x.args[4] as SymWord)))),
    concrete: (r, res, _post, s) => {
      if (res.status !== 'ok') return undefined;
      const c = syscallCalls(s.lm, res, sysId('CAP_MINT'), 5).find((x) => (x.args[4] as bigint) <= r.now || (x.args[4] as bigint) > r.now + ttl);
      return c ? `cap minted with expiry ${c.args[4]} at now ${r.now} (ttl ${ttl})` : undefined;
    },
  };
}

/** ADV1, P5: after a completed release the cap can debit nothing more. */
export function burnedOnRelease(capArg: number): Check {
  return {
    reach: (e) => isOk(e),
    violation: (e, run) => {
      const post = e.host as SymbolicCustody;
      return liveRemaining(run, post, run.inp.args[capArg] as BV).ugt(0n);
    },
    concrete: (r, res, post) => {
      const c = post.cap(r.args[capArg] as bigint);
      return res.status === 'ok' && c && !c.burned && c.remaining > 0n ? `cap ${r.args[capArg]} still live with ${c.remaining} after release` : undefined;
    },
  };
}

/** Access control: a completed Slab call moves escrow or vault value only on a path through CAP_DEBIT. */
export function debitViaCap(): Check {
  return {
    reach: (e) => isOk(e),
    violation: (e, run) => {
      const pre = custody(run);
      const post = e.host as SymbolicCustody;
      const k = run.w.fresh('probe.escrow_key', 384);
      const asset = run.w.fresh('probe.asset');
      const moved = run.w.ctx.Or(post.f.escBal.select(k).neq(pre.f.escBal.select(k)), post.f.vault.select(asset).neq(pre.f.vault.select(asset)));
      return run.w.and(moved, run.w.not(anyOf(run, eventsOf(e, 'CAP_DEBIT').map((x) => x.guard))));
    },
    concrete: (r, res, post, s) => {
      if (res.status !== 'ok' || syscallCalls(s.lm, res, sysId('CAP_DEBIT'), 2).length > 0) return undefined;
      const moved = res.stateDiff.find((d) => d.key.startsWith('escrow/') || d.key.startsWith('vault/'));
      void r;
      void post;
      return moved ? `${moved.key} changed without a CAP_DEBIT` : undefined;
    },
  };
}

/** S9, M5: a commit debits at most the max charge its reservation recorded (holds[h].max_charge). */
export function debitWithinMaxCharge(hArg: number, maxCharge: FieldRef): Check {
  const addr = (run: Run): BV => run.w.bv(run.inp.args[hArg] as SymWord).mul(BigInt(maxCharge.slot.stride as number)).add(BigInt(maxCharge.slot.offset + maxCharge.offset));
  return {
    reach: (e, run) => isOk(e) && anyOf(run, eventsOf(e, 'CAP_DEBIT').map((x) => x.guard)),
    violation: (e, run) => {
      const pre = run.inp.storage.clone();
      const mc = run.w.bv(pre.load(addr(run), maxCharge.width));
      return anyOf(run, eventsOf(e, 'CAP_DEBIT').map((x) => run.w.ctx.And(run.w.bool(x.guard), run.w.bv(x.args[1] as SymWord).ugt(mc))));
    },
    concrete: (r, res, _post, s) => {
      if (res.status !== 'ok') return undefined;
      const at = (r.args[hArg] as bigint) * BigInt(maxCharge.slot.stride as number) + BigInt(maxCharge.slot.offset + maxCharge.offset);
      const mc = segmentWord(r.world, s.lm.hashHex, Number(at), maxCharge.width);
      const c = syscallCalls(s.lm, res, sysId('CAP_DEBIT'), 2).find((x) => (x.args[1] as bigint) > mc);
      return c ? `CAP_DEBIT of ${c.args[1]} exceeds the reservation's max charge ${mc}` : undefined;
    },
  };
}

function segmentWord(world: World, hex: string, at: number, width: number): bigint {
  return world.hasSegment(hex) ? readUintLE(world.segment(hex, 0).bytes, at, width) : 0n;
}

/**
 * S8, M4: `reserved ≤ qty` for every order is preserved. The pre-invariant is assumed at the probed
 * index and at every order index the paths read (instances of ∀i, sound) — of the pre-state and of every
 * storage a havoc summary left (the summarised callee's contract, proved by its own segments:
 * segments.ts); the post-state of every ok end (a return, or a segment's loop head) is probed at a fresh
 * index below the pool's capacity.
 */
export function reservedWithinQty(reserved: FieldRef, qty: FieldRef): Check {
  const slot = reserved.slot;
  const stride = BigInt(slot.stride as number);
  const cap = BigInt(slot.capacity ?? 0);
  // order indices are 32-bit words (pool addresses lie below 2^32: the storage segment is at most
  // 10 MiB), so the field addresses are 32-bit arithmetic the solver does not widen to 128 bits
  const at = (i: BV, f: FieldRef): BV => i.mul(stride).add(BigInt(slot.offset + f.offset)).zeroExt(96);
  let probe: BV | undefined;
  const k = (run: Run): BV => (probe ??= run.w.fresh('probe.order', 32));
  const pinned: BV[] = [];
  // i < cap wherever `holds` is used, so its loads lie inside the pool: writes outside it are dropped
  // and (bytes.ts Fields) so are writes inside it at record offsets other than the two fields'
  const fields = { stride: Number(stride), fields: [reserved, qty].map((f) => [f.offset, f.width] as const) };
  const pool = { lo: slot.offset, stride: Number(stride), cap: Number(cap) };
  // each field of record i resolved through the writes (bytes.ts fieldLoad): ite(written record = i, …)
  const field = (store: PathEnd['storage'], i: BV, f: FieldRef): SymWord => store.fieldLoad(pool, i, f.offset, f.width, fields);
  const holds = (run: Run, store: PathEnd['storage'], i: BV): ZBool => run.w.bv(field(store, i, reserved)).ule(run.w.bv(field(store, i, qty)));
  return {
    gasFree: true,
    lazyEnds: true,
    abstractNonlinear: true,
    assume: (run) => {
      const stores = [run.inp.storage, ...run.out.havocs];
      const out: (ZBool | boolean)[] = [k(run).ult(cap), ...stores.map((st) => holds(run, st, k(run)))];
      pinned.length = 0;
      pinned.push(k(run));
      const ctx = run.w.ctx;
      const seen = new Set<string>();
      // the order index of each read inside the pool: a fresh j pinned by j·stride ≤ a − offset < (j+1)·stride
      // (multiplication by a constant; a 128-bit udiv per read was what z3 could not bit-blast in time)
      run.out.reads.forEach((r, n) => {
        const key = typeof r.addr === 'bigint' ? `c${r.addr}` : `s${r.addr.id()}`;
        if (seen.has(key)) return;
        seen.add(key);
        if (typeof r.addr === 'bigint') {
          const off = r.addr - BigInt(slot.offset);
          if (off >= 0n && off < cap * stride) out.push(...stores.map((st) => holds(run, st, ctx.BitVec.val(off / stride, 32))));
          return;
        }
        // a linear address idx·stride + c (linear.ts) reads record idx + q: the instance there, no pinning
        const lin = linearOf(r.addr, r.width, r.pc, run.lm.module.memory.storageBytes);
        if (lin && lin.m === stride) {
          const q = (lin.c - BigInt(slot.offset) - (((lin.c - BigInt(slot.offset)) % stride) + stride) % stride) / stride;
          const idx32 = low32(lin.idx);
          const j = q === 0n ? idx32 : (idx32.add(ctx.BitVec.val(((q % (1n << 32n)) + (1n << 32n)) % (1n << 32n), 32)) as BV);
          // any index below the capacity is an instance of the pre-invariant (sound whatever j is)
          out.push(...stores.map((st) => ctx.Implies(j.ult(cap), holds(run, st, j))));
          return;
        }
        const inPool = ctx.And(r.addr.uge(BigInt(slot.offset)), r.addr.ult(BigInt(slot.offset) + cap * stride));
        const a = r.addr.extract(31, 0).sub(BigInt(slot.offset));
        const j = run.w.fresh(`probe.read${n}`, 32);
        pinned.push(j);
        out.push(ctx.Implies(inPool, ctx.And(j.ult(cap), j.mul(stride).ule(a), a.sub(j.mul(stride)).ult(stride))));
        out.push(...stores.map((st) => ctx.Implies(inPool, holds(run, st, j))));
      });
      return out;
    },
    // the replay's pre-state holds the fields the assumptions constrain, read by the paths or not
    materialize: () => pinned.flatMap((i) => [reserved, qty].map((f) => ({ addr: at(i, f), width: f.width }))),
    reach: (e) => isOk(e),
    violation: (e, run) => run.w.ctx.Not(holds(run, e.storage, k(run))),
    concrete: (r, res, post, s) => {
      if (res.status !== 'ok') return undefined;
      const touched = new Set<bigint>();
      for (const d of res.stateDiff) {
        const m = /^word\/[0-9a-f]+\/([0-9a-f]+)$/.exec(d.key);
        const byte = m ? BigInt(parseInt(m[1] as string, 16) * 16) : -1n;
        if (byte >= BigInt(slot.offset)) touched.add((byte - BigInt(slot.offset)) / stride);
      }
      for (const i of touched) {
        if (i >= cap) continue;
        const base = Number(BigInt(slot.offset) + i * stride);
        const rv = segmentWord(post, s.lm.hashHex, base + reserved.offset, reserved.width);
        const qv = segmentWord(post, s.lm.hashHex, base + qty.offset, qty.width);
        const rp = segmentWord(r.world, s.lm.hashHex, base + reserved.offset, reserved.width);
        const qp = segmentWord(r.world, s.lm.hashHex, base + qty.offset, qty.width);
        if (rp <= qp && rv > qv) return `order ${i}: reserved ${rv} > qty ${qv} after the call (was ${rp} ≤ ${qp})`;
      }
      return undefined;
    },
  };
}

/**
 * Value-moving syscalls whose status must be checked (FALLIBLE without CAP_BURN: burning a missing or
 * burned cap changes nothing, and the cap being dead afterwards is `burnsRefundedCap`'s obligation (router-checks.ts)).
 */
export const MOVES: readonly SyscallName[] = FALLIBLE.filter((n) => n !== 'CAP_BURN');

/** Post-dominator trees per function analysis (cfg.ts), computed once. */
const ipdomCache = new WeakMap<object, Int32Array>();

/** Instruction `to` lies on every path from instruction `from` to the return of function `fn`. */
function postDominates(run: Run, fn: number, from: number, to: number): boolean {
  const an = run.lm.analyses[fn];
  if (!an) return false;
  let p = ipdomCache.get(an);
  if (!p) ipdomCache.set(an, (p = postDominators(an.instrs, an.indexOfPc)));
  const target = an.indexOfPc.get(to);
  let i = an.indexOfPc.get(from) ?? -1;
  for (let n = 0; i >= 0 && n <= an.instrs.length; n++) {
    i = p[i] as number;
    if (i === target) return true;
  }
  return false;
}

/** Later events of `x`'s function at the first instruction after `x` that every return passes (`pick` filters). */
export function laterOnEveryReturn(e: PathEnd, run: Run, x: SysEvent, pick: (y: SysEvent) => boolean = () => true): SysEvent[] | undefined {
  const first = e.events.find((y) => y.id > x.id && y.fn === x.fn && pick(y) && postDominates(run, x.fn, x.pcOffset, y.pcOffset));
  return first ? e.events.filter((y) => y.id > x.id && y.fn === first.fn && y.pcOffset === first.pcOffset) : undefined;
}

/**
 * The path goes on from `x` towards a completed call: it reaches the next syscall of x's function that
 * every return passes (any of its later runs), or — when there is none — it is a completed call's path.
 */
export function continues(e: PathEnd, run: Run, x: SysEvent): ZBool | boolean {
  const later = laterOnEveryReturn(e, run, x);
  if (later) return anyOf(run, later.map((y) => y.guard));
  return anyOf(run, run.out.ends.filter((end) => isOk(end) && end.events.some((y) => y.id === x.id)).map((end) => end.pc));
}

export const statusIs = (run: Run, x: SysEvent, ok: boolean): ZBool | boolean => {
  const z = run.w.eq(x.results[0] as SymWord, 0n);
  return ok ? z : run.w.not(z);
};

/**
 * P3, P7, R6, ADV1 as a prefix check: no run of a value-moving syscall that answered non-zero goes on
 * towards a completed call (to the next syscall every return passes, or to the return itself).
 */
export function statusCheckedAtEvents(names: readonly SyscallName[] = MOVES): Check {
  const runs = (e: PathEnd) => e.events.filter((x) => (names as readonly string[]).includes(x.name));
  return {
    prefix: true,
    reach: (e, run) => anyOf(run, runs(e).map((x) => run.w.and(x.guard, continues(e, run, x)))),
    violation: (e, run) => anyOf(run, runs(e).map((x) => run.w.and(x.guard, statusIs(run, x, false), continues(e, run, x)))),
    concrete: statusChecked(names).concrete,
  };
}

/** The cap a refund releases: the argument of the last CAP_REMAINING of the same function before event `x`. */
export function capReadBefore(e: PathEnd, x: SysEvent): SymWord | undefined {
  const reads = e.events.filter((y) => y.name === 'CAP_REMAINING' && y.id < x.id && y.fn === x.fn);
  return reads[reads.length - 1]?.args[0];
}

/**
 * P5, P3, L2 over the router's refunds, stated so that it holds whatever a slab CALL did to custody: every
 * ESCROW_DEBIT that moved value moved at most min(the live remaining of the cap read just before it, the
 * escrow balance), both taken from the custody the debit itself ran on.
 */
export function refundWithinRead(): Check {
  return {
    prefix: true,
    reach: (e, run) => anyOf(run, eventsOf(e, 'ESCROW_DEBIT').map((x) => run.w.and(x.guard, statusIs(run, x, true)))),
    violation: (e, run) =>
      anyOf(
        run,
        eventsOf(e, 'ESCROW_DEBIT').map((x) => {
          const [u, sl, a, amount] = x.args as [SymWord, SymWord, SymWord, SymWord];
          const pre = x.pre as SymbolicCustody;
          const cap = capReadBefore(e, x);
          const rem = cap === undefined ? run.w.ctx.BitVec.val(0n, 128) : liveRemaining(run, pre, cap);
          const amt = run.w.bv(amount);
          return run.w.and(x.guard, statusIs(run, x, true), run.w.ctx.Or(amt.ugt(pre.get(pre.f.escBal, u, sl, a)), amt.ugt(rem)));
        }),
      ),
    concrete: () => undefined,
  };
}

/** P6, P4, stated at each mint (so it holds whatever a later slab CALL does): the new cap ≤ its escrow. */
export function mintCovered(): Check {
  return {
    prefix: true,
    reach: (e, run) => anyOf(run, eventsOf(e, 'CAP_MINT').map((x) => x.guard)),
    violation: (e, run) =>
      anyOf(
        run,
        eventsOf(e, 'CAP_MINT').map((x) => {
          const post = x.post as SymbolicCustody;
          const [u, sl, a] = x.args as [SymWord, SymWord, SymWord];
          return run.w.and(x.guard, post.get(post.f.capRem, x.results[0] as SymWord).ugt(post.get(post.f.escBal, u, sl, a)));
        }),
      ),
    concrete: () => undefined,
  };
}

/**
 * Access control as a prefix check: every custody change of a Slab call happens at a CAP_DEBIT — no other
 * syscall (and no summarised call, which could only reach custody through a CALL) changes an escrow
 * balance or a vault. Custody changes nowhere else (the executor's host changes only at syscalls and CALLs).
 */
export function debitViaCapAtEvents(): Check {
  return {
    prefix: true,
    // the witness: the first syscall is reached (or, with none, a call completes)
    reach: (e, run) => (e.events[0] ? e.events[0].guard : anyOf(run, run.out.ends.filter(isOk).map((x) => x.pc))),
    violation: (e, run) => {
      const k = run.w.fresh('probe.escrow_key', 384);
      const asset = run.w.fresh('probe.asset');
      return anyOf(
        run,
        e.events
          .filter((x) => x.name !== 'CAP_DEBIT' && x.pre !== x.post)
          .map((x) => {
            const pre = x.pre as SymbolicCustody;
            const post = x.post as SymbolicCustody;
            return run.w.and(x.guard, run.w.ctx.Or(post.f.escBal.select(k).neq(pre.f.escBal.select(k)), post.f.vault.select(asset).neq(pre.f.vault.select(asset))));
          }),
      );
    },
    concrete: () => undefined,
  };
}

/**
 * S9, M5 as a prefix check: no guarded debit of a commit that went through (status 0) and goes on towards
 * a completed call exceeds the max charge its reservation recorded (a refused or reverted debit moves
 * nothing; requiring the way on makes a violating model a completed call the VM can replay).
 */
export function debitWithinMaxChargeAtEvents(hArg: number, maxCharge: FieldRef): Check {
  const full = debitWithinMaxCharge(hArg, maxCharge);
  const addr = (run: Run): BV => run.w.bv(run.inp.args[hArg] as SymWord).mul(BigInt(maxCharge.slot.stride as number)).add(BigInt(maxCharge.slot.offset + maxCharge.offset));
  const moved = (e: PathEnd, run: Run, x: SysEvent): ZBool | boolean => run.w.and(x.guard, statusIs(run, x, true), continues(e, run, x));
  return {
    prefix: true,
    reach: (e, run) => anyOf(run, eventsOf(e, 'CAP_DEBIT').map((x) => moved(e, run, x))),
    violation: (e, run) => {
      const mc = run.w.bv(run.inp.storage.clone().load(addr(run), maxCharge.width));
      return anyOf(run, eventsOf(e, 'CAP_DEBIT').map((x) => run.w.and(moved(e, run, x), run.w.bv(x.args[1] as SymWord).ugt(mc))));
    },
    concrete: full.concrete,
  };
}
