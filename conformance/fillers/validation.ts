/**
 * The invalid-module corpus (spec/curvevm.md §3.2, §4): for every decoder rule (VM-MOD-*) and every
 * validation rule (VM-VAL-*) at least one module that breaks exactly that rule, with the rule id and byte
 * offset the reference reports; plus valid modules at the limits. The fill fails when the reference reports
 * another rule than the one a module was built to break (VM-VAL-ORDER: one broken rule per vector).
 */
import { bytesToHex } from '../../reference/lib/hex.ts';
import { assemble } from '../../reference/vm/asm.ts';
import { CAP, CAP_ALL } from '../../reference/vm/capabilities.ts';
import { MAX_FUNC_CODE_BYTES, SEGMENT_LIMIT_BYTES, encodeModule, type FunctionDef, type Module } from '../../reference/vm/module.ts';
import { OP, type OpName } from '../../reference/vm/opcodes.ts';
import { SYSCALLS } from '../../reference/vm/syscalls.ts';
import { MAX_LOCALS } from '../../reference/vm/validate.ts';
import type { FillSpec, Filler } from '../filler.ts';
import type { VmValidateExpect } from '../format.ts';
import { program } from './lib.ts';

const O = (name: OpName): number => OP[name];

/** A module from `.casm` text with an explicit maxstack (so the assembler does not analyse the body). */
const mod = (body: string, o: { maxstack?: number; caps?: string; head?: string; params?: number; results?: number; locals?: number } = {}): Module =>
  assemble(program(body, { ...o, memory: 'initial=1 max=1 storage=64' }).replace(/^\.func main (.*)$/m, `.func main $1 maxstack=${o.maxstack ?? 4}`));
const withCode = (m: Module, code: number[], patch: Partial<FunctionDef> = {}): Module => ({
  ...m,
  functions: [{ ...(m.functions[0] as FunctionDef), code: Uint8Array.from(code), ...patch }, ...m.functions.slice(1)],
});
const OK = mod('PUSH 1\nRET', { maxstack: 1 });
const HASH = new Uint8Array(32).fill(0x11);

