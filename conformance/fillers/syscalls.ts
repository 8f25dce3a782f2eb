/**
 * Syscall and LOG vectors: every syscall of the syscall table with its capability (each status word it can
 * push, from prepared pre-states), without it (granted nothing: a `capability` halt before any operand is
 * popped), and at its gas boundary; LOG with 0–4 topics, its bounds, and its logs discarded by a revert.
 */
import { U128_MAX } from '../../reference/lib/u128.ts';
import { SYSCALLS, type SyscallInfo } from '../../reference/vm/syscalls.ts';
import { callVector, gasBoundary, type CallSpec, type CallVectorSpec, type FillSpec, type Filler } from '../filler.ts';
import { hex, lgets, pad2, program } from './lib.ts';

type State = CallVectorSpec['state'];

interface Case {
  readonly name: string;
  readonly args: readonly bigint[];
  readonly state?: State;
  readonly call?: Partial<CallSpec>;
  /** The status word (fallible syscalls) the case is meant to produce. */
  readonly status?: bigint;
  readonly covers?: readonly string[];
}

const USER = 0xa1n;
const SLAB = 0x51n;
const ASSET = 0x7n;
const ESCROW = `${USER.toString(16)}/${SLAB.toString(16)}/${ASSET.toString(16)}`;
const HALF = 1n << 127n;

/** The cases of each syscall: its normal use and each status word it can push. */
const CASES: Record<string, readonly Case[]> = {
  CLOCK: [0n, 5n, U128_MAX].map((now, i) => ({ name: `now-${i}`, args: [], call: { now }, covers: ['VM-DET-002'] })),
  ORACLE: [
    { name: 'known', args: [3n], state: { oracles: { '3': { price: '0x2540be400', publishTime: '0x64' } } } },
    { name: 'unknown', args: [4n], state: { oracles: { '3': { price: '0x1', publishTime: '0x1' } } }, covers: ['VM-STATE-002'] },
  ],
  SELF: [{ name: 'id', args: [], covers: ['VM-MOD-ID'] }],
  CALLER: [{ name: 'top-level-is-origin', args: [], call: { origin: 0xbeefn } }],
  ORIGIN: [0n, 0xbeefn].map((origin, i) => ({ name: `origin-${i}`, args: [], call: { origin }, covers: ['VM-DET-002'] })),
  ESCROW_BALANCE: [
    { name: 'present', args: [USER, SLAB, ASSET], state: { escrows: { [ESCROW]: { balance: '0x64', nonce: '0x3' } } } },
    { name: 'absent', args: [USER, SLAB, ASSET + 1n], state: { escrows: { [ESCROW]: { balance: '0x64', nonce: '0x3' } } } },
  ],
  ESCROW_NONCE: [{ name: 'present', args: [USER, SLAB, ASSET], state: { escrows: { [ESCROW]: { balance: '0x64', nonce: '0x3' } } } }],
  ESCROW_CREDIT: [
    { name: 'ok', args: [USER, SLAB, ASSET, 40n], state: { vaults: { '7': '0x64' } }, status: 0n, covers: ['VM-SYS-CONSERVE'] },
    { name: 'exceeds-vault', args: [USER, SLAB, ASSET, 101n], state: { vaults: { '7': '0x64' } }, status: 6n, covers: ['VM-SYS-002'] },
    { name: 'overflow', args: [USER, SLAB, ASSET, HALF], state: { vaults: { '7': hex(HALF) }, escrows: { [ESCROW]: { balance: hex(HALF) } } }, status: 7n, covers: ['VM-SYS-002'] },
  ],
  ESCROW_DEBIT: [
    { name: 'ok', args: [USER, SLAB, ASSET, 40n], state: { escrows: { [ESCROW]: { balance: '0x64' } } }, status: 0n, covers: ['VM-SYS-CONSERVE'] },
    { name: 'exceeds-balance', args: [USER, SLAB, ASSET, 101n], state: { escrows: { [ESCROW]: { balance: '0x64' } } }, status: 6n, covers: ['VM-SYS-002'] },
    { name: 'overflow', args: [USER, SLAB, ASSET, HALF], state: { vaults: { '7': hex(HALF) }, escrows: { [ESCROW]: { balance: hex(HALF) } } }, status: 7n, covers: ['VM-SYS-002'] },
  ],
  ESCROW_BUMP_NONCE: [
    { name: 'ok', args: [USER, SLAB, ASSET], state: { escrows: { [ESCROW]: { balance: '0x1', nonce: '0x9' } } } },
    { name: 'from-absent', args: [USER, SLAB, ASSET] },
    { name: 'at-max', args: [USER, SLAB, ASSET], state: { escrows: { [ESCROW]: { nonce: hex(U128_MAX) } } }, call: { check: { halt: 'overflow' } } },
  ],
  VAULT_BALANCE: [{ name: 'present', args: [ASSET], state: { vaults: { '7': '0x64' } } }],
  VAULT_DEPOSIT: [
    { name: 'ok', args: [USER, ASSET, 30n], state: { wallets: { 'a1/7': '0x64' } }, status: 0n, covers: ['VM-SYS-CONSERVE'] },
    { name: 'exceeds-wallet', args: [USER, ASSET, 101n], state: { wallets: { 'a1/7': '0x64' } }, status: 6n, covers: ['VM-SYS-002'] },
    { name: 'overflow', args: [USER, ASSET, HALF], state: { wallets: { 'a1/7': hex(HALF) }, vaults: { '7': hex(HALF) } }, status: 7n, covers: ['VM-SYS-002'] },
  ],
  VAULT_WITHDRAW: [
    { name: 'ok', args: [USER, ASSET, 30n], state: { vaults: { '7': '0x64' } }, status: 0n, covers: ['VM-SYS-CONSERVE'] },
    { name: 'exceeds-vault', args: [USER, ASSET, 101n], state: { vaults: { '7': '0x64' } }, status: 6n, covers: ['VM-SYS-002'] },
    { name: 'overflow', args: [USER, ASSET, HALF], state: { wallets: { 'a1/7': hex(HALF) }, vaults: { '7': hex(HALF) } }, status: 7n, covers: ['VM-SYS-002'] },
  ],
  CAP_MINT: [
    { name: 'first', args: [USER, SLAB, ASSET, 50n, 1000n], state: { escrows: { [ESCROW]: { balance: '0x64', nonce: '0x4' } } } },
    { name: 'next-id', args: [USER, SLAB, ASSET, 50n, 1000n], state: { nextCap: '0x9' } },
  ],
  CAP_BURN: [
    { name: 'unknown', args: [2n], status: 1n },
    { name: 'ok', args: [1n], state: { caps: { '1': { user: '0xa1', remaining: '0x5' } }, nextCap: '0x2' }, status: 0n },
    { name: 'burned-again', args: [1n], state: { caps: { '1': { user: '0xa1', burned: true } }, nextCap: '0x2' }, status: 0n },
  ],
  CAP_REMAINING: [
    { name: 'live', args: [1n], state: { caps: { '1': { remaining: '0x5' } }, nextCap: '0x2' } },
    { name: 'unknown', args: [3n] },
    { name: 'burned', args: [1n], state: { caps: { '1': { remaining: '0x5', burned: true } }, nextCap: '0x2' } },
  ],
  CAP_DEBIT: capDebitCases(),
};

