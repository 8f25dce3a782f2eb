/**
 * Venue scripts against the directive schema (spec/curvescript.md §4–§5, CS-VEN-*): every directive
 * known, every argument known, typed, in range and given once, defaults filled in. The result keeps
 * each value's source span for the guardrails (validate.ts), and becomes the typed, fully defaulted
 * `VenueConfig` a compiler consumes (all integers bigint).
 */
import { CAPABILITIES } from '../vm/capabilities.ts';
import type { Arg, Block, BlockKind, SourceFile, Value } from './ast.ts';
import { BLOCK_KINDS } from './ast.ts';
import { diagnostic } from './diagnostics.ts';
import type { Diagnostic, DiagnosticCode, Span } from './diagnostics.ts';
import { camel, directivesOf, findDirective } from './directives.ts';
import type { ArgSpec, ArgValue, BlockConfig, DirectiveSpec } from './directives.ts';
import { objectId } from './ids.ts';
import type { DescriptorDirective } from './ids.ts';

export interface LocatedArg {
  readonly value: ArgValue;
  /** The value in the source; the directive (or block head) when defaulted. */
  readonly span: Span;
  readonly defaulted: boolean;
}

export interface LocatedDirective {
  readonly spec: DirectiveSpec;
  readonly span: Span;
  /** Arguments that are valid or defaulted; an invalid one is absent (its diagnostic already given). */
  readonly args: ReadonlyMap<string, LocatedArg>;
  readonly defaulted: boolean;
}

export interface LocatedBlock {
  readonly kind: BlockKind;
  readonly name: string;
  readonly nameSpan: Span;
  readonly head: Span;
  readonly span: Span;
  /** By directive name; repeatable directives in source order. Absent optional ones are defaulted. */
  readonly directives: ReadonlyMap<string, readonly LocatedDirective[]>;
}

/** The default name of a ROUTER block written without one (CS-VEN-003). */
export const DEFAULT_ROUTER_NAME = 'router';

/** CS-VEN-003: block name patterns. */
export const BLOCK_NAME_PATTERN: { readonly [K in BlockKind]: RegExp } = {
  ROUTER: /^[a-z][a-z0-9_-]*$/,
  SLAB: /^perp:[A-Z0-9][A-Z0-9._-]*$/,
  ORACLE: /^[a-z]+:[A-Za-z0-9][A-Za-z0-9._/-]*$/,
  CAP: /^[a-z][a-z0-9_.:-]*$/,
};

const VALUE_KIND_NAME: { readonly [K in Value['kind']]: string } = {
  int: 'an integer',
  bool: 'true/false',
  string: 'a string',
  ident: 'a name',
  list: 'a list',
};

