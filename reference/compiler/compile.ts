/**
 * The compiler driver (spec/curvescript.md §10, CS-COMPILE-*): a checked venue script plus the standard
 * library's templates → one CurveVM module per instance (the router; one slab per SLAB block; one oracle
 * module per ORACLE block), each lowered with its block's constants, analysed, optimised, generated,
 * validated by the VM's own validator and content-addressed. Never throws on bad input: every problem is
 * a diagnostic. Deterministic: no clock, no environment, iteration in source order.
 */
import { sha256Hex } from '../lib/hash.ts';
import { diagnostic, hasErrors, sortDiagnostics } from '../script/diagnostics.ts';
import type { Diagnostic, Span } from '../script/diagnostics.ts';
import { camel, cfgBindings, NAME_ID_BINDING } from '../script/directives.ts';
import { nameId } from '../script/ids.ts';
import { checkSource } from '../script/index.ts';
import type { TemplateModule, VenueConfig } from '../script/index.ts';
import type { SourceFile } from '../script/ast.ts';
import { EXTERN_KINDS, TEMPLATE_BLOCK, type TemplateTarget } from '../script/resolve.ts';
import { bytesToHex, hexToBytes } from '../lib/hex.ts';
import { readUintLE } from '../lib/u128.ts';
import { CAP, type CapabilityName } from '../vm/capabilities.ts';
import type { ExternModule, ExternTable } from './lower-extern.ts';
import { decodeModule, encodeModule, PAGE_BYTES } from '../vm/module.ts';
import { validateModule } from '../vm/validate.ts';
import { analyzeCaps, analyzeGrants, analyzeMemory, declaredCaps } from './analyze.ts';
import type { CompiledModule, ModuleKind } from './artifact.ts';
import { codegen } from './codegen.ts';
import { checkCpi } from './cpi.ts';
import { ENTRY_GAS_LIMIT, gasBounds } from './gas.ts';
import { lowerTemplate } from './lower.ts';
import { optimizeModule } from './opt.ts';
import type { IrModule } from './ir.ts';

export interface SourceText {
  readonly file: string;
  readonly text: string;
}

export interface TemplateSet {
  readonly router: SourceText;
  readonly slab: SourceText;
  readonly oracle: SourceText;
}

export interface CompileResult {
  /** Every diagnostic of the venue and the templates, sorted by file then position. */
  readonly diagnostics: Diagnostic[];
  readonly venue?: VenueConfig;
  /** Present when there are no errors: router first, then slabs and oracles in source order. */
  readonly modules?: readonly CompiledModule[];
}

interface CheckedTemplate {
  readonly source: SourceText;
  readonly ast: SourceFile;
  readonly module: TemplateModule;
  readonly hash: string;
}

/** CS-BIND-002/003: the `cfg.*` values of one block (absent optional directives bind 0 / false). */
export function cfgValues(kind: TemplateTarget, block: Readonly<Record<string, unknown>>): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const b of cfgBindings(TEMPLATE_BLOCK[kind])) {
    const directive = block[camel(b.directive)] as Record<string, unknown> | null | undefined;
    const v = b === NAME_ID_BINDING ? block['name'] : directive?.[camel(b.arg)];
    let word = 0n;
    if (typeof v === 'bigint') word = v;
    else if (typeof v === 'boolean') word = v ? 1n : 0n;
    else if (typeof v === 'string') word = b.argType.kind === 'enum' ? BigInt(b.argType.values.indexOf(v)) : nameId(v);
    out.set(b.name, word);
  }
  return out;
}

function checkTemplate(kind: TemplateTarget, source: SourceText, diags: Diagnostic[]): CheckedTemplate | undefined {
  const r = checkSource(source.text, source.file);
  diags.push(...r.diagnostics);
  if (r.template === undefined) {
    if (!hasErrors(r.diagnostics)) diags.push(diagnostic('CS2110', `${source.file} is a venue script, not a ${kind} template`, r.ast.span));
    return undefined;
  }
  if (r.template.target !== kind) {
    diags.push(diagnostic('CS2110', `${source.file} must start with 'template ${kind};' (found ${r.template.target === null ? 'no template header' : `template ${r.template.target}`})`, r.ast.span));
    return undefined;
  }
  // CS-COMPILE-001: a module is called through its entries; a template without one compiles to nothing usable.
  if (!r.ast.items.some((i) => i.kind === 'fn' && i.pub)) {
    diags.push(diagnostic('CS4010', `${source.file} declares no entry point: a ${kind} template needs at least one 'pub fn'`, r.ast.span));
    return undefined;
  }
  return { source, ast: r.ast, module: r.template, hash: sha256Hex(new TextEncoder().encode(source.text)) };
}

