/**
 * `.casm`, the text form of a module (spec/curvevm.md §10, VM-ASM-*), and its assembler.
 *
 *   ; comment (also #)
 *   .memory initial=1 max=4 storage=4096
 *   .caps log.emit,escrow.read          ; or `none`
 *   .import counter 0x<64 hex> inc 1 1  ; name, module hash, entry, params, results
 *   .data 0 "text" | .data 16 0x0102
 *   .func main params=1 results=1 locals=2 [maxstack=N]
 *   loop:                               ; labels are local to their function
 *     PUSH 5                            ; PUSH picks the smallest width; PUSH8/64/128 are explicit
 *     JUMPI loop
 *     RET
 *   .raw 0x00ff                         ; raw body bytes (the disassembler's escape for undecodable code)
 *   .entry main main (u128) -> (u128)   ; entry name, function, typed interface
 *
 * Errors are AsmError with file:line:col. Without `maxstack=` the assembler computes it.
 */
import { AsmError, ValidationError } from '../lib/errors.ts';
import { hexToBytes } from '../lib/hex.ts';
import { U128_MAX, I128_MIN, U64_MAX, fromSigned, writeUintLE } from '../lib/u128.ts';
import { CAP_ALL, parseCapList } from './capabilities.ts';
import { IMM_WIDTH, opByName, type OpInfo } from './opcodes.ts';
import { VALUE_TYPES, encodeModule, type DataSegment, type EntryDef, type FunctionDef, type ImportDef, type Module, type ValueType } from './module.ts';
import { syscallByName } from './syscalls.ts';
import { analyzeFunction } from './validate.ts';

interface Tok {
  readonly text: string;
  readonly col: number;
}

interface PendingFunc {
  readonly name: string;
  readonly params: number;
  readonly results: number;
  readonly locals: number;
  readonly maxStack: number | undefined;
  readonly line: number;
  readonly items: BodyItem[];
  readonly labels: Map<string, number>;
}

type BodyItem =
  | { readonly kind: 'op'; readonly info: OpInfo; readonly operand: Tok | undefined; readonly line: number; readonly at: Tok }
  | { readonly kind: 'raw'; readonly bytes: Uint8Array };

/** Split a line into tokens with columns; strings in double quotes stay whole; `;`/`#` start comments. */
function tokenize(line: string, file: string, lineNo: number): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ';' || c === '#') break;
    if (c === ' ' || c === '\t' || c === '\r' || c === ',') {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
      if (i >= line.length) throw new AsmError('unterminated string', file, lineNo, start + 1);
      i++;
    } else if (c === '(' || c === ')') {
      i++;
    } else {
      while (i < line.length && !' \t\r,;#()'.includes(line[i] as string)) i++;
    }
    toks.push({ text: line.slice(start, i), col: start + 1 });
  }
  return toks;
}

export interface AsmOptions {
  /**
   * Resolves an `.import` whose module is not a 64-hex-digit hash (e.g. `./counter.casm`) to the hash of
   * that module. The assembler itself reads no files; the CLI supplies this. Return undefined if unknown.
   */
  readonly resolveImport?: (ref: string) => Uint8Array | undefined;
}

