/**
 * Kind `compiler.compile` (spec/conformance.md CONF-KIND-004): a venue script and the three templates
 * (spec/curvescript.md §10, CS-COMPILE-*) → every diagnostic with its code, severity and place, and, when
 * there are no errors, each module's name, kind, bytecode hash and CPI descriptor hash, the venue id and
 * the manifest hash (spec/manifest.md). Message texts are advisory and not part of the result
 * (CS-DIAG-001: codes and places are the contract).
 */
import { compileVenue, type SourceText } from '../reference/compiler/compile.ts';
import { buildManifest, manifestHash } from '../reference/compiler/manifest.ts';
import { registerKind } from './kinds.ts';

export interface CompilerInput {
  readonly venue: SourceText;
  readonly templates: { readonly router: SourceText; readonly slab: SourceText; readonly oracle: SourceText };
}

export interface DiagnosticJson {
  readonly code: string;
  readonly severity: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

export interface CompilerExpect {
  readonly diagnostics: readonly DiagnosticJson[];
  readonly modules?: readonly { readonly name: string; readonly kind: string; readonly bytecodeHash: string; readonly descriptorHash: string }[];
  readonly venueId?: string;
  readonly manifestHash?: string;
}

export function compileExpect(input: CompilerInput): CompilerExpect {
  const r = compileVenue(input.venue, input.templates);
  const diagnostics = r.diagnostics.map((d) => ({ code: d.code, severity: d.severity, file: d.span.file, line: d.span.line, col: d.span.col, endLine: d.span.endLine, endCol: d.span.endCol }));
  if (r.modules === undefined || r.venue === undefined) return { diagnostics };
  const m = buildManifest(r.venue, r.modules);
  return {
    diagnostics,
    modules: m.modules.map((x) => ({ name: x.name, kind: x.kind, bytecodeHash: x.bytecodeHash, descriptorHash: x.descriptorHash })),
    venueId: m.venue.id,
    manifestHash: manifestHash(m),
  };
}

registerKind({ kind: 'compiler.compile', run: (req) => compileExpect(req.input as CompilerInput) });
