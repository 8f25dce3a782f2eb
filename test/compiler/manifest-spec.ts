/**
 * The generated blocks of spec/manifest.md: the Borsh schemas of the manifest and of a CPI descriptor,
 * rendered from the code's schema objects (STYLE.md §2: never maintained twice by hand).
 * manifest-spec.test.ts checks the spec holds exactly these; to regenerate:
 * `node --import=tsx test/compiler/manifest-spec.ts --write`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DESCRIPTOR_SCHEMA } from '../../reference/compiler/cpi.ts';
import { MANIFEST_BORSH_SCHEMA } from '../../reference/compiler/manifest-borsh.ts';

type Schema = string | { readonly [k: string]: unknown };

/** Rust-like notation: `Vec<T>` (u32 count), `[T; N]`, `Option<T>` (u8 tag), nested structs inline. */
export function renderSchema(s: Schema, indent = ''): string {
  if (typeof s === 'string') return s;
  if ('struct' in s) {
    const fields = Object.entries(s.struct as Record<string, Schema>).map(([k, v]) => `${indent}  ${k}: ${renderSchema(v, indent + '  ')},`);
    return `{\n${fields.join('\n')}\n${indent}}`;
  }
  if ('array' in s) {
    const a = s.array as { type: Schema; len?: number };
    return a.len === undefined ? `Vec<${renderSchema(a.type, indent)}>` : `[${renderSchema(a.type, indent)}; ${a.len}]`;
  }
  if ('option' in s) return `Option<${renderSchema(s.option as Schema, indent)}>`;
  throw new Error(`schema form not rendered: ${Object.keys(s).join(',')}`);
}

const BLOCKS: Record<string, () => string> = {
  'borsh-manifest': () => '```\nManifest ' + renderSchema(MANIFEST_BORSH_SCHEMA) + '\n```',
  'borsh-descriptor': () => '```\nDescriptor ' + renderSchema(DESCRIPTOR_SCHEMA) + '\n```',
};

export function regenerate(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(BLOCKS)) {
    const re = new RegExp(`(<!-- gen:${name} -->\\n)[\\s\\S]*?(\\n<!-- /gen:${name} -->)`);
    if (!re.test(out)) throw new Error(`spec/manifest.md lacks the markers of ${name}`);
    out = out.replace(re, (_m, a: string, b: string) => a + render() + b);
  }
  return out;
}

const SPEC = new URL('../../spec/manifest.md', import.meta.url).pathname;
if (process.argv.includes('--write')) writeFileSync(SPEC, regenerate(readFileSync(SPEC, 'utf8')));
