/**
 * The bytecode-level proof obligations of issue 5 (spec/symexec.md): the venue is compiled with the
 * standard templates (sources are arguments — models/ reads no files), every Router and Slab module is
 * loaded into a module store, and each obligation runs the symbolic executor over one entrypoint and
 * decides a Hoare triple with z3. Obligations are named after what they establish and follow what the
 * compiler reports (entry and parameter names, storage pools, record fields), not hard-coded offsets.
 */
import { compileVenue, type TemplateSet } from '../../../reference/compiler/compile.ts';
import type { CompiledModule } from '../../../reference/compiler/artifact.ts';
import { CAP } from '../../../reference/vm/capabilities.ts';
import { ModuleStore } from '../../../reference/vm/store.ts';
import { syscallById, syscallByName, type SyscallName } from '../../../reference/vm/syscalls.ts';
import type { Family, Obligation, ObligationResult, ProveOptions } from '../obligation.ts';
import { z3Context } from '../z3.ts';
import { burnedOnRelease, capCovered, capLifetime, debitViaCap, debitViaCapAtEvents, debitWithinMaxChargeAtEvents, FALLIBLE, mintCovered, MOVES, refundBounded, refundWithinRead, reservedWithinQty, ROUTER_ONLY, statusChecked, statusCheckedAtEvents } from './checks.ts';
import { decide } from './decide.ts';
import { proveHoare, symbolicRun, type Check, type Replayed, type Subject } from './hoare.ts';
import { poolField } from './layout.ts';
import { proveBySegments, writingSegments } from './segments.ts';
import { burnsRefundedCap, callersOf, capExpiryWithinRoute, functionParamWord, ttlPassedWithinCap } from './router-checks.ts';
import { functionIndex } from './run.ts';
import { checkpointView } from './summary.ts';

export type { Replayed, Subject } from './hoare.ts';

/** Solver budget per query of one S8 segment (spec/symexec.md "S8"; a quarter of it after a first unproved segment). */
const S8_SEGMENT_MS = 10_000;

/** A bytecode obligation; `replayed` holds the last reproduced counterexample (for its regression vector). */
export interface BytecodeObligation extends Obligation {
  replayed?: Replayed;
}

/** Compile the venue and load each Router/Slab module (with its template text) as a proof subject. */
export function subjects(venueSource: string, templates: TemplateSet, venueFile = 'venue.curve'): Subject[] {
  const r = compileVenue({ file: venueFile, text: venueSource }, templates);
  if (!r.modules) throw new Error(`venue does not compile: ${r.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('; ')}`);
  // one store for the venue: the router imports the slabs it routes to
  const store = new ModuleStore();
  for (const mod of r.modules) store.add(mod.bytes, mod.name);
  return r.modules
    .filter((m) => m.kind === 'router' || m.kind === 'slab')
    .map((mod) => ({ mod, store, lm: store.link(mod.hash), template: mod.kind === 'router' ? templates.router.text : templates.slab.text }));
}

/** Index of the first word of the entry parameter called `name` (undefined when absent). */
function param(mod: CompiledModule, entry: string, name: string): number | undefined {
  const e = mod.entries.find((x) => x.name === entry);
  if (!e) return undefined;
  let w = 0;
  for (const p of e.params) {
    if (p.name === name) return w;
    w += p.words.length;
  }
  return undefined;
}

/** Names of the syscalls the entry's function and its CALLF callees contain. */
function syscallsOf(s: Subject, entry: string): Set<string> {
  const out = new Set<string>();
  const start = s.lm.entries.get(entry)?.func;
  const seen = new Set<number>();
  const visit = (fi: number): void => {
    if (seen.has(fi)) return;
    seen.add(fi);
    for (const i of s.lm.analyses[fi]?.instrs ?? []) {
      if (i.info.name === 'SYSCALL') out.add(syscallById(i.arg)?.name ?? '');
      if (i.info.name === 'CALLF') visit(i.arg);
    }
  };
  if (start !== undefined) visit(start);
  return out;
}

