/**
 * Gate `compile` (spec/gate.md GATE-COMPILE-001): the venue script with the standard-library templates,
 * through reference/compiler compileVenue, into modules and their manifest. Errors fail the gate with the
 * diagnostics and the `curve compile` command that shows them; the compiled venue is handed to the later
 * stages (the prover states obligations over its bytecode) and its manifest is written beside the report.
 */
import { compileVenue, type CompileResult } from '../../reference/compiler/compile.ts';
import { buildManifest, manifestHash, type Manifest } from '../../reference/compiler/manifest.ts';
import type { CompiledModule } from '../../reference/compiler/artifact.ts';
import { hasErrors, renderDiagnostic } from '../../reference/script/index.ts';
import type { VenueConfig } from '../../reference/script/venue.ts';
import type { Stage, StageContext } from '../stage.ts';
import { outcome, statusOf, threshold, thresholdReasons } from '../types.ts';

/** What later stages get (artifact `compile`). */
export interface CompiledVenue {
  readonly venue: VenueConfig;
  readonly manifest: Manifest;
  readonly modules: readonly CompiledModule[];
}

export function compiledVenue(ctx: StageContext): CompiledVenue | undefined {
  return ctx.artifacts.get('compile') as CompiledVenue | undefined;
}

const MAX_DETAIL_LINES = 40;

function diagnosticsText(ctx: StageContext, r: CompileResult): string[] {
  const { venue, templates } = ctx.inputs;
  const texts = new Map([venue, templates.router, templates.slab, templates.oracle].map((s) => [s.file, s.text]));
  return r.diagnostics.flatMap((d) => renderDiagnostic(d, texts.get(d.span.file) ?? '').split('\n')).slice(0, MAX_DETAIL_LINES);
}

export const compileStage: Stage = {
  name: 'compile',
  title: 'Compile the venue',
  run(ctx) {
    const file = ctx.inputs.venue.file;
    const r = compileVenue(ctx.inputs.venue, ctx.inputs.templates);
    const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = r.diagnostics.length - errors;
    const details = diagnosticsText(ctx, r);
    const reproduce = [`curve compile ${file}`];
    if (hasErrors(r.diagnostics) || !r.modules || !r.venue) {
      const first = r.diagnostics.find((d) => d.severity === 'error');
      const where = first ? `${first.span.file}:${first.span.line}:${first.span.col}: ${first.code} ${first.message}` : 'no modules';
      return Promise.resolve(
        outcome({
          status: 'fail',
          summary: `compiled ${file} with the standard-library templates: ${errors} error(s)`,
          figures: { errors, warnings, modules: 0 },
          thresholds: [threshold('errors', errors, '==', 0)],
          reasons: [`${file} does not compile (${errors} error(s)); first: ${where}`],
          reproduce,
          details,
        }),
      );
    }
    const manifest = buildManifest(r.venue, r.modules);
    ctx.artifacts.set('compile', { venue: r.venue, manifest, modules: r.modules } satisfies CompiledVenue);
    const thresholds = [threshold('errors', errors, '==', 0), threshold('warnings', warnings, '<=', ctx.config.stages.compile.maxWarnings)];
    const status = statusOf(thresholds);
    return Promise.resolve(
      outcome({
        status,
        summary: `compiled ${file} with the standard-library templates into ${r.modules.length} module(s), manifest ${manifestHash(manifest).slice(0, 16)}…`,
        figures: {
          errors,
          warnings,
          modules: r.modules.length,
          bytecode_bytes: r.modules.reduce((n, m) => n + m.bytes.length, 0),
          manifest_hash: manifestHash(manifest),
        },
        thresholds,
        reasons: thresholdReasons(thresholds),
        reproduce: status === 'pass' ? [] : reproduce,
        details: [...r.modules.map((m) => `${m.name}: ${m.bytes.length} bytes, code ${m.hash}`), ...details],
      }),
    );
  },
};
