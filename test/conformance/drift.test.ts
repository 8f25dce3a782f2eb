/** CONF-FILL-002: the committed fixtures equal a fresh fill from the fillers, byte for byte (no drift). */
import test from 'ava';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { VECTORS_DIR, isFilledPath } from '../../conformance/files.ts';
import { fillAll } from '../../conformance/filler.ts';
import { FILLERS } from '../../conformance/fillers/index.ts';

function committedFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? committedFiles(p) : n.endsWith('.json') ? [relative(VECTORS_DIR, p)] : [];
  });
}

test('CONF-FILL-002 re-filling in memory reproduces conformance/vectors exactly (run `npm run conformance:fill` after changing a filler or the VM)', (t) => {
  const fresh = fillAll(FILLERS);
  t.deepEqual(committedFiles(VECTORS_DIR).filter(isFilledPath).sort(), [...fresh.keys()].sort(), 'the same files (regressions/ is not filled)');
  const drifted = [...fresh].filter(([p, text]) => readFileSync(join(VECTORS_DIR, p), 'utf8') !== text).map(([p]) => p);
  t.deepEqual(drifted, []);
});

test('CONF-FILL-003 regressions/ is loaded by the runner but never filled, removed or checked for drift', (t) => {
  t.false(isFilledPath('regressions/vm.json'));
  t.false(isFilledPath('regressions/x/y.json'));
  t.true(isFilledPath('opcodes/ADD.json'));
  t.true(isFilledPath('regressionsx/a.json'));
});

test('CONF-FILL-001 a fill is deterministic (two fills are identical)', (t) => {
  const a = fillAll(FILLERS.filter((f) => f.group === 'calls'));
  const b = fillAll(FILLERS.filter((f) => f.group === 'calls'));
  t.deepEqual([...a], [...b]);
});
