/** spec/sequencer.md §5: the state tree over sorted (key, value) entries (SEQ-ROOT-001), proofs, first differing key (SEQ-ROOT-004). */
import test from 'ava';
import fc from 'fast-check';
import { utf8Bytes } from '../../reference/lib/hash.ts';
import { leafHash, merkleRoot } from '../../reference/lib/merkle.ts';
import { firstDifferingKey, proveKey, stateTree, treeOfLeaves, verifyKey, type StateEntry } from '../../reference/lib/state-tree.ts';

const e = (key: string, v: number): StateEntry => ({ key, value: Uint8Array.of(v) });

test('SEQ-ROOT-001 the root is the Merkle root of leafHash(key, value) in key order, whatever the input order', (t) => {
  const a = stateTree([e('b', 2), e('a', 1), e('c', 3)]);
  t.deepEqual(a.root, merkleRoot([leafHash(utf8Bytes('a'), Uint8Array.of(1)), leafHash(utf8Bytes('b'), Uint8Array.of(2)), leafHash(utf8Bytes('c'), Uint8Array.of(3))]));
  t.is(stateTree([e('c', 3), e('a', 1), e('b', 2)]).rootHex, a.rootHex);
  t.throws(() => stateTree([e('a', 1), e('a', 2)]), { message: /duplicate state key a/ });
  t.throws(() => treeOfLeaves([...a.leaves].reverse()), { message: /not sorted/ });
});

test('SEQ-ROOT-001 property: every key proves against the root; another value does not', (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 20 }), fc.nat(), (keys, pick) => {
      const entries = keys.map((k, i) => e(k, i & 0xff));
      const tree = stateTree(entries);
      const chosen = entries[pick % entries.length] as StateEntry;
      const p = proveKey(tree, chosen.key);
      return verifyKey(tree.root, chosen.key, chosen.value, p) && !verifyKey(tree.root, chosen.key, Uint8Array.of(0xff, 1), p);
    }),
    { numRuns: 100 },
  );
  t.throws(() => proveKey(stateTree([e('a', 1)]), 'zz'), { message: /no state key/ });
});

test('SEQ-ROOT-004 firstDifferingKey names the smallest key that differs, or null', (t) => {
  const a = stateTree([e('a', 1), e('b', 2), e('d', 4)]).leaves;
  t.is(firstDifferingKey(a, a), null);
  t.is(firstDifferingKey(a, stateTree([e('a', 1), e('b', 9), e('d', 5)]).leaves), 'b');
  t.is(firstDifferingKey(a, stateTree([e('a', 1), e('b', 2), e('c', 3), e('d', 4)]).leaves), 'c');
  t.is(firstDifferingKey(a, stateTree([e('a', 1), e('b', 2)]).leaves), 'd');
  t.is(firstDifferingKey(stateTree([e('a', 1)]).leaves, a), 'b');
});
