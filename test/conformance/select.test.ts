/** CONF-RUN-003/004: glob filters, and the shard partition property (disjoint, covering, balanced). */
import test from 'ava';
import fc from 'fast-check';
import { globToRegExp, inShard, parseShard, select } from '../../conformance/select.ts';

test('CONF-RUN-004 shards of n are disjoint, cover every vector, and differ in size by at most one', (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,3}\/[a-z]{1,3}\/[a-z0-9]{1,4}$/), { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), (ids, n) => {
      const items = ids.sort().map((id) => ({ id }));
      const shards = Array.from({ length: n }, (_, i) => select(items, { shard: { index: i + 1, count: n } }).map((x) => x.id));
      const all = shards.flat();
      const sizes = shards.map((s) => s.length);
      return all.length === items.length && new Set(all).size === items.length && Math.max(...sizes) - Math.min(...sizes) <= 1;
    }),
  );
  t.pass();
});

test('CONF-RUN-004 a position belongs to exactly one shard', (t) => {
  fc.assert(fc.property(fc.nat(10_000), fc.integer({ min: 1, max: 50 }), (p, n) => Array.from({ length: n }, (_, i) => inShard(p, { index: i + 1, count: n })).filter(Boolean).length === 1));
  t.pass();
});

test('CONF-RUN-003 globs: * spans slashes, ? is one character, the rest is literal', (t) => {
  t.true(globToRegExp('opcodes/*').test('opcodes/ADD/case-000'));
  t.true(globToRegExp('*/ADD/case-00?').test('opcodes/ADD/case-001'));
  t.false(globToRegExp('*/ADD/case-00?').test('opcodes/ADD/case-0010'));
  t.false(globToRegExp('opcodes/ADD.json').test('opcodes/ADDxjson'));
});

test('CONF-RUN-004 --shard text: i/n with 1 ≤ i ≤ n', (t) => {
  t.deepEqual(parseShard('2/5'), { index: 2, count: 5 });
  for (const bad of ['0/5', '6/5', '1/0', '1', 'a/b', '-1/2']) t.throws(() => parseShard(bad), { message: /--shard expects i\/n/ });
});