/** Invalid modules by rule: each entry breaks exactly that rule. */
function invalidModules(): [string, string, Module][] {
  const imp = { module: HASH, entry: 'f', params: 0, results: 0 };
  const e = { name: 'main', func: 0, params: [], results: ['u128'] } as const;
  const cyc = assemble(['.memory initial=0 max=0 storage=0', '.func a params=0 results=0 locals=0 maxstack=0', 'CALLF b', 'RET', '.func b params=0 results=0 locals=0 maxstack=0', 'CALLF a', 'RET', ''].join('\n'));
  const self = assemble(['.memory initial=0 max=0 storage=0', '.func a params=0 results=0 locals=0 maxstack=0', 'CALLF a', 'RET', ''].join('\n'));
  const out: [string, string, Module][] = [
    ['VM-VAL-CAP-001', 'undefined-bit', { ...OK, caps: CAP_ALL + 1 }],
    ['VM-VAL-CAP-001', 'high-bit', { ...OK, caps: 0x8000_0000 }],
    ['VM-VAL-MEM-001', 'max-over-160', { ...OK, memory: { initialPages: 0, maxPages: 161, storageBytes: 0 } }],
    ['VM-VAL-MEM-001', 'initial-over-max', { ...OK, memory: { initialPages: 3, maxPages: 2, storageBytes: 0 } }],
    ['VM-VAL-MEM-002', 'storage-over-10mib', { ...OK, memory: { initialPages: 0, maxPages: 0, storageBytes: SEGMENT_LIMIT_BYTES + 16 } }],
    ['VM-VAL-MEM-003', 'storage-not-words', { ...OK, memory: { initialPages: 0, maxPages: 0, storageBytes: 17 } }],
    ['VM-VAL-DATA-001', 'overlap', { ...OK, memory: { initialPages: 1, maxPages: 1, storageBytes: 0 }, data: [{ offset: 0, bytes: new Uint8Array(4) }, { offset: 3, bytes: new Uint8Array(1) }] }],
    ['VM-VAL-DATA-001', 'unsorted', { ...OK, memory: { initialPages: 1, maxPages: 1, storageBytes: 0 }, data: [{ offset: 8, bytes: new Uint8Array(1) }, { offset: 0, bytes: new Uint8Array(1) }] }],
    ['VM-VAL-DATA-002', 'past-initial', { ...OK, memory: { initialPages: 1, maxPages: 2, storageBytes: 0 }, data: [{ offset: 65535, bytes: new Uint8Array(2) }] }],
    ['VM-VAL-DATA-002', 'no-initial', { ...OK, memory: { initialPages: 0, maxPages: 1, storageBytes: 0 }, data: [{ offset: 0, bytes: new Uint8Array(1) }] }],
    ['VM-VAL-IMPORT-001', 'duplicate', { ...OK, imports: [imp, { ...imp }] }],
    ['VM-VAL-FUNC-001', 'no-functions', { ...OK, functions: [], entries: [] }],
    ['VM-VAL-ENTRY-001', 'duplicate', { ...OK, entries: [e, { ...e }] }],
    ['VM-VAL-ENTRY-001', 'unsorted', { ...OK, entries: [{ ...e, name: 'b' }, { ...e, name: 'a' }] }],
    ['VM-VAL-ENTRY-002', 'missing-function', { ...OK, entries: [{ ...e, func: 1 }] }],
    ['VM-VAL-ENTRY-003', 'params', { ...OK, entries: [{ ...e, params: ['u128'] }] }],
    ['VM-VAL-ENTRY-003', 'results', { ...OK, entries: [{ ...e, results: [] }] }],
    ['VM-VAL-OP-001', 'invalid-opcode', withCode(OK, [O('NOP'), 0xff, O('RET')])],
    ['VM-VAL-OP-001', 'first-unassigned', withCode(OK, [0x0c])],
    ['VM-VAL-OP-002', 'truncated-push64', withCode(OK, [O('NOP'), O('PUSH64'), 1, 2, 3])],
    ['VM-VAL-OP-002', 'truncated-jump', withCode(OK, [O('JUMP'), 0])],
    ['VM-VAL-FLOW-001', 'empty-body', withCode(OK, [])],
    ['VM-VAL-FLOW-001', 'falls-off', withCode(OK, [O('PUSH8'), 1, O('NOP')])],
    ['VM-VAL-FLOW-001', 'jumpi-at-end', withCode(OK, [O('PUSH8'), 1, O('JUMPI'), 0, 0, 0, 0])],
    ['VM-VAL-FLOW-002', 'dead-code', withCode(OK, [O('PUSH8'), 1, O('RET'), O('NOP'), O('RET')])],
    ['VM-VAL-LOCAL-001', 'lget', mod('LGET 1\nRET', { params: 1 })],
    ['VM-VAL-LOCAL-001', 'lset', mod('PUSH 1\nLSET 2\nPUSH 1\nRET', { locals: 2 })],
    ['VM-VAL-LOCAL-001', 'ltee', mod('PUSH 1\nLTEE 0\nRET')],
    ['VM-VAL-LOCAL-002', 'too-many', mod('PUSH 1\nRET', { params: 1, locals: MAX_LOCALS, maxstack: 1 })],
    ['VM-VAL-JUMP-001', 'mid-instruction', withCode(OK, [O('PUSH8'), 1, O('JUMP'), 1, 0, 0, 0])],
    ['VM-VAL-JUMP-001', 'out-of-body', withCode(OK, [O('PUSH8'), 1, O('JUMPI'), 99, 0, 0, 0, O('PUSH8'), 1, O('RET')])],
    ['VM-VAL-CALL-001', 'cycle', cyc],
    ['VM-VAL-CALL-001', 'self', self],
    ['VM-VAL-CALL-002', 'missing-function', withCode(OK, [O('CALLF'), 5, 0, O('PUSH8'), 1, O('RET')])],
    ['VM-VAL-CALL-003', 'missing-import', { ...withCode(OK, [O('PUSH8'), 1, O('CALL'), 0, 0, O('RET')]), caps: CAP.call }],
    ['VM-VAL-SYS-001', 'unknown', withCode(OK, [O('SYSCALL'), 0xee, O('PUSH8'), 1, O('RET')])],
    ['VM-VAL-IMM-001', 'log-5', { ...withCode(OK, [O('LOG'), 5, O('PUSH8'), 1, O('RET')]), caps: CAP['log.emit'] }],
    ['VM-VAL-IMM-002', 'swap-0', withCode(OK, [O('PUSH8'), 1, O('SWAP'), 0, O('RET')])],
    ['VM-VAL-CAP-002', 'call', { ...mod('PUSH 1\nPUSH 1\nPUSH 0\nCALL 0\nRET', { maxstack: 3, results: 2 }), imports: [imp] }],
    ['VM-VAL-CAP-002', 'log', mod('PUSH 0\nPUSH 0\nLOG 0\nPUSH 1\nRET')],
    ['VM-VAL-STACK-001', 'add', withCode(OK, [O('PUSH8'), 1, O('ADD'), O('RET')])],
    ['VM-VAL-STACK-001', 'dup', withCode(OK, [O('PUSH8'), 1, O('DUP'), 1, O('RET')])],
    ['VM-VAL-STACK-001', 'ret', withCode(OK, [O('RET')])],
    ['VM-VAL-STACK-002', 'join', withCode(OK, [O('PUSH8'), 1, O('JUMPI'), 9, 0, 0, 0, O('PUSH8'), 1, O('PUSH8'), 1, O('RET')])],
    ['VM-VAL-STACK-003', 'ret-height', withCode(OK, [O('PUSH8'), 1, O('PUSH8'), 1, O('RET')], { maxStack: 2 })],
    ['VM-VAL-STACK-004', 'over-1024', withCode(OK, [...Array.from({ length: 1025 }, () => [O('PUSH8'), 1]).flat(), O('RET')], { maxStack: 1025 })],
    ['VM-VAL-STACK-005', 'declared-too-big', withCode(OK, [O('PUSH8'), 1, O('RET')], { maxStack: 2 })],
    ['VM-VAL-STACK-005', 'declared-too-small', withCode(OK, [O('PUSH8'), 1, O('PUSH8'), 1, O('ADD'), O('RET')], { maxStack: 1 })],
  ];
  // Every capability-guarded syscall without its capability declared (VM-VAL-CAP-002).
  for (const s of SYSCALLS)
    if (s.cap) {
      const pushes = Array.from({ length: s.params.length }, () => 'PUSH 0').join('\n');
      const pops = Array.from({ length: s.results.length }, () => 'POP').join('\n');
      out.push(['VM-VAL-CAP-002', `syscall-${s.name}`, mod(`${pushes}\nSYSCALL ${s.name}\n${pops}\nPUSH 1\nRET`, { maxstack: Math.max(1, s.params.length, s.results.length) })]);
    }
  return out;
}

