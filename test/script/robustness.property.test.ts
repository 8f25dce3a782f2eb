/**
 * CS-GRAM-004: no input makes the front end throw — random strings, random bytes, and soups of
 * CurveScript tokens (which reach far deeper into the parser than noise) — and every diagnostic it
 * returns points inside the text.
 */
import test from 'ava';
import fc from 'fast-check';
import { checkSource } from '../../reference/script/index.ts';
import { formatSource, printSource } from '../../reference/script/printer.ts';
import { parse } from '../../reference/script/parser.ts';
import { sourceLines } from '../../reference/script/diagnostics.ts';
import { readRepoFile } from './helpers.ts';

function survives(text: string): void {
  const r = checkSource(text, 'fuzz.curve');
  const lines = sourceLines(text);
  for (const d of r.diagnostics) {
    const s = d.span;
    if (s.offset < 0 || s.length < 0 || s.offset + s.length > text.length) throw new Error(`span outside the text: ${JSON.stringify(s)}`);
    if (s.line < 1 || s.line > lines.length || s.col < 1) throw new Error(`bad line/col: ${JSON.stringify(s)}`);
  }
  printSource(r.ast, parse(text, 'fuzz.curve').comments);
  formatSource(text, 'fuzz.curve');
}

const TOKENS = [
  'ROUTER', 'SLAB', 'ORACLE', 'CAP', '"perp:SOL-PERP"', '"pyth:X"', '{', '}', '(', ')', '[', ']', ',', ';', ':', '.', '..', '=',
  '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '!', '&&', '||', '&', '|', '^', '<<', '>>', '->', '+=', '-=', '*=',
  'fn', 'pub', 'let', 'mut', 'if', 'else', 'for', 'in', 'return', 'require', 'emit', 'const', 'struct', 'event', 'error',
  'storage', 'template', 'slab', 'router', 'true', 'false', 'as', 'u64', 'u128', 'i128', 'bool', 'bytes32', 'address', 'cfg',
  'x', 'y', 'Order', 'RISK', 'imr_bps', 'ms', 'BATCH', '0', '1', '500', '1_000', '0xff', '99999999999999999999999999999999999999999',
  '1__2', '"unterminated', '"\\q"', '# c', '// c', '\n', '\n', ' ', '@', '$', '\t', 'cfg.imr_bps', 'mul_div_up', 'clock', '\r\n',
];
const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((ts) => ts.join(' '));

test('CS-GRAM-004: random strings never make the front end throw', (t) => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), survives), { numRuns: 500 });
  t.pass();
});

test('CS-GRAM-004: random bytes (as UTF-8 and Latin-1) never make the front end throw', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      survives(new TextDecoder('utf-8').decode(bytes));
      survives(String.fromCharCode(...bytes));
    }),
    { numRuns: 400 },
  );
  t.pass();
});

test('CS-GRAM-004: token soups never make the front end throw', (t) => {
  fc.assert(fc.property(soup, survives), { numRuns: 2000 });
  t.pass();
});

test('CS-GRAM-004: truncations and single-character deletions of the examples never throw', (t) => {
  for (const path of ['examples/perp.curve', 'reference/script/examples/guarded_debit.curve']) {
    const text = readRepoFile(path);
    for (let i = 0; i < text.length; i += 7) {
      survives(text.slice(0, i));
      survives(text.slice(0, i) + text.slice(i + 1));
    }
  }
  t.pass();
});

test('CS-GRAM-003: pathological nesting and long operator chains are diagnosed, not a stack overflow', (t) => {
  const deep = 'template slab;\nconst A: u64 = ' + '('.repeat(50_000) + '1' + ')'.repeat(50_000) + ';\n';
  t.true(checkSource(deep, 'd').diagnostics.some((d) => d.code === 'CS1014'));
  const chain = 'template slab;\nconst A: u64 = 1' + ' + 1'.repeat(20_000) + ';\n';
  t.true(checkSource(chain, 'c').diagnostics.some((d) => d.code === 'CS1014'));
  const blocks = 'fn f() {' + ' if true {'.repeat(10_000);
  t.true(checkSource(blocks, 'b').diagnostics.some((d) => d.code === 'CS1014'));
  const lists = 'ROUTER { X a=' + '['.repeat(10_000) + '}';
  t.true(checkSource(lists, 'l').diagnostics.some((d) => d.code === 'CS1014'));
  const unary = 'template slab;\nconst A: u64 = ' + '-'.repeat(30_000) + '1;';
  t.true(checkSource(unary, 'u').diagnostics.some((d) => d.code === 'CS1014'));
});
