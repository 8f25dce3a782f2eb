/**
 * Venue cross-references and governance guardrails (spec/curvescript.md §6, CS-GUARD-*). Each
 * guardrail is one function with its own diagnostic code; they run over the schema-checked blocks and
 * skip any value the schema already rejected (no cascades). CS-GUARD-TTL (CAP_TTL ≤ 120 s) is carried
 * by the schema itself (`maxCode: 'CS3007'` on CAP_TTL ms) so the range and its code live in one place.
 */
import { APPROVED_FEED_PREFIXES, BATCH_TOLERANCE_MS } from './directives.ts';
import { diagnostic } from './diagnostics.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { LocatedArg, LocatedBlock, LocatedDirective } from './venue.ts';

/** Capabilities only the Router may hold (P1, P4, P6; spec/curvevm.md §8). */
export const ROUTER_ONLY_CAPABILITIES = ['escrow.write', 'vault.write', 'cap.mint'] as const;

function first(b: LocatedBlock, directive: string): LocatedDirective | undefined {
  return b.directives.get(directive)?.[0];
}

function arg(b: LocatedBlock | undefined, directive: string, name: string): LocatedArg | undefined {
  return b === undefined ? undefined : first(b, directive)?.args.get(name);
}

function int(a: LocatedArg | undefined): bigint | undefined {
  return typeof a?.value === 'bigint' ? a.value : undefined;
}

function list(a: LocatedArg | undefined): readonly string[] {
  return Array.isArray(a?.value) ? (a.value as readonly string[]) : [];
}

interface Venue {
  readonly router: LocatedBlock | undefined;
  readonly slabs: readonly LocatedBlock[];
  readonly oracles: readonly LocatedBlock[];
  readonly caps: readonly LocatedBlock[];
}

type Guard = (v: Venue, out: Diagnostic[]) => void;

/** CS-GUARD-ORACLE: a slab's ORACLE feed names a declared ORACLE block. */
const slabOracleExists: Guard = (v, out) => {
  const names = new Set(v.oracles.map((o) => o.name));
  for (const s of v.slabs) {
    const feed = arg(s, 'ORACLE', 'feed');
    if (feed && typeof feed.value === 'string' && !names.has(feed.value)) {
      out.push(diagnostic('CS3001', `slab "${s.name}" reads oracle "${feed.value}", which no ORACLE block declares`, feed.span));
    }
  }
};

/** CS-GUARD-BATCH: |RESERVATION_BATCH ms − BATCH ms| ≤ 10 for every slab. */
const batchesMatch: Guard = (v, out) => {
  const routerMs = int(arg(v.router, 'RESERVATION_BATCH', 'ms'));
  if (routerMs === undefined) return;
  for (const s of v.slabs) {
    const a = arg(s, 'BATCH', 'ms');
    const slabMs = int(a);
    if (a === undefined || slabMs === undefined) continue;
    const diff = slabMs > routerMs ? slabMs - routerMs : routerMs - slabMs;
    if (diff > BATCH_TOLERANCE_MS) {
      out.push(diagnostic('CS3002', `slab "${s.name}" BATCH ms=${slabMs} differs from the router's RESERVATION_BATCH ms=${routerMs} by ${diff} ms (at most ${BATCH_TOLERANCE_MS})`, a.span));
    }
  }
};

/** CS-GUARD-CYCLE: the oracle failover graph is acyclic (a self-reference is a cycle). */
const noCycles: Guard = (v, out) => {
  const byName = new Map(v.oracles.map((o) => [o.name, o]));
  const state = new Map<string, 'open' | 'done'>();
  const visit = (o: LocatedBlock, path: string[]): void => {
    state.set(o.name, 'open');
    for (const next of list(arg(o, 'FAILOVER', 'feeds'))) {
      const target = byName.get(next);
      if (target === undefined) continue;
      if (state.get(next) === 'open') {
        const cycle = [...path.slice(path.indexOf(next)), o.name, next];
        const where = first(o, 'FAILOVER')?.span ?? o.head;
        out.push(diagnostic('CS3003', `oracle failover cycle: ${cycle.map((n) => `"${n}"`).join(' → ')}`, where));
      } else if (state.get(next) === undefined) {
        visit(target, [...path, o.name]);
      }
    }
    state.set(o.name, 'done');
  };
  for (const o of v.oracles) if (state.get(o.name) === undefined) visit(o, []);
};

/** CS-GUARD-FEE (S2, ADV3): slab fees at most the registry fee caps. */
const feesWithinCaps: Guard = (v, out) => {
  for (const [fee, cap] of [['maker_bps', 'maker_bps_max'], ['taker_bps', 'taker_bps_max']] as const) {
    const max = int(arg(v.router, 'FEE_CAPS', cap));
    if (max === undefined) continue;
    for (const s of v.slabs) {
      const a = arg(s, 'FEE', fee);
      const value = int(a);
      if (a !== undefined && value !== undefined && value > max) {
        out.push(diagnostic('CS3004', `slab "${s.name}" ${fee}=${value} exceeds the registry cap ${cap}=${max}`, a.span));
      }
    }
  }
};

