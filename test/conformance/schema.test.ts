/**
 * spec/conformance.md CONF-FMT-*, CONF-RUN-002: the schema accepts every committed fixture and rejects
 * malformed vectors naming the file and the JSON path; a malformed file does not stop the others loading.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VECTORS_DIR, checkFile, loadVectors, problemLine } from '../../conformance/files.ts';

const committed = loadVectors(VECTORS_DIR);
const sample = JSON.parse(readFileSync(join(VECTORS_DIR, 'opcodes/ADD.json'), 'utf8')) as { format: string; vectors: Record<string, unknown>[] };

test('CONF-FMT-001 every committed fixture matches the schema', (t) => {
  t.deepEqual(committed.problems.map(problemLine), []);
  t.true(committed.vectors.length >= 2000, `${committed.vectors.length} vectors`);
});

/** A copy of the sample with one change at vector 0. */
function broken(change: (v: Record<string, any>) => void): unknown {
  const doc = structuredClone(sample);
  change(doc.vectors[0] as Record<string, any>);
  return doc;
}

const cases: [string, (v: Record<string, any>) => void, string][] = [
  ['a string gas limit', (v) => (v.input.calls[0].gasLimit = '100'), '$.vectors[0].input.calls[0].gasLimit'],
  ['a decimal word', (v) => (v.input.calls[0].now = '5'), '$.vectors[0].input.calls[0].now'],
  ['a module key that is not a hash', (v) => (v.pre.modules = { abc: '0x00' }), '$.vectors[0].pre.modules'],
  ['a halt without its kind', (v) => (v.expect.calls[0] = { ...v.expect.calls[0], status: 'halt' }), '$.vectors[0].expect.calls[0]'],
  ['an unknown member', (v) => (v.extra = 1), '$.vectors[0]'],
  ['a missing covers', (v) => delete v.covers, '$.vectors[0]'],
  ['a rule id in lower case', (v) => (v.covers = ['vm-op-add']), '$.vectors[0].covers[0]'],
];

for (const [name, change, path] of cases) {
  test(`CONF-FMT-004 the schema rejects ${name}, naming ${path}`, (t) => {
    const r = checkFile(broken(change), 'x.json');
    t.is(r.problems.length, 1);
    t.is(r.problems[0]?.path, path, problemLine(r.problems[0] as never));
    t.is(r.vectors.length, sample.vectors.length - 1, 'the other vectors still load');
  });
}

test('CONF-FMT-002 a file of an unknown major format is refused', (t) => {
  const r = checkFile({ ...sample, format: '2.0.0' }, 'x.json');
  t.is(r.problems[0]?.path, '$.format');
});

test('CONF-RUN-002 a folder with a broken file and a good one: the problem names the file, the good vectors load', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'conf-'));
  writeFileSync(join(dir, 'bad.json'), '{ not json');
  writeFileSync(join(dir, 'opcodes.json'), JSON.stringify({ ...sample, vectors: sample.vectors.slice(0, 1) }));
  writeFileSync(join(dir, 'ok.json'), JSON.stringify({ format: sample.format, vectors: [] }));
  const r = loadVectors(dir, dir);
  t.is(r.problems.length, 2, r.problems.map(problemLine).join('\n'));
  t.regex(problemLine(r.problems[0] as never), /^bad\.json: \$: not valid JSON/);
  t.regex(problemLine(r.problems[1] as never), /^opcodes\.json: \$\.vectors\[0\]\.id: id opcodes\/ADD\/.* belongs in opcodes\/ADD\.json/);
});