/** The closest candidate within edit distance 2, for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

const hint = (word: string, candidates: readonly string[]): string => {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` (did you mean ${c}?)`;
};

class SchemaChecker {
  readonly diagnostics: Diagnostic[] = [];
  private report(code: DiagnosticCode, message: string, span: Span): void {
    this.diagnostics.push(diagnostic(code, message, span));
  }

  /** CS-VEN-012/013: one written value against its argument type. */
  private convert(spec: ArgSpec, v: Value): ArgValue | undefined {
    const t = spec.type;
    const wrong = (expected: string): undefined => {
      this.report('CS2004', `${spec.name} expects ${expected}, found ${VALUE_KIND_NAME[v.kind]}`, v.span);
      return undefined;
    };
    switch (t.kind) {
      case 'int': {
        if (v.kind !== 'int') return wrong(`an integer (${t.unit})`);
        if (v.value < t.min || v.value > t.max) {
          if (v.value > t.max && t.maxCode) this.report(t.maxCode, `${spec.name}=${v.raw} is above the governance limit of ${t.max} ${t.unit}`, v.span);
          else this.report('CS2005', `${spec.name}=${v.raw} is out of range ${t.min}..=${t.max} ${t.unit}`, v.span);
          return undefined;
        }
        return v.value;
      }
      case 'bool':
        return v.kind === 'bool' ? v.value : wrong('true or false');
      case 'string':
        return v.kind === 'string' ? v.value : wrong('a quoted string');
      case 'symbol':
        return v.kind === 'string' ? v.value : v.kind === 'ident' ? v.name : wrong('a symbol');
      case 'enum': {
        if (v.kind !== 'ident') return wrong(`one of ${t.values.join(', ')}`);
        if (!t.values.includes(v.name)) {
          this.report('CS2012', `${spec.name}=${v.name} is not one of ${t.values.join(', ')}${hint(v.name, t.values)}`, v.span);
          return undefined;
        }
        return v.name;
      }
      case 'list': {
        if (v.kind !== 'list') return wrong('a [list]');
        const items: string[] = [];
        for (const item of v.items) {
          if (item.kind === 'string') items.push(item.value);
          else if (item.kind === 'ident') items.push(item.name);
          else return wrong('a list of strings');
        }
        return items;
      }
    }
  }

  /** Bind one written directive's arguments (CS-VEN-011). */
  private bindArgs(spec: DirectiveSpec, written: readonly Arg[], span: Span, quiet: boolean): Map<string, LocatedArg> {
    const args = new Map<string, LocatedArg>();
    const seen = new Set<string>();
    const positional = spec.args.filter((a) => a.positional === true);
    let nextPositional = 0;
    for (const a of written) {
      let argSpec: ArgSpec | undefined;
      if (a.key === null) {
        argSpec = positional[nextPositional++];
        if (argSpec === undefined) {
          this.report('CS2011', `${spec.name} takes no ${positional.length > 0 ? 'further ' : ''}positional value; write key=value`, a.span);
          continue;
        }
      } else {
        const key = a.key.name;
        argSpec = spec.args.find((s) => s.name === key);
        if (argSpec === undefined) {
          this.report('CS2002', `${spec.name} has no argument '${key}'${hint(key, spec.args.map((s) => s.name))}`, a.key.span);
          continue;
        }
      }
      if (seen.has(argSpec.name)) {
        this.report('CS2007', `argument '${argSpec.name}' given twice`, a.span);
        continue;
      }
      seen.add(argSpec.name);
      const value = this.convert(argSpec, a.value);
      if (value !== undefined) args.set(argSpec.name, { value, span: a.value.span, defaulted: false });
    }
    for (const s of spec.args) {
      if (seen.has(s.name)) continue;
      if (s.default !== undefined) args.set(s.name, { value: s.default, span, defaulted: true });
      else if (!quiet) this.report('CS2003', `${spec.name} needs ${s.name}=`, span);
    }
    return args;
  }

  /** One block: directives known, not repeated unless repeatable, required ones present (CS-VEN-014). */
  block(b: Block, quiet: boolean): LocatedBlock {
    const name = b.name?.value ?? DEFAULT_ROUTER_NAME;
    const nameSpan = b.name?.span ?? b.head;
    if (b.name === null && b.blockKind !== 'ROUTER') this.report('CS2014', `${b.blockKind} needs a quoted name`, b.head);
    else if (!BLOCK_NAME_PATTERN[b.blockKind].test(name)) {
      this.report('CS2014', `${b.blockKind} name "${name}" does not match ${BLOCK_NAME_PATTERN[b.blockKind].source}`, nameSpan);
    }
    const directives = new Map<string, LocatedDirective[]>();
    for (const d of b.directives) {
      const spec = findDirective(b.blockKind, d.name.name);
      if (spec === undefined) {
        const names = directivesOf(b.blockKind).map((s) => s.name);
        this.report('CS2001', `${b.blockKind} has no directive ${d.name.name}${hint(d.name.name, names)}`, d.name.span);
        continue;
      }
      const list = directives.get(spec.name) ?? [];
      if (list.length > 0 && spec.repeatable !== true) {
        this.report('CS2006', `${spec.name} given twice in one ${b.blockKind}`, d.name.span);
        continue;
      }
      list.push({ spec, span: d.span, args: this.bindArgs(spec, d.args, d.span, quiet), defaulted: false });
      directives.set(spec.name, list);
    }
    for (const spec of directivesOf(b.blockKind)) {
      if (directives.has(spec.name)) continue;
      if (spec.required === true) {
        if (!quiet) this.report('CS2008', `${b.blockKind} ${b.name ? `"${name}" ` : ''}needs the ${spec.name} directive`, b.head);
      } else if (spec.repeatable !== true && spec.args.every((a) => a.default !== undefined)) {
        directives.set(spec.name, [{ spec, span: b.head, args: this.bindArgs(spec, [], b.head, true), defaulted: true }]);
      }
    }
    const located: LocatedBlock = { kind: b.blockKind, name, nameSpan, head: b.head, span: b.span, directives };
    if (b.blockKind === 'CAP') this.capNames(located);
    return located;
  }

  /** CS-VEN-030: GRANTS names CurveVM capabilities. */
  private capNames(b: LocatedBlock): void {
    const grants = b.directives.get('GRANTS')?.[0]?.args.get('caps');
    if (grants === undefined || !Array.isArray(grants.value)) return;
    const known = CAPABILITIES.map((c) => c.name as string);
    for (const c of grants.value as readonly string[]) {
      if (!known.includes(c)) this.report('CS2013', `unknown capability '${c}'${hint(c, known)}`, grants.span);
    }
  }
}

