/** CPI descriptors (spec/manifest.md §3, CPI-*) and the CS-ANALYZE-CPI analyzer (CS4005). */
import test from 'ava';
import { checkCpi, cpiDescriptorHash, describeModule, encodeCpiDescriptor, layout, SLAB_INTERFACE } from '../../reference/compiler/cpi.ts';
import { fixtureModule, fixtureVenue, SLAB_ASM, SLAB_SIG, typed } from './cpi-fixtures.ts';

const [router, slab, oracle] = fixtureVenue() as [ReturnType<typeof fixtureVenue>[0], ReturnType<typeof fixtureVenue>[0], ReturnType<typeof fixtureVenue>[0]];

test('CPI-LAYOUT-001: word offsets count the words of the fields before (bytes32 takes two words)', (t) => {
  const l = layout([typed('route', 'u128'), typed('h', 'bytes32'), typed('ok', 'bool')]);
  t.deepEqual(l.map((f) => [f.name, f.offset, f.words.length]), [['route', 0, 1], ['h', 1, 2], ['ok', 3, 1]]);
});

test('CPI-SLAB-003: commit takes the cap handle, debits through it and names the escrow by the cap scope', (t) => {
  const d = describeModule(slab);
  const commit = d.entries.find((e) => e.name === 'commit');
  t.truthy(commit);
  t.is(commit?.callers, 'router');
  t.deepEqual(commit?.capHandles, ['cap']);
  t.deepEqual(commit?.grants, ['log.emit', 'cap.debit']);
  t.deepEqual(commit?.accounts.map((a) => `${a.name}:${a.access}:${a.key.join(',')}`), [
    'caller:read:caller',
    'storage:write:self',
    'escrow:write:cap:cap.user,self,cap:cap.asset',
    'vault:write:cap:cap.asset',
    'cap:write:param:cap',
  ]);
});

test('CPI-ACCT-001: accounts and grants come from the bytecode the entry reaches', (t) => {
  const d = describeModule(router);
  const open = d.entries.find((e) => e.name === 'open_cap');
  t.deepEqual(open?.grants, ['escrow.write', 'cap.mint']);
  t.deepEqual(open?.accounts.map((a) => `${a.name}:${a.access}`), ['caller:read', 'escrow:write', 'vault:write', 'cap:write']);
  const echo = d.entries.find((e) => e.name === 'echo');
  t.deepEqual(echo?.grants, []);
  t.deepEqual(echo?.accounts.map((a) => a.name), ['caller']);
  const peek = describeModule(slab).entries.find((e) => e.name === 'peek');
  t.is(peek?.callers, 'any');
  t.deepEqual(peek?.accounts.map((a) => `${a.name}:${a.key.join(',')}`), ['caller:caller', 'oracle:*']);
  t.deepEqual(describeModule(oracle).entries.map((e) => e.name), ['read']);
});

test('CPI-DESC-001: entries follow the ENTRIES order; the encoding starts with the domain tag', (t) => {
  const d = describeModule(slab);
  t.deepEqual(d.entries.map((e) => e.index), [0, 1, 2, 3, 4, 5]);
  const bytes = encodeCpiDescriptor(d);
  t.is(new TextDecoder().decode(bytes.slice(4, 4 + 12)), 'CURVE/cpi/v1');
});

test('CPI-HASH-001: the descriptor hash is stable, ignores bytecode-only changes and follows interface changes', (t) => {
  const h = cpiDescriptorHash(describeModule(slab));
  t.regex(h, /^[0-9a-f]{64}$/);
  t.is(cpiDescriptorHash(describeModule(fixtureVenue()[1] as typeof slab)), h);
  // Same interface, different code (an extra NOP): same descriptor, different bytecode hash.
  const recoded = fixtureModule(slab.name, 'slab', SLAB_ASM.replace('.func cancel params=1 results=0 locals=0\n', '.func cancel params=1 results=0 locals=0\n  NOP\n'), SLAB_SIG);
  t.not(recoded.hash, slab.hash);
  t.is(cpiDescriptorHash(describeModule(recoded)), h);
  // A renamed argument changes the interface.
  const renamed = { ...slab, entries: slab.entries.map((e) => (e.name === 'cancel' ? { ...e, params: [typed('hold', 'u128')] } : e)) };
  t.not(cpiDescriptorHash(describeModule(renamed)), h);
});

test('CS4005: a slab without an interface entry, or without the argument its accounts are keyed by', (t) => {
  t.deepEqual(checkCpi([router, slab, oracle]), []);
  const noCancel = { ...slab, entries: slab.entries.filter((e) => e.name !== 'cancel') };
  const d = checkCpi([noCancel]);
  t.deepEqual(d.map((x) => x.code), ['CS4005']);
  t.regex(d[0]?.message ?? '', /cancel/);
  t.like(d[0]?.span, { file: 'stdlib/slab.curve', line: 1, col: 1 });
  const badCommit = { ...slab, entries: slab.entries.map((e) => (e.name === 'commit' ? { ...e, params: [typed('hold_id', 'u128'), typed('handle', 'u128')] } : e)) };
  t.regex(checkCpi([badCommit])[0]?.message ?? '', /needs a parameter `cap`/);
  const wideUser = { ...slab, entries: slab.entries.map((e) => (e.name === 'reserve' ? { ...e, params: e.params.map((p) => (p.name === 'user' ? typed('user', 'bytes32') : p)) } : e)) };
  t.regex(checkCpi([wideUser])[0]?.message ?? '', /one u128 word/);
  const empty = { ...slab, entries: [] };
  t.is(checkCpi([empty]).length, SLAB_INTERFACE.length);
  // Routers and oracles need none of them.
  t.deepEqual(checkCpi([{ ...router, entries: [] }]), []);
});