/** Byte patches of a valid module that break one decoder rule (VM-MOD-*). */
function malformed(): [string, string, Uint8Array][] {
  const ok = encodeModule(OK);
  const patch = (at: number, ...b: number[]): Uint8Array => {
    const x = ok.slice();
    x.set(b, at);
    return x;
  };
  const longName = encodeModule({ ...OK, entries: [{ name: 'a'.repeat(65), func: 0, params: [], results: ['u128'] }] });
  const badName = encodeModule({ ...OK, entries: [{ name: 'm-n', func: 0, params: [], results: ['u128'] }] });
  // The module ends with the entry's result type tag, then the DATA section (id, u32 length, u16 count = 7 bytes).
  const typeAt = ok.length - 7 - 1;
  const bigCode = encodeModule(withCode(OK, [O('PUSH8'), 1, O('RET')]));
  const codeLenAt = bigCode.indexOf(O('PUSH8')) - 4;
  const tooLong = bigCode.slice();
  new DataView(tooLong.buffer).setUint32(codeLenAt, MAX_FUNC_CODE_BYTES + 1, true);
  return [
    ['VM-MOD-001', 'bad-magic', patch(1, 0x57)],
    ['VM-MOD-002', 'version-2', patch(4, 2, 0)],
    ['VM-MOD-003', 'section-order', patch(6, 2)],
    ['VM-MOD-004', 'section-length', patch(7, 0xff, 0xff, 0, 0)],
    ['VM-MOD-004', 'truncated', ok.slice(0, ok.length - 1)],
    ['VM-MOD-004', 'header-only', ok.slice(0, 5)],
    ['VM-MOD-005', 'trailing-byte', Uint8Array.from([...ok, 0])],
    ['VM-MOD-006', 'code-over-1mib', tooLong],
    ['VM-MOD-007', 'name-too-long', longName],
    ['VM-MOD-007', 'name-not-identifier', badName],
    ['VM-MOD-008', 'bad-type-tag', patch(typeAt, 9)],
  ];
}