/**
 * Check every block against the schema. `brokenOffsets` are parse-error offsets: a block containing
 * one gets no "missing" diagnostics, since what is missing may be what failed to parse.
 */
export function checkVenue(ast: SourceFile, brokenOffsets: readonly number[] = []): { blocks: LocatedBlock[]; diagnostics: Diagnostic[] } {
  const checker = new SchemaChecker();
  const blocks: LocatedBlock[] = [];
  for (const item of ast.items) {
    if (item.kind !== 'block') continue;
    const end = item.span.offset + item.span.length;
    const quiet = brokenOffsets.some((o) => o >= item.span.offset && o <= end);
    blocks.push(checker.block(item, quiet));
  }
  const diags = checker.diagnostics;
  for (const kind of BLOCK_KINDS) {
    const seen = new Set<string>();
    for (const b of blocks.filter((x) => x.kind === kind)) {
      if (seen.has(b.name)) diags.push(diagnostic('CS2009', `${kind} "${b.name}" is declared twice`, b.nameSpan));
      seen.add(b.name);
    }
  }
  const routers = blocks.filter((b) => b.kind === 'ROUTER');
  if (routers.length === 0 && blocks.length > 0) {
    diags.push(diagnostic('CS2010', 'a venue script needs a ROUTER block', blocks[0]?.head ?? ast.span));
  }
  for (const extra of routers.slice(1)) diags.push(diagnostic('CS2010', 'a venue script has exactly one ROUTER block', extra.head));
  return { blocks, diagnostics: diags };
}

// ── the typed configuration ─────────────────────────────────────────────────────────────────────────

export interface Identified {
  /** The block's name (`perp:SOL-PERP`). */
  readonly name: string;
  /** Object id: sha256 of the canonical descriptor, 64 hex digits (CS-ID-001). */
  readonly id: string;
}

export type RouterConfig = Identified & BlockConfig<'ROUTER'>;
export type SlabConfig = Identified & BlockConfig<'SLAB'>;
export type OracleConfig = Identified & BlockConfig<'ORACLE'>;
export type CapConfig = Identified & BlockConfig<'CAP'>;

/** CS-VEN-020: a checked venue, fully defaulted, blocks in source order. */
export interface VenueConfig {
  readonly router: RouterConfig;
  readonly slabs: readonly SlabConfig[];
  readonly oracles: readonly OracleConfig[];
  readonly caps: readonly CapConfig[];
}

/** The canonical descriptor directives of a block: schema order, then source order (CS-ID-001). */
export function descriptorDirectives(b: LocatedBlock): DescriptorDirective[] {
  return directivesOf(b.kind).flatMap((spec) =>
    (b.directives.get(spec.name) ?? []).map((d) => ({
      name: spec.name,
      args: spec.args.flatMap((a) => {
        const v = d.args.get(a.name);
        return v === undefined ? [] : [{ key: a.name, value: v.value }];
      }),
    })),
  );
}

function blockConfig(b: LocatedBlock): Identified & Record<string, unknown> {
  const out: Record<string, unknown> = { name: b.name, id: objectId({ kind: b.kind, name: b.name, directives: descriptorDirectives(b) }) };
  for (const spec of directivesOf(b.kind)) {
    const list = (b.directives.get(spec.name) ?? []).map((d) => Object.fromEntries(spec.args.map((a) => [camel(a.name), d.args.get(a.name)?.value])));
    out[camel(spec.name)] = spec.repeatable === true ? list : (list[0] ?? null);
  }
  return out as Identified & Record<string, unknown>;
}

/** The typed config of blocks that checked without errors (one ROUTER, every required value present). */
export function buildVenueConfig(blocks: readonly LocatedBlock[]): VenueConfig {
  const of = (kind: BlockKind): (Identified & Record<string, unknown>)[] => blocks.filter((b) => b.kind === kind).map(blockConfig);
  const [router] = of('ROUTER');
  return {
    router: router as unknown as RouterConfig,
    slabs: of('SLAB') as unknown as SlabConfig[],
    oracles: of('ORACLE') as unknown as OracleConfig[],
    caps: of('CAP') as unknown as CapConfig[],
  };
}
