/**
 * World state, logs, state diff and state root (spec/curvevm.md §7–11: VM-EXEC-005, VM-STATE-*): logs
 * carry their topics in order; the diff lists changed items; the same state gives the same root
 * whatever the order of writes; a trap leaves the root unchanged; journal, clone and JSON views.
 */
import test from 'ava';
import fc from 'fast-check';
import { bytesToHex } from '../../reference/lib/hex.ts';
import { EMPTY_ROOT } from '../../reference/lib/merkle.ts';
import { resultJson } from '../../reference/vm/result-json.ts';
import { worldFromJson } from '../../reference/vm/state-json.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';
import { load, program, runLoaded } from './helpers.ts';

test('VM-EXEC-005 logs carry the module, topics in order and the data; results list logs in emission order', (t) => {
  const body = ['PUSH 0\nPUSH 0x6968\nMSTORE', 'PUSH 0\nPUSH 2\nPUSH 11\nPUSH 12\nPUSH 13\nPUSH 14\nLOG 4', 'PUSH 1\nPUSH 1\nLOG 0', 'PUSH 0\nRET'].join('\n');
  const l = load(program(body, { caps: 'log.emit' }));
  const r = runLoaded(l, { trace: true });
  t.is(r.logs.length, 2);
  t.deepEqual(r.logs[0]?.topics, [11n, 12n, 13n, 14n]);
  t.is(bytesToHex(r.logs[0]?.data ?? new Uint8Array()), '6869');
  t.is(r.logs[0]?.module, l.lm.hashHex);
  t.deepEqual(r.logs[1]?.topics, []);
  t.is(bytesToHex(r.logs[1]?.data ?? new Uint8Array()), '69');
  t.is(r.trace?.find((s) => s.op === 'LOG')?.gasCost, 50 + 4 * 25 + 2);
  t.is(l.world.logs.length, 0, 'a committed top-level call clears the world’s log buffer');
});

test('VM-EXEC-005 LOG bounds: data outside memory traps memory_oob; without log.emit granted traps capability', (t) => {
  const l = load(program('PUSH 65535\nPUSH 2\nLOG 0\nPUSH 0\nRET', { caps: 'log.emit' }));
  t.is(runLoaded(l).halt, 'memory_oob');
  t.is(runLoaded(load(program('PUSH 0\nPUSH 65537\nLOG 0\nPUSH 0\nRET', { caps: 'log.emit' }))).halt, 'memory_oob');
  t.is(runLoaded(l, { caps: 0 }).halt, 'capability');
});

test('VM-STATE-ROOT the same state gives the same root whatever the order of writes', (t) => {
  const a = new World();
  a.setWallet(1n, 2n, 3n);
  a.setVault(2n, 7n);
  a.setEscrow(1n, 2n, 3n, { balance: 4n, nonce: 1n });
  const b = new World();
  b.setEscrow(1n, 2n, 3n, { balance: 4n, nonce: 1n });
  b.setVault(2n, 7n);
  b.setWallet(1n, 9n, 5n);
  b.setWallet(1n, 2n, 3n);
  b.setWallet(1n, 9n, 0n);
  t.is(a.stateRootHex(), b.stateRootHex());
  t.not(a.stateRootHex(), new World().stateRootHex());
  t.deepEqual(new World().stateRoot(), EMPTY_ROOT, 'the empty world has the empty root');
  b.setVault(2n, 8n);
  t.not(a.stateRootHex(), b.stateRootHex());
});

test('VM-STATE-ROOT a trapped call leaves the root unchanged; an ok call reports the new root', (t) => {
  const world = new World();
  world.setVault(3n, 10n);
  world.commit();
  const root = world.stateRootHex();
  const l = load(program('PUSH 1\nPUSH 2\nPUSH 3\nPUSH 4\nSYSCALL ESCROW_CREDIT\nLGET 0\nJUMPI bad\nRET\nbad:\nTRAP', { params: 1, caps: 'escrow.write' }), new ModuleStore(), world);
  const bad = runLoaded(l, { args: [1n] });
  t.is(bad.status, 'halt');
  t.is(bad.stateRoot, root);
  t.is(world.stateRootHex(), root);
  const ok = runLoaded(l, { args: [0n] });
  t.not(ok.stateRoot, root);
  t.is(ok.stateRoot, world.stateRootHex());
  t.false('stateRoot' in runLoaded(l, { args: [1n], stateRoot: false }));
});

test('VM-STATE-DIFF lists wallets, vaults, escrows, caps and the cap counter with before/after hex', (t) => {
  const world = new World();
  world.setWallet(1n, 3n, 10n);
  world.commit();
  const body = ['PUSH 1\nPUSH 3\nPUSH 4\nSYSCALL VAULT_DEPOSIT\nPOP', 'PUSH 1\nPUSH 2\nPUSH 3\nPUSH 4\nSYSCALL ESCROW_CREDIT\nPOP', 'PUSH 1\nPUSH 2\nPUSH 3\nPUSH 9\nPUSH 99\nSYSCALL CAP_MINT'].join('\n');
  const r = runLoaded(load(program(`${body}\nRET`, { caps: 'vault.write,escrow.write,cap.mint' }), new ModuleStore(), world));
  t.deepEqual(
    r.stateDiff.map((d) => d.key),
    ['cap/1', 'escrow/1/2/3', 'meta/next_cap', 'wallet/1/3'],
    'the vault went 0 → 4 → 0: no change',
  );
  const wallet = r.stateDiff.find((d) => d.key === 'wallet/1/3');
  t.is(wallet?.before, '0a000000000000000000000000000000');
  t.is(wallet?.after, '06000000000000000000000000000000');
  t.is(r.stateDiff.find((d) => d.key === 'cap/1')?.before, '');
  t.is(r.stateDiff.find((d) => d.key === 'meta/next_cap')?.after, '02000000000000000000000000000000');
});