/** Where diagnostics about one venue block point: its keyword in the venue script. */
function blockSpan(ast: SourceFile, kind: string, name: string): Span {
  const b = ast.items.find((i) => i.kind === 'block' && i.blockKind === kind && (i.name?.value ?? 'router') === name);
  return b?.kind === 'block' ? b.head : ast.span;
}

interface Instance {
  readonly kind: ModuleKind;
  readonly block: { readonly name: string; readonly id: string } & Readonly<Record<string, unknown>>;
}

/** CS-COMPILE-004: a kind is compiled after every kind it may call (EXTERN_KINDS). */
const COMPILE_ORDER: readonly TemplateTarget[] = ['oracle', 'slab', 'router'];

function instances(v: VenueConfig): Instance[] {
  return [
    { kind: 'router', block: v.router as unknown as Instance['block'] },
    ...v.slabs.map((s) => ({ kind: 'slab' as const, block: s as unknown as Instance['block'] })),
    ...v.oracles.map((o) => ({ kind: 'oracle' as const, block: o as unknown as Instance['block'] })),
  ];
}

/** CS-COMPILE-004: the compiled callees a template may import, by kind, in venue order. */
function externTable(compiled: readonly CompiledModule[]): ExternTable {
  const table = new Map<string, ExternModule[]>();
  for (const m of compiled) {
    const list = table.get(m.kind) ?? [];
    const hash = hexToBytes(m.hash);
    list.push({
      name: m.name,
      hash,
      id: readUintLE(hash, 0, 16),
      pages: m.memory.initialPages,
      caps: m.caps.reduce((bits, n) => bits | CAP[n as CapabilityName], 0),
      entries: new Map(m.entries.map((e) => [e.name, { params: e.params.flatMap((p) => p.words), results: e.results.flatMap((r) => r.words), gasBound: e.gasBound }])),
    });
    table.set(m.kind, list);
  }
  return table;
}