export function assemble(source: string, file = '<casm>', options: AsmOptions = {}): Module {
  const lines = source.split('\n');
  let memory = { initialPages: 1, maxPages: 1, storageBytes: 0 };
  let caps = 0;
  const imports: (ImportDef & { name: string })[] = [];
  const data: DataSegment[] = [];
  const funcs: PendingFunc[] = [];
  const entries: { name: string; func: Tok; params: ValueType[]; results: ValueType[]; line: number }[] = [];
  let current: PendingFunc | undefined;

  const err = (msg: string, line: number, col: number): never => {
    throw new AsmError(msg, file, line, col);
  };
  const int = (t: Tok | undefined, line: number, what: string, max: bigint, min = 0n): bigint => {
    if (!t) return err(`missing ${what}`, line, 1);
    let v: bigint;
    try {
      if (!/^-?(0x[0-9a-fA-F_]+|[0-9_]+)$/.test(t.text)) throw new Error();
      const neg = t.text.startsWith('-');
      v = BigInt((neg ? t.text.slice(1) : t.text).replaceAll('_', ''));
      if (neg) v = -v;
    } catch {
      return err(`${what}: expected an integer, found ${JSON.stringify(t.text)}`, line, t.col);
    }
    if (v < min || v > max) return err(`${what} ${t.text} out of range ${min}..${max}`, line, t.col);
    return v;
  };
  const kv = (toks: Tok[], line: number, allowed: readonly string[]): Map<string, Tok> => {
    const out = new Map<string, Tok>();
    for (const t of toks) {
      const eq = t.text.indexOf('=');
      const key = eq > 0 ? t.text.slice(0, eq) : '';
      if (!allowed.includes(key)) err(`expected one of ${allowed.map((a) => a + '=').join(' ')}, found ${JSON.stringify(t.text)}`, line, t.col);
      if (out.has(key)) err(`${key}= given twice`, line, t.col);
      out.set(key, { text: t.text.slice(eq + 1), col: t.col + eq + 1 });
    }
    return out;
  };

  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const toks = tokenize(raw, file, lineNo);
    if (toks.length === 0) return;
    const head = toks[0] as Tok;
    const rest = toks.slice(1);
    if (head.text.endsWith(':') && head.text.length > 1 && !head.text.startsWith('.')) {
      if (!current) err('label outside a function', lineNo, head.col);
      const label = head.text.slice(0, -1);
      if (!/^[A-Za-z_.$][\w.$]*$/.test(label)) err(`bad label name ${JSON.stringify(label)}`, lineNo, head.col);
      const f = current as PendingFunc;
      if (f.labels.has(label)) err(`label ${label} defined twice`, lineNo, head.col);
      f.labels.set(label, f.items.length);
      if (rest.length > 0) err('a label stands alone on its line', lineNo, (rest[0] as Tok).col);
      return;
    }
    switch (head.text) {
      case '.memory': {
        const m = kv(rest, lineNo, ['initial', 'max', 'storage']);
        memory = {
          // Ranges are the format's field widths, not the validator's limits (160 pages, 10 MiB): any
          // decodable module must round-trip through the disassembler (VM-ASM-002); the validator judges.
          initialPages: m.has('initial') ? Number(int(m.get('initial'), lineNo, 'initial', 0xffffn)) : memory.initialPages,
          maxPages: m.has('max') ? Number(int(m.get('max'), lineNo, 'max', 0xffffn)) : memory.maxPages,
          storageBytes: m.has('storage') ? Number(int(m.get('storage'), lineNo, 'storage', 0xffffffffn)) : memory.storageBytes,
        };
        return;
      }
      case '.caps': {
        if (rest.length === 1 && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test((rest[0] as Tok).text)) {
          caps = Number(int(rest[0], lineNo, 'capability mask', 0xffffffffn));
          return;
        }
        const parsed = parseCapList(rest.map((t) => t.text).join(','));
        if ('unknown' in parsed) {
          const bad = rest.find((t) => t.text === parsed.unknown) ?? head;
          return err(`unknown capability ${JSON.stringify(parsed.unknown)}`, lineNo, bad.col);
        }
        caps = parsed.mask & CAP_ALL;
        return;
      }
      case '.import': {
        const [name, hash, entry, params, results] = rest;
        if (!name || !hash || !entry) return err('usage: .import NAME 0xHASH ENTRY PARAMS RESULTS', lineNo, head.col);
        let module: Uint8Array;
        if (/^(0x)?[0-9a-fA-F]{64}$/.test(hash.text)) module = hexToBytes(hash.text);
        else {
          const resolved = options.resolveImport?.(hash.text);
          if (!resolved) return err(`import ${JSON.stringify(hash.text)}: not a 64-hex-digit module hash, and no module resolves it`, lineNo, hash.col);
          module = resolved;
        }
        if (imports.some((i) => i.name === name.text)) err(`import ${name.text} defined twice`, lineNo, name.col);
        imports.push({
          name: name.text,
          module,
          entry: entry.text,
          params: Number(int(params, lineNo, 'params', 255n)),
          results: Number(int(results, lineNo, 'results', 255n)),
        });
        return;
      }
      case '.data': {
        const [off, val] = rest;
        const offset = Number(int(off, lineNo, 'data offset', 0xffffffffn));
        if (!val) return err('usage: .data OFFSET "text" | 0xHEX', lineNo, head.col);
        data.push({ offset, bytes: literalBytes(val, lineNo, file) });
        return;
      }
      case '.func': {
        const [name, ...opts] = rest;
        if (!name) return err('usage: .func NAME params=N results=N locals=N', lineNo, head.col);
        if (funcs.some((f) => f.name === name.text)) err(`function ${name.text} defined twice`, lineNo, name.col);
        const m = kv(opts, lineNo, ['params', 'results', 'locals', 'maxstack']);
        const num = (k: string, max: bigint): number => (m.has(k) ? Number(int(m.get(k), lineNo, k, max)) : 0);
        current = {
          name: name.text,
          params: num('params', 255n),
          results: num('results', 255n),
          locals: num('locals', 65535n),
          maxStack: m.has('maxstack') ? num('maxstack', 65535n) : undefined,
          line: lineNo,
          items: [],
          labels: new Map(),
        };
        funcs.push(current);
        return;
      }
      case '.entry': {
        // .entry NAME FUNC ( types ) -> ( types )
        const [name, func] = rest;
        if (!name || !func) return err('usage: .entry NAME FUNC (types) -> (types)', lineNo, head.col);
        const sig = rest.slice(2);
        const types = (from: number): { list: ValueType[]; end: number } => {
          const open = sig[from];
          if (!open || open.text !== '(') return err('expected ( in entry signature', lineNo, open?.col ?? head.col);
          const list: ValueType[] = [];
          let i = from + 1;
          for (; i < sig.length && (sig[i] as Tok).text !== ')'; i++) {
            const t = sig[i] as Tok;
            if (!(VALUE_TYPES as readonly string[]).includes(t.text)) err(`unknown type ${JSON.stringify(t.text)} (types: ${VALUE_TYPES.join(', ')})`, lineNo, t.col);
            list.push(t.text as ValueType);
          }
          if (i >= sig.length) err('missing ) in entry signature', lineNo, head.col);
          return { list, end: i + 1 };
        };
        const p = types(0);
        const arrow = sig[p.end];
        if (!arrow || arrow.text !== '->') return err('expected -> in entry signature', lineNo, arrow?.col ?? head.col);
        const r = types(p.end + 1);
        if (r.end !== sig.length) err('unexpected text after entry signature', lineNo, (sig[r.end] as Tok).col);
        entries.push({ name: name.text, func, params: p.list, results: r.list, line: lineNo });
        return;
      }
      case '.raw': {
        if (!current) return err('.raw outside a function', lineNo, head.col);
        const v = rest[0];
        if (!v || !/^0x([0-9a-fA-F]{2})*$/.test(v.text)) return err('usage: .raw 0xHEX', lineNo, head.col);
        current.items.push({ kind: 'raw', bytes: hexToBytes(v.text) });
        return;
      }
      default: {
        if (head.text.startsWith('.')) return err(`unknown directive ${head.text}`, lineNo, head.col);
        if (!current) return err('instruction outside a function (start one with .func)', lineNo, head.col);
        const upper = head.text.toUpperCase();
        const info = upper === 'PUSH' ? undefined : opByName(upper);
        if (upper !== 'PUSH' && !info) return err(`unknown instruction ${JSON.stringify(head.text)}`, lineNo, head.col);
        const wants = upper === 'PUSH' ? 1 : (info as OpInfo).imm.length;
        if (rest.length !== wants) return err(`${upper} takes ${wants} operand(s), found ${rest.length}`, lineNo, (rest[wants] ?? head).col);
        if (upper === 'PUSH') {
          const v = pushValue(rest[0] as Tok, lineNo);
          const name = v <= 0xffn ? 'PUSH8' : v <= U64_MAX ? 'PUSH64' : 'PUSH128';
          current.items.push({ kind: 'op', info: opByName(name) as OpInfo, operand: { text: '0x' + v.toString(16), col: (rest[0] as Tok).col }, line: lineNo, at: head });
        } else {
          current.items.push({ kind: 'op', info: info as OpInfo, operand: rest[0], line: lineNo, at: head });
        }
      }
    }
  });

  function pushValue(t: Tok, line: number): bigint {
    const v = int(t, line, 'constant', U128_MAX, I128_MIN);
    return v < 0n ? fromSigned(v) : v;
  }

  // Second pass: lay out each body, resolve labels, functions, imports and syscalls.
  const functions: FunctionDef[] = funcs.map((f) => {
    const offsets: number[] = [];
    let pc = 0;
    for (const it of f.items) {
      offsets.push(pc);
      pc += it.kind === 'raw' ? it.bytes.length : 1 + it.info.imm.reduce((n, k) => n + IMM_WIDTH[k], 0);
    }
    offsets.push(pc);
    const code = new Uint8Array(pc);
    f.items.forEach((it, i) => {
      const at = offsets[i] as number;
      if (it.kind === 'raw') {
        code.set(it.bytes, at);
        return;
      }
      code[at] = it.info.code;
      const kind = it.info.imm[0];
      if (!kind) return;
      const value = operandValue(f, it.info, it.operand as Tok, it.line, offsets);
      writeUintLE(code, at + 1, IMM_WIDTH[kind], value);
    });
    const partial: FunctionDef = { params: f.params, results: f.results, locals: f.locals, maxStack: f.maxStack ?? 0, code };
    return partial;
  });

  function operandValue(f: PendingFunc, info: OpInfo, t: Tok, line: number, offsets: number[]): bigint {
    const kind = info.imm[0] as keyof typeof IMM_WIDTH;
    const max = (1n << BigInt(8 * IMM_WIDTH[kind])) - 1n;
    switch (info.name) {
      case 'JUMP':
      case 'JUMPI': {
        const idx = f.labels.get(t.text);
        if (idx !== undefined) return BigInt(offsets[idx] as number);
        if (/^[0-9]/.test(t.text)) return int(t, line, 'jump offset', max);
        return err(`unknown label ${JSON.stringify(t.text)} in function ${f.name}`, line, t.col);
      }
      case 'CALLF': {
        const idx = funcs.findIndex((g) => g.name === t.text);
        if (idx >= 0) return BigInt(idx);
        if (/^[0-9]/.test(t.text)) return int(t, line, 'function index', max);
        return err(`unknown function ${JSON.stringify(t.text)}`, line, t.col);
      }
      case 'CALL': {
        const idx = imports.findIndex((g) => g.name === t.text);
        if (idx >= 0) return BigInt(idx);
        if (/^[0-9]/.test(t.text)) return int(t, line, 'import index', max);
        return err(`unknown import ${JSON.stringify(t.text)}`, line, t.col);
      }
      case 'SYSCALL': {
        const s = syscallByName(t.text.toUpperCase());
        if (s) return BigInt(s.id);
        if (/^[0-9]/.test(t.text)) return int(t, line, 'syscall id', max);
        return err(`unknown syscall ${JSON.stringify(t.text)}`, line, t.col);
      }
      default:
        return int(t, line, `${info.name} operand`, max);
    }
  }

  // Entries and data segments keep their source order (the validator requires them sorted, VM-VAL-ENTRY-001,
  // VM-VAL-DATA-001): reordering here would break the disassembler round trip of unsorted modules.
  const sortedEntries: EntryDef[] = entries.map((e) => {
    const idx = funcs.findIndex((g) => g.name === e.func.text);
    const fi = idx >= 0 ? idx : /^[0-9]+$/.test(e.func.text) ? Number(int(e.func, e.line, 'function index', 0xffffn)) : err(`entry ${e.name}: unknown function ${e.func.text}`, e.line, e.func.col);
    return { name: e.name, func: fi, params: e.params, results: e.results };
  });

  const module: Module = {
    memory,
    caps,
    imports: imports.map(({ module, entry, params, results }) => ({ module, entry, params, results })),
    functions,
    entries: sortedEntries,
    data,
  };
  // Compute maxStack where not given; a body the validator rejects is reported at its source line.
  const withStack = functions.map((fn, i) => {
    const pf = funcs[i] as PendingFunc;
    if (pf.maxStack !== undefined) return fn;
    try {
      return { ...fn, maxStack: analyzeFunction(module, i).maxStack };
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const item = pf.items.find((_, k) => bodyOffset(pf, k) === e.offset);
      const line = item && item.kind === 'op' ? item.line : pf.line;
      const col = item && item.kind === 'op' ? item.at.col : 1;
      return err(`${e.message.replace(/^function \d+: /, `function ${pf.name}: `)} [${e.code}]`, line, col);
    }
  });
  return { ...module, functions: withStack };
}

function bodyOffset(f: PendingFunc, k: number): number {
  let pc = 0;
  for (let i = 0; i < k; i++) {
    const it = f.items[i] as BodyItem;
    pc += it.kind === 'raw' ? it.bytes.length : 1 + it.info.imm.reduce((n, kind) => n + IMM_WIDTH[kind], 0);
  }
  return pc;
}

function literalBytes(t: Tok, line: number, file: string): Uint8Array {
  if (t.text.startsWith('"')) {
    try {
      return new TextEncoder().encode(JSON.parse(t.text) as string);
    } catch {
      throw new AsmError('bad string literal', file, line, t.col);
    }
  }
  if (/^0x([0-9a-fA-F]{2})*$/.test(t.text)) return hexToBytes(t.text);
  throw new AsmError('expected "text" or 0xHEX', file, line, t.col);
}

/** Assemble straight to canonical module bytes. */
export function assembleToBytes(source: string, file = '<casm>', options: AsmOptions = {}): Uint8Array {
  return encodeModule(assemble(source, file, options));
}
