/**
 * Syscalls (spec/curvevm.md §8, VM-SYS-*): each one with its capability (result and gas from the table)
 * and without it (trap `capability`, whole grant consumed); status codes change nothing; the guarded
 * debit CAP_DEBIT checks in its documented order; Σ wallets + vaults + escrows is conserved.
 */
import test from 'ava';
import fc from 'fast-check';
import { U128_MAX } from '../../reference/lib/u128.ts';
import { CAP, CAP_ALL } from '../../reference/vm/capabilities.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { SYSCALLS, SYS_STATUS as S, type SyscallInfo } from '../../reference/vm/syscalls.ts';
import { World, type DebitCap } from '../../reference/vm/world.ts';
import { load, program, runLoaded, type Loaded } from './helpers.ts';

const ALL_CAPS = 'clock.read,oracle.read,log.emit,escrow.read,escrow.write,vault.write,cap.mint,cap.debit,call';

/** A module whose entry `main` takes the syscall's params and returns its results. */
function syscallModule(s: SyscallInfo, world = new World()): Loaded {
  const body = `${s.params.map((_, i) => `LGET ${i}`).join('\n')}\nSYSCALL ${s.name}\nRET`;
  return load(program(body, { params: s.params.length, results: s.results.length, caps: ALL_CAPS }), new ModuleStore(), world);
}
const call = (s: SyscallInfo, args: readonly bigint[], world: World, opts: { now?: bigint; origin?: bigint } = {}) => runLoaded(syscallModule(s, world), { args, ...opts });
const sys = (name: string): SyscallInfo => SYSCALLS.find((s) => s.name === name) as SyscallInfo;

test('VM-SYS-001 every syscall runs with its capability and costs its table gas', (t) => {
  for (const s of SYSCALLS) {
    const r = runLoaded(syscallModule(s), { args: s.params.map(() => 1n), trace: true });
    t.is(r.status, 'ok', s.name);
    t.is(r.results.length, s.results.length, s.name);
    t.is(r.trace?.find((x) => x.op === 'SYSCALL')?.gasCost, s.gas, s.name);
  }
});

test('VM-CAP-003 every capability-guarded syscall traps `capability` when the call does not grant it', (t) => {
  for (const s of SYSCALLS) {
    const l = syscallModule(s);
    const r = runLoaded(l, { args: s.params.map(() => 1n), caps: s.cap ? CAP_ALL & ~CAP[s.cap] : 0, gasLimit: 5000 });
    if (s.cap) {
      t.is(r.halt, 'capability', s.name);
      t.is(r.haltDetail, `${s.cap} not granted`, s.name);
      t.is(r.gasUsed, 5000, `${s.name}: a halt consumes the whole grant`);
    } else t.is(r.status, 'ok', `${s.name} needs no capability`);
  }
});

test('VM-SYS-CLOCK / ORACLE / SELF / CALLER / ORIGIN read the call context', (t) => {
  const w = new World();
  w.setOracle(7n, { price: 123n, publishTime: 45n });
  t.deepEqual(call(sys('CLOCK'), [], w, { now: 99n }).results, [99n]);
  t.deepEqual(call(sys('ORACLE'), [7n], w).results, [123n, 45n]);
  t.deepEqual(call(sys('ORACLE'), [8n], w).results, [0n, 0n], 'unknown feed');
  const l = syscallModule(sys('SELF'), w);
  t.deepEqual(runLoaded(l).results, [l.lm.id]);
  t.deepEqual(call(sys('CALLER'), [], w, { origin: 5n }).results, [5n], 'top-level caller is the origin');
  t.deepEqual(call(sys('ORIGIN'), [], w, { origin: 5n }).results, [5n]);
});

