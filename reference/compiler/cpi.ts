/**
 * CPI descriptors (spec/manifest.md §3, CPI-*): for every entrypoint of a compiled module, what a caller
 * must know to call it across modules — who may call it, the accounts it touches (its own storage,
 * escrows, vaults, wallets, caps, oracles, imported modules) with read/write access and how each is
 * addressed, the cap handles among its arguments, the VM capabilities the call grant must include, and
 * the word layout of its arguments and results. The module's descriptor has one canonical Borsh
 * encoding; its sha256 is the **descriptor hash** that travels with the bytecode hash in the manifest and
 * that generated SDKs pin (PERP_DESIGN.md, "CPI descriptors").
 *
 * Accounts and grants come from two places: the slab interface table below (the five entries every slab
 * exports, with the accounts the design gives them) and the module's own bytecode (every syscall, log,
 * storage access and import the entry can reach through CALLF), so a descriptor never claims less than
 * the code can do.
 */
import { serialize } from 'borsh';
import { sha256Hex } from '../lib/hash.ts';
import { bytesToHex } from '../lib/hex.ts';
import { CAP, capNames, type CapabilityName } from '../vm/capabilities.ts';
import { decodeBody } from '../vm/instructions.ts';
import { decodeModule, VALUE_TYPES, type Module, type ValueType } from '../vm/module.ts';
import { syscallById } from '../vm/syscalls.ts';
import { diagnostic, type Diagnostic, type Span } from '../script/diagnostics.ts';
import type { CompiledEntry, CompiledModule, ModuleKind, TypedValue } from './artifact.ts';

/** Domain tag: the first field of every encoded descriptor (CPI-ENC-001). */
export const CPI_DOMAIN = 'CURVE/cpi/v1';

/** CPI-SLAB-001: the entries every slab module exports, in the order the design lists them. */
export const SLAB_INTERFACE = ['reserve', 'commit', 'cancel', 'batch_open', 'liquidation_call'] as const;
export type SlabInterfaceEntry = (typeof SLAB_INTERFACE)[number];