/** The entry can run a fallible custody syscall (so its status-checked obligation has a guarded path). */
const fallibleIn = (s: Subject, entry: string): boolean => [...syscallsOf(s, entry)].some((n) => (FALLIBLE as readonly string[]).includes(n));

const shortName = (m: CompiledModule): string => m.name.replace(/^(router|slab):/, '');

function hoareObligation(s: Subject, entry: string, id: string, family: Family, invariants: string[], description: string, check: Check): BytecodeObligation {
  const ob: BytecodeObligation = {
    id,
    family,
    level: 'bytecode',
    invariants,
    rules: ['VM-SYS-CAP-DEBIT', 'VM-SYS-CONSERVE'],
    description: `${s.mod.name} ${entry}: ${description}`,
    run: (opts: ProveOptions) => proveHoare(s, entry, check, opts, (r) => (ob.replayed = r)),
  };
  return ob;
}

/** A failure to build obligations is itself an obligation that cannot pass. */
function broken(id: string, reason: string): BytecodeObligation {
  return { id, family: 'access-control', level: 'bytecode', invariants: [], rules: [], description: reason, run: async () => ({ verdict: 'unknown', reason, smt2: '' }) };
}

/**
 * The functions whose own body (not their callees) runs one of `names`, as run targets: the entry name
 * when the function is an entry (an entry-level run), else `@name` (a function-level run from any state).
 */
export function directUsers(s: Subject, names: readonly SyscallName[]): string[] {
  const ids = new Set(names.map((x) => (syscallByName(x) as { id: number }).id));
  const fnNames = (s.mod.asm ?? '').split('\n').filter((l) => l.startsWith('.func ')).map((l) => (l.split(/\s+/)[1] ?? '').replace(/^fn_/, ''));
  const entryOf = new Map([...s.lm.entries].map(([name, e]) => [e.func, name]));
  const out: string[] = [];
  s.lm.analyses.forEach((an, fi) => {
    if (an.instrs.some((i) => i.info.name === 'SYSCALL' && ids.has(i.arg))) out.push(entryOf.get(fi) ?? `@${fnNames[fi] ?? fi}`);
  });
  return out;
}

const label = (target: string): string => target.replace(/^@/, '');

