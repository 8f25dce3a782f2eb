/**
 * spec/curvevm.md cannot drift from the code (STYLE.md §2): its generated tables must equal a fresh
 * rendering byte for byte, every rule id the VM sources cite must be defined in it, and its error-code
 * rules must be exactly the codes the decoder, validator and store throw.
 */
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BLOCKS, SPEC_PATH, applyTables, begin, end, staleBlocks } from '../../scripts/gen-opcode-table.ts';
import { OPCODES } from '../../reference/vm/opcodes.ts';
import { SYSCALLS } from '../../reference/vm/syscalls.ts';

const root = new URL('../..', import.meta.url).pathname;
const spec = readFileSync(SPEC_PATH, 'utf8');

/** The .ts files directly inside a folder of the repository, with their text. */
const sources = (dir: string): { file: string; text: string }[] =>
  readdirSync(join(root, dir))
    .filter((n) => n.endsWith('.ts'))
    .sort()
    .map((n) => ({ file: `${dir}/${n}`, text: readFileSync(join(root, dir, n), 'utf8') }));
const vmSources = sources('reference/vm');
const citingSources = [...vmSources, ...sources('reference/lib')];

/** Ids defined by the spec: each written in bold exactly once. */
const definitions = [...spec.matchAll(/\*\*(VM-[A-Z]+(?:-[A-Z0-9_]+)+)\*\*/g)].map((m) => m[1] as string);
const defined = new Set(definitions);

/** Ids cited anywhere in a text; a trailing `-` (from `VM-VAL-IMM-*`) marks a prefix citation. */
const CITE = /VM-[A-Z]+-[A-Z0-9_-]+/g;
/** Codes passed as string literals (what the decoder, validator and store throw). */
const THROWN = /['"`](VM-[A-Z]+-[A-Z0-9_-]+)['"`]/g;

const thrownCodes = (): Map<string, string> => {
  const out = new Map<string, string>();
  for (const { file, text } of vmSources) for (const m of text.matchAll(THROWN)) if (!out.has(m[1] as string)) out.set(m[1] as string, file);
  return out;
};

test('spec §5/§6/§7/§8: generated tables equal a fresh rendering byte for byte', (t) => {
  const stale = staleBlocks(spec);
  t.deepEqual(stale, [], `stale generated block(s): ${stale.join(', ')} — run \`npm run spec:opcodes\``);
  t.is(applyTables(spec), spec);
});

test('spec: every generated block has its markers exactly once', (t) => {
  for (const b of BLOCKS) {
    t.is(spec.split(begin(b)).length, 2, `${begin(b)} must appear once`);
    t.is(spec.split(end(b)).length, 2, `${end(b)} must appear once`);
  }
});

test('spec: applyTables refuses a spec that lost a block', (t) => {
  const broken = spec.replace(begin('opcodes'), '');
  t.throws(() => applyTables(broken), { message: /opcodes/ });
});

test('spec: every rule id is defined exactly once', (t) => {
  const seen = new Set<string>();
  const twice = definitions.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  t.deepEqual(twice, []);
  t.true(defined.size > 100, `only ${defined.size} rule ids defined`);
});

test('spec: every rule id cited in reference/vm and reference/lib is defined', (t) => {
  const missing: string[] = [];
  for (const { file, text } of citingSources) {
    for (const m of text.matchAll(CITE)) {
      const id = m[0];
      const ok = id.endsWith('-') ? definitions.some((d) => d.startsWith(id)) : defined.has(id);
      if (!ok) missing.push(`${file}: ${id}${id.endsWith('-') ? '*' : ''}`);
    }
  }
  t.deepEqual([...new Set(missing)], []);
});

test('spec: every error code thrown by reference/vm is defined (VM-MOD-*, VM-VAL-*, VM-STORE-*)', (t) => {
  const thrown = thrownCodes();
  t.true([...thrown.keys()].some((c) => c.startsWith('VM-VAL-')) && [...thrown.keys()].some((c) => c.startsWith('VM-MOD-')));
  const missing = [...thrown].filter(([code]) => !defined.has(code)).map(([code, file]) => `${file}: ${code}`);
  t.deepEqual(missing, []);
});

test('spec §3/§4: the numbered VM-MOD and VM-VAL rules are exactly the codes the code throws', (t) => {
  const thrown = new Set(thrownCodes().keys());
  const numbered = (id: string): boolean => /^VM-MOD-\d{3}$/.test(id) || /^VM-VAL-[A-Z]+-\d{3}$/.test(id);
  const phantom = definitions.filter((id) => numbered(id) && !thrown.has(id));
  t.deepEqual(phantom, [], 'rules the spec defines that no decoder/validator check raises');
  const undocumented = [...thrown].filter((id) => numbered(id) && !defined.has(id));
  t.deepEqual(undocumented, []);
});

test('spec §5/§8: every opcode and every syscall has its rule', (t) => {
  t.deepEqual(
    OPCODES.map((o) => `VM-OP-${o.name}`).filter((id) => !defined.has(id)),
    [],
  );
  t.deepEqual(
    SYSCALLS.map((s) => s.spec as string).filter((id) => !defined.has(id)),
    [],
  );
});
