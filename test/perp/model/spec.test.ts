/** spec/perp.md and spec/invariants.md kept honest against the model and the design. */
import test from 'ava';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PERP_ERROR_DOC, PERP_ERRORS } from '../../../reference/perp/model/errors.ts';

const root = new URL('../../../', import.meta.url).pathname;
const read = (p: string): string => readFileSync(join(root, p), 'utf8');

test('spec/perp.md: the error table equals PERP_ERRORS and PERP_ERROR_DOC', (t) => {
  const spec = read('spec/perp.md');
  const block = spec.split('<!-- BEGIN GENERATED: perp-errors -->')[1]?.split('<!-- END GENERATED: perp-errors -->')[0] ?? '';
  const rows = block.split('\n').filter((l) => /^\| \d+ \|/.test(l));
  const expected = Object.entries(PERP_ERRORS).map(([k, v]) => `| ${v} | \`${k}\` | ${PERP_ERROR_DOC[k as keyof typeof PERP_ERRORS]} |`);
  t.deepEqual(rows, expected);
  t.is(new Set(Object.values(PERP_ERRORS)).size, Object.values(PERP_ERRORS).length, 'codes are unique');
});

test('spec/perp.md defines every PERP-* id the model cites', (t) => {
  const spec = read('spec/perp.md');
  const dir = join(root, 'reference/perp/model');
  const cited = new Set<string>();
  for (const f of readdirSync(dir)) for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/PERP-[A-Z]+(?:-[A-Z]+)?-[0-9A-Z]+/g)) cited.add(m[0]);
  const missing = [...cited].filter((id) => !spec.includes(id));
  t.deepEqual(missing, []);
});

test('spec/design/PERP_DESIGN.md is the shared design, verbatim (when the shared copy is beside the project)', (t) => {
  const shared = join(root, '../shared/PERP_DESIGN.md');
  if (!existsSync(shared)) {
    t.pass('no shared copy beside this clone: the vendored one is the reference');
    return;
  }
  t.is(read('spec/design/PERP_DESIGN.md'), readFileSync(shared, 'utf8'));
});

test('spec/invariants.md states every invariant id of PERP_DESIGN.md, each with what checks it', (t) => {
  const design = read('spec/design/PERP_DESIGN.md');
  const ids = new Set<string>();
  for (const m of design.matchAll(/\b(P|S|R|RM|M|L|F|ADV|E2E|GOV|OBS|PFM)(\d+)\b/g)) ids.add(m[0]);
  const inv = read('spec/invariants.md');
  const missing = [...ids].filter((id) => !inv.includes(`**${id}**`));
  t.deepEqual(missing, []);
  t.true(ids.size >= 60, `only ${ids.size} ids found in the design`);
});

test('every test title cited in spec/invariants.md exists', (t) => {
  const inv = read('spec/invariants.md');
  const dir = join(root, 'test/perp/model');
  const titles = new Map<string, string[]>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.test.ts'))) {
    const src = readFileSync(join(dir, f), 'utf8');
    titles.set(f.replace(/\.(property\.)?test\.ts$/, ''), [...src.matchAll(/test\('([^']+)'/g)].map((m) => m[1] as string));
  }
  const bad: string[] = [];
  for (const m of inv.matchAll(/`([a-z-]+) › ([^`]+)`/g)) {
    const [, file, title] = m as unknown as [string, string, string];
    const head = title.replace(/ …$/, '').trim();
    if (!(titles.get(file) ?? []).some((x) => x.startsWith(head))) bad.push(`${file} › ${title}`);
  }
  t.deepEqual(bad, []);
});
