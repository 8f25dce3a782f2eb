/**
 * Arithmetic, signed, comparison and bitwise opcodes (spec/curvevm.md §5, VM-OP-*): edge cases per
 * opcode and a property that each opcode equals BigInt math with its documented trap conditions.
 */
import test from 'ava';
import fc from 'fast-check';
import { I128_MAX, I128_MIN, U128_MAX } from '../../reference/lib/u128.ts';
import { I_EDGES, U_EDGES, evalOp, opRunner, runBody, s } from './helpers.ts';

const M = 1n << 128n;
const mod = (x: bigint): bigint => ((x % M) + M) % M;
const sgn = (x: bigint): bigint => (x >= 1n << 127n ? x - M : x);
const b = (c: boolean): bigint => (c ? 1n : 0n);
const fitsU = (x: bigint): bigint | string => (x < 0n || x > U128_MAX ? 'overflow' : x);
const fitsS = (x: bigint): bigint | string => (x < I128_MIN || x > I128_MAX ? 'overflow' : mod(x));
const ceilDiv = (p: bigint, d: bigint): bigint => p / d + (p % d === 0n ? 0n : 1n);

/** The spec's model of each binary opcode over words: a result word or a trap kind. */
const BINARY: Record<string, (a: bigint, b: bigint) => bigint | string> = {
  ADD: (a, c) => fitsU(a + c),
  SUB: (a, c) => fitsU(a - c),
  MUL: (a, c) => fitsU(a * c),
  DIV: (a, c) => (c === 0n ? 'div_by_zero' : a / c),
  MOD: (a, c) => (c === 0n ? 'div_by_zero' : a % c),
  ADDW: (a, c) => mod(a + c),
  SUBW: (a, c) => mod(a - c),
  MULW: (a, c) => mod(a * c),
  DIV_UP: (a, c) => (c === 0n ? 'div_by_zero' : ceilDiv(a, c)),
  MIN: (a, c) => (a < c ? a : c),
  MAX: (a, c) => (a > c ? a : c),
  SADD: (a, c) => fitsS(sgn(a) + sgn(c)),
  SSUB: (a, c) => fitsS(sgn(a) - sgn(c)),
  SMUL: (a, c) => fitsS(sgn(a) * sgn(c)),
  SDIV: (a, c) => (c === 0n ? 'div_by_zero' : fitsS(sgn(a) / sgn(c))),
  SMOD: (a, c) => (c === 0n ? 'div_by_zero' : mod(sgn(a) % sgn(c))),
  SLT: (a, c) => b(sgn(a) < sgn(c)),
  SGT: (a, c) => b(sgn(a) > sgn(c)),
  SLE: (a, c) => b(sgn(a) <= sgn(c)),
  SGE: (a, c) => b(sgn(a) >= sgn(c)),
  EQ: (a, c) => b(a === c),
  NE: (a, c) => b(a !== c),
  LT: (a, c) => b(a < c),
  GT: (a, c) => b(a > c),
  LE: (a, c) => b(a <= c),
  GE: (a, c) => b(a >= c),
  AND: (a, c) => a & c,
  OR: (a, c) => a | c,
  XOR: (a, c) => a ^ c,
  SHL: (a, n) => (n >= 128n ? 0n : mod(a << n)),
  SHR: (a, n) => (n >= 128n ? 0n : a >> n),
  SAR: (a, n) => (n >= 128n ? (sgn(a) < 0n ? U128_MAX : 0n) : mod(sgn(a) >> n)),
};

const UNARY: Record<string, (a: bigint) => bigint | string> = {
  SNEG: (a) => fitsS(-sgn(a)),
  ISZERO: (a) => b(a === 0n),
  NOT: (a) => U128_MAX ^ a,
};

const MULDIV: Record<string, (a: bigint, c: bigint, d: bigint) => bigint | string> = {
  MULDIV_DOWN: (a, c, d) => (d === 0n ? 'div_by_zero' : fitsU((a * c) / d)),
  MULDIV_UP: (a, c, d) => (d === 0n ? 'div_by_zero' : fitsU(ceilDiv(a * c, d))),
};

// ---- example tests: checked unsigned arithmetic (VM-OP-ADD … VM-OP-MAX) ----

test('VM-OP-ADD traps overflow exactly past 2^128−1', (t) => {
  t.is(evalOp('ADD', [U128_MAX - 1n, 1n]), U128_MAX);
  t.is(evalOp('ADD', [U128_MAX, 1n]), 'overflow');
  t.is(evalOp('ADD', [1n << 127n, 1n << 127n]), 'overflow');
});

test('VM-OP-SUB traps when b > a, zero when equal', (t) => {
  t.is(evalOp('SUB', [5n, 5n]), 0n);
  t.is(evalOp('SUB', [5n, 6n]), 'overflow');
  t.is(evalOp('SUB', [0n, U128_MAX]), 'overflow');
});