test('VM-SYS-ESCROW-CREDIT moves vault → escrow; EXCEEDS_BALANCE and OVERFLOW change nothing', (t) => {
  const w = new World();
  w.setVault(3n, 100n);
  w.commit();
  const credit = sys('ESCROW_CREDIT');
  t.deepEqual(call(credit, [1n, 2n, 3n, 40n], w).results, [S.OK]);
  t.is(w.vault(3n), 60n);
  t.deepEqual(w.escrow(1n, 2n, 3n), { balance: 40n, nonce: 0n });
  const before = JSON.stringify(w.toJSON());
  t.deepEqual(call(credit, [1n, 2n, 3n, 61n], w).results, [S.EXCEEDS_BALANCE]);
  t.is(JSON.stringify(w.toJSON()), before);
  w.setEscrow(9n, 2n, 3n, { balance: U128_MAX, nonce: 0n });
  w.commit();
  const before2 = JSON.stringify(w.toJSON());
  t.deepEqual(call(credit, [9n, 2n, 3n, 1n], w).results, [S.OVERFLOW]);
  t.is(JSON.stringify(w.toJSON()), before2);
});

test('VM-SYS-ESCROW-DEBIT moves escrow → vault; EXCEEDS_BALANCE and OVERFLOW change nothing', (t) => {
  const w = new World();
  w.setEscrow(1n, 2n, 3n, { balance: 50n, nonce: 4n });
  w.commit();
  const debit = sys('ESCROW_DEBIT');
  t.deepEqual(call(debit, [1n, 2n, 3n, 20n], w).results, [S.OK]);
  t.deepEqual(w.escrow(1n, 2n, 3n), { balance: 30n, nonce: 4n });
  t.is(w.vault(3n), 20n);
  t.deepEqual(call(debit, [1n, 2n, 3n, 31n], w).results, [S.EXCEEDS_BALANCE]);
  w.setVault(3n, U128_MAX);
  w.commit();
  t.deepEqual(call(debit, [1n, 2n, 3n, 1n], w).results, [S.OVERFLOW]);
  t.deepEqual(w.escrow(1n, 2n, 3n), { balance: 30n, nonce: 4n });
});

test('VM-SYS-ESCROW-BALANCE / NONCE read; BUMP_NONCE returns the new nonce and traps overflow at 2^128−1', (t) => {
  const w = new World();
  w.setEscrow(1n, 2n, 3n, { balance: 50n, nonce: 4n });
  w.commit();
  t.deepEqual(call(sys('ESCROW_BALANCE'), [1n, 2n, 3n], w).results, [50n]);
  t.deepEqual(call(sys('ESCROW_NONCE'), [1n, 2n, 3n], w).results, [4n]);
  t.deepEqual(call(sys('ESCROW_BUMP_NONCE'), [1n, 2n, 3n], w).results, [5n]);
  t.deepEqual(call(sys('ESCROW_BALANCE'), [7n, 7n, 7n], w).results, [0n], 'absent escrow reads 0');
  w.setEscrow(1n, 2n, 3n, { balance: 0n, nonce: U128_MAX });
  w.commit();
  const r = call(sys('ESCROW_BUMP_NONCE'), [1n, 2n, 3n], w);
  t.is(r.halt, 'overflow');
  t.is(w.escrow(1n, 2n, 3n).nonce, U128_MAX);
});

test('VM-SYS-VAULT deposit and withdraw move wallet ↔ vault with status codes', (t) => {
  const w = new World();
  w.setWallet(1n, 3n, 10n);
  w.commit();
  t.deepEqual(call(sys('VAULT_DEPOSIT'), [1n, 3n, 11n], w).results, [S.EXCEEDS_BALANCE]);
  t.deepEqual(call(sys('VAULT_DEPOSIT'), [1n, 3n, 10n], w).results, [S.OK]);
  t.is(w.wallet(1n, 3n), 0n);
  t.deepEqual(call(sys('VAULT_BALANCE'), [3n], w).results, [10n]);
  t.deepEqual(call(sys('VAULT_WITHDRAW'), [2n, 3n, 11n], w).results, [S.EXCEEDS_BALANCE]);
  t.deepEqual(call(sys('VAULT_WITHDRAW'), [2n, 3n, 4n], w).results, [S.OK]);
  t.is(w.wallet(2n, 3n), 4n);
  w.setWallet(5n, 3n, U128_MAX);
  w.setVault(4n, U128_MAX);
  w.setWallet(6n, 4n, 1n);
  w.commit();
  t.deepEqual(call(sys('VAULT_WITHDRAW'), [5n, 3n, 1n], w).results, [S.OVERFLOW], 'wallet would overflow');
  t.deepEqual(call(sys('VAULT_DEPOSIT'), [6n, 4n, 1n], w).results, [S.OVERFLOW], 'vault would overflow');
});

