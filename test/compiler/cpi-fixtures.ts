/**
 * Hand-built CompiledModule fixtures (a router, a slab with the five interface entries, an oracle),
 * assembled from `.casm` so their bytes are real modules that pass the VM validator. Used by the CPI,
 * manifest and SDK tests independently of the template compiler.
 */
import { bytesToHex } from '../../reference/lib/hex.ts';
import { sha256Hex } from '../../reference/lib/hash.ts';
import type { CompiledModule, ModuleKind, TypedValue } from '../../reference/compiler/artifact.ts';
import { assemble } from '../../reference/vm/asm.ts';
import { capNames } from '../../reference/vm/capabilities.ts';
import { encodeModule, type ValueType } from '../../reference/vm/module.ts';

const WORDS: Record<string, readonly ValueType[]> = { u64: ['u64'], u128: ['u128'], i128: ['i128'], bool: ['bool'], address: ['u128'], bytes32: ['u128', 'u128'] };

export function typed(name: string, type: string): TypedValue {
  const words = WORDS[type] ?? (type === 'Pair' ? ['u64', 'u128'] : undefined);
  if (!words) throw new Error(`fixture type ${type}`);
  return { name, type, words };
}

type Sig = Readonly<Record<string, { params: [string, string][]; results: [string, string][]; gas?: bigint }>>;

export function fixtureModule(name: string, kind: ModuleKind, asm: string, sig: Sig, extra: Partial<CompiledModule> = {}): CompiledModule {
  const mod = assemble(asm, `${name}.casm`);
  const bytes = encodeModule(mod);
  const template = `stdlib/${kind}.curve`;
  return {
    name,
    kind,
    block: name.slice(name.indexOf(':') + 1),
    configId: sha256Hex(new TextEncoder().encode(`config ${name}`)),
    template,
    templateHash: sha256Hex(new TextEncoder().encode(`template ${kind}`)),
    constants: new Map([
      ['taker_bps', 5n],
      ['feed', (1n << 127n) + 3n],
    ]),
    bytes,
    hash: sha256Hex(bytes),
    caps: capNames(mod.caps),
    memory: mod.memory,
    storage: [
      { name: 'total', type: 'u128', offset: 0, bytes: 16 },
      { name: 'orders', type: '[Pair; 4]', offset: 16, bytes: 128, capacity: 4, stride: 32 },
    ],
    entries: mod.entries.map((e, index) => {
      const s = sig[e.name];
      if (!s) throw new Error(`fixture ${name} lacks a signature for ${e.name}`);
      return { name: e.name, index, params: s.params.map(([n, t]) => typed(n, t)), results: s.results.map(([n, t]) => typed(n, t)), gasBound: s.gas ?? 1000n };
    }),
    events: [{ name: 'Filled', topic: 0xd8ab59dcfb8f3ee88e28361de73c58bbn, fields: [typed('cap', 'u128'), typed('total', 'u128')] }],
    errors: [{ name: 'E_DEBIT_FAILED', code: 4n }],
    imports: mod.imports.map((i) => ({ module: `0x${bytesToHex(i.module)}`, hash: bytesToHex(i.module), entry: i.entry })),
    asm,
    ...extra,
  };
}

/** A slab with reserve, commit, cancel, batch_open, liquidation_call (+ `peek`). */
export const SLAB_ASM = `
.memory initial=1 max=1 storage=160
.caps cap.debit,log.emit,oracle.read
.func reserve params=9 results=2 locals=0   ; route user instrument side qty limit_px ttl h_lo h_hi
  PUSH 0
  LGET 4
  SSTORE
  LGET 0
  PUSH 1
  ADD
  LGET 4
  LGET 5
  MUL
  RET
.func commit params=2 results=1 locals=2    ; hold_id cap | status amount
  PUSH 0
  SLOAD
  LTEE 3
  LGET 1
  SWAP 1
  SYSCALL CAP_DEBIT
  LTEE 2
  JUMPI failed
  PUSH 0
  PUSH 32
  LGET 1
  LGET 3
  LOG 2
  LGET 3
  RET
failed:
  LGET 2
  REVERT
.func cancel params=1 results=0 locals=0
  PUSH 0
  PUSH 0
  SSTORE
  RET
.func batch_open params=2 results=1 locals=0
  LGET 1
  RET
.func liquidation_call params=2 results=1 locals=0
  LGET 1
  PUSH 0
  GT
  RET
.func peek params=1 results=2 locals=0
  LGET 0
  SYSCALL ORACLE
  RET
.entry batch_open batch_open (u64 u64) -> (u64)
.entry cancel cancel (u128) -> ()
.entry commit commit (u128 u128) -> (u128)
.entry liquidation_call liquidation_call (u128 u128) -> (bool)
.entry peek peek (u128) -> (u128 u64)
.entry reserve reserve (u128 u128 u64 u64 u128 u128 u64 u128 u128) -> (u128 u128)
`;