test('VM-OP-MUL traps overflow; 2^64·2^64 overflows, (2^64−1)^2 fits', (t) => {
  t.is(evalOp('MUL', [1n << 64n, 1n << 64n]), 'overflow');
  t.is(evalOp('MUL', [(1n << 64n) - 1n, (1n << 64n) - 1n]), ((1n << 64n) - 1n) ** 2n);
  t.is(evalOp('MUL', [U128_MAX, 0n]), 0n);
});

test('VM-OP-DIV / MOD / DIV_UP trap div_by_zero and round as documented', (t) => {
  t.is(evalOp('DIV', [7n, 2n]), 3n);
  t.is(evalOp('DIV_UP', [7n, 2n]), 4n);
  t.is(evalOp('DIV_UP', [8n, 2n]), 4n);
  t.is(evalOp('DIV_UP', [0n, 3n]), 0n);
  t.is(evalOp('MOD', [7n, 2n]), 1n);
  for (const op of ['DIV', 'MOD', 'DIV_UP']) t.is(evalOp(op, [1n, 0n]), 'div_by_zero', op);
});

test('VM-OP-ADDW / SUBW / MULW wrap modulo 2^128', (t) => {
  t.is(evalOp('ADDW', [U128_MAX, 2n]), 1n);
  t.is(evalOp('SUBW', [0n, 1n]), U128_MAX);
  t.is(evalOp('MULW', [1n << 127n, 2n]), 0n);
  t.is(evalOp('MULW', [U128_MAX, U128_MAX]), 1n);
});

test('VM-OP-MIN / MAX are unsigned', (t) => {
  t.is(evalOp('MIN', [U128_MAX, 1n]), 1n);
  t.is(evalOp('MAX', [U128_MAX, 1n]), U128_MAX);
});

// ---- MULDIV (VM-OP-MULDIV) ----

test('VM-OP-MULDIV rounds down and up with a 256-bit intermediate', (t) => {
  t.is(evalOp('MULDIV_DOWN', [7n, 3n, 2n]), 10n);
  t.is(evalOp('MULDIV_UP', [7n, 3n, 2n]), 11n);
  t.is(evalOp('MULDIV_UP', [6n, 3n, 2n]), 9n, 'exact quotient is not bumped');
  t.is(evalOp('MULDIV_DOWN', [U128_MAX, U128_MAX, U128_MAX]), U128_MAX, 'intermediate of 256 bits');
  t.is(evalOp('MULDIV_UP', [U128_MAX, U128_MAX, U128_MAX]), U128_MAX);
  t.is(evalOp('MULDIV_DOWN', [0n, 5n, 3n]), 0n);
  t.is(evalOp('MULDIV_UP', [0n, 5n, 3n]), 0n);
});

test('VM-OP-MULDIV traps overflow when the quotient exceeds u128, div_by_zero first', (t) => {
  t.is(evalOp('MULDIV_DOWN', [U128_MAX, 2n, 1n]), 'overflow');
  t.is(evalOp('MULDIV_UP', [U128_MAX, U128_MAX, U128_MAX - 1n]), 'overflow');
  t.is(evalOp('MULDIV_DOWN', [U128_MAX, 3n, 3n]), U128_MAX);
  t.is(evalOp('MULDIV_DOWN', [U128_MAX, 0n, 0n]), 'div_by_zero');
  t.is(evalOp('MULDIV_UP', [U128_MAX, U128_MAX, 0n]), 'div_by_zero');
});

test('VM-OP-MULDIV_UP overflows where MULDIV_DOWN just fits', (t) => {
  // a·b = 2^129 − 1 = 7 · ((2^129 − 1) / 7); over d = 2 the floor is 2^128 − 1 and the ceiling 2^128.
  const p = (1n << 129n) - 1n;
  t.is(p % 7n, 0n);
  t.is(evalOp('MULDIV_DOWN', [p / 7n, 7n, 2n]), U128_MAX);
  t.is(evalOp('MULDIV_UP', [p / 7n, 7n, 2n]), 'overflow');
});

// ---- signed (VM-OP-SADD … VM-OP-SGE) ----