/** The guarded debit: each check of VM-SYS-CAP-DEBIT in order, then success. */
function capDebitCases(): Case[] {
  const st =
    (cap: Record<string, unknown>, escrow = '0x64', vault = '0x0', slab?: string) =>
    (m: Parameters<Extract<State, (...a: never[]) => unknown>>[0]) => ({
      escrows: { [`a1/${slab ?? m('m').idHex}/7`]: { balance: escrow } },
      vaults: vault === '0x0' ? {} : { '7': vault },
      caps: { '1': { user: '0xa1', slab: '0x' + (slab ?? m('m').idHex), asset: '0x7', amountMax: '0x32', remaining: '0x32', expiry: '0x3e8', ...cap } },
      nextCap: '0x2',
    });
  return [
    { name: 'ok', args: [1n, 20n], state: st({}), status: 0n, call: { now: 999n }, covers: ['VM-SYS-CONSERVE'] },
    { name: 'no-such-cap', args: [2n, 20n], state: st({}), status: 1n },
    { name: 'scope', args: [1n, 20n], state: st({}, '0x64', '0x0', 'abc'), status: 2n },
    { name: 'burned', args: [1n, 20n], state: st({ burned: true }), status: 4n, call: { now: 5000n } },
    { name: 'expired', args: [1n, 20n], state: st({}), status: 3n, call: { now: 1000n } },
    { name: 'exceeds-remaining', args: [1n, 51n], state: st({}), status: 5n },
    { name: 'exceeds-balance', args: [1n, 30n], state: st({}, '0x1d'), status: 6n },
    { name: 'vault-overflow', args: [1n, 20n], state: st({}, '0x64', hex(U128_MAX - 10n)), status: 7n },
  ];
}

/** A module whose entry calls syscall `s` on its parameters and returns its results. */
function syscallModule(s: SyscallInfo, tail = 'RET'): string {
  const n = s.params.length;
  return program(`${lgets(n)}\nSYSCALL ${s.name}\n${tail}`, { params: n, results: tail === 'RET' ? s.results.length : 0, caps: s.cap ?? 'none' });
}

