/**
 * Value layout (spec/curvescript.md §10.2, CS-LAYOUT-*): how each CurveScript type travels as VM words
 * (locals, arguments, results) and how it is encoded as bytes (storage, memory, event data).
 *
 * - words: scalars are one word; `bytes32` is two words, bytes 0..15 then 16..31, each little-endian;
 *   a record is its fields' words in declaration order; arrays are never flattened into words.
 * - bytes: `u64` 8, `bool` 1, `u128`/`i128`/`address` 16, `bytes32` 32 (its two words in order), a
 *   record its fields packed in declaration order (no padding), an array its elements back to back.
 *   Integers are little-endian, so a `bytes32` in storage is its 32 bytes as written.
 */
import type { Type } from '../script/builtins.ts';
import { typeName } from '../script/builtins.ts';
import type { ValueType } from '../vm/module.ts';
import type { Width } from './ir.ts';

/** Resolves the pieces a layout needs: a record's fields and a `cfg.*` array length. */
export interface LayoutEnv {
  structFields(name: string): readonly (readonly [string, Type])[];
  cfgValue(name: string): bigint;
}

/** A type with every array length known (cfg lengths substituted). */
export function arrayLength(t: Extract<Type, { k: 'array' }>, env: LayoutEnv): number {
  return Number(typeof t.len === 'bigint' ? t.len : env.cfgValue(t.len));
}

/** CS-LAYOUT-001: the VM words a value occupies, in order; null for a type that is not word-flattenable. */
export function wordTypes(t: Type, env: LayoutEnv): ValueType[] | null {
  switch (t.k) {
    case 'u64':
    case 'u128':
    case 'i128':
    case 'bool':
      return [t.k];
    case 'address':
      return ['u128'];
    case 'bytes32':
      return ['u128', 'u128'];
    case 'struct': {
      const out: ValueType[] = [];
      for (const [, ft] of env.structFields(t.name)) {
        const w = wordTypes(ft, env);
        if (w === null) return null;
        out.push(...w);
      }
      return out;
    }
    default:
      return null;
  }
}

function wordCount(t: Type, env: LayoutEnv): number {
  return wordTypes(t, env)?.length ?? 0;
}

/** CS-LAYOUT-002: the encoded size in bytes. */
export function byteSize(t: Type, env: LayoutEnv): number {
  switch (t.k) {
    case 'u64':
      return 8;
    case 'bool':
      return 1;
    case 'u128':
    case 'i128':
    case 'address':
      return 16;
    case 'bytes32':
      return 32;
    case 'struct':
      return env.structFields(t.name).reduce((n, [, ft]) => n + byteSize(ft, env), 0);
    case 'array':
      return arrayLength(t, env) * byteSize(t.elem, env);
    default:
      return 0;
  }
}

/** A record field's byte offset inside the record, and its type. */
export function fieldAt(structName: string, field: string, env: LayoutEnv): { offset: number; type: Type; wordIndex: number } {
  let offset = 0;
  let wordIndex = 0;
  for (const [n, ft] of env.structFields(structName)) {
    if (n === field) return { offset, type: ft, wordIndex };
    offset += byteSize(ft, env);
    wordIndex += wordCount(ft, env);
  }
  throw new Error(`internal: ${structName} has no field ${field}`);
}

/**
 * One scalar of an encoded value: byte offset (from the value's start) and access width; a value's
 * scalars in order are exactly its words (CS-LAYOUT-001/002 agree).
 */
export interface ScalarPiece {
  readonly offset: number;
  readonly width: Width;
}

export function scalarPieces(t: Type, env: LayoutEnv, base = 0): ScalarPiece[] {
  switch (t.k) {
    case 'u64':
      return [{ offset: base, width: 8 }];
    case 'bool':
      return [{ offset: base, width: 1 }];
    case 'u128':
    case 'i128':
    case 'address':
      return [{ offset: base, width: 16 }];
    case 'bytes32':
      return [{ offset: base, width: 16 }, { offset: base + 16, width: 16 }];
    case 'struct': {
      const out: ScalarPiece[] = [];
      let off = base;
      for (const [, ft] of env.structFields(t.name)) {
        out.push(...scalarPieces(ft, env, off));
        off += byteSize(ft, env);
      }
      return out;
    }
    default:
      throw new Error(`internal: ${typeName(t)} has no scalar pieces`);
  }
}

/** The type text with cfg lengths substituted (`[Order; 65536]`), for manifests and reports. */
export function concreteTypeName(t: Type, env: LayoutEnv): string {
  if (t.k === 'array') return `[${concreteTypeName(t.elem, env)}; ${arrayLength(t, env)}]`;
  return typeName(t);
}