export const SLAB_SIG: Sig = {
  reserve: {
    params: [['route', 'u128'], ['user', 'address'], ['instrument', 'u64'], ['side', 'u64'], ['qty', 'u128'], ['limit_px', 'u128'], ['ttl', 'u64'], ['commitment_hash', 'bytes32']],
    results: [['hold_id', 'u128'], ['max_charge', 'u128']],
    gas: 5000n,
  },
  commit: { params: [['hold_id', 'u128'], ['cap', 'u128']], results: [['filled', 'u128']] },
  cancel: { params: [['hold_id', 'u128']], results: [] },
  batch_open: { params: [['instrument', 'u64'], ['now', 'u64']], results: [['epoch', 'u64']] },
  liquidation_call: { params: [['user', 'address'], ['deficit', 'u128']], results: [['liquidated', 'bool']] },
  peek: { params: [['feed', 'u128']], results: [['price', 'u128'], ['publish_time', 'u64']] },
};

/** A router: `deposit` moves wallet → vault, `open_cap` mints a cap; `echo` round-trips a bytes32 and an i128. */
export const ROUTER_ASM = `
.memory initial=1 max=1 storage=16
.caps vault.write,cap.mint,escrow.write,escrow.read
.func deposit params=3 results=1 locals=0
  LGET 0
  LGET 1
  LGET 2
  SYSCALL VAULT_DEPOSIT
  RET
.func open_cap params=4 results=1 locals=0   ; user slab asset amount
  LGET 0
  LGET 1
  LGET 2
  LGET 3
  SYSCALL ESCROW_CREDIT
  POP
  LGET 0
  LGET 1
  LGET 2
  LGET 3
  PUSH 1000
  SYSCALL CAP_MINT
  RET
.func echo params=3 results=3 locals=0
  LGET 0
  LGET 1
  LGET 2
  RET
.entry deposit deposit (u128 u128 u128) -> (u64)
.entry echo echo (u128 u128 i128) -> (u128 u128 i128)
.entry open_cap open_cap (u128 u128 u128 u128) -> (u128)
`;

export const ROUTER_SIG: Sig = {
  deposit: { params: [['user', 'address'], ['asset', 'u128'], ['amount', 'u128']], results: [['status', 'u64']] },
  open_cap: { params: [['user', 'address'], ['slab', 'address'], ['asset', 'u128'], ['amount', 'u128']], results: [['cap', 'u128']] },
  echo: { params: [['h', 'bytes32'], ['x', 'i128']], results: [['h', 'bytes32'], ['x', 'i128']] },
};

export const ORACLE_ASM = `
.memory initial=1 max=1 storage=0
.caps oracle.read
.func read params=1 results=2 locals=0
  LGET 0
  SYSCALL ORACLE
  RET
.entry read read (u128) -> (u128 u64)
`;

export const ORACLE_SIG: Sig = { read: { params: [['feed', 'u128']], results: [['price', 'u128'], ['publish_time', 'u64']] } };

export function fixtureVenue(): CompiledModule[] {
  return [
    fixtureModule('router:main', 'router', ROUTER_ASM, ROUTER_SIG),
    fixtureModule('slab:perp:SOL-PERP', 'slab', SLAB_ASM, SLAB_SIG),
    fixtureModule('oracle:pyth:SOLUSD', 'oracle', ORACLE_ASM, ORACLE_SIG),
  ];
}