test('VM-SYS-CAP-MINT ids count up from 1 and record the escrow nonce; CAP-BURN is idempotent; CAP-READ', (t) => {
  const w = new World();
  w.setEscrow(1n, 2n, 3n, { balance: 5n, nonce: 9n });
  w.commit();
  t.deepEqual(call(sys('CAP_MINT'), [1n, 2n, 3n, 100n, 1000n], w).results, [1n]);
  t.deepEqual(call(sys('CAP_MINT'), [1n, 2n, 3n, 50n, 1000n], w).results, [2n]);
  t.like(w.cap(1n), { user: 1n, slab: 2n, asset: 3n, amountMax: 100n, remaining: 100n, expiry: 1000n, nonce: 9n, burned: false });
  t.deepEqual(call(sys('CAP_REMAINING'), [2n], w).results, [50n]);
  t.deepEqual(call(sys('CAP_BURN'), [2n], w).results, [S.OK]);
  t.deepEqual(call(sys('CAP_BURN'), [2n], w).results, [S.OK], 'burning twice is ok');
  t.deepEqual(call(sys('CAP_REMAINING'), [2n], w).results, [0n], 'burned');
  t.deepEqual(call(sys('CAP_REMAINING'), [77n], w).results, [0n], 'unknown');
  t.deepEqual(call(sys('CAP_BURN'), [77n], w).results, [S.NO_SUCH_CAP]);
});

// ---- the guarded debit ----

function debitSetup(): { l: Loaded; w: World; cap: (c: Partial<DebitCap>) => void } {
  const w = new World();
  const l = syscallModule(sys('CAP_DEBIT'), w);
  const base: DebitCap = { user: 1n, slab: l.lm.id, asset: 3n, amountMax: 100n, remaining: 100n, expiry: 50n, nonce: 0n, burned: false };
  const cap = (c: Partial<DebitCap>): void => {
    w.setCap(1n, { ...base, ...c });
    w.commit();
  };
  w.setEscrow(1n, l.lm.id, 3n, { balance: 60n, nonce: 0n });
  w.commit();
  return { l, w, cap };
}

test('VM-SYS-CAP-DEBIT checks scope, burned, expired, remaining, balance, vault overflow — in that order', (t) => {
  const { l, w, cap } = debitSetup();
  const debit = (amount: bigint, now = 10n): bigint => runLoaded(l, { args: [1n, amount], now }).results[0] as bigint;
  t.is(debit(1n), S.NO_SUCH_CAP);
  // Every check fails at first; fixing them one at a time reveals the next status.
  cap({ slab: 999n, burned: true, expiry: 5n, remaining: 10n });
  t.is(debit(70n), S.SCOPE);
  cap({ burned: true, expiry: 5n, remaining: 10n });
  t.is(debit(70n), S.BURNED);
  cap({ expiry: 5n, remaining: 10n });
  t.is(debit(70n), S.EXPIRED);
  cap({ remaining: 10n });
  t.is(debit(70n), S.EXCEEDS_REMAINING);
  cap({});
  t.is(debit(70n), S.EXCEEDS_BALANCE);
  w.setVault(3n, U128_MAX - 5n);
  w.commit();
  t.is(debit(6n), S.OVERFLOW);
  t.is(w.cap(1n)?.remaining, 100n, 'failed debits change nothing');
  t.is(w.escrow(1n, l.lm.id, 3n).balance, 60n);
});

test('VM-SYS-CAP-DEBIT is valid while now < expiry; success decrements remaining and escrow, credits the vault', (t) => {
  const { l, w, cap } = debitSetup();
  cap({});
  t.deepEqual(runLoaded(l, { args: [1n, 20n], now: 50n }).results, [S.EXPIRED], 'now = expiry is expired');
  t.deepEqual(runLoaded(l, { args: [1n, 20n], now: 49n }).results, [S.OK]);
  t.is(w.cap(1n)?.remaining, 80n);
  t.is(w.escrow(1n, l.lm.id, 3n).balance, 40n);
  t.is(w.vault(3n), 20n);
  t.deepEqual(runLoaded(l, { args: [1n, 40n], now: 0n }).results, [S.OK], 'exactly the balance');
  t.deepEqual(runLoaded(l, { args: [1n, 1n], now: 0n }).results, [S.EXCEEDS_BALANCE]);
});

