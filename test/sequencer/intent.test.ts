/** spec/sequencer.md §1: intent signing, ids and admission (SEQ-INT-*). */
import test from 'ava';
import fc from 'fast-check';
import { SigVerifier } from '../../reference/sequencer/crypto.ts';
import { accountOf, checkIntent, intentId, signingBytes, type Intent } from '../../reference/sequencer/intent.ts';
import { DESCRIPTOR, Signer, alice, bob, oracle, operator, policy, verifier } from './helpers.ts';

test('SEQ-INT-001 the account of a key is the low 128 bits of sha256(key), and intents carry it', (t) => {
  const i = new Signer(alice).sign({ kind: 'deposit', amount: 5n });
  t.is(i.account, accountOf(alice.publicHex));
  t.not(accountOf(alice.publicHex), accountOf(bob.publicHex));
  t.true(i.account < 1n << 128n);
});

test('SEQ-INT-002 a signed intent verifies and is admitted', (t) => {
  const i = new Signer(alice).sign({ kind: 'deposit', amount: 5n });
  t.is(checkIntent(i, policy, verifier), null);
  t.true(new TextDecoder().decode(signingBytes(i)).startsWith('curve-intent-v1\n{'));
});

test('SEQ-INT-003 the intent id is stable and differs per nonce and body', (t) => {
  const s = new Signer(alice);
  const a = s.sign({ kind: 'deposit', amount: 5n });
  t.is(intentId(a), intentId({ ...a }));
  t.not(intentId(a), intentId(s.sign({ kind: 'deposit', amount: 5n })));
  t.regex(intentId(a), /^[0-9a-f]{64}$/);
});

test('SEQ-INT-004 an intent for another descriptor is rejected with a reason naming both hashes', (t) => {
  const other = 'cd'.repeat(32);
  const i = new Signer(alice).sign({ kind: 'deposit', amount: 5n }, other);
  const r = checkIntent(i, policy, verifier);
  t.is(r?.code, 'WRONG_DESCRIPTOR');
  t.true(r?.reason.includes(other.slice(0, 16)) && r.reason.includes(DESCRIPTOR.slice(0, 16)), r?.reason);
  t.regex(r?.reason ?? '', /targets another manifest/);
});

test('SEQ-INT-004 admission checks run in order: account/key, signature, authority, fields', (t) => {
  const s = new Signer(alice);
  const good = s.sign({ kind: 'deposit', amount: 5n });
  t.is(checkIntent({ ...good, account: good.account + 1n }, policy, verifier)?.code, 'ACCOUNT_KEY_MISMATCH');
  t.is(checkIntent({ ...good, nonce: 9n }, policy, verifier)?.code, 'BAD_SIGNATURE');
  t.is(checkIntent({ ...good, signature: 'zz' }, policy, verifier)?.code, 'BAD_SIGNATURE');
  t.is(checkIntent(s.sign({ kind: 'oracle', feed: 1n, price: 5n }), policy, verifier)?.code, 'NOT_ORACLE');
  t.is(checkIntent(new Signer(oracle).sign({ kind: 'oracle', feed: 1n, price: 5n }), policy, verifier), null);
  t.is(checkIntent(s.sign({ kind: 'slab_status', slab: 1n, down: true }), policy, verifier)?.code, 'NOT_OPERATOR');
  t.is(checkIntent(new Signer(operator).sign({ kind: 'slab_status', slab: 1n, down: true }), policy, verifier), null);
  t.is(checkIntent(s.sign({ kind: 'withdraw', amount: 0n }), policy, verifier)?.code, 'MALFORMED');
  t.is(checkIntent(s.sign({ kind: 'reserve', legs: [], ttlMs: 5n }), policy, verifier)?.code, 'MALFORMED');
  t.is(checkIntent(s.sign({ kind: 'commit', routeId: 1n, chosen: [{ leg: 0, side: 0, qty: 1n, limitPx: 1n, salt: 'xy' }] }), policy, verifier)?.code, 'MALFORMED');
});

test('SEQ-INT-002 property: changing any signed field breaks the signature', (t) => {
  const s = new Signer(alice);
  const base = s.sign({ kind: 'withdraw', amount: 77n });
  const fresh = new SigVerifier();
  fc.assert(
    fc.property(fc.constantFrom('nonce', 'amount', 'descriptor', 'kind'), fc.bigInt({ min: 1n, max: 1n << 60n }), (field, x) => {
      let bad: Intent;
      if (field === 'nonce') bad = { ...base, nonce: base.nonce + x };
      else if (field === 'amount') bad = { ...base, body: { kind: 'withdraw', amount: 77n + x } };
      else if (field === 'descriptor') bad = { ...base, descriptor: (BigInt('0x' + DESCRIPTOR) ^ x).toString(16).padStart(64, '0') };
      else bad = { ...base, body: { kind: 'deposit', amount: 77n } };
      const r = checkIntent(bad, field === 'descriptor' ? { ...policy, descriptor: bad.descriptor } : policy, fresh);
      return r?.code === 'BAD_SIGNATURE';
    }),
    { numRuns: 40 },
  );
  t.pass();
});
