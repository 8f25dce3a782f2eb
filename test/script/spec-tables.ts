/**
 * The tables of spec/curvescript.md, rendered from the code's data (STYLE.md §2: never maintained
 * twice by hand). spec.test.ts checks the spec holds exactly these between `<!-- gen:NAME -->` markers;
 * to regenerate: `node --import=tsx test/script/spec-tables.ts --write`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { BLOCK_KINDS } from '../../reference/script/ast.ts';
import { BUILTINS, BUILTIN_CONSTS, CALL_CONSTS } from '../../reference/script/builtins.ts';
import { DIAGNOSTIC_CODES } from '../../reference/script/diagnostics.ts';
import { cfgBindings, directivesOf } from '../../reference/script/directives.ts';
import type { ArgSpec } from '../../reference/script/directives.ts';
import { KEYWORDS } from '../../reference/script/lexer.ts';

function argType(a: ArgSpec): string {
  const t = a.type;
  switch (t.kind) {
    case 'int':
      return `int ${t.unit}, ${t.min}..=${t.max}${t.maxCode ? ` (above: ${t.maxCode})` : ''}`;
    case 'enum':
      return t.values.join(' \\| ');
    case 'list':
      return 'list of strings';
    default:
      return t.kind;
  }
}

function value(v: unknown): string {
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return String(v);
}

export function directiveTable(): string {
  const rows = ['| block | directive | rule | argument | type, unit, range | required / default | meaning |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const k of BLOCK_KINDS) {
    for (const d of directivesOf(k)) {
      const flags = [d.required ? 'required' : 'optional', d.repeatable ? 'repeatable' : ''].filter(Boolean).join(', ');
      d.args.forEach((a, i) => {
        const head = i === 0 ? `| ${k} | \`${d.name}\` (${flags}) | ${d.spec} |` : '| | | |';
        const req = a.required ? 'required' : `default ${value(a.default)}`;
        rows.push(`${head} \`${a.name}\`${a.positional ? ' (positional)' : ''} | ${argType(a)} | ${req} | ${a.doc} |`);
      });
    }
  }
  return rows.join('\n');
}

export function diagnosticTable(): string {
  const rows = ['| code | severity | rule | meaning |', '| --- | --- | --- | --- |'];
  for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) rows.push(`| ${code} | ${info.severity} | ${info.spec} | ${info.title} |`);
  return rows.join('\n');
}

export function bindingTable(): string {
  const rows = ['| template | `cfg.` name | type | directive argument |', '| --- | --- | --- | --- |'];
  for (const [target, kind] of [['router', 'ROUTER'], ['slab', 'SLAB'], ['oracle', 'ORACLE']] as const) {
    for (const b of cfgBindings(kind)) rows.push(`| ${target} | \`cfg.${b.name}\` | ${b.type} | ${b.directive} ${b.arg} |`);
  }
  return rows.join('\n');
}

export function builtinTable(): string {
  const rows = ['| built-in | signature | syscall | rule | meaning |', '| --- | --- | --- | --- | --- |'];
  for (const b of BUILTINS) {
    const params = b.params.map(([n, t]) => `${n}: ${t}`).join(', ');
    const generic = 'generic' in b ? ` (T ${b.generic})` : '';
    rows.push(`| \`${b.name}\` | \`(${params}) -> ${b.ret}\`${generic} | ${'syscall' in b ? b.syscall : '—'} | ${b.spec} | ${b.doc} |`);
  }
  for (const [name, v] of BUILTIN_CONSTS) {
    const call = CALL_CONSTS.has(name);
    rows.push(`| \`${name}\` | \`u64\` = ${v} | — | ${call ? 'CS-CALL-003' : 'CS-BUILTIN-SYS'} | ${call ? 'cross-module call status / revert base' : 'syscall status word'} |`);
  }
  return rows.join('\n');
}

export function keywordList(): string {
  return KEYWORDS.map((k) => `\`${k}\``).join(', ');
}

export const TABLES: Readonly<Record<string, () => string>> = {
  directives: directiveTable,
  diagnostics: diagnosticTable,
  bindings: bindingTable,
  builtins: builtinTable,
  keywords: keywordList,
};

/** Replace each `<!-- gen:NAME -->…<!-- /gen:NAME -->` section with the freshly rendered table. */
export function regenerate(spec: string): string {
  let out = spec;
  for (const [name, render] of Object.entries(TABLES)) {
    const re = new RegExp(`(<!-- gen:${name} -->)[\\s\\S]*?(<!-- /gen:${name} -->)`);
    out = out.replace(re, (_, a: string, b: string) => `${a}\n${render()}\n${b}`);
  }
  return out;
}

if (process.argv.includes('--write')) {
  const path = new URL('../../spec/curvescript.md', import.meta.url);
  writeFileSync(path, regenerate(readFileSync(path, 'utf8')));
}
