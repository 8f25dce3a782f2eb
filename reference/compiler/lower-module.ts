/**
 * Module-wide state of the lowering (spec/curvescript.md §10.2): the instance's constants, storage layout,
 * scratch memory and data segments, the cross-module imports (CS-CALL-*), and what the analyzers need
 * (syscalls, emits, calls). One `ModuleLowering` per instance; lower.ts lowers its functions.
 */
import type { Expr, Ident, SourceFile, TypeExpr } from '../script/ast.ts';
import type { Type } from '../script/builtins.ts';
import { BUILTIN_STRUCTS, SCALARS, T } from '../script/builtins.ts';
import { diagnostic } from '../script/diagnostics.ts';
import type { Diagnostic, DiagnosticCode, Span } from '../script/diagnostics.ts';
import type { TemplateModule } from '../script/index.ts';
import { foldConstBinary, outcomeFields } from '../script/typecheck.ts';
import type { Binding, GlobalDecl } from '../script/resolve.ts';
import type { DataSegment } from '../vm/module.ts';
import type { SyscallName } from '../vm/syscalls.ts';
import type { StorageSlot, TypedValue } from './artifact.ts';
import { bin, c } from './lower-ops.ts';
import { isPure, type IrExpr } from './ir.ts';
import { byteSize, concreteTypeName, wordTypes, type LayoutEnv } from './layout.ts';
import { hashRegion, type HashBuiltin } from './lower-hash.ts';
import type { CallUse, ExternModule, ExternTable, ImportUse } from './lower-extern.ts';
import type { CompiledEvent } from './artifact.ts';
import type { IrFunction } from './ir.ts';

/** CS-LOWER-INDEX: the address an out-of-range index selects; past every segment, so the access halts. */
export const OUT_OF_RANGE_ADDRESS = 1n << 64n;

export interface SyscallUse {
  readonly name: SyscallName;
  readonly span: Span;
}

export interface LoweredEntry {
  readonly name: string;
  readonly fn: string;
  readonly params: readonly TypedValue[];
  readonly results: readonly TypedValue[];
}

export interface LoweredModule {
  readonly functions: readonly IrFunction[];
  readonly entries: readonly LoweredEntry[];
  readonly data: readonly DataSegment[];
  /** Bytes of scratch memory used (hash regions, event buffers, local arrays). */
  readonly memoryBytes: number;
  readonly storage: readonly StorageSlot[];
  readonly storageBytes: number;
  readonly events: readonly CompiledEvent[];
  readonly errors: readonly { readonly name: string; readonly code: bigint }[];
  readonly syscalls: readonly SyscallUse[];
  /** Where the template emits events (each needs `log.emit`). */
  readonly emits: readonly Span[];
  /** CS-CALL-*: the imports the module's CALLs name, and every call site with its grants. */
  readonly imports: readonly ImportUse[];
  readonly calls: readonly CallUse[];
  readonly diagnostics: readonly Diagnostic[];
}

/** A place a value lives: local slots, or bytes of storage or memory at an address (const or local). */
export type Place =
  | { readonly k: 'slots'; readonly slots: readonly number[]; readonly type: Type }
  | { readonly k: 'bytes'; readonly space: 'storage' | 'memory'; readonly addr: IrExpr; readonly type: Type };

export class Unsupported extends Error {
  constructor(readonly code: DiagnosticCode, readonly span: Span, message: string) {
    super(message);
  }
}

export const fnLabel = (name: string): string => `fn_${name}`;
export const stable = (e: IrExpr): boolean => isPure(e);

/** Module-wide state: layouts, scratch memory, data segments and what the analyzers need. */
export class ModuleLowering implements LayoutEnv {
  readonly diagnostics: Diagnostic[] = [];
  readonly syscalls: SyscallUse[] = [];
  readonly emits: Span[] = [];
  readonly data: DataSegment[] = [];
  memTop = 0;
  private readonly hashRegions = new Map<HashBuiltin, number>();
  private readonly eventRegions = new Map<string, number>();
  readonly storageSlots = new Map<string, { offset: number; type: Type }>();
  private readonly structCache = new Map<string, readonly (readonly [string, Type])[]>();
  private readonly constCache = new Map<string, bigint>();
  readonly imports: ImportUse[] = [];
  readonly calls: CallUse[] = [];

  constructor(
    readonly ast: SourceFile,
    readonly template: TemplateModule,
    readonly cfg: ReadonlyMap<string, bigint>,
    readonly externs: ExternTable = new Map(),
  ) {}

  /** The import for (module, entry), created on first use (VM-VAL-IMPORT-001: one per pair). */
  importFor(x: ExternModule, entry: string, params: number, results: number): string {
    const had = this.imports.find((i) => i.moduleName === x.name && i.entry === entry);
    if (had) return had.name;
    const name = `imp${this.imports.length}_${entry}`;
    this.imports.push({ name, module: x.hash, moduleName: x.name, entry, params, results });
    return name;
  }

  global(name: string): GlobalDecl | undefined {
    return this.template.resolution.globals.get(name);
  }