test('VM-OP-SADD / SSUB / SMUL trap outside [−2^127, 2^127−1]', (t) => {
  t.is(evalOp('SADD', [s(I128_MAX), 1n]), 'overflow');
  t.is(evalOp('SADD', [s(I128_MIN), s(-1n)]), 'overflow');
  t.is(evalOp('SADD', [s(-5n), 3n]), s(-2n));
  t.is(evalOp('SSUB', [s(I128_MIN), 1n]), 'overflow');
  t.is(evalOp('SSUB', [0n, s(I128_MIN)]), 'overflow');
  t.is(evalOp('SSUB', [s(-1n), s(I128_MIN)]), s(I128_MAX));
  t.is(evalOp('SMUL', [s(I128_MIN), s(-1n)]), 'overflow');
  t.is(evalOp('SMUL', [s(-3n), s(4n)]), s(-12n));
  t.is(evalOp('SMUL', [1n << 64n, 1n << 63n]), 'overflow');
  t.is(evalOp('SMUL', [s(-(1n << 64n)), 1n << 63n]), s(I128_MIN));
});

test('VM-OP-SDIV truncates toward zero; MIN / −1 traps overflow; /0 traps div_by_zero', (t) => {
  t.is(evalOp('SDIV', [s(-7n), 2n]), s(-3n));
  t.is(evalOp('SDIV', [7n, s(-2n)]), s(-3n));
  t.is(evalOp('SDIV', [s(-7n), s(-2n)]), 3n);
  t.is(evalOp('SDIV', [s(I128_MIN), s(-1n)]), 'overflow');
  t.is(evalOp('SDIV', [s(I128_MIN), 1n]), s(I128_MIN));
  t.is(evalOp('SDIV', [1n, 0n]), 'div_by_zero');
});

test('VM-OP-SMOD takes the sign of the dividend; /0 traps', (t) => {
  t.is(evalOp('SMOD', [s(-7n), 2n]), s(-1n));
  t.is(evalOp('SMOD', [7n, s(-2n)]), 1n);
  t.is(evalOp('SMOD', [s(I128_MIN), s(-1n)]), 0n);
  t.is(evalOp('SMOD', [5n, 0n]), 'div_by_zero');
});

test('VM-OP-SNEG negates; −MIN traps overflow', (t) => {
  t.is(evalOp('SNEG', [5n]), s(-5n));
  t.is(evalOp('SNEG', [0n]), 0n);
  t.is(evalOp('SNEG', [s(I128_MAX)]), s(-I128_MAX));
  t.is(evalOp('SNEG', [s(I128_MIN)]), 'overflow');
});

test('VM-OP-SLT / SGT / SLE / SGE compare as i128, unsigned compares differ', (t) => {
  const neg = s(-1n);
  t.is(evalOp('SLT', [neg, 0n]), 1n);
  t.is(evalOp('LT', [neg, 0n]), 0n);
  t.is(evalOp('SGT', [0n, neg]), 1n);
  t.is(evalOp('SLE', [neg, neg]), 1n);
  t.is(evalOp('SGE', [s(I128_MIN), s(I128_MAX)]), 0n);
  t.is(evalOp('GE', [s(I128_MIN), s(I128_MAX)]), 1n);
});

// ---- compare and bitwise ----

test('VM-OP-EQ … ISZERO push 0 or 1', (t) => {
  t.is(evalOp('EQ', [U128_MAX, U128_MAX]), 1n);
  t.is(evalOp('NE', [U128_MAX, U128_MAX]), 0n);
  t.is(evalOp('LE', [3n, 3n]), 1n);
  t.is(evalOp('GT', [3n, 3n]), 0n);
  t.is(evalOp('ISZERO', [0n]), 1n);
  t.is(evalOp('ISZERO', [U128_MAX]), 0n);
});

test('VM-OP-AND / OR / XOR / NOT over all 128 bits', (t) => {
  t.is(evalOp('NOT', [0n]), U128_MAX);
  t.is(evalOp('NOT', [U128_MAX]), 0n);
  t.is(evalOp('AND', [U128_MAX, 0xf0n]), 0xf0n);
  t.is(evalOp('OR', [1n << 127n, 1n]), (1n << 127n) | 1n);
  t.is(evalOp('XOR', [U128_MAX, U128_MAX]), 0n);
});

test('VM-OP-SHL / SHR / SAR with shift amounts 0, 127, 128 and ≥ 2^64', (t) => {
  const big = 1n << 100n;
  for (const n of [128n, 129n, 1n << 64n, U128_MAX]) {
    t.is(evalOp('SHL', [U128_MAX, n]), 0n, `SHL ${n}`);
    t.is(evalOp('SHR', [U128_MAX, n]), 0n, `SHR ${n}`);
    t.is(evalOp('SAR', [s(-5n), n]), U128_MAX, `SAR negative ${n}`);
    t.is(evalOp('SAR', [5n, n]), 0n, `SAR positive ${n}`);
  }
  t.is(evalOp('SHL', [1n, 127n]), 1n << 127n);
  t.is(evalOp('SHL', [3n, 127n]), 1n << 127n, 'high bits fall off');
  t.is(evalOp('SHR', [U128_MAX, 127n]), 1n);
  t.is(evalOp('SHR', [big, 0n]), big);
  t.is(evalOp('SAR', [s(I128_MIN), 127n]), U128_MAX);
  t.is(evalOp('SAR', [s(-8n), 1n]), s(-4n));
  t.is(evalOp('SAR', [s(-1n), 1n]), s(-1n));
  t.is(evalOp('SAR', [I128_MAX, 126n]), 1n);
});

