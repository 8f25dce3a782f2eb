/**
 * Reading vector files (CONF-FMT-*): every `*.json` under a folder, checked against conformance/schema.json
 * with ajv. A malformed file or vector is a problem naming the file and the JSON path
 * (`conformance/vectors/opcodes/ADD.json: $.vectors[3].input.calls[0].gasLimit: must be integer`); the
 * other vectors load, so a run reports the problem and goes on.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { fileOf } from './filler.ts';
import type { Vector } from './format.ts';

export const SCHEMA_PATH = new URL('./schema.json', import.meta.url).pathname;
/** The committed fixtures. */
export const VECTORS_DIR = new URL('./vectors/', import.meta.url).pathname;
/**
 * Groups under vectors/ that no filler writes (CONF-FILL-003): `regressions/` holds vectors frozen from
 * found bugs. The runner loads them like any other; `fill` neither rewrites nor removes them, and the
 * drift check ignores them.
 */
export const UNFILLED_GROUPS: readonly string[] = ['regressions'];
export const isFilledPath = (rel: string): boolean => !UNFILLED_GROUPS.some((g) => rel === g || rel.startsWith(`${g}/`));

export interface LoadedVector {
  readonly file: string;
  readonly vector: Vector;
}

export interface Problem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

export function problemLine(p: Problem): string {
  return `${p.file}: ${p.path}: ${p.message}`;
}

let validators: { file: ValidateFunction; vector: ValidateFunction } | undefined;

function schemaValidators(): { file: ValidateFunction; vector: ValidateFunction } {
  if (!validators) {
    const ajv = new Ajv({ allErrors: false, strict: true, strictTypes: false, strictRequired: false });
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $id: string };
    ajv.addSchema(schema);
    const envelope = { type: 'object', required: ['format', 'vectors'], properties: { format: { $ref: `${schema.$id}#/definitions/semver` }, vectors: { type: 'array' } } };
    validators = { file: ajv.compile(envelope), vector: ajv.getSchema(`${schema.$id}#/definitions/vector`) as ValidateFunction };
  }
  return validators;
}

/** `/vectors/3/input` → `$.vectors[3].input` */
export function jsonPath(base: string, instancePath: string): string {
  return (
    base +
    instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
      .map((s) => (/^[0-9]+$/.test(s) ? `[${s}]` : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`))
      .join('')
  );
}

/** The most specific schema error (the deepest instance path), as a path and a message. */
function firstError(errors: readonly ErrorObject[] | null | undefined, base: string): { path: string; message: string } {
  const e = [...(errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  if (!e) return { path: base, message: 'does not match the schema' };
  const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : e.keyword === 'enum' ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : '';
  return { path: jsonPath(base, e.instancePath), message: `${e.message ?? 'invalid'}${extra}` };
}

/** Check one parsed file; returns its valid vectors and a problem per malformed part. */
export function checkFile(doc: unknown, file: string, relPath?: string): { vectors: LoadedVector[]; problems: Problem[] } {
  const v = schemaValidators();
  if (!v.file(doc)) return { vectors: [], problems: [{ file, ...firstError(v.file.errors, '$') }] };
  const vectors: LoadedVector[] = [];
  const problems: Problem[] = [];
  (doc as { vectors: unknown[] }).vectors.forEach((x, i) => {
    const base = `$.vectors[${i}]`;
    if (!v.vector(x)) problems.push({ file, ...firstError(v.vector.errors, base) });
    else if (relPath !== undefined && fileOf((x as Vector).id) !== relPath) problems.push({ file, path: `${base}.id`, message: `id ${(x as Vector).id} belongs in ${fileOf((x as Vector).id)}` });
    else vectors.push({ file, vector: x as Vector });
  });
  return { vectors, problems };
}

/** Every `.json` file under `dir`, sorted by relative path. */
function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Load and check every vector file under `dir`. File names in problems are relative to `cwd`. */
export function loadVectors(dir: string, cwd = process.cwd()): { vectors: LoadedVector[]; problems: Problem[] } {
  const vectors: LoadedVector[] = [];
  const problems: Problem[] = [];
  for (const abs of jsonFiles(dir)) {
    const file = relative(cwd, abs) || abs;
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(abs, 'utf8'));
    } catch (e) {
      problems.push({ file, path: '$', message: `not valid JSON (${e instanceof Error ? e.message : String(e)})` });
      continue;
    }
    const r = checkFile(doc, file, relative(dir, abs));
    vectors.push(...r.vectors);
    problems.push(...r.problems);
  }
  vectors.sort((a, b) => (a.vector.id < b.vector.id ? -1 : a.vector.id > b.vector.id ? 1 : 0));
  return { vectors, problems };
}