function syscallVectors(s: SyscallInfo): FillSpec[] {
  const v: FillSpec[] = [];
  const covers = [s.spec, 'VM-OP-SYSCALL', 'VM-SYS-001', ...(s.cap ? ['VM-CAP-002'] : [])];
  const mod = syscallModule(s);
  for (const c of CASES[s.name] ?? []) {
    const check = c.status !== undefined ? { results: [c.status] } : undefined;
    v.push(
      callVector({
        id: `syscalls/${s.name}/${c.name}`,
        description: `${s.name}(${c.args.map(hex).join(', ')}) — ${c.name}`,
        covers: [...covers, ...(c.covers ?? [])],
        modules: [['m', mod]],
        ...(c.state ? { state: c.state } : {}),
        calls: [{ module: 'm', args: c.args, ...(check ? { check } : {}), ...c.call }],
      }),
    );
  }
  const first = (CASES[s.name] ?? [])[0] as Case;
  if (s.cap) {
    v.push(
      callVector({
        id: `syscalls/${s.name}/without-capability`,
        description: `${s.name} in a call granted no capabilities halts capability before popping`,
        covers: [s.spec, 'VM-CAP-002', 'VM-CAP-003', 'VM-OP-SYSCALL', 'VM-EXEC-006'],
        modules: [['m', mod]],
        ...(first.state ? { state: first.state } : {}),
        calls: [{ module: 'm', args: first.args, caps: 0, check: { halt: 'capability' } }],
      }),
    );
  }
  v.push(
    ...gasBoundary(
      { id: `syscalls/${s.name}/boundary`, description: `${s.name} at its gas boundary`, covers: [s.spec, 'VM-OP-SYSCALL', 'VM-GAS-003'], modules: [['m', syscallModule(s, 'REVERT')]], ...(first.state ? { state: first.state } : {}), calls: [{ module: 'm', args: first.args, ...first.call, check: { status: 'revert' } }] },
      'SYSCALL',
    ),
  );
  return v;
}

function logVectors(): FillSpec[] {
  const v: FillSpec[] = [];
  const head = '.data 0 "hello, log"';
  for (let n = 0; n <= 4; n++) {
    const topics = Array.from({ length: n }, (_, i) => `PUSH ${hex(BigInt(i + 1) * 0x1111n)}`).join('\n');
    v.push(callVector({ id: `log/LOG/topics-${n}`, description: `LOG ${n} with 10 data bytes`, covers: ['VM-OP-LOG', 'VM-EXEC-005', 'VM-GAS-003'], modules: [['m', program(`PUSH 0\nPUSH 10\n${topics}\nLOG ${n}\nPUSH 0\nRET`, { caps: 'log.emit', head })]], calls: [{ module: 'm', check: { status: 'ok' } }] }));
  }
  const logAt = (ptr: bigint, len: bigint): string => program(`PUSH ${ptr}\nPUSH ${len}\nPUSH 1\nLOG 1\nPUSH 0\nRET`, { caps: 'log.emit', head });
  for (const [i, [ptr, len]] of ([[0n, 0n], [65530n, 6n], [65530n, 7n], [0n, 65537n], [U128_MAX, 1n]] as const).entries())
    v.push(callVector({ id: `log/LOG/bounds-${pad2(i)}`, description: `LOG 1 of ${len} bytes at ${hex(ptr)}`, covers: ['VM-OP-LOG', 'VM-MEM-003', 'VM-EXEC-006'], modules: [['m', logAt(ptr, len)]], calls: [{ module: 'm' }] }));
  v.push(callVector({ id: 'log/LOG/without-capability', description: 'LOG in a call granted no capabilities halts capability', covers: ['VM-OP-LOG', 'VM-CAP-003', 'VM-EXEC-006'], modules: [['m', logAt(0n, 4n)]], calls: [{ module: 'm', caps: 0, check: { halt: 'capability' } }] }));
  v.push(callVector({ id: 'log/LOG/discarded-by-revert', description: 'a LOG followed by REVERT leaves no log', covers: ['VM-OP-LOG', 'VM-TRAP-002', 'VM-EXEC-005'], modules: [['m', program('PUSH 0\nPUSH 4\nPUSH 1\nLOG 1\nPUSH 3\nREVERT', { caps: 'log.emit', results: 0, head })]], calls: [{ module: 'm', check: { status: 'revert' } }] }));
  v.push(callVector({ id: 'log/LOG/two-in-order', description: 'two logs are kept in emission order', covers: ['VM-OP-LOG', 'VM-EXEC-005', 'VM-DET-003'], modules: [['m', program('PUSH 0\nPUSH 2\nPUSH 9\nLOG 1\nPUSH 2\nPUSH 3\nPUSH 8\nLOG 1\nPUSH 0\nRET', { caps: 'log.emit', head })]], calls: [{ module: 'm' }] }));
  return v;
}

export const syscallsFiller: Filler = {
  group: 'syscalls',
  specs: () => SYSCALLS.flatMap((s) => syscallVectors(s)),
};

export const logFiller: Filler = {
  group: 'log',
  specs: logVectors,
};
