/**
 * Where a record field of a storage pool sits, from what the compiler reports (CompiledModule.storage:
 * slot offset and stride) and the template's record declarations (byte sizes of CS-LAYOUT-002), so the
 * bytecode obligations name `orders[i].reserved` without hard-coded offsets and follow template rewrites.
 */
import type { CompiledModule, StorageSlot } from '../../../reference/compiler/artifact.ts';
import { checkSource } from '../../../reference/script/index.ts';
import type { TypeExpr } from '../../../reference/script/ast.ts';

const SCALAR: Readonly<Record<string, number>> = { u64: 8, bool: 1, u128: 16, i128: 16, address: 16, bytes32: 32 };

export interface FieldRef {
  readonly slot: StorageSlot;
  /** Byte offset of the field inside one element, and its width. */
  readonly offset: number;
  readonly width: number;
}

/** Byte offset and width of every field of every record of a template (records of records flattened). */
export function recordFields(templateText: string): Map<string, Map<string, { offset: number; width: number }>> {
  const ast = checkSource(templateText, 'template').ast;
  const decls = new Map<string, readonly { name: { name: string }; type: TypeExpr }[]>();
  for (const it of ast.items) if (it.kind === 'struct') decls.set(it.name.name, it.fields);
  const size = (t: TypeExpr): number => {
    if (t.kind !== 'named') return NaN;
    const s = SCALAR[t.name.name];
    if (s !== undefined) return s;
    const fields = decls.get(t.name.name);
    return fields ? fields.reduce((n, f) => n + size(f.type), 0) : NaN;
  };
  const out = new Map<string, Map<string, { offset: number; width: number }>>();
  for (const [name, fields] of decls) {
    const m = new Map<string, { offset: number; width: number }>();
    let off = 0;
    for (const f of fields) {
      const w = size(f.type);
      m.set(f.name.name, { offset: off, width: w });
      off += w;
    }
    out.set(name, m);
  }
  return out;
}

/** The field `field` of the pool slot `slotName` (`[Order; N]`), or why it cannot be found. */
export function poolField(mod: CompiledModule, templateText: string, slotName: string, field: string): FieldRef | string {
  const slot = mod.storage.find((s) => s.name === slotName);
  if (!slot || slot.stride === undefined) return `${mod.name} has no storage pool '${slotName}'`;
  const elem = /^\[(\w+);/.exec(slot.type)?.[1];
  const rec = elem ? recordFields(templateText).get(elem) : undefined;
  const f = rec?.get(field);
  if (!f || !Number.isFinite(f.width)) return `${mod.name}: '${slotName}' elements have no field '${field}'`;
  return { slot, offset: f.offset, width: f.width };
}