/** Rules a broken rule also exercises. */
const EXTRA_COVERS: Record<string, string[]> = { 'VM-MOD-002': ['VM-VER-001'], 'VM-VAL-CAP-001': ['VM-CAP-001'], 'VM-VAL-CAP-002': ['VM-CAP-001'] };

function validateSpec(id: string, description: string, bytes: Uint8Array, want: string | undefined): FillSpec {
  return {
    draft: { id, kind: 'vm.validate', description, covers: want ? [want, ...(EXTRA_COVERS[want] ?? [])] : ['VM-VAL-GATE'], pre: { modules: {}, state: {} }, input: { module: '0x' + bytesToHex(bytes) } },
    check: (expect) => {
      const e = expect as VmValidateExpect;
      if (want === undefined) return e.valid ? undefined : `rejected with ${e.error} at byte ${e.offset}, wanted valid`;
      return !e.valid && e.error === want ? undefined : `result ${JSON.stringify(e)}, wanted ${want}`;
    },
  };
}

export const validationFiller: Filler = {
  group: 'validation',
  specs() {
    const v: FillSpec[] = [];
    for (const [rule, name, m] of invalidModules()) v.push(validateSpec(`validation/${rule}/${name}`, `a module breaking only ${rule} (${name})`, encodeModule(m), rule));
    for (const [rule, name, bytes] of malformed()) v.push(validateSpec(`validation/${rule}/${name}`, `module bytes breaking only ${rule} (${name})`, bytes, rule));
    const valid: [string, Module][] = [
      ['minimal', OK],
      ['memory-160-pages', { ...OK, memory: { initialPages: 160, maxPages: 160, storageBytes: SEGMENT_LIMIT_BYTES } }],
      ['all-caps', { ...OK, caps: CAP_ALL }],
      ['locals-1024', mod('PUSH 1\nRET', { params: 1, locals: MAX_LOCALS - 1, maxstack: 1 })],
      ['stack-1024', withCode(OK, [...Array.from({ length: 1024 }, () => [O('PUSH8'), 1]).flat(), ...Array.from({ length: 1023 }, () => O('POP')), O('RET')], { maxStack: 1024 })],
      ['adjacent-data', { ...OK, memory: { initialPages: 1, maxPages: 1, storageBytes: 0 }, data: [{ offset: 0, bytes: new Uint8Array(4) }, { offset: 4, bytes: new Uint8Array(0) }, { offset: 4, bytes: Uint8Array.of(1) }] }],
    ];
    for (const [name, m] of valid) v.push(validateSpec(`validation/valid/${name}`, `a valid module at a limit (${name})`, encodeModule(m), undefined));
    return v;
  },
};