export const MODULE_KINDS = ['router', 'slab', 'oracle'] as const satisfies readonly ModuleKind[];
export const ACCOUNT_KINDS = ['caller', 'storage', 'user', 'escrow', 'vault', 'wallet', 'cap', 'oracle', 'module'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export const ACCESS = ['read', 'write'] as const;
export type Access = (typeof ACCESS)[number];
/** Who may call an entry: anyone, or only the venue's router module (R10, P11). */
export const CALLERS = ['any', 'router'] as const;
export type Callers = (typeof CALLERS)[number];

/** One argument or result: its name, CurveScript type, VM words and the word offset of its first word. */
export interface CpiField {
  readonly name: string;
  readonly type: string;
  readonly words: readonly ValueType[];
  readonly offset: number;
}

/**
 * An account an entry touches. `key` says how it is addressed, one item per key word:
 * `caller`, `self`, `origin`, `param:<name>` (an argument word), `cap:<name>.user` / `cap:<name>.asset`
 * (the scope of the cap passed in argument `<name>`), `0x<64 hex>` (a module by content address), or
 * `*` (computed by the code at run time).
 */
export interface CpiAccount {
  readonly name: string;
  readonly kind: AccountKind;
  readonly access: Access;
  readonly key: readonly string[];
}

export interface CpiEntry {
  readonly name: string;
  readonly index: number;
  readonly callers: Callers;
  readonly params: readonly CpiField[];
  readonly results: readonly CpiField[];
  readonly accounts: readonly CpiAccount[];
  /** Names of the arguments that carry cap ids. */
  readonly capHandles: readonly string[];
  /** VM capabilities the call grant must include (sorted by bit): what the reachable code uses. */
  readonly grants: readonly CapabilityName[];
}

export interface ModuleDescriptor {
  readonly module: string;
  readonly kind: ModuleKind;
  readonly entries: readonly CpiEntry[];
}

// ── the slab interface table (CPI-SLAB-*) ───────────────────────────────────────────────────────────

interface InterfaceSpec {
  readonly callers: Callers;
  /** Arguments the accounts are keyed by: each must exist as one u128-word argument (CS4005). */
  readonly params: readonly string[];
  readonly accounts: readonly CpiAccount[];
  readonly capHandles: readonly string[];
}

const acct = (name: string, kind: AccountKind, access: Access, ...key: string[]): CpiAccount => ({ name, kind, access, key });
const CALLER = acct('caller', 'caller', 'read', 'caller');
const STORAGE_W = acct('storage', 'storage', 'write', 'self');

/** PERP_DESIGN.md "Interfaces"; spec/manifest.md §3.2 restates it. */
export const SLAB_INTERFACE_SPEC: { readonly [K in SlabInterfaceEntry]: InterfaceSpec } = {
  // reserve(route, user, instrument, side, qty, limit_px, ttl, commitment_hash): slab-local, walks the book.
  reserve: { callers: 'router', params: ['user'], accounts: [CALLER, STORAGE_W, acct('user', 'user', 'read', 'param:user')], capHandles: [] },
  // commit(hold_id, cap): fills at the reserved prices and debits through the cap (the guarded debit).
  commit: {
    callers: 'router',
    params: ['cap'],
    accounts: [
      CALLER,
      STORAGE_W,
      acct('escrow', 'escrow', 'write', 'cap:cap.user', 'self', 'cap:cap.asset'),
      acct('vault', 'vault', 'write', 'cap:cap.asset'),
      acct('cap', 'cap', 'write', 'param:cap'),
    ],
    capHandles: ['cap'],
  },
  cancel: { callers: 'router', params: [], accounts: [CALLER, STORAGE_W], capHandles: [] },
  batch_open: { callers: 'any', params: [], accounts: [CALLER, STORAGE_W], capHandles: [] },
  // liquidation_call(user, deficit): the router only (R10).
  liquidation_call: { callers: 'router', params: ['user'], accounts: [CALLER, STORAGE_W, acct('user', 'user', 'read', 'param:user')], capHandles: [] },
};

function interfaceSpec(kind: ModuleKind, entry: string): InterfaceSpec | undefined {
  return kind === 'slab' && (SLAB_INTERFACE as readonly string[]).includes(entry) ? SLAB_INTERFACE_SPEC[entry as SlabInterfaceEntry] : undefined;
}

// ── what the bytecode can reach ─────────────────────────────────────────────────────────────────────

interface Reach {
  caps: number;
  storage: Access | null;
  syscalls: Set<string>;
  imports: Set<number>;
}

/** Everything entry function `fn` can reach through CALLF (the call graph is acyclic: VM-VAL-CALL-001). */
function reach(m: Module, fn: number): Reach {
  const out: Reach = { caps: 0, storage: null, syscalls: new Set(), imports: new Set() };
  const seen = new Set<number>();
  const todo = [fn];
  while (todo.length) {
    const f = todo.pop() as number;
    if (seen.has(f)) continue;
    seen.add(f);
    const body = m.functions[f];
    if (!body) continue;
    for (const ins of decodeBody(body.code).instrs) {
      const op = ins.info.name;
      if (op === 'CALLF') todo.push(ins.arg);
      else if (op === 'CALL') {
        out.caps |= CAP.call;
        out.imports.add(ins.arg);
      } else if (op === 'LOG') out.caps |= CAP['log.emit'];
      else if (op === 'SYSCALL') {
        const s = syscallById(ins.arg);
        if (!s) continue;
        out.syscalls.add(s.name);
        if (s.cap) out.caps |= CAP[s.cap];
      } else if (ins.info.family === 'storage') {
        out.storage = op.startsWith('SSTORE') ? 'write' : (out.storage ?? 'read');
      }
    }
  }
  return out;
}

/** Accounts implied by the syscalls an entry reaches (spec/manifest.md §3.3). */
const SYSCALL_ACCOUNTS: Readonly<Record<string, readonly (readonly [string, AccountKind, Access])[]>> = {
  ORACLE: [['oracle', 'oracle', 'read']],
  ESCROW_BALANCE: [['escrow', 'escrow', 'read']],
  ESCROW_NONCE: [['escrow', 'escrow', 'read']],
  ESCROW_CREDIT: [['escrow', 'escrow', 'write'], ['vault', 'vault', 'write']],
  ESCROW_DEBIT: [['escrow', 'escrow', 'write'], ['vault', 'vault', 'write']],
  ESCROW_BUMP_NONCE: [['escrow', 'escrow', 'write']],
  VAULT_BALANCE: [['vault', 'vault', 'read']],
  VAULT_DEPOSIT: [['vault', 'vault', 'write'], ['wallet', 'wallet', 'write']],
  VAULT_WITHDRAW: [['vault', 'vault', 'write'], ['wallet', 'wallet', 'write']],
  CAP_MINT: [['cap', 'cap', 'write']],
  CAP_BURN: [['cap', 'cap', 'write']],
  CAP_REMAINING: [['cap', 'cap', 'read']],
  CAP_DEBIT: [['cap', 'cap', 'write'], ['escrow', 'escrow', 'write'], ['vault', 'vault', 'write']],
};

/** CPI-ACCT-002: one account per name; write wins over read; the table's key wins over `*`. */
function mergeAccounts(list: readonly CpiAccount[]): CpiAccount[] {
  const by = new Map<string, CpiAccount>();
  for (const a of list) {
    const had = by.get(a.name);
    if (!had) by.set(a.name, a);
    else by.set(a.name, { ...had, access: had.access === 'write' || a.access === 'write' ? 'write' : 'read', key: had.key.includes('*') && !a.key.includes('*') ? a.key : had.key });
  }
  const rank = (a: CpiAccount) => ACCOUNT_KINDS.indexOf(a.kind);
  return [...by.values()].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Word layout: each field's first word offset, counted over the fields before it (CPI-LAYOUT-001). */
export function layout(values: readonly TypedValue[]): CpiField[] {
  let offset = 0;
  return values.map((v) => {
    const f = { name: v.name, type: v.type, words: [...v.words], offset };
    offset += v.words.length;
    return f;
  });
}

/** A u128 argument named `cap`, `*_cap` or `cap_id` carries a cap id (CPI-CAP-001). */
function isCapHandle(p: TypedValue): boolean {
  return p.words.length === 1 && p.words[0] === 'u128' && p.type === 'u128' && /^(cap|cap_id|\w+_cap)$/.test(p.name);
}

function entryDescriptor(m: CompiledModule, decoded: Module, e: CompiledEntry): CpiEntry {
  const spec = interfaceSpec(m.kind, e.name);
  const fn = decoded.entries.find((x) => x.name === e.name)?.func ?? -1;
  const r = fn >= 0 ? reach(decoded, fn) : { caps: 0, storage: null, syscalls: new Set<string>(), imports: new Set<number>() };
  const derived: CpiAccount[] = [CALLER];
  if (r.storage) derived.push(acct('storage', 'storage', r.storage, 'self'));
  for (const s of [...r.syscalls].sort()) for (const [name, kind, access] of SYSCALL_ACCOUNTS[s] ?? []) derived.push(acct(name, kind, access, '*'));
  for (const i of [...r.imports].sort((a, b) => a - b)) {
    const imp = decoded.imports[i];
    if (imp) derived.push(acct(`import:${imp.entry}@${bytesToHex(imp.module).slice(0, 16)}`, 'module', 'write', `0x${bytesToHex(imp.module)}`));
  }
  const capHandles = [...new Set([...(spec?.capHandles ?? []), ...e.params.filter(isCapHandle).map((p) => p.name)])].sort();
  return {
    name: e.name,
    index: e.index,
    callers: spec?.callers ?? 'any',
    params: layout(e.params),
    results: layout(e.results),
    accounts: mergeAccounts([...(spec?.accounts ?? []), ...derived]),
    capHandles,
    grants: capNames(r.caps),
  };
}

/** The CPI descriptor of a compiled module: every entry, in ENTRIES order (CPI-DESC-001). */
export function describeModule(m: CompiledModule): ModuleDescriptor {
  const decoded = decodeModule(m.bytes).module;
  const entries = [...m.entries].sort((a, b) => a.index - b.index).map((e) => entryDescriptor(m, decoded, e));
  return { module: m.name, kind: m.kind, entries };
}

// ── canonical encoding (CPI-ENC-*) ──────────────────────────────────────────────────────────────────

/** Borsh schemas shared with the manifest (spec/manifest.md §3.4, §5). */
export const FIELD_SCHEMA = { struct: { name: 'string', type: 'string', words: { array: { type: 'u8' } }, offset: 'u16' } } as const;
export const ACCOUNT_SCHEMA = { struct: { name: 'string', kind: 'u8', access: 'u8', key: { array: { type: 'string' } } } } as const;
export const ENTRY_FIELDS = {
  name: 'string',
  index: 'u16',
  callers: 'u8',
  params: { array: { type: FIELD_SCHEMA } },
  results: { array: { type: FIELD_SCHEMA } },
  accounts: { array: { type: ACCOUNT_SCHEMA } },
  cap_handles: { array: { type: 'string' } },
  grants: 'u32',
} as const;
/** The Borsh schema of a module descriptor (CPI-ENC-001). */
export const DESCRIPTOR_SCHEMA = { struct: { domain: 'string', module: 'string', kind: 'u8', entries: { array: { type: { struct: ENTRY_FIELDS } } } } } as const;

export const fieldBorsh = (f: CpiField) => ({ name: f.name, type: f.type, words: f.words.map((w) => VALUE_TYPES.indexOf(w)), offset: f.offset });

/** An entry as the Borsh value of ENTRY_FIELDS. */
export function entryBorsh(e: CpiEntry) {
  return {
    name: e.name,
    index: e.index,
    callers: CALLERS.indexOf(e.callers),
    params: e.params.map(fieldBorsh),
    results: e.results.map(fieldBorsh),
    accounts: e.accounts.map((a) => ({ name: a.name, kind: ACCOUNT_KINDS.indexOf(a.kind), access: ACCESS.indexOf(a.access), key: [...a.key] })),
    cap_handles: [...e.capHandles],
    grants: grantMask(e.grants),
  };
}

export function grantMask(grants: readonly CapabilityName[]): number {
  return grants.reduce((m, g) => m | CAP[g], 0);
}

/** The canonical bytes of a descriptor (CPI-ENC-001): Borsh over DESCRIPTOR_SCHEMA. */
export function encodeCpiDescriptor(d: ModuleDescriptor): Uint8Array {
  return serialize(DESCRIPTOR_SCHEMA, { domain: CPI_DOMAIN, module: d.module, kind: MODULE_KINDS.indexOf(d.kind), entries: d.entries.map(entryBorsh) });
}

/** CPI-HASH-001: the descriptor hash, sha256 of the canonical encoding, 64 lower-case hex digits. */
export function cpiDescriptorHash(d: ModuleDescriptor): string {
  return sha256Hex(encodeCpiDescriptor(d));
}

// ── the analyzer (CS-ANALYZE-CPI, CS4005) ───────────────────────────────────────────────────────────

function templateSpan(m: CompiledModule): Span {
  return { file: m.template, line: 1, col: 1, endLine: 1, endCol: 1, offset: 0, length: 0 };
}

/**
 * CS-ANALYZE-CPI: every slab module exports the five interface entries (CPI-SLAB-001), and each has the
 * arguments its accounts are keyed by, as one u128 word (`address` or `u128`) (CPI-SLAB-002). Spans
 * point at the first line of the slab's template. Never throws.
 */
export function checkCpi(modules: readonly CompiledModule[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of modules) {
    if (m.kind !== 'slab') continue;
    for (const name of SLAB_INTERFACE) {
      const e = m.entries.find((x) => x.name === name);
      if (!e) {
        out.push(diagnostic('CS4005', `slab module ${m.name} has no entrypoint \`${name}\`: every slab exports ${SLAB_INTERFACE.join(', ')} (CPI-SLAB-001)`, templateSpan(m)));
        continue;
      }
      for (const p of SLAB_INTERFACE_SPEC[name].params) {
        const v = e.params.find((x) => x.name === p);
        if (!v) out.push(diagnostic('CS4005', `entrypoint \`${name}\` of ${m.name} needs a parameter \`${p}\` (its CPI accounts are keyed by it, CPI-SLAB-002)`, templateSpan(m)));
        else if (v.words.length !== 1 || v.words[0] !== 'u128') out.push(diagnostic('CS4005', `parameter \`${p}\` of \`${name}\` in ${m.name} must be one u128 word (address or u128), not ${v.type} (CPI-SLAB-002)`, templateSpan(m)));
      }
    }
  }
  return out;
}
