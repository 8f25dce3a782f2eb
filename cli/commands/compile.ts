/**
 * `curve compile` and `curve sdk` (spec/manifest.md). compile: venue script + standard-library templates →
 * `DIR/manifest.json`, `DIR/manifest.borsh` and one `.cvm` per module, all or nothing (MAN-FILES-001);
 * diagnostics print like `curve check` and exit 1. sdk: manifest → a typed TypeScript client
 * (CPI-SDK-001). Bad input (unreadable file, bad manifest, unusable --out) is one line and exit 2.
 */
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { compileVenue, type SourceText, type TemplateSet } from '../../reference/compiler/compile.ts';
import { buildManifest, decodeManifestJson, encodeManifestBorsh, encodeManifestJson, manifestHash, readManifestBorsh, type Manifest } from '../../reference/compiler/manifest.ts';
import { generateSdk } from '../../reference/compiler/sdk.ts';
import { hasErrors, renderDiagnostic, type Diagnostic } from '../../reference/script/index.ts';
import { moduleFileName, checkTarget, writeDirAtomic } from '../atomic.ts';
import { readFileOrFail } from '../load.ts';
import { stdout } from '../output.ts';

/** The standard library shipped with the package (project root `stdlib/`). */
const STDLIB = new URL('../../stdlib/', import.meta.url).pathname;

function diagnosticJson(d: Diagnostic) {
  return { code: d.code, severity: d.severity, message: d.message, file: d.span.file, line: d.span.line, col: d.span.col, endLine: d.span.endLine, endCol: d.span.endCol };
}

/**
 * The templates, named `<folder name>/<kind>.curve` for the compiler: the manifest records that name,
 * so it must not depend on where the folder sits on this machine (MAN-DET-001).
 */
export function loadTemplates(dir: string | undefined): TemplateSet {
  const folder = dir ?? STDLIB;
  const label = dir === undefined ? 'stdlib' : basename(dir.replace(/\/+$/, '')) || 'templates';
  const one = (kind: string): SourceText => ({ file: `${label}/${kind}.curve`, text: readFileOrFail(join(folder, `${kind}.curve`)).toString('utf8') });
  return { router: one('router'), slab: one('slab'), oracle: one('oracle') };
}

/** One file name per module; a second module whose name maps to a taken file gets its hash prefix. */
function moduleFiles(names: readonly { name: string; hash: string }[]): string[] {
  const used = new Set<string>();
  return names.map((m) => {
    let f = `${moduleFileName(m.name)}.cvm`;
    if (used.has(f)) f = `${moduleFileName(m.name)}-${m.hash.slice(0, 8)}.cvm`;
    used.add(f);
    return f;
  });
}

interface CompileOptions {
  out?: string;
  json?: boolean;
  templates?: string;
  emitAsm?: boolean;
  prove?: boolean;
  proveTimeout?: string;
}