function instantiate(inst: Instance, t: CheckedTemplate, venue: VenueConfig, venueAst: SourceFile, diags: Diagnostic[], externs: ExternTable, options: CompileOptions): CompiledModule | undefined {
  const constants = cfgValues(inst.kind, inst.block);
  const optimize = options.optimize ?? true;
  const lowered = lowerTemplate(t.ast, t.module, constants, externs, optimize);
  const at = blockSpan(venueAst, TEMPLATE_BLOCK[inst.kind], inst.block.name);
  const before = diags.length;
  diags.push(...lowered.diagnostics);
  diags.push(...analyzeMemory(inst, lowered, at));
  const caps = declaredCaps(inst.kind, venue, lowered);
  diags.push(...analyzeCaps(inst.kind, caps, lowered));
  const pages = Math.max(1, Math.ceil(lowered.memoryBytes / PAGE_BYTES));
  diags.push(...analyzeGrants(caps, lowered, pages));
  if (hasErrors(diags.slice(before))) return undefined;

  // VM-VAL-ENTRY-001: the ENTRIES section is sorted by name
  const sorted = [...lowered.entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const ir: IrModule = optimizeModule({
    memory: { initialPages: pages, maxPages: pages, storageBytes: Math.ceil(lowered.storageBytes / 16) * 16 },
    caps: caps.bits,
    imports: lowered.imports.map((i) => ({ name: i.name, module: i.module, entry: i.entry, params: i.params, results: i.results })),
    functions: lowered.functions,
    entries: sorted.map((e) => ({ name: e.name, fn: e.fn, params: e.params.flatMap((p) => p.words), results: e.results.flatMap((r) => r.words) })),
    data: lowered.data,
  }, [], { locals: optimize });
  const bounds = gasBounds(ir.functions);
  const entries = sorted.map((e, index) => ({ name: e.name, index, params: e.params, results: e.results, gasBound: bounds.get(e.fn) ?? 0n }));
  for (const e of entries) {
    if (e.gasBound > ENTRY_GAS_LIMIT) {
      diags.push(diagnostic('CS4004', `${inst.kind} '${inst.block.name}': entry ${e.name} may use ${e.gasBound} gas; the limit is ${ENTRY_GAS_LIMIT}`, at));
    }
  }
  if (hasErrors(diags.slice(before))) return undefined;
  const { module, asm } = codegen(ir);
  const bytes = encodeModule(module);
  validateModule(decodeModule(bytes)); // an invalid module here is a compiler bug: let it throw
  return {
    name: `${inst.kind}:${inst.block.name}`,
    kind: inst.kind,
    block: inst.block.name,
    configId: inst.block.id,
    template: t.source.file,
    templateHash: t.hash,
    constants,
    bytes,
    hash: sha256Hex(bytes),
    caps: caps.names,
    memory: module.memory,
    storage: lowered.storage,
    entries,
    events: lowered.events,
    errors: lowered.errors,
    imports: lowered.imports.map((i) => ({ module: i.moduleName, hash: bytesToHex(i.module), entry: i.entry })),
    asm,
  };
}

export interface CompileOptions {
  /** false: only CS-OPT-001/002 (spec §10.4), the baseline the optimisation tests compare against. */
  readonly optimize?: boolean;
}

/** Compile a venue script against the template set. */
export function compileVenue(venue: SourceText, templates: TemplateSet, options: CompileOptions = {}): CompileResult {
  const diags: Diagnostic[] = [];
  const checked = checkSource(venue.text, venue.file);
  diags.push(...checked.diagnostics);
  if (checked.venue === undefined) {
    if (!hasErrors(checked.diagnostics)) diags.push(diagnostic('CS2010', `${venue.file} is a template, not a venue script`, checked.ast.span));
    return { diagnostics: sortAll(diags) };
  }
  const v = checked.venue;
  const needed = new Set<ModuleKind>(instances(v).map((i) => i.kind));
  const tpl = new Map<ModuleKind, CheckedTemplate>();
  for (const kind of needed) {
    const t = checkTemplate(kind, templates[kind], diags);
    if (t) tpl.set(kind, t);
  }
  if (hasErrors(diags)) return { diagnostics: sortAll(diags), venue: v };
  // CS-COMPILE-004: callees first (oracles, then slabs, then the router), so each import names a
  // module that exists; the result keeps the CS-COMPILE-001 order (router, slabs, oracles).
  const all = instances(v);
  const byInstance = new Map<Instance, CompiledModule>();
  for (const kind of COMPILE_ORDER) {
    const externs = externTable([...byInstance.values()].filter((m) => (EXTERN_KINDS[kind] as readonly string[]).includes(m.kind)));
    const seen = new Map<string, Instance>();
    for (const inst of all.filter((i) => i.kind === kind)) {
      const m = instantiate(inst, tpl.get(inst.kind) as CheckedTemplate, v, checked.ast, diags, externs, options);
      if (!m) continue;
      // CS-COMPILE-005: a module is its code (VM-MOD content address); two instances with the same bytes
      // would be one module with one state, and a caller could not import both (VM-VAL-IMPORT-001).
      const twin = seen.get(m.hash);
      if (twin) {
        const block = TEMPLATE_BLOCK[inst.kind];
        diags.push(diagnostic('CS4011', `${block} "${inst.block.name}" compiles to the same module as ${block} "${twin.block.name}" (identical code: one module, one state); make their configurations differ`, blockSpan(checked.ast, block, inst.block.name)));
        continue;
      }
      seen.set(m.hash, inst);
      byInstance.set(inst, m);
    }
  }
  const modules = all.flatMap((i) => byInstance.get(i) ?? []);
  diags.push(...checkCpi(modules));
  if (hasErrors(diags)) return { diagnostics: sortAll(diags), venue: v };
  return { diagnostics: sortAll(diags), venue: v, modules };
}

/** Diagnostics grouped by file (venue first as given), each file's sorted by position. */
function sortAll(diags: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique = diags.filter((d) => {
    const key = `${d.code}|${d.span.file}|${d.span.offset}|${d.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const files = [...new Set(unique.map((d) => d.span.file))];
  return files.flatMap((f) => sortDiagnostics(unique.filter((d) => d.span.file === f)));
}
