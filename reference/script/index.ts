/**
 * The CurveScript front end (spec/curvescript.md): `checkSource` runs lex → parse → (venue: schema,
 * guardrails, typed config | template: resolve, typecheck) and returns every diagnostic, sorted by
 * position. It never throws on any input text (CS-GRAM-004); the CLI turns diagnostics into exit codes.
 */
import type { SourceFile } from './ast.ts';
import { hasErrors, sortDiagnostics } from './diagnostics.ts';
import type { Diagnostic } from './diagnostics.ts';
import { parse } from './parser.ts';
import { resolve } from './resolve.ts';
import type { Resolution, TemplateTarget } from './resolve.ts';
import { typecheck } from './typecheck.ts';
import type { TypeInfo } from './typecheck.ts';
import { validateVenue } from './validate.ts';
import { buildVenueConfig, checkVenue } from './venue.ts';
import type { VenueConfig } from './venue.ts';

/** A checked template module: what the compiler lowers. */
export interface TemplateModule {
  /** The venue block kind from `template KIND;`, or null for a plain library module. */
  readonly target: TemplateTarget | null;
  readonly resolution: Resolution;
  readonly types: TypeInfo;
}

export interface CheckResult {
  /** Sorted by source offset; errors and warnings. */
  readonly diagnostics: Diagnostic[];
  /** The syntax tree; present even when there are errors (broken pieces dropped or `error` nodes). */
  readonly ast: SourceFile;
  /** A venue script without errors: its typed, fully defaulted configuration. */
  readonly venue?: VenueConfig;
  /** A template module without errors: its names and types. */
  readonly template?: TemplateModule;
}

export function checkSource(text: string, file: string): CheckResult {
  const parsed = parse(text, file);
  const ast = parsed.ast;
  const diags: Diagnostic[] = [...parsed.diagnostics];
  const isVenue = ast.items.some((i) => i.kind === 'block');
  const errorOffsets = parsed.diagnostics.filter((d) => d.severity === 'error').map((d) => d.span.offset);
  if (isVenue) {
    const { blocks, diagnostics } = checkVenue(ast, errorOffsets);
    diags.push(...diagnostics, ...validateVenue(blocks));
    const sorted = sortDiagnostics(diags);
    return hasErrors(sorted) ? { diagnostics: sorted, ast } : { diagnostics: sorted, ast, venue: buildVenueConfig(blocks) };
  }
  const resolution = resolve(ast);
  const checked = typecheck(ast, resolution, errorOffsets);
  diags.push(...resolution.diagnostics, ...checked.diagnostics);
  const sorted = sortDiagnostics(diags);
  if (hasErrors(sorted)) return { diagnostics: sorted, ast };
  return { diagnostics: sorted, ast, template: { target: resolution.template, resolution, types: checked.types } };
}

export { renderDiagnostic, renderDiagnostics, DIAGNOSTIC_CODES, hasErrors } from './diagnostics.ts';
export type { Diagnostic, DiagnosticCode, Severity, Span } from './diagnostics.ts';
export { formatSource, printSource } from './printer.ts';
export { parse } from './parser.ts';
export { DIRECTIVES, cfgBindings, APPROVED_FEED_PREFIXES, CAP_TTL_MAX_MS, BATCH_TOLERANCE_MS } from './directives.ts';
export { objectId, nameId, routeId, holdId, commitment, encodeDescriptor } from './ids.ts';
export type { VenueConfig, RouterConfig, SlabConfig, OracleConfig, CapConfig } from './venue.ts';
export { BUILTINS } from './builtins.ts';
