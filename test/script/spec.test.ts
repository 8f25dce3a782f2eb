/**
 * spec/curvescript.md stays in step with the code (STYLE.md §2): its generated tables equal the code's
 * tables, and every rule id the code cites is defined in the spec.
 */
import test from 'ava';
import { readdirSync } from 'node:fs';
import { BUILTINS } from '../../reference/script/builtins.ts';
import { DIAGNOSTIC_CODES } from '../../reference/script/diagnostics.ts';
import { DIRECTIVES } from '../../reference/script/directives.ts';
import { ROOT, readRepoFile } from './helpers.ts';
import { regenerate } from './spec-tables.ts';

const spec = readRepoFile('spec/curvescript.md');

test('the generated tables in spec/curvescript.md equal the code tables (regenerate with spec-tables.ts --write)', (t) => {
  t.is(regenerate(spec), spec);
});

test('every rule id cited by the diagnostic registry, the directive schema and the built-ins is in the spec', (t) => {
  const ids = new Set<string>([
    ...Object.values(DIAGNOSTIC_CODES).map((c) => c.spec),
    ...DIRECTIVES.map((d) => d.spec),
    ...BUILTINS.map((b) => b.spec),
  ]);
  t.deepEqual([...ids].filter((id) => !spec.includes(id)), []);
});

test('every CS-* rule id mentioned in reference/script, reference/compiler and stdlib sources is defined in the spec', (t) => {
  const cited = new Set<string>();
  for (const dir of ['reference/script/', 'reference/compiler/', 'stdlib/']) {
    for (const f of readdirSync(ROOT + dir).filter((x) => x.endsWith('.ts') || x.endsWith('.curve'))) {
      for (const m of readRepoFile(dir + f).matchAll(/\bCS-[A-Z]+(?:-[A-Z0-9_]+)+\b/g)) cited.add(m[0]);
    }
  }
  t.true(cited.size > 40);
  t.deepEqual([...cited].filter((id) => !id.endsWith('-') && !spec.includes(id)).sort(), []);
});

test('every diagnostic code appears in the spec', (t) => {
  t.deepEqual(Object.keys(DIAGNOSTIC_CODES).filter((c) => !spec.includes(`| ${c} |`)), []);
});