// ---- SELECT, stack and locals (VM-OP-SELECT, VM-OP-DUP, VM-OP-SWAP, VM-OP-LGET…) ----

test('VM-OP-SELECT picks a when c ≠ 0, else b', (t) => {
  t.is(evalOp('SELECT', [10n, 20n, 1n]), 10n);
  t.is(evalOp('SELECT', [10n, 20n, U128_MAX]), 10n);
  t.is(evalOp('SELECT', [10n, 20n, 0n]), 20n);
});

test('VM-OP-DUP n copies the word n below the top; VM-OP-SWAP n exchanges the top with it', (t) => {
  t.is(evalOp('DUP 0\nADD', [3n]), 6n);
  t.is(evalOp('DUP 2\nSWAP 3\nPOP\nPOP\nPOP', [1n, 2n, 3n]), 1n);
  t.is(evalOp('SWAP 1\nSUB', [3n, 10n]), 7n);
  t.is(evalOp('SWAP 2\nPOP\nPOP', [7n, 8n, 9n]), 9n);
});

test('VM-OP-PUSH8 / PUSH64 / PUSH128 push their little-endian constants', (t) => {
  t.is(evalOp('PUSH8 0xff', []), 0xffn);
  t.is(evalOp('PUSH64 0xffffffffffffffff', []), (1n << 64n) - 1n);
  t.is(evalOp(`PUSH128 0x${U128_MAX.toString(16)}`, []), U128_MAX);
  t.is(evalOp('PUSH -1', []), U128_MAX, 'negative constants are two’s complement');
});

test('VM-OP-LGET / LSET / LTEE: params first, locals start at 0', (t) => {
  // locals: 0 = a, 1 = b (params), 2 and 3 start at 0. local2 + b → tee local3 → + local3 → local2.
  const r = runBody('LGET 2\nLGET 1\nADD\nLTEE 3\nLGET 3\nADD\nLSET 2\nLGET 2\nLGET 0\nADD\nRET', { params: 2, locals: 2, args: [1n, 5n] });
  t.deepEqual(r.results, [11n]);
});

test('VM-OP-NOP and VM-OP-POP change nothing but the stack', (t) => {
  t.is(evalOp('NOP\nPOP', [1n, 2n]), 1n);
});

// ---- properties ----

const u128 = fc.oneof(fc.constantFrom(...U_EDGES), fc.bigInt({ min: 0n, max: U128_MAX }), fc.bigInt({ min: 0n, max: 300n }));
const i128 = fc.oneof(fc.constantFrom(...I_EDGES), fc.bigInt({ min: I128_MIN, max: I128_MAX }), fc.bigInt({ min: -300n, max: 300n })).map(mod);
const word = fc.oneof(u128, i128);
const RUNS = 60;

for (const [op, model] of Object.entries(BINARY)) {
  test(`property: VM-OP-${op} equals BigInt math with its trap conditions`, (t) => {
    const vm = opRunner(op, 2);
    fc.assert(fc.property(word, word, (a, c) => vm(a, c) === model(a, c)), { numRuns: RUNS });
    for (const a of U_EDGES) for (const c of U_EDGES) t.is(vm(a, c), model(a, c), `${op} ${a} ${c}`);
    for (const a of I_EDGES) for (const c of I_EDGES) t.is(vm(mod(a), mod(c)), model(mod(a), mod(c)), `${op} ${a} ${c}`);
  });
}

for (const [op, model] of Object.entries(UNARY)) {
  test(`property: VM-OP-${op} equals BigInt math with its trap conditions`, (t) => {
    const vm = opRunner(op, 1);
    fc.assert(fc.property(word, (a) => vm(a) === model(a)), { numRuns: RUNS });
    for (const a of [...U_EDGES, ...I_EDGES.map(mod)]) t.is(vm(a), model(a));
  });
}

for (const [op, model] of Object.entries(MULDIV)) {
  test(`property: VM-OP-${op} equals exact BigInt math, trapping div_by_zero then overflow`, (t) => {
    const vm = opRunner(op, 3);
    fc.assert(fc.property(word, word, word, (a, c, d) => vm(a, c, d) === model(a, c, d)), { numRuns: RUNS * 2 });
    for (const a of U_EDGES) for (const c of U_EDGES) for (const d of [0n, 1n, 3n, U128_MAX]) t.is(vm(a, c, d), model(a, c, d));
  });
}
