/** spec/manifest.md stays in step with the code: generated Borsh schemas, and every MAN-/CPI- id cited is defined. */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { regenerate } from './manifest-spec.ts';

const root = new URL('../..', import.meta.url).pathname;
const spec = readFileSync(root + 'spec/manifest.md', 'utf8');

test('the generated Borsh schemas in spec/manifest.md equal the code (regenerate with manifest-spec.ts --write)', (t) => {
  t.is(regenerate(spec), spec);
});

test('every MAN-*/CPI-* id cited by the compiler, the CLI and these tests is defined in bold in spec/manifest.md', (t) => {
  const files = [
    ...readdirSync(root + 'reference/compiler').map((f) => `reference/compiler/${f}`),
    ...readdirSync(root + 'test/compiler').map((f) => `test/compiler/${f}`),
    'cli/commands/compile.ts',
  ].filter((f) => f.endsWith('.ts') && /cpi|manifest|sdk|compile\.ts$/.test(f));
  const cited = new Set<string>();
  for (const f of files) {
    let text = '';
    try {
      text = readFileSync(root + f, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/\b(?:MAN|CPI)-[A-Z]+-(?:\d{3}|[A-Z]+)\b/g)) cited.add(m[0]);
  }
  t.true(cited.size >= 15, [...cited].join(' '));
  t.deepEqual([...cited].filter((id) => !new RegExp(`\\*\\*${id}\\b`).test(spec)).sort(), []);
});

test('each rule id is defined once', (t) => {
  const defs = [...spec.matchAll(/\*\*((?:MAN|CPI)-[A-Z]+-[A-Z0-9]+)\b/g)].map((m) => m[1]);
  t.deepEqual(defs.filter((d, i) => defs.indexOf(d) !== i), []);
});