function routerObligations(s: Subject): BytecodeObligation[] {
  const m = s.mod;
  const n = shortName(m);
  const out: BytecodeObligation[] = [];
  // first-cut router ABI (release(cap)/fund entries; the counterexample fixtures keep it)
  const capR = param(m, 'release', 'cap');
  if (capR !== undefined) {
    out.push(hoareObligation(s, 'release', `SAFE-DEBIT/${n}/release/P5-refund-bounded`, 'safe-debit', ['P5', 'P3', 'L2'], 'every escrow refund ≤ min(cap remaining, escrow balance)', refundBounded(capR)));
    out.push(hoareObligation(s, 'release', `SAFE-DEBIT/${n}/release/ADV1-burned`, 'safe-debit', ['ADV1', 'P5'], 'after a completed release the cap debits nothing more', burnedOnRelease(capR)));
  }
  const ttl = [...m.constants].find(([k]) => /ttl/i.test(k))?.[1];
  if (m.entries.some((e) => e.name === 'fund')) {
    out.push(hoareObligation(s, 'fund', `SAFE-DEBIT/${n}/fund/P6-cap-covered`, 'safe-debit', ['P6', 'P4'], 'the minted cap never exceeds the escrow it may debit', capCovered()));
    if (ttl !== undefined) out.push(hoareObligation(s, 'fund', `SAFE-DEBIT/${n}/fund/F1-cap-lifetime`, 'safe-debit', ['F1'], `a minted cap expires after now and within the cap TTL (${ttl})`, capLifetime(ttl)));
  }
  const have = new Set(out.map((o) => o.id));
  const add = (o: BytecodeObligation): void => {
    if (!have.has(o.id)) out.push(o);
    have.add(o.id);
  };
  // modular (spec/symexec.md "Function-level obligations"): every function that itself runs a value-moving
  // syscall checks its status before it returns, so no completed call of any entry ignored one
  for (const t of directUsers(s, MOVES)) {
    add(hoareObligation(s, t, `SAFE-DEBIT/${n}/${label(t)}/status-checked`, 'safe-debit', ['P3', 'P7', 'R6', 'ADV1'], 'it never returns after a refused value-moving custody syscall (non-zero status)', statusCheckedAtEvents(MOVES)));
  }
  for (const t of directUsers(s, ['ESCROW_DEBIT'])) {
    add(hoareObligation(s, t, `SAFE-DEBIT/${n}/${label(t)}/P5-refund-bounded`, 'safe-debit', ['P5', 'P3', 'L2'], 'every escrow refund ≤ min(remaining of the cap it releases, escrow balance), on the custody the refund ran on', refundWithinRead()));
    add(hoareObligation(s, t, `SAFE-DEBIT/${n}/${label(t)}/ADV1-burned`, 'safe-debit', ['ADV1', 'P5', 'F1'], 'a completed refund is followed by a burn of the refunded cap (the one read just before it), leaving it nothing to debit, and burns no other cap', burnsRefundedCap()));
  }
  for (const t of directUsers(s, ['CAP_MINT'])) {
    // F1 (router-checks.ts): no cap outlives its route, whatever a slab call answered
    const id = `SAFE-DEBIT/${n}/${label(t)}/F1-cap-expiry`;
    const ttlWord = t.startsWith('@') ? functionParamWord(s.template, label(t), 'ttl') : param(m, t, 'ttl');
    const bound = ttlWord === undefined ? `now + CAP_TTL (${ttl})` : t.startsWith('@') ? `now + its ttl parameter (its callers require ttl ≤ CAP_TTL ${ttl})` : `now + min(ttl, CAP_TTL ${ttl})`;
    add(ttl === undefined ? broken(id, `${m.name} has no cap TTL constant to bound the caps ${label(t)} mints`) : hoareObligation(s, t, id, 'safe-debit', ['F1', 'R4', 'P7'], `every cap it mints expires by ${bound}, whatever a slab call answered`, capExpiryWithinRoute(ttlWord, ttl, t.startsWith('@'))));
    add(hoareObligation(s, t, `SAFE-DEBIT/${n}/${label(t)}/P6-cap-covered`, 'safe-debit', ['P6', 'P4'], 'each minted cap is covered by its escrow balance when it is minted', mintCovered()));
  }
  // F1's link (router-checks.ts ttlPassedWithinCap): each caller of a function-level minter bounded by its ttl
  // parameter passes it a ttl ≤ CAP_TTL, decided at the calls' checkpoints (the minter havocked)
  const fnNames = (m.asm ?? '').split('\n').filter((l) => l.startsWith('.func ')).map((l) => (l.split(/\s+/)[1] ?? '').replace(/^fn_/, ''));
  const entryOf = new Map([...s.lm.entries].map(([name, e]) => [e.func, name]));
  for (const t of directUsers(s, ['CAP_MINT']).filter((x) => x.startsWith('@'))) {
    const callee = functionIndex(m.asm ?? '', label(t));
    const ttlWord = functionParamWord(s.template, label(t), 'ttl');
    if (callee === undefined || ttlWord === undefined || ttl === undefined) continue;
    const view: Subject = { ...s, lm: checkpointView(s.lm, [callee]) };
    for (const f of callersOf(s.lm, callee)) {
      const entry = entryOf.get(f);
      const id = `SAFE-DEBIT/${n}/${entry ?? fnNames[f] ?? f}/F1-ttl-passed`;
      const what = `every call of ${label(t)} passes a ttl ≤ CAP_TTL (${ttl}), so the caps it mints (its F1-cap-expiry: ≤ now + ttl) expire by now + CAP_TTL`;
      add(entry === undefined ? broken(id, `${label(t)} is called from the internal function ${fnNames[f] ?? f}: the ttl it passes is not proved (only entry callers are)`) : hoareObligation(view, entry, id, 'safe-debit', ['F1', 'R4'], what, ttlPassedWithinCap(callee, ttlWord, ttl)));
    }
  }
  return out;
}