// ---- conservation ----

type Op = readonly [name: string, args: readonly bigint[]];
const small = fc.bigInt({ min: 0n, max: 40n });
/** The id of the CAP_DEBIT module below: caps scoped to it can be debited by it. */
const DEBIT_SLAB = syscallModule(sys('CAP_DEBIT')).lm.id;
const slab = fc.constantFrom(0n, DEBIT_SLAB);
const id = fc.bigInt({ min: 0n, max: 2n });
const transfer: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(id, id, small).map(([u, a, n]): Op => ['VAULT_DEPOSIT', [u, a, n]]),
  fc.tuple(id, id, small).map(([u, a, n]): Op => ['VAULT_WITHDRAW', [u, a, n]]),
  fc.tuple(id, slab, id, small).map(([u, sl, a, n]): Op => ['ESCROW_CREDIT', [u, sl, a, n]]),
  fc.tuple(id, slab, id, small).map(([u, sl, a, n]): Op => ['ESCROW_DEBIT', [u, sl, a, n]]),
  fc.tuple(fc.bigInt({ min: 1n, max: 3n }), small).map(([c, n]): Op => ['CAP_DEBIT', [c, n]]),
  fc.tuple(id, id, small).map(([u, a, n]): Op => ['CAP_MINT', [u, DEBIT_SLAB, a, n, 100n]]),
);

/** Σ per asset over wallets, vaults and escrows, from the JSON view. */
function totals(w: World): Map<string, bigint> {
  const j = w.toJSON() as { wallets: Record<string, string>; vaults: Record<string, string>; escrows: Record<string, { balance: string }> };
  const out = new Map<string, bigint>();
  const add = (asset: string, v: string): void => {
    out.set(asset, (out.get(asset) ?? 0n) + BigInt(v));
  };
  for (const [k, v] of Object.entries(j.wallets)) add(k.split('/')[1] as string, v);
  for (const [k, v] of Object.entries(j.vaults)) add(k, v);
  for (const [k, e] of Object.entries(j.escrows)) add(k.split('/')[2] as string, e.balance);
  return out;
}

test('property VM-SYS-CONSERVE: Σ wallets + vaults + escrows per asset is unchanged by every transfer', (t) => {
  const modules = new Map<string, SyscallInfo>(SYSCALLS.map((s) => [s.name, s]));
  let debits = 0;
  fc.assert(
    fc.property(fc.array(transfer, { minLength: 1, maxLength: 15 }), (ops) => {
      const w = new World();
      for (let u = 0n; u < 3n; u++) {
        for (let a = 0n; a < 3n; a++) {
          w.setWallet(u, a, 50n);
          w.setEscrow(u, DEBIT_SLAB, a, { balance: 20n, nonce: 0n });
        }
      }
      w.setVault(1n, 30n);
      w.commit();
      const store = new ModuleStore();
      const before = totals(w);
      for (const [name, args] of ops) {
        const s = modules.get(name) as SyscallInfo;
        const body = `${s.params.map((_, i) => `LGET ${i}`).join('\n')}\nSYSCALL ${s.name}\nRET`;
        const l = load(program(body, { params: s.params.length, results: 1, caps: ALL_CAPS }), store, w);
        const r = runLoaded(l, { args, now: 1n });
        if (r.status !== 'ok') return false;
        if (name === 'CAP_DEBIT' && r.results[0] === S.OK) debits++;
      }
      const after = totals(w);
      return [...new Set([...before.keys(), ...after.keys()])].every((k) => (before.get(k) ?? 0n) === (after.get(k) ?? 0n));
    }),
    { numRuns: 60 },
  );
  t.true(debits > 0, 'some guarded debits succeeded');
});