  binding(id: Ident): Binding {
    const b = this.template.resolution.refs.get(id);
    if (b === undefined) throw new Error(`internal: unresolved name ${id.name}`);
    return b;
  }

  cfgValue(name: string): bigint {
    const v = this.cfg.get(name);
    if (v === undefined) throw new Error(`internal: no venue value for cfg.${name}`);
    return v;
  }

  structFields(name: string): readonly (readonly [string, Type])[] {
    const builtin = BUILTIN_STRUCTS[name];
    if (builtin) return builtin;
    let fields = this.structCache.get(name);
    if (fields === undefined) {
      const d = this.global(name);
      fields = outcomeFields(name, this.template.resolution.globals, (t) => this.typeOf(t))
        ?? (d?.kind === 'struct' ? d.fields.map((f) => [f.name.name, this.typeOf(f.type)] as const) : []);
      this.structCache.set(name, fields);
    }
    return fields;
  }

  /** A written type with its lengths evaluated against this instance's constants. */
  typeOf(t: TypeExpr): Type {
    if (t.kind === 'named') {
      const n = t.name.name;
      if ((SCALARS as readonly string[]).includes(n)) return T[n as keyof typeof T];
      return { k: 'struct', name: n };
    }
    return { k: 'array', elem: this.typeOf(t.elem), len: this.constOf(t.len) };
  }

  /** CS-CONST-001: a constant expression's value, `cfg.*` substituted. */
  constOf(e: Expr): bigint {
    switch (e.kind) {
      case 'int':
        return e.value;
      case 'bool':
        return e.value ? 1n : 0n;
      case 'name': {
        const b = this.binding(e.name);
        if (b.kind === 'builtin-const') return b.value;
        if (b.kind === 'global' && b.decl.kind === 'const') {
          const name = b.decl.name.name;
          let v = this.constCache.get(name);
          if (v === undefined) {
            v = this.constOf(b.decl.value);
            this.constCache.set(name, v);
          }
          return v;
        }
        break;
      }
      case 'field':
        if (e.object.kind === 'name' && this.binding(e.object.name).kind === 'cfg') return this.cfgValue(e.field.name);
        break;
      case 'cast':
        return this.constOf(e.expr);
      case 'unary':
        if (e.op === '-') return -this.constOf(e.operand);
        break;
      case 'binary': {
        const v = foldConstBinary(e.op, this.constOf(e.left), this.constOf(e.right));
        if (v !== null) return v;
        break;
      }
      default:
        break;
    }
    throw new Error(`internal: not a constant expression at ${e.span.line}:${e.span.col}`);
  }

  /** Bump-allocate scratch memory (16-byte aligned starts). */
  alloc(bytes: number): number {
    const at = this.memTop;
    this.memTop += Math.ceil(bytes / 16) * 16;
    return at;
  }

  hashRegion(which: HashBuiltin): number {
    let at = this.hashRegions.get(which);
    if (at === undefined) {
      const r = hashRegion(which);
      at = this.alloc(r.size);
      this.data.push({ offset: at, bytes: r.tag });
      this.hashRegions.set(which, at);
    }
    return at;
  }

  eventRegion(name: string, bytes: number): number {
    let at = this.eventRegions.get(name);
    if (at === undefined) {
      at = this.alloc(Math.max(bytes, 1));
      this.eventRegions.set(name, at);
    }
    return at;
  }

  /** CS-SEM-STORAGE: storage globals in declaration order, packed. */
  layoutStorage(): StorageSlot[] {
    const out: StorageSlot[] = [];
    let offset = 0;
    for (const item of this.ast.items) {
      if (item.kind !== 'storage') continue;
      const type = this.typeOf(item.type);
      const bytes = byteSize(type, this);
      this.storageSlots.set(item.name.name, { offset, type });
      const slot: StorageSlot = { name: item.name.name, type: concreteTypeName(type, this), offset, bytes };
      out.push(type.k === 'array' ? { ...slot, capacity: bytes / Math.max(1, byteSize(type.elem, this)), stride: byteSize(type.elem, this) } : slot);
      offset += bytes;
    }
    return out;
  }

  typedValues(params: readonly { name: Ident; type: TypeExpr; span: Span }[], what: string): TypedValue[] {
    return params.map((p) => {
      const t = this.typeOf(p.type);
      const words = wordTypes(t, this);
      if (words === null) throw new Unsupported('CS4006', p.span, `${what} '${p.name.name}' is an array (${concreteTypeName(t, this)}): pass an index or a record instead`);
      return { name: p.name.name, type: concreteTypeName(t, this), words };
    });
  }
}

export function range(from: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

export function addConst(e: IrExpr, k: number): IrExpr {
  if (k === 0) return e;
  if (e.k === 'const') return c(e.v + BigInt(k));
  return bin('ADD', e, c(BigInt(k)));
}

/** A constant as a VM word (negative i128 values in two's complement). */
export function wordOf(v: bigint): bigint {
  return v < 0n ? (1n << 128n) + v : v;
}
