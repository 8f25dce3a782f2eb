/**
 * The gate's configuration (spec/gate.md GATE-CFG-*): the embedded defaults (reports/gate.defaults.json,
 * passed in as text by the CLI), an optional user file merged over them (objects merge key by key,
 * anything else replaces), and the result validated with ajv against one strict schema. A bad file is a
 * CurveError naming the file and the JSON path — one line, exit 2.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { CurveError } from '../reference/lib/errors.ts';
import type { Profile } from './types.ts';

export type CheckOp = '<=' | '>=' | '<' | '>' | '==';

/** A threshold of a criterion over a figure of a stage (GATE-CFG-003). */
export interface FigureCheck {
  readonly stage: string;
  readonly figure: string;
  readonly op: CheckOp;
  readonly limit: number | boolean;
}

export interface CriterionConfig {
  readonly description: string;
  /** Stages that must pass. */
  readonly stages: readonly string[];
  /** Whether every invariant id needs passing evidence (GATE-EVID-003). */
  readonly matrix: boolean;
  readonly checks: readonly FigureCheck[];
}

/** The design's five go/no-go criteria (PERP_DESIGN.md "Go/no-go acceptance"), in its order. */
export const CRITERIA = ['safety', 'capitalEfficiency', 'performance', 'antiToxicity', 'reliability'] as const;
export type CriterionName = (typeof CRITERIA)[number];

export interface ProfileConfig {
  readonly prove: { readonly timeoutMs: number; readonly budgetSeconds: number };
  readonly differential: { readonly seed: number; readonly sequences: number; readonly steps: number; readonly vmSequences: number; readonly vmSteps: number };
  readonly soak: { readonly seeds: readonly number[]; readonly events: number };
  readonly bench: { readonly vm: boolean; readonly perpScale: 'quick' | 'full' };
  readonly experiments: { readonly seeds: readonly number[]; readonly rounds: number };
  /** Test files run by the tests gate: path prefixes (others citing ids are listed as not run). */
  readonly tests: { readonly include: readonly string[] };
}

export interface GateConfig {
  readonly version: 1;
  readonly profiles: Readonly<Record<Profile, ProfileConfig>>;
  readonly stages: {
    readonly compile: { readonly maxWarnings: number };
    readonly prove: { readonly maxUnproved: number; readonly minObligations: number; readonly maxSecondsPerObligation: number; readonly maxTotalSeconds: number };
    readonly conformance: { readonly maxFailures: number; readonly maxMalformed: number; readonly minVectors: number };
    readonly tests: { readonly maxFailures: number; readonly minTests: number };
    readonly differential: { readonly maxViolations: number; readonly minOkFraction: number; readonly requireVm: boolean; readonly maxVmMismatches: number };
    readonly soak: { readonly maxViolations: number; readonly minEventsPerSeed: number; readonly minSimulatedSecondsPerSeed: number };
    readonly bench: { readonly requirePerp: boolean; readonly minVmRatio: number };
  };
  readonly criteria: Readonly<Record<CriterionName, CriterionConfig>>;
  readonly matrix: { readonly countPending: boolean };
}

const nat = { type: 'integer', minimum: 0 } as const;
const pos = { type: 'integer', minimum: 1 } as const;
const num = { type: 'number', minimum: 0 } as const;
const obj = (properties: Record<string, unknown>): Record<string, unknown> => ({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties });

const profileSchema = obj({
  prove: obj({ timeoutMs: pos, budgetSeconds: pos }),
  differential: obj({ seed: nat, sequences: pos, steps: pos, vmSequences: nat, vmSteps: pos }),
  soak: obj({ seeds: { type: 'array', minItems: 1, items: nat }, events: pos }),
  bench: obj({ vm: { type: 'boolean' }, perpScale: { enum: ['quick', 'full'] } }),
  experiments: obj({ seeds: { type: 'array', minItems: 1, items: nat }, rounds: pos }),
  tests: obj({ include: { type: 'array', items: { type: 'string' } } }),
});

const criterionSchema = obj({
  description: { type: 'string' },
  stages: { type: 'array', items: { type: 'string', minLength: 1 } },
  matrix: { type: 'boolean' },
  checks: {
    type: 'array',
    items: obj({ stage: { type: 'string', minLength: 1 }, figure: { type: 'string', minLength: 1 }, op: { enum: ['<=', '>=', '<', '>', '=='] }, limit: { type: ['number', 'boolean'] } }),
  },
});

const stagesSchema = obj({
  compile: obj({ maxWarnings: nat }),
  prove: obj({ maxUnproved: nat, minObligations: nat, maxSecondsPerObligation: num, maxTotalSeconds: num }),
  conformance: obj({ maxFailures: nat, maxMalformed: nat, minVectors: nat }),
  tests: obj({ maxFailures: nat, minTests: nat }),
  differential: obj({ maxViolations: nat, minOkFraction: { type: 'number', minimum: 0, maximum: 1 }, requireVm: { type: 'boolean' }, maxVmMismatches: nat }),
  soak: obj({ maxViolations: nat, minEventsPerSeed: nat, minSimulatedSecondsPerSeed: num }),
  bench: obj({ requirePerp: { type: 'boolean' }, minVmRatio: num }),
});

/** GATE-CFG-002: the schema every merged configuration satisfies (no unknown keys; `$comment` at the top only). */
export const CONFIG_SCHEMA: Record<string, unknown> = (() => {
  const base = obj({
    version: { const: 1 },
    profiles: obj({ quick: profileSchema, full: profileSchema }),
    stages: stagesSchema,
    criteria: obj(Object.fromEntries(CRITERIA.map((c) => [c, criterionSchema]))),
    matrix: obj({ countPending: { type: 'boolean' } }),
  });
  return { ...base, properties: { ...(base['properties'] as object), $comment: { type: 'string' } } };
})();

/** A configuration file that cannot be used: where = file and JSON path (GATE-CFG-002). */
export class GateConfigError extends CurveError {
  constructor(message: string, where: string) {
    super('GATE-CFG', message, where);
  }
}

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
const validate = ajv.compile(CONFIG_SCHEMA);

function errorLine(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `unknown key ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`;
  if (e.keyword === 'required') return `missing key ${JSON.stringify((e.params as { missingProperty: string }).missingProperty)}`;
  return e.message ?? e.keyword;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new GateConfigError(`not JSON: ${(e as Error).message}`, file);
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** GATE-CFG-001: objects merge key by key; arrays and scalars replace. */
export function mergeConfig(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeConfig(base[k], v) : v;
  return out;
}

/** The defaults, with the user's file (text and name) merged over them, validated. */
export function loadConfig(defaultsText: string, user?: { readonly text: string; readonly file: string }): GateConfig {
  let merged = parseJson(defaultsText, 'gate.defaults.json');
  if (user !== undefined) {
    const over = parseJson(user.text, user.file);
    if (!isObject(over)) throw new GateConfigError('must be a JSON object', user.file);
    merged = mergeConfig(merged, over);
  }
  if (!validate(merged)) {
    const e = validate.errors?.[0];
    const path = e?.instancePath || '/';
    throw new GateConfigError(e ? errorLine(e) : 'invalid', `${user?.file ?? 'gate.defaults.json'}: ${path}`);
  }
  const c = merged as unknown as GateConfig;
  for (const name of CRITERIA) for (const ch of c.criteria[name].checks) if (!ch.figure.trim()) throw new GateConfigError('empty figure name', `${user?.file ?? 'defaults'}: /criteria/${name}`);
  return c;
}