test('VM-STATE-001 journal: snapshot/revertTo undo every kind of write; commit forgets', (t) => {
  const w = new World();
  w.setWallet(1n, 1n, 5n);
  w.commit();
  const before = JSON.stringify(w.toJSON());
  const snap = w.snapshot();
  w.setWallet(1n, 1n, 6n);
  w.setVault(1n, 2n);
  w.setEscrow(1n, 2n, 3n, { balance: 1n, nonce: 0n });
  w.setCap(w.mintCapId(), { user: 1n, slab: 2n, asset: 3n, amountMax: 1n, remaining: 1n, expiry: 1n, nonce: 0n, burned: false });
  w.setNextCap(9n);
  const seg = w.segment('ab', 32);
  w.segmentWrite('ab', seg, 8, Uint8Array.of(1, 2, 3));
  w.logs.push({ module: 'ab', topics: [], data: new Uint8Array() });
  t.not(JSON.stringify(w.toJSON()), before);
  w.revertTo(snap);
  t.is(JSON.stringify(w.toJSON()), before);
  t.false(w.hasSegment('ab'));
  t.is(w.logs.length, 0);
});

test('World.clone is deep and has an empty journal; readSegmentWord reads 0 for a missing segment', (t) => {
  const w = new World();
  w.setOracle(1n, { price: 5n, publishTime: 6n });
  const seg = w.segment('cd', 32);
  w.segmentWrite('cd', seg, 0, Uint8Array.of(7));
  w.setCap(1n, { user: 1n, slab: 2n, asset: 3n, amountMax: 1n, remaining: 1n, expiry: 1n, nonce: 0n, burned: true });
  const c = w.clone();
  t.deepEqual(c.toJSON(), w.toJSON());
  t.is(c.journalSince({ journal: 0 }).length, 0);
  c.segmentWrite('cd', c.segment('cd', 32), 0, Uint8Array.of(8));
  t.is(w.readSegmentWord('cd', 0), 7n);
  t.is(c.readSegmentWord('cd', 0), 8n);
  t.is(w.readSegmentWord('zz', 0), 0n);
  t.deepEqual(c.oracle(1n), { price: 5n, publishTime: 6n });
});

test('VM-STATE-JSON World.toJSON() reads back through worldFromJson to the same state', (t) => {
  const w = new World();
  w.setWallet(1n, 2n, 3n);
  w.setVault(2n, 4n);
  w.setEscrow(1n, 2n, 3n, { balance: 5n, nonce: 6n });
  w.setCap(w.mintCapId(), { user: 1n, slab: 2n, asset: 3n, amountMax: 10n, remaining: 9n, expiry: 8n, nonce: 6n, burned: false });
  w.setOracle(7n, { price: 100n, publishTime: 5n });
  const h = 'ef'.repeat(32);
  w.segmentWrite(h, w.segment(h, 64), 16, Uint8Array.of(9, 9));
  const back = worldFromJson(JSON.parse(JSON.stringify(w.toJSON())));
  t.deepEqual(back.toJSON(), w.toJSON());
});

test('VM-RESULT-JSON renders words as 0x hex and keeps logs, diff and root', (t) => {
  const l = load(program('PUSH 0\nPUSH 0\nPUSH 255\nLOG 1\nPUSH 0\nPUSH 5\nSSTORE\nPUSH 300\nRET', { caps: 'log.emit' }));
  const j = resultJson(runLoaded(l, { trace: true }));
  t.is(j.status, 'ok');
  t.deepEqual(j.results, ['0x12c']);
  t.deepEqual(j.logs[0]?.topics, ['0xff']);
  t.is(j.stateDiff.length, 1);
  t.true(Array.isArray(j.trace));
  const rev = resultJson(runLoaded(load(program('PUSH 9\nREVERT'))));
  t.is(rev.revertCode, '0x9');
});

test('VM-STATE-ROOT the cached page hashes follow every write: roots read between writes equal a fresh copy\'s', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ offset: fc.integer({ min: 0, max: 3 * 4096 - 16 }), len: fc.integer({ min: 1, max: 16 }), byte: fc.integer({ min: 0, max: 255 }), root: fc.boolean(), undo: fc.boolean() }), { minLength: 1, maxLength: 30 }),
      (writes) => {
        const w = new World();
        const seg = w.segment('ab', 3 * 4096);
        for (const x of writes) {
          const snap = w.snapshot();
          w.segmentWrite('ab', seg, x.offset, new Uint8Array(x.len).fill(x.byte));
          if (x.undo) w.revertTo(snap);
          if (x.root && w.stateRootHex() !== w.clone().stateRootHex()) return false;
        }
        return w.stateRootHex() === w.clone().stateRootHex();
      },
    ),
    { numRuns: 200 },
  );
  t.pass();
});