/** ACCESS: the Slab's capability schema excludes escrow writes, vault moves and cap minting. */
function schemaObligation(s: Subject): BytecodeObligation {
  const forbidden = ['escrow.write', 'vault.write', 'cap.mint'] as const;
  return {
    id: `ACCESS/${shortName(s.mod)}/schema`,
    family: 'access-control',
    level: 'bytecode',
    invariants: ['P7', 'R6'],
    rules: ['VM-CAP-001', 'VM-VAL-CAP-002'],
    description: `${s.mod.name}: the declared capabilities exclude ${forbidden.join(', ')}`,
    run: async (): Promise<ObligationResult> => {
      const bad = forbidden.filter((c) => (s.lm.module.caps & CAP[c]) !== 0);
      const witness = { caps: '0x' + s.lm.module.caps.toString(16) };
      return bad.length ? { verdict: 'counterexample', reason: `declares ${bad.join(', ')}`, smt2: '', witness, counterexample: { model: witness, reproduced: true } } : { verdict: 'proved', smt2: '', witness };
    },
  };
}

/** ACCESS: no instruction of any Slab function is a router-only syscall, and no explored path runs one. */
function codeObligation(s: Subject): BytecodeObligation {
  return {
    id: `ACCESS/${shortName(s.mod)}/code`,
    family: 'access-control',
    level: 'bytecode',
    invariants: ['P7', 'R6', 'ADV1'],
    rules: ['VM-SYS-CAP-DEBIT'],
    description: `${s.mod.name}: no function contains, and no path of any entry reaches, ${ROUTER_ONLY.join(', ')}`,
    run: async (opts): Promise<ObligationResult> => {
      const ids = new Set(ROUTER_ONLY.map((n) => (syscallByName(n) as { id: number }).id));
      for (const [fi, an] of s.lm.analyses.entries()) {
        const hit = an.instrs.find((i) => i.info.name === 'SYSCALL' && ids.has(i.arg));
        if (hit) return { verdict: 'counterexample', reason: `function ${fi} pc ${hit.pc}: SYSCALL ${syscallById(hit.arg)?.name}`, smt2: '', counterexample: { model: { fn: String(fi), pc: String(hit.pc) }, reproduced: false } };
      }
      const ctx = await z3Context();
      let paths = 0;
      const reach: ReturnType<typeof ctx.Bool.val>[] = [];
      const viol: ReturnType<typeof ctx.Bool.val>[] = [];
      const partial: string[] = [];
      for (const e of s.mod.entries) {
        const run = symbolicRun(ctx, s, e.name);
        paths += run.out.ends.length;
        if (run.out.partial) partial.push(`${e.name}: ${run.out.partial}`);
        for (const end of run.out.ends) {
          reach.push(run.w.bool(end.pc));
          for (const ev of end.events) if ((ROUTER_ONLY as readonly string[]).includes(ev.name)) viol.push(run.w.bool(ev.guard));
        }
      }
      const d = await decide(ctx, [ctx.Or(...reach)], viol.length ? ctx.Or(...viol) : ctx.Bool.val(false), opts.timeoutMs);
      if (d.kind === 'proved') return partial.length ? { verdict: 'partial', reason: partial.join('; '), smt2: d.smt2, paths } : { verdict: 'proved', smt2: d.smt2, paths, witness: {} };
      if (d.kind === 'vacuous') return { verdict: 'vacuous', reason: 'no entry has a path', smt2: d.smt2, paths };
      return { verdict: 'unknown', reason: d.kind === 'unknown' ? d.reason : 'a router-only syscall is reachable', smt2: d.smt2, paths };
    },
  };
}

