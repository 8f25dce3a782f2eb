/**
 * The venue directive schema as data (spec/curvescript.md §5, CS-DIR-*; STYLE.md §2). One frozen table:
 * the venue checker, the config builder, the template binder (`cfg.*`) and the spec's directive table
 * all read it. Every range cites where it comes from (STYLE.md §7); an argument may name the diagnostic
 * its range violation raises, so a governance limit (CAP_TTL ≤ 120 s) keeps its own code.
 */
import { U128_MAX, U64_MAX } from '../lib/u128.ts';
import type { BlockKind } from './ast.ts';
import type { DiagnosticCode } from './diagnostics.ts';

export type Unit = 'ms' | 'bps' | 'count' | 'units' | 'ticks';

export type ArgType =
  | { readonly kind: 'int'; readonly unit: Unit; readonly min: bigint; readonly max: bigint; readonly maxCode?: DiagnosticCode }
  | { readonly kind: 'bool' }
  /** A quoted string. */
  | { readonly kind: 'string' }
  /** An asset or instrument symbol: a bare name (`USDC`) or a string. */
  | { readonly kind: 'symbol' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'list' };

export type ArgValue = bigint | boolean | string | readonly string[];

export interface ArgSpec {
  readonly name: string;
  readonly type: ArgType;
  /** Either required, or defaulted: a checked venue is always complete (CS-VEN-011). */
  readonly required?: true;
  readonly default?: ArgValue;
  /** Taken from a value written without `key=` (at most one positional argument per directive). */
  readonly positional?: true;
  readonly doc: string;
}

export interface DirectiveSpec {
  readonly block: BlockKind;
  readonly name: string;
  readonly spec: string;
  readonly required?: true;
  readonly repeatable?: true;
  readonly args: readonly ArgSpec[];
  readonly doc: string;
}

/** CS-GUARD-TTL: the design's cap lifetime ceiling (PERP_DESIGN.md, CAP_TTL ≤ 120 s). */
export const CAP_TTL_MAX_MS = 120_000n;
/** CS-GUARD-BATCH: the router's reservation batch may differ from a slab's batch by at most this. */
export const BATCH_TOLERANCE_MS = 10n;
/** CS-GUARD-FEED: oracle feeds governance approves, by provider prefix. */
export const APPROVED_FEED_PREFIXES = ['pyth:', 'switchboard:'] as const;
/** A day: the ceiling of every duration that is not a governance limit. */
const DAY_MS = 86_400_000n;
const BPS_ONE = 10_000n;
/** PERP_DESIGN.md sizing targets inside the 10 MiB segment; the exact fit is the compiler's CS4001. */
const POOL_MAX = 1n << 20n;

type IntType = Extract<ArgType, { kind: 'int' }>;
const ms = (min: bigint, max: bigint, maxCode?: DiagnosticCode): IntType & { readonly unit: 'ms' } =>
  maxCode ? { kind: 'int', unit: 'ms', min, max, maxCode } : { kind: 'int', unit: 'ms', min, max };
const bps = { kind: 'int', unit: 'bps', min: 0n, max: BPS_ONE } as const;
const count = (min: bigint, max: bigint) => ({ kind: 'int', unit: 'count', min, max }) as const;
const units = { kind: 'int', unit: 'units', min: 0n, max: U128_MAX } as const;
const ticks = { kind: 'int', unit: 'ticks', min: 1n, max: U64_MAX } as const;
const bool = { kind: 'bool' } as const;
const str = { kind: 'string' } as const;
const sym = { kind: 'symbol' } as const;
const list = { kind: 'list' } as const;