async function compileCommand(file: string, o: CompileOptions): Promise<void> {
  const venue: SourceText = { file, text: readFileOrFail(file).toString('utf8') };
  const templates = loadTemplates(o.templates);
  const out = o.out ?? join('out', basename(file).replace(/\.curve$/, '') || 'venue');
  checkTarget(out, 'manifest.json');
  const r = compileVenue(venue, templates);
  const texts = new Map([venue, templates.router, templates.slab, templates.oracle].map((s) => [s.file, s.text]));
  if (r.diagnostics.length && !o.json) process.stderr.write(r.diagnostics.map((d) => renderDiagnostic(d, texts.get(d.span.file) ?? '')).join('\n') + '\n');
  if (hasErrors(r.diagnostics) || !r.modules || !r.venue) {
    if (o.json) stdout.json({ ok: false, diagnostics: r.diagnostics.map(diagnosticJson) });
    process.exitCode = 1;
    return;
  }
  let manifest = buildManifest(r.venue, r.modules);
  let bundleJson: string | undefined;
  if (o.prove) {
    // MAN-PROOF-001: every obligation of the venue must be proved; the bundle's hash fills the proof-hash slot.
    const { proveForManifest, withProofHash } = await import('./prove.ts');
    const proof = await proveForManifest(file, o.templates, o.proveTimeout);
    if (!proof.ok) {
      process.stderr.write(`curve: --prove: ${proof.failed.join(', ')} not proved; nothing written (run curve prove ${file} for details)\n`);
      process.exitCode = 1;
      return;
    }
    manifest = withProofHash(manifest, proof.bundle.hash);
    bundleJson = JSON.stringify(proof.bundle, null, 2) + '\n';
  }
  const json = encodeManifestJson(manifest);
  const borsh = encodeManifestBorsh(manifest);
  const names = moduleFiles(r.modules);
  const files = new Map<string, string | Uint8Array>([
    ['manifest.json', json],
    ['manifest.borsh', borsh],
  ]);
  if (bundleJson) files.set('proof-bundle.json', bundleJson);
  r.modules.forEach((m, i) => {
    const f = names[i] as string;
    files.set(f, m.bytes);
    if (o.emitAsm) files.set(f.replace(/\.cvm$/, '.casm'), m.asm);
  });
  writeDirAtomic(out, files, 'manifest.json');
  const hash = manifestHash(manifest);
  if (o.json) {
    stdout.json({
      ok: true,
      out,
      manifestHash: hash,
      venue: manifest.venue,
      files: [...files.keys()].sort(),
      manifestBytes: { json: Buffer.byteLength(json), borsh: borsh.length },
      modules: manifest.modules.map((m, i) => ({ name: m.name, kind: m.kind, file: names[i], bytecodeHash: m.bytecodeHash, descriptorHash: m.descriptorHash, bytes: m.bytecodeBytes })),
      warnings: r.diagnostics.map(diagnosticJson),
    });
    return;
  }
  stdout.line(`compiled ${file}: ${manifest.modules.length} module(s) → ${out}/`);
  manifest.modules.forEach((m, i) => stdout.line(`  ${names[i]}  ${m.bytecodeBytes} bytes  code ${m.bytecodeHash.slice(0, 16)}…  cpi ${m.descriptorHash.slice(0, 16)}…`));
  stdout.line(`  manifest.json ${Buffer.byteLength(json)} bytes, manifest.borsh ${borsh.length} bytes, manifest hash ${hash}`);
}

function readManifest(file: string): Manifest {
  const raw = readFileOrFail(file);
  return file.endsWith('.borsh') ? readManifestBorsh(new Uint8Array(raw), file) : decodeManifestJson(raw.toString('utf8'), file);
}

export function registerCompileCommands(program: Command): void {
  program
    .command('compile')
    .description('compile a venue script with the standard-library templates: DIR/manifest.json, DIR/manifest.borsh, one .cvm per module')
    .argument('<file>', 'venue script (.curve)')
    .option('--out <dir>', 'output directory, replaced as a whole (default out/<basename>)')
    .option('--json', 'print a JSON summary (or the diagnostics as JSON)')
    .option('--templates <dir>', 'folder with router.curve, slab.curve, oracle.curve (default: the standard library)')
    .option('--emit-asm', 'also write the .casm listing of each module')
    .option('--prove', 'prove every obligation of the venue (curve prove) and record the proof bundle hash in each module proofHash; writes proof-bundle.json')
    .option('--prove-timeout <s>', 'per-query solver timeout for --prove, seconds')
    .action((file: string, o: CompileOptions) => compileCommand(file, o));

  program
    .command('sdk')
    .description('generate a typed TypeScript client from a manifest (.json or .borsh)')
    .argument('<manifest>', 'manifest.json or manifest.borsh written by curve compile')
    .requiredOption('--out <dir>', 'output directory, replaced as a whole')
    .option('--json', 'print a JSON summary')
    .action((file: string, o: { out: string; json?: boolean }) => {
      const manifest = readManifest(file);
      const out = o.out;
      const files = generateSdk(manifest);
      writeDirAtomic(out, files, 'client.ts');
      if (o.json) stdout.json({ ok: true, out, files: [...files.keys()], descriptorHashes: Object.fromEntries(manifest.modules.map((m) => [m.name, m.descriptorHash])) });
      else stdout.line(`wrote ${[...files.keys()].join(', ')} to ${out}/ for ${manifest.modules.length} module(s) of venue ${manifest.venue.name}`);
    });
}