function slabObligations(s: Subject): BytecodeObligation[] {
  const m = s.mod;
  const n = shortName(m);
  const out: BytecodeObligation[] = [schemaObligation(s), codeObligation(s)];
  // a Slab that CALLs another module changes custody outside its own syscalls: the whole-call form then
  const calls = s.lm.analyses.some((an) => an.instrs.some((i) => i.info.name === 'CALL'));
  for (const e of m.entries) {
    out.push(hoareObligation(s, e.name, `ACCESS/${n}/${e.name}/debit-via-cap`, 'access-control', ['P7', 'R6', 'ADV1'], 'escrow and vault balances change only at the guarded debit (CAP_DEBIT)', calls ? debitViaCap() : debitViaCapAtEvents()));
    if (fallibleIn(s, e.name)) out.push(hoareObligation(s, e.name, `SAFE-DEBIT/${n}/${e.name}/status-checked`, 'safe-debit', ['P7', 'R6', 'ADV1', 'F1'], 'a refused guarded debit never goes on towards a completed call', statusCheckedAtEvents(FALLIBLE)));
  }
  // S8 by induction over segments (spec/symexec.md "S8"): every segment that writes storage keeps
  // reserved ≤ qty at every order, assuming it of the pre-state and after each summarised call
  const reserved = poolField(m, s.template, 'orders', 'reserved_qty');
  const qty = poolField(m, s.template, 'orders', 'qty');
  if (typeof reserved === 'string' || typeof qty === 'string') out.push(broken(`RESERVATION/${n}/S8-reserved-within-qty`, typeof reserved === 'string' ? reserved : (qty as string)));
  else {
    const ob: BytecodeObligation = {
      id: `RESERVATION/${n}/S8-reserved-within-qty`,
      family: 'reservation-bounds',
      level: 'bytecode',
      invariants: ['S8', 'M4', 'S5'],
      rules: ['PERP-RES-001', 'PERP-RES-003'],
      description: `${m.name}: every order keeps reserved_qty ≤ qty (induction over the segments that write storage)`,
      run: (opts) => proveBySegments(s, writingSegments(s), reservedWithinQty(reserved, qty), opts, S8_SEGMENT_MS, (r) => (ob.replayed = r)),
    };
    out.push(ob);
  }
  const maxCharge = poolField(m, s.template, 'ress', 'max_charge');
  const h = param(m, 'commit', 'slot');
  if (typeof maxCharge === 'string' || h === undefined) out.push(broken(`RESERVATION/${n}/commit/S9`, typeof maxCharge === 'string' ? maxCharge : `${m.name} commit has no parameter slot`));
  else out.push(hoareObligation(s, 'commit', `RESERVATION/${n}/commit/S9-within-max-charge`, 'reservation-bounds', ['S9', 'M5', 'P7'], "the debit never exceeds the reservation's max charge", debitWithinMaxChargeAtEvents(h, maxCharge)));
  return out;
}

/**
 * Every bytecode obligation of a venue: the Router's custody obligations and, per Slab, access control,
 * the guarded debit and the reservation bounds. Without sources there is nothing to prove: the result is
 * one obligation that cannot pass (never a silent empty list).
 */
export function bytecodeObligations(venueSource?: string, templates?: TemplateSet, venueFile = 'venue.curve'): BytecodeObligation[] {
  if (venueSource === undefined || templates === undefined) return [broken('BYTECODE/sources', 'no venue source and templates given to the bytecode obligations')];
  let subs: Subject[];
  try {
    subs = subjects(venueSource, templates, venueFile);
  } catch (e) {
    return [broken('BYTECODE/compile', String(e instanceof Error ? e.message : e))];
  }
  return subs.flatMap(obligationsFor);
}

/** The obligations of one subject (a Router or a Slab module). */
export function obligationsFor(s: Subject): BytecodeObligation[] {
  return s.mod.kind === 'router' ? routerObligations(s) : slabObligations(s);
}