export const DIRECTIVES = [
  // ── ROUTER ─────────────────────────────────────────────────────────────────────────────────────────
  {
    block: 'ROUTER', name: 'COLLATERAL', spec: 'CS-DIR-COLLATERAL', required: true, repeatable: true,
    doc: 'an asset the router vaults: one vault per asset (P1–P3)',
    args: [
      { name: 'asset', type: sym, required: true, doc: 'asset symbol' },
      { name: 'vault_cap', type: units, required: true, doc: 'the most the vault may hold, in asset base units' },
      { name: 'decimals', type: count(0n, 18n), default: 6n, doc: 'decimal places of one asset unit' },
    ],
  },
  {
    block: 'ROUTER', name: 'PORTFOLIO_MARGIN', spec: 'CS-DIR-PORTFOLIO_MARGIN',
    doc: 'how the router computes IM across slabs (P8, RM4, RM5)',
    args: [{ name: 'model', type: { kind: 'enum', values: ['net', 'gross'] }, default: 'net', doc: 'net: IM on net exposure across slabs; gross: sum of per-slab IM' }],
  },
  {
    block: 'ROUTER', name: 'CAP_TTL', spec: 'CS-DIR-CAP_TTL', required: true,
    doc: 'lifetime of a debit cap minted for a reservation (F1, R4)',
    args: [{ name: 'ms', type: ms(1n, CAP_TTL_MAX_MS, 'CS3007'), required: true, doc: 'cap lifetime; at most 120 000 (CS-GUARD-TTL)' }],
  },
  {
    block: 'ROUTER', name: 'RESERVATION_BATCH', spec: 'CS-DIR-RESERVATION_BATCH', required: true,
    doc: 'the router-side batch window reservations are grouped into (M7)',
    args: [{ name: 'ms', type: ms(1n, 60_000n), required: true, doc: 'must match each slab BATCH within ±10 ms (CS-GUARD-BATCH)' }],
  },
  {
    block: 'ROUTER', name: 'FEE_CAPS', spec: 'CS-DIR-FEE_CAPS', required: true,
    doc: 'the registry fee caps every slab fee must respect (S2, ADV3)',
    args: [
      { name: 'maker_bps_max', type: bps, required: true, doc: 'highest maker fee a slab may charge' },
      { name: 'taker_bps_max', type: bps, required: true, doc: 'highest taker fee a slab may charge' },
    ],
  },
  {
    block: 'ROUTER', name: 'LATENCY_SLA', spec: 'CS-DIR-LATENCY_SLA',
    doc: "the registry's latency ceiling for slabs",
    args: [{ name: 'max_ms', type: ms(1n, 60_000n), default: 500n, doc: 'a slab LATENCY_SLA above it is rejected (CS-GUARD-SLA)' }],
  },
  {
    block: 'ROUTER', name: 'LIQUIDATION', spec: 'CS-DIR-LIQUIDATION',
    doc: 'the liquidation coordinator (L1–L3, RM3)',
    args: [
      { name: 'grace_ms', type: ms(0n, DAY_MS), default: 5_000n, doc: 'window the router has to restore margin before a slab liquidates (L1)' },
      { name: 'band_bps', type: bps, default: 200n, doc: 'liquidation fills stay within this band around mark (L3)' },
      { name: 'max_slices', type: count(1n, 64n), default: 8n, doc: 'slabs touched by one liquidation call' },
    ],
  },
  {
    block: 'ROUTER', name: 'INSURANCE', spec: 'CS-DIR-INSURANCE', required: true,
    doc: 'the insurance fund (E2E4)',
    args: [
      { name: 'asset', type: sym, required: true, doc: 'fund asset; must be a COLLATERAL asset (CS-GUARD-REF)' },
      { name: 'fund_cap', type: units, default: 0n, doc: 'target fund size in asset base units (0: uncapped)' },
      { name: 'require_proof', type: bool, default: true, doc: 'payouts need a verified proof; must be true (CS-GUARD-INSURANCE)' },
    ],
  },
  // ── SLAB ───────────────────────────────────────────────────────────────────────────────────────────
  {
    block: 'SLAB', name: 'INSTRUMENT', spec: 'CS-DIR-INSTRUMENT', required: true,
    doc: 'the instrument the slab lists (S3, R1)',
    args: [
      { name: 'symbol', type: sym, required: true, doc: 'instrument symbol' },
      { name: 'contract_size', type: count(1n, U64_MAX), required: true, doc: 'base units per contract' },
      { name: 'tick', type: ticks, required: true, doc: 'price increment, in price units' },
      { name: 'lot', type: count(1n, U64_MAX), required: true, doc: 'quantity increment, in contracts' },
      { name: 'price_decimals', type: count(0n, 18n), default: 6n, doc: 'decimal places of the fixed-point price' },
    ],
  },
  {
    block: 'SLAB', name: 'ORACLE', spec: 'CS-DIR-SLAB-ORACLE', required: true,
    doc: "the slab's index price feed (M10)",
    args: [{ name: 'feed', type: str, required: true, doc: 'names an ORACLE block (CS-GUARD-ORACLE)' }],
  },
  {
    block: 'SLAB', name: 'RISK', spec: 'CS-DIR-RISK', required: true,
    doc: 'margin ratios (RM1–RM3)',
    args: [
      { name: 'imr_bps', type: bps, required: true, doc: 'initial margin ratio' },
      { name: 'mmr_bps', type: bps, required: true, doc: 'maintenance margin ratio; imr > mmr > 0 (CS-GUARD-MARGIN)' },
    ],
  },
  {
    block: 'SLAB', name: 'FEE', spec: 'CS-DIR-FEE', required: true,
    doc: 'trading fees, at most the router FEE_CAPS (S2)',
    args: [
      { name: 'maker_bps', type: bps, required: true, doc: 'maker fee' },
      { name: 'taker_bps', type: bps, required: true, doc: 'taker fee' },
      { name: 'rebate_delay_ms', type: ms(0n, DAY_MS), default: 0n, doc: 'maker rebates vest after this delay' },
    ],
  },
  {
    block: 'SLAB', name: 'BATCH', spec: 'CS-DIR-BATCH', required: true,
    doc: 'the batch window: epoch + 1 at each batch_open (S4, M7)',
    args: [{ name: 'ms', type: ms(1n, 60_000n), required: true, doc: 'batch length' }],
  },
  {
    block: 'SLAB', name: 'MATCHING', spec: 'CS-DIR-MATCHING',
    doc: 'book discipline (S6, S7, M1, M2)',
    args: [
      { name: 'fifo', type: bool, default: true, doc: 'price-time priority' },
      { name: 'pending_promotion', type: bool, default: true, doc: 'REG orders wait one epoch as PENDING' },
    ],
  },
  {
    block: 'SLAB', name: 'MAKER_CLASS', spec: 'CS-DIR-MAKER_CLASS', repeatable: true,
    doc: 'a maker class and its allowance (M7: DLP posts immediately)',
    args: [
      { name: 'class', type: { kind: 'enum', values: ['DLP', 'REG'] }, required: true, positional: true, doc: 'DLP or REG' },
      { name: 'allowance', type: count(0n, U64_MAX), required: true, doc: 'live orders the class may hold' },
    ],
  },
  {
    block: 'SLAB', name: 'ANTI_TOXICITY', spec: 'CS-DIR-ANTI_TOXICITY',
    doc: 'anti-toxicity controls (R7, M8–M11, S11)',
    args: [
      { name: 'kill_band_bps', type: bps, default: 100n, doc: 'reject commits priced this far from the oracle (M10)' },
      { name: 'jit_penalty', type: bool, default: true, doc: 'penalise orders created after batch open (M9)' },
      { name: 'arg_tax_bps', type: bps, default: 0n, doc: 'aggressor-guard tax on overlapping aggressive legs (S11)' },
      { name: 'freeze_top_k', type: count(0n, 64n), default: 0n, doc: 'levels frozen ahead of late arrivals (M8)' },
    ],
  },
  {
    block: 'SLAB', name: 'POOLS', spec: 'CS-DIR-POOLS',
    doc: 'pool capacities inside the 10 MiB segment (PFM2, PFM3; fit checked by CS4001)',
    args: [
      { name: 'accounts', type: count(1n, POOL_MAX), default: 10_000n, doc: 'accounts' },
      { name: 'orders', type: count(1n, POOL_MAX), default: 65_536n, doc: 'orders' },
      { name: 'positions', type: count(1n, POOL_MAX), default: 65_536n, doc: 'positions' },
      { name: 'reservations', type: count(1n, POOL_MAX), default: 8_192n, doc: 'reservations' },
      { name: 'slices', type: count(1n, POOL_MAX), default: 32_768n, doc: 'reservation slices' },
      { name: 'trades', type: count(1n, POOL_MAX), default: 16_384n, doc: 'trades ring' },
      { name: 'aggressors', type: count(0n, POOL_MAX), default: 4_096n, doc: 'aggressor ledger entries (0: no ledger)' },
    ],
  },
  {
    block: 'SLAB', name: 'LATENCY_SLA', spec: 'CS-DIR-SLAB-LATENCY_SLA',
    doc: "the slab's promised response time (CS-GUARD-SLA)",
    args: [{ name: 'ms', type: ms(1n, 60_000n), default: 100n, doc: "at most the router's LATENCY_SLA max_ms, below CAP_TTL" }],
  },
  {
    block: 'SLAB', name: 'FUNDING', spec: 'CS-DIR-FUNDING',
    doc: 'funding (RM6, RM7)',
    args: [
      { name: 'interval_ms', type: ms(1_000n, DAY_MS), default: 3_600_000n, doc: 'funding applied once per interval' },
      { name: 'cap_bps', type: bps, default: 50n, doc: 'largest funding rate per interval' },
    ],
  },
  // ── ORACLE ─────────────────────────────────────────────────────────────────────────────────────────
  {
    block: 'ORACLE', name: 'HEARTBEAT', spec: 'CS-DIR-HEARTBEAT', required: true,
    doc: 'feed liveness',
    args: [
      { name: 'ms', type: ms(1n, 60_000n), required: true, doc: 'expected publish interval' },
      { name: 'stale_after_ms', type: ms(1n, 600_000n), default: 5_000n, doc: 'a price older than this is stale' },
    ],
  },
  {
    block: 'ORACLE', name: 'KILL_BAND_SYNC', spec: 'CS-DIR-KILL_BAND_SYNC',
    doc: 'the router pre-checks kill bands with this feed (M10)',
    args: [{ name: 'router_ref', type: str, required: true, doc: 'names the ROUTER block (CS-GUARD-REF)' }],
  },
  {
    block: 'ORACLE', name: 'FAILOVER', spec: 'CS-DIR-FAILOVER',
    doc: 'feeds to fall back to, in order (F-family: slab failover)',
    args: [{ name: 'feeds', type: list, required: true, doc: 'names of ORACLE blocks; no cycles (CS-GUARD-CYCLE)' }],
  },
  // ── CAP ────────────────────────────────────────────────────────────────────────────────────────────
  {
    block: 'CAP', name: 'HOLDER', spec: 'CS-DIR-HOLDER', required: true,
    doc: 'which module kind the descriptor grants to',
    args: [{ name: 'kind', type: { kind: 'enum', values: ['router', 'slab', 'oracle'] }, required: true, doc: 'module kind' }],
  },
  {
    block: 'CAP', name: 'GRANTS', spec: 'CS-DIR-GRANTS', required: true,
    doc: 'CurveVM capabilities granted (spec/curvevm.md §8)',
    args: [{ name: 'caps', type: list, required: true, doc: 'capability names; router-only ones only to the router (CS-GUARD-CAP)' }],
  },
] as const satisfies readonly DirectiveSpec[];

