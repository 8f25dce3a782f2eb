/**
 * fast-check generators for CurveVM properties: random valid function bodies (as `.casm` lines, stack
 * heights tracked so they validate), random valid module sources, and random *decodable* modules
 * (any value the container format can carry, valid or not).
 */
import fc from 'fast-check';
import { U128_MAX } from '../../reference/lib/u128.ts';
import { CAP_ALL } from '../../reference/vm/capabilities.ts';
import { VALUE_TYPES, type Module, type ValueType } from '../../reference/vm/module.ts';
import { OPCODES } from '../../reference/vm/opcodes.ts';

/** Opcodes with fixed stack effect, no immediate and fall-through: safe anywhere in a straight line. */
export const SIMPLE_OPS: readonly { name: string; pops: number; pushes: number }[] = OPCODES.filter(
  (o) => typeof o.pops === 'number' && typeof o.pushes === 'number' && o.imm.length === 0 && !('terminal' in o && o.terminal),
).map((o) => ({ name: o.name, pops: o.pops as number, pushes: o.pushes as number }));

/** Operand values: mostly small (so memory, storage and hash operations often succeed), some edges. */
export const operand: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 64n }) },
  { weight: 1, arbitrary: fc.constantFrom(0n, 1n, 2n, 16n, 65535n, 65536n, 1n << 64n, 1n << 127n, U128_MAX - 1n, U128_MAX) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: U128_MAX }) },
);

type Item =
  | { readonly k: 'push'; readonly v: bigint }
  | { readonly k: 'op'; readonly name: string }
  | { readonly k: 'skip'; readonly cond: bigint }
  | { readonly k: 'dup'; readonly n: number }
  | { readonly k: 'swap'; readonly n: number };

const item: fc.Arbitrary<Item> = fc.oneof(
  { weight: 4, arbitrary: operand.map((v): Item => ({ k: 'push', v })) },
  { weight: 6, arbitrary: fc.constantFrom(...SIMPLE_OPS.map((o) => o.name)).map((name): Item => ({ k: 'op', name })) },
  { weight: 1, arbitrary: fc.constantFrom(0n, 1n).map((cond): Item => ({ k: 'skip', cond })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }).map((n): Item => ({ k: 'dup', n })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((n): Item => ({ k: 'swap', n })) },
);

const byName = new Map(SIMPLE_OPS.map((o) => [o.name, o]));

/** Lay out items as `.casm` lines that validate, ending in RET with `results` words on the stack. */
export function bodyLines(items: readonly Item[], results: number, labelPrefix = 'L'): string[] {
  const out: string[] = [];
  let h = 0;
  const need = (n: number): void => {
    while (h < n) {
      out.push('PUSH 1');
      h++;
    }
  };
  items.forEach((it, i) => {
    switch (it.k) {
      case 'push':
        out.push(`PUSH 0x${it.v.toString(16)}`);
        h++;
        return;
      case 'op': {
        const o = byName.get(it.name) as { pops: number; pushes: number };
        need(o.pops);
        out.push(it.name);
        h += o.pushes - o.pops;
        return;
      }
      case 'skip':
        out.push(`PUSH ${it.cond}`, `JUMPI ${labelPrefix}${i}`, 'PUSH 9', 'POP', `${labelPrefix}${i}:`);
        return;
      case 'dup':
        need(it.n + 1);
        out.push(`DUP ${it.n}`);
        h++;
        return;
      case 'swap':
        need(it.n + 1);
        out.push(`SWAP ${it.n}`);
        return;
    }
  });
  need(results);
  while (h > results) {
    out.push('POP');
    h--;
  }
  out.push('RET');
  return out;
}

export const itemsArb = (maxLength = 30): fc.Arbitrary<Item[]> => fc.array(item, { maxLength });

/** A random valid body of one result. */
export const bodyArb = (maxLength = 30): fc.Arbitrary<string> => itemsArb(maxLength).map((items) => bodyLines(items, 1).join('\n'));

const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);

/** A random valid module source: memory layout, caps, data, imports, several functions, sorted entries. */
export const validSourceArb: fc.Arbitrary<string> = fc
  .record({
    initial: fc.integer({ min: 0, max: 2 }),
    extra: fc.integer({ min: 0, max: 3 }),
    storageWords: fc.integer({ min: 0, max: 8 }),
    caps: fc.integer({ min: 0, max: CAP_ALL }),
    data: fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 3 }),
    imports: fc.uniqueArray(fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), ident), { maxLength: 2, selector: ([, e]) => e }),
    funcs: fc.array(fc.record({ params: fc.integer({ min: 0, max: 2 }), results: fc.integer({ min: 0, max: 2 }), locals: fc.integer({ min: 0, max: 2 }), items: itemsArb(20) }), {
      minLength: 1,
      maxLength: 3,
    }),
    entries: fc.uniqueArray(fc.tuple(ident, fc.nat()), { maxLength: 3, selector: ([n]) => n }),
  })
  .map((r) => {
    const lines = [`.memory initial=${r.initial} max=${r.initial + r.extra} storage=${16 * r.storageWords}`, `.caps ${r.caps}`];
    r.imports.forEach(([hash, entry], i) => lines.push(`.import i${i} 0x${Buffer.from(hash).toString('hex')} ${entry} 1 1`));
    if (r.initial > 0) r.data.forEach((d, i) => lines.push(`.data ${i * 16} 0x${Buffer.from(d).toString('hex')}`));
    r.funcs.forEach((f, fi) => {
      lines.push(`.func f${fi} params=${f.params} results=${f.results} locals=${f.locals}`);
      // Prefix with local reads so locals are exercised; then the random body.
      const pre = Array.from({ length: f.params + f.locals }, (_, i) => `LGET ${i}\nPOP`);
      lines.push(...pre, ...bodyLines(f.items, f.results));
    });
    // Entries in byte order of their names (VM-VAL-ENTRY-001); the assembler keeps source order.
    const sorted = [...r.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [name, fi] of sorted) {
      const f = r.funcs[fi % r.funcs.length] as { params: number; results: number };
      const types = (n: number): string => Array.from({ length: n }, () => 'u128').join(' ');
      lines.push(`.entry ${name} f${fi % r.funcs.length} (${types(f.params)}) -> (${types(f.results)})`);
    }
    return lines.join('\n') + '\n';
  });

const valueType: fc.Arbitrary<ValueType> = fc.constantFrom(...VALUE_TYPES);
const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** Any module the decoder accepts (names are identifiers, types known), valid or not. */
const plain = { noNullPrototype: true } as const;

export const decodableModuleArb: fc.Arbitrary<Module> = fc.record(
  {
    memory: fc.record({ initialPages: u16, maxPages: u16, storageBytes: u32 }, plain),
    caps: u32,
    imports: fc.array(fc.record({ module: fc.uint8Array({ minLength: 32, maxLength: 32 }), entry: ident, params: u8, results: u8 }, plain), { maxLength: 3 }),
    functions: fc.array(fc.record({ params: u8, results: u8, locals: u16, maxStack: u16, code: fc.uint8Array({ maxLength: 40 }) }, plain), { maxLength: 3 }),
    entries: fc.array(
      fc.record({ name: ident, func: u16, params: fc.array(valueType, { maxLength: 3 }), results: fc.array(valueType, { maxLength: 3 }) }, plain),
      { maxLength: 3 },
    ),
    data: fc.array(fc.record({ offset: u32, bytes: fc.uint8Array({ maxLength: 8 }) }, plain), { maxLength: 3 }),
  },
  plain,
);