/** CS-GUARD-MARGIN: imr > mmr > 0. */
const marginOrdering: Guard = (v, out) => {
  for (const s of v.slabs) {
    const imrArg = arg(s, 'RISK', 'imr_bps');
    const mmrArg = arg(s, 'RISK', 'mmr_bps');
    const imr = int(imrArg);
    const mmr = int(mmrArg);
    if (mmrArg !== undefined && mmr === 0n) out.push(diagnostic('CS3005', `slab "${s.name}" mmr_bps must be above 0`, mmrArg.span));
    else if (imrArg !== undefined && imr !== undefined && mmr !== undefined && imr <= mmr) {
      out.push(diagnostic('CS3005', `slab "${s.name}" needs imr_bps > mmr_bps (imr_bps=${imr}, mmr_bps=${mmr})`, imrArg.span));
    }
  }
};

/** CS-GUARD-SLA: a slab's latency SLA is at most the router's ceiling and below CAP_TTL. */
const latencySla: Guard = (v, out) => {
  const ceiling = int(arg(v.router, 'LATENCY_SLA', 'max_ms'));
  const ttl = int(arg(v.router, 'CAP_TTL', 'ms'));
  for (const s of v.slabs) {
    const a = arg(s, 'LATENCY_SLA', 'ms');
    const sla = int(a);
    if (a === undefined || sla === undefined) continue;
    if (ceiling !== undefined && sla > ceiling) {
      out.push(diagnostic('CS3006', `slab "${s.name}" LATENCY_SLA ms=${sla} is above the router's ceiling max_ms=${ceiling}`, a.span));
    } else if (ttl !== undefined && sla >= ttl) {
      out.push(diagnostic('CS3006', `slab "${s.name}" LATENCY_SLA ms=${sla} must be below CAP_TTL ms=${ttl}, or caps expire before the slab answers`, a.span));
    }
  }
};

/** CS-GUARD-FEED: every ORACLE block reads an approved feed. */
const approvedFeeds: Guard = (v, out) => {
  for (const o of v.oracles) {
    if (!APPROVED_FEED_PREFIXES.some((p) => o.name.startsWith(p))) {
      out.push(diagnostic('CS3008', `oracle feed "${o.name}" is not approved (approved: ${APPROVED_FEED_PREFIXES.map((p) => p + '*').join(', ')})`, o.nameSpan));
    }
  }
};

/** CS-GUARD-CAP (P1, P4, P6): escrow.write, vault.write and cap.mint go to the router only. */
const routerOnlyCapabilities: Guard = (v, out) => {
  for (const c of v.caps) {
    const holder = arg(c, 'HOLDER', 'kind');
    const grants = arg(c, 'GRANTS', 'caps');
    if (holder === undefined || holder.value === 'router' || grants === undefined) continue;
    const bad = list(grants).filter((g) => (ROUTER_ONLY_CAPABILITIES as readonly string[]).includes(g));
    if (bad.length > 0) {
      out.push(diagnostic('CS3009', `CAP "${c.name}" grants ${bad.join(', ')} to a ${String(holder.value)}; only the router may hold ${ROUTER_ONLY_CAPABILITIES.join(', ')}`, grants.span));
    }
  }
};

/** CS-GUARD-INSURANCE (E2E4): insurance payouts need verified proofs. */
const insuranceProofs: Guard = (v, out) => {
  const a = arg(v.router, 'INSURANCE', 'require_proof');
  if (a !== undefined && a.value === false) out.push(diagnostic('CS3010', 'INSURANCE require_proof must be true: payouts need verified proofs (E2E4)', a.span));
};

/** CS-GUARD-REF: router_ref, failover feeds and the insurance asset name declared things. */
const referencesResolve: Guard = (v, out) => {
  const oracleNames = new Set(v.oracles.map((o) => o.name));
  for (const o of v.oracles) {
    const ref = arg(o, 'KILL_BAND_SYNC', 'router_ref');
    if (ref !== undefined && v.router !== undefined && ref.value !== v.router.name) {
      out.push(diagnostic('CS3011', `router_ref "${String(ref.value)}" does not name the ROUTER ("${v.router.name}")`, ref.span));
    }
    const failover = arg(o, 'FAILOVER', 'feeds');
    for (const f of list(failover)) {
      if (failover !== undefined && !oracleNames.has(f)) out.push(diagnostic('CS3011', `failover feed "${f}" names no ORACLE block`, failover.span));
    }
  }
  const asset = arg(v.router, 'INSURANCE', 'asset');
  const collateral = (v.router?.directives.get('COLLATERAL') ?? []).map((d) => d.args.get('asset')?.value);
  if (asset !== undefined && v.router !== undefined && v.router.directives.has('COLLATERAL') && !collateral.includes(asset.value)) {
    out.push(diagnostic('CS3011', `insurance asset ${String(asset.value)} is not a COLLATERAL asset`, asset.span));
  }
};

/** Every guardrail, in spec order (§6). */
export const GUARDS: readonly Guard[] = [
  slabOracleExists, batchesMatch, noCycles, feesWithinCaps, marginOrdering, latencySla, approvedFeeds,
  routerOnlyCapabilities, insuranceProofs, referencesResolve,
];

export function validateVenue(blocks: readonly LocatedBlock[]): Diagnostic[] {
  const v: Venue = {
    router: blocks.find((b) => b.kind === 'ROUTER'),
    slabs: blocks.filter((b) => b.kind === 'SLAB'),
    oracles: blocks.filter((b) => b.kind === 'ORACLE'),
    caps: blocks.filter((b) => b.kind === 'CAP'),
  };
  const out: Diagnostic[] = [];
  for (const g of GUARDS) g(v, out);
  return out;
}