export type DirectiveEntry = (typeof DIRECTIVES)[number];

export function directivesOf(block: BlockKind): readonly DirectiveSpec[] {
  return DIRECTIVES.filter((d) => d.block === block);
}

export function findDirective(block: BlockKind, name: string): DirectiveSpec | undefined {
  return DIRECTIVES.find((d) => d.block === block && d.name === name);
}

/** snake_case or UPPER_SNAKE to camelCase: the config object's keys (CS-VEN-020). */
export type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${Lowercase<H>}${Capitalize<Camel<T>>}` : Lowercase<S>;
export function camel(s: string): string {
  return s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

type ValueOf<T> = T extends { kind: 'int' }
  ? bigint
  : T extends { kind: 'bool' }
    ? boolean
    : T extends { kind: 'enum'; values: readonly (infer V)[] }
      ? V
      : T extends { kind: 'list' }
        ? readonly string[]
        : string;

export type ArgsConfig<D extends DirectiveEntry> = {
  readonly [A in D['args'][number] as Camel<A['name']>]: ValueOf<A['type']>;
};

/** A directive's config: an array when repeatable; null when optional and absent with required args. */
type DirectiveConfig<D extends DirectiveEntry> = D extends { repeatable: true }
  ? readonly ArgsConfig<D>[]
  : D extends { required: true }
    ? ArgsConfig<D>
    : [Extract<D['args'][number], { required: true }>] extends [never]
      ? ArgsConfig<D>
      : ArgsConfig<D> | null;

export type BlockConfig<K extends BlockKind> = {
  readonly [D in Extract<DirectiveEntry, { block: K }> as Camel<D['name']>]: DirectiveConfig<D>;
};

/**
 * CS-BIND-002: the `cfg.<name>` a template reads for an argument: the argument's name when it is
 * unique among the block kind's bindable arguments and not the bare unit `ms`, else
 * `<directive>_<arg>` in lower case.
 * Arguments of repeatable directives and lists are not bound (the compiler emits them as tables).
 */
export interface CfgBinding {
  readonly name: string;
  readonly directive: string;
  readonly arg: string;
  readonly type: 'u64' | 'u128' | 'bool';
  /** The schema type of the argument it reads (its range, enumeration values or text kind). */
  readonly argType: ArgType;
}

export function cfgBindings(block: BlockKind): CfgBinding[] {
  const bindable = directivesOf(block)
    .filter((d) => d.repeatable !== true)
    .flatMap((d) => d.args.filter((a) => a.type.kind !== 'list').map((a) => ({ d, a })));
  return bindable.map(({ d, a }): CfgBinding => {
    const unique = a.name !== 'ms' && bindable.filter((x) => x.a.name === a.name).length === 1;
    const t = a.type;
    const type = t.kind === 'bool' ? 'bool' : t.kind === 'int' ? (t.max <= U64_MAX ? 'u64' : 'u128') : t.kind === 'enum' ? 'u64' : 'u128';
    return { name: unique ? a.name : `${d.name.toLowerCase()}_${a.name}`, directive: d.name, arg: a.name, type, argType: t };
  }).concat([NAME_ID_BINDING]);
}

/** CS-BIND-003: every template also reads its block's own name as a name id (an oracle's feed). */
export const NAME_ID_BINDING: CfgBinding = { name: 'name_id', directive: '(block)', arg: 'name', type: 'u128', argType: { kind: 'string' } };
