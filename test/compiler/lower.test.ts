/**
 * Lowering (spec/curvescript.md §10, CS-LOWER-*, CS-SEM-*): compiled templates behave as the language
 * says when run on the reference VM — checked arithmetic per type, conversions, shifts, records in
 * locals and storage, arrays with range-checked indices, ids equal to the tools', event encoding,
 * evaluation order, short-circuit.
 */
import test from 'ava';
import fc from 'fast-check';
import { commitment, holdId, nameId, routeId } from '../../reference/script/ids.ts';
import { bytesToHex } from '../../reference/lib/hex.ts';
import { U128_MAX, U64_MAX, fromSigned, readUintLE, toSigned } from '../../reference/lib/u128.ts';
import { compileRouter, compileText, runner } from './lower-helpers.ts';

const I128 = (v: bigint): bigint => fromSigned(v);

test('CS-SEM-ARITH u64 + and * trap past 2^64−1; u128 at 2^128−1; - below zero', (t) => {
  const r = runner(compileRouter(`
pub fn add64(a: u64, b: u64) -> u64 { return a + b; }
pub fn mul64(a: u64, b: u64) -> u64 { return a * b; }
pub fn sub64(a: u64, b: u64) -> u64 { return a - b; }
pub fn add128(a: u128, b: u128) -> u128 { return a + b; }
pub fn mod128(a: u128, b: u128) -> u128 { return a % b; }`));
  t.deepEqual(r.call('add64', [U64_MAX - 1n, 1n]).results, [U64_MAX]);
  t.is(r.call('add64', [U64_MAX, 1n]).halt, 'overflow');
  t.deepEqual(r.call('mul64', [1n << 32n, (1n << 32n) - 1n]).results, [(1n << 64n) - (1n << 32n)]);
  t.is(r.call('mul64', [1n << 32n, 1n << 32n]).halt, 'overflow');
  t.is(r.call('sub64', [1n, 2n]).halt, 'overflow');
  t.is(r.call('add128', [U128_MAX, 1n]).halt, 'overflow');
  t.is(r.call('mod128', [5n, 0n]).halt, 'div_by_zero');
});

test('CS-SEM-ARITH i128 arithmetic, negation, comparisons, min/max/abs', (t) => {
  const r = runner(compileRouter(`
pub fn f(a: i128, b: i128) -> i128 { return a * b - a + -b; }
pub fn neg(a: i128) -> i128 { return -a; }
pub fn lt(a: i128, b: i128) -> bool { return a < b; }
pub fn mn(a: i128, b: i128) -> i128 { return min(a, b); }
pub fn mx(a: i128, b: i128) -> i128 { return max(a, b); }
pub fn ab(a: i128) -> u128 { return abs(a); }
pub fn lit() -> i128 { return -7; }`));
  fc.assert(fc.property(fc.bigInt(-(1n << 60n), 1n << 60n), fc.bigInt(-(1n << 60n), 1n << 60n), (a, b) => {
    t.deepEqual(r.call('f', [I128(a), I128(b)]).results.map(toSigned), [a * b - a - b]);
    t.deepEqual(r.call('lt', [I128(a), I128(b)]).results, [a < b ? 1n : 0n]);
    t.deepEqual(r.call('mn', [I128(a), I128(b)]).results.map(toSigned), [a < b ? a : b]);
    t.deepEqual(r.call('mx', [I128(a), I128(b)]).results.map(toSigned), [a > b ? a : b]);
    t.deepEqual(r.call('ab', [I128(a)]).results, [a < 0n ? -a : a]);
  }), { numRuns: 40 });
  t.is(r.call('neg', [I128(-(1n << 127n))]).halt, 'overflow');
  t.deepEqual(r.call('ab', [I128(-(1n << 127n))]).results, [1n << 127n]);
  t.deepEqual(r.call('lit').results.map(toSigned), [-7n]);
});

test('CS-SEM-ARITH conversions trap when the value does not fit; address ↔ u128 reinterpret', (t) => {
  const r = runner(compileRouter(`
pub fn to64(a: u128) -> u64 { return a as u64; }
pub fn sto64(a: i128) -> u64 { return a as u64; }
pub fn toU(a: i128) -> u128 { return a as u128; }
pub fn toI(a: u128) -> i128 { return a as i128; }
pub fn addr(a: u128) -> u128 { let x: address = a as address; return x as u128; }`));
  t.deepEqual(r.call('to64', [U64_MAX]).results, [U64_MAX]);
  t.is(r.call('to64', [U64_MAX + 1n]).halt, 'overflow');
  t.is(r.call('sto64', [I128(-1n)]).halt, 'overflow');
  t.deepEqual(r.call('sto64', [5n]).results, [5n]);
  t.is(r.call('toU', [I128(-1n)]).halt, 'overflow');
  t.is(r.call('toI', [1n << 127n]).halt, 'overflow');
  t.deepEqual(r.call('toI', [(1n << 127n) - 1n]).results, [(1n << 127n) - 1n]);
  t.deepEqual(r.call('addr', [U128_MAX]).results, [U128_MAX]);
});

test('CS-SEM-ARITH shifts: << traps when bits fall off or the shift reaches the width; >> floors', (t) => {
  const r = runner(compileRouter(`
pub fn shl64(a: u64, n: u64) -> u64 { return a << n; }
pub fn shl128(a: u128, n: u64) -> u128 { return a << n; }
pub fn shr(a: u128, n: u64) -> u128 { return a >> n; }`));
  t.deepEqual(r.call('shl64', [1n, 63n]).results, [1n << 63n]);
  t.is(r.call('shl64', [2n, 63n]).halt, 'overflow');
  t.is(r.call('shl64', [0n, 64n]).halt, 'overflow');
  t.deepEqual(r.call('shl128', [3n, 100n]).results, [3n << 100n]);
  t.is(r.call('shl128', [1n, 128n]).halt, 'overflow');
  t.is(r.call('shl128', [3n, 127n]).halt, 'overflow');
  t.deepEqual(r.call('shr', [7n, 1n]).results, [3n]);
  t.deepEqual(r.call('shr', [7n, 200n]).results, [0n]);
});

test('CS-BUILTIN-MULDIV rounding directions; u64 results that do not fit trap', (t) => {
  const r = runner(compileRouter(`
pub fn up(a: u128, b: u128, d: u128) -> u128 { return mul_div_up(a, b, d); }
pub fn down(a: u128, b: u128, d: u128) -> u128 { return mul_div_down(a, b, d); }
pub fn up64(a: u64, b: u64, d: u64) -> u64 { return mul_div_up(a, b, d); }
pub fn dup(a: u64, d: u64) -> u64 { return div_up(a, d); }
pub fn ddown(a: u64, d: u64) -> u64 { return div_down(a, d); }`));
  fc.assert(fc.property(fc.bigInt(0n, U128_MAX), fc.bigInt(0n, 1n << 64n), fc.bigInt(1n, U128_MAX), (a, b, d) => {
    const exact = a * b;
    const lo = exact / d;
    const hi = lo + (exact % d === 0n ? 0n : 1n);
    const down = r.call('down', [a, b, d]);
    const upr = r.call('up', [a, b, d]);
    if (lo > U128_MAX) t.is(down.halt, 'overflow');
    else t.deepEqual(down.results, [lo]);
    if (hi > U128_MAX) t.is(upr.halt, 'overflow');
    else t.deepEqual(upr.results, [hi]);
  }), { numRuns: 60 });
  t.is(r.call('up64', [U64_MAX, 2n, 1n]).halt, 'overflow');
  t.deepEqual(r.call('up64', [U64_MAX, 2n, 2n]).results, [U64_MAX]);
  t.deepEqual(r.call('dup', [7n, 2n]).results, [4n]);
  t.deepEqual(r.call('ddown', [7n, 2n]).results, [3n]);
  t.is(r.call('ddown', [7n, 0n]).halt, 'div_by_zero');
});

test('CS-BUILTIN-PURE wrapping arithmetic wraps at the type width', (t) => {
  const r = runner(compileRouter(`
pub fn wa(a: u64, b: u64) -> u64 { return wrapping_add(a, b); }
pub fn ws(a: u64, b: u64) -> u64 { return wrapping_sub(a, b); }
pub fn wm(a: u128, b: u128) -> u128 { return wrapping_mul(a, b); }`));
  t.deepEqual(r.call('wa', [U64_MAX, 2n]).results, [1n]);
  t.deepEqual(r.call('ws', [0n, 1n]).results, [U64_MAX]);
  t.deepEqual(r.call('wm', [U128_MAX, 2n]).results, [U128_MAX - 1n]);
});

test('CS-SEM-STORAGE records and arrays in storage keep their packed layout and persist', (t) => {
  const m = compileRouter(`
struct Order { id: u64, live: bool, px: u128, owner: address }
storage count: u64;
storage orders: [Order; 4];
pub fn put(i: u64, id: u64, px: u128) {
  orders[i] = Order { px: px, id: id, live: true, owner: origin() };
  count += 1;
}
pub fn get(i: u64) -> Order { return orders[i]; }
pub fn price(i: u64) -> u128 { return orders[i].px; }
pub fn bump(i: u64) { orders[i].px += 1; }`);
  t.deepEqual(m.storage.map((s) => [s.name, s.offset, s.bytes, s.capacity, s.stride]), [['count', 0, 8, undefined, undefined], ['orders', 8, 4 * 41, 4, 41]]);
  t.is(m.memory.storageBytes, 176);
  const r = runner(m);
  t.is(r.call('put', [2n, 9n, 1234n]).status, 'ok');
  t.is(r.call('bump', [2n]).status, 'ok');
  t.deepEqual(r.call('get', [2n]).results, [9n, 1n, 1235n, 0n]);
  t.deepEqual(r.call("price", [1n]).results, [0n]);
  t.is(r.world.readSegmentWord(m.hash, 0), 1n);
});

test('CS-LOWER-INDEX an index past the end halts with storage_oob / memory_oob and writes nothing', (t) => {
  const r = runner(compileRouter(`
storage xs: [u64; 3];
pub fn set(i: u64, v: u64) { xs[i] = v; }
pub fn get(i: u64) -> u64 { return xs[i]; }
pub fn local(i: u64) -> u64 { let mut a: [u64; 4] = [5; 4]; a[1] = 6; return a[i]; }
pub fn lit(i: u64) -> u128 { let a = [10, 20, 30]; return a[i]; }`));
  t.is(r.call('set', [3n, 1n]).halt, 'storage_oob');
  t.is(r.call('set', [U64_MAX, 1n]).halt, 'storage_oob');
  t.is(r.call('get', [3n]).halt, 'storage_oob');
  t.is(r.call('set', [2n, 7n]).status, 'ok');
  t.deepEqual(r.call('get', [2n]).results, [7n]);
  t.deepEqual(r.call('local', [0n]).results, [5n]);
  t.deepEqual(r.call('local', [1n]).results, [6n]);
  t.is(r.call('local', [4n]).halt, 'memory_oob');
  t.deepEqual(r.call('lit', [2n]).results, [30n]);
});

test('CS-ID-003…005 route_id, hold_id and commitment in bytecode equal the tools\' ids', (t) => {
  const r = runner(compileRouter(`
pub fn rid(user: address, nonce: u64) -> u128 { return route_id(user, nonce); }
pub fn hid(slab: address, route: u128, seq: u64) -> u128 { return hold_id(slab, route, seq); }
pub fn com(route: u128, ins: u64, side: u64, qty: u128, px: u128, salt: bytes32) -> bytes32 { return commitment(route, ins, side, qty, px, salt); }
pub fn same(route: u128, salt: bytes32, other: bytes32) -> bool { return commitment(route, 1, 0, 1, 1, salt) == commitment(route, 1, 0, 1, 1, other); }`));
  fc.assert(fc.property(fc.bigInt(0n, U128_MAX), fc.bigInt(0n, U64_MAX), fc.bigInt(0n, 1n), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, n, side, salt) => {
    t.deepEqual(r.call('rid', [a, n]).results, [routeId(a, n)]);
    t.deepEqual(r.call('hid', [a, a ^ 5n, n]).results, [holdId(a, a ^ 5n, n)]);
    const want = commitment(a, n, side, a, a, salt);
    t.deepEqual(r.call('com', [a, n, side, a, a, readUintLE(salt, 0, 16), readUintLE(salt, 16, 16)]).results, [readUintLE(want, 0, 16), readUintLE(want, 16, 16)]);
  }), { numRuns: 25 });
  t.is(r.call('com', [1n, 1n, 256n, 1n, 1n, 0n, 0n]).halt, 'overflow');
  t.deepEqual(r.call('same', [3n, 1n, 2n, 1n, 2n]).results, [1n]);
  t.deepEqual(r.call('same', [3n, 1n, 2n, 1n, 3n]).results, [0n]);
});

test('CS-SEM-EMIT an event is one log: topic = name id, data = fields packed in order', (t) => {
  const r = runner(compileRouter(`
event Filled(order: u64, buy: bool, qty: u128);
pub fn fill(o: u64, q: u128) { emit Filled(o, true, q); }`));
  const res = r.call('fill', [0x0102n, 0x0304n]);
  t.is(res.status, 'ok');
  t.is(res.logs.length, 1);
  const log = res.logs[0];
  t.deepEqual(log?.topics, [nameId('Filled')]);
  t.is(bytesToHex(log?.data ?? new Uint8Array()), '0201000000000000' + '01' + '0403' + '00'.repeat(14));
});

test('CS-LOWER-ORDER operands, arguments and compound assignments evaluate left to right', (t) => {
  const r = runner(compileRouter(`
event Step(n: u64);
storage x: u64;
fn tick(n: u64) -> u64 { emit Step(n); x = x * 10 + n; return n; }
pub fn args() -> u64 { return pair(tick(1), tick(2) + tick(3)); }
fn pair(a: u64, b: u64) -> u64 { return a * 100 + b; }
pub fn compound() -> u64 { x = 1; x += tick(5); return x; }
pub fn trap_first(a: u64) -> u64 { return pair(a - 1, tick(9)); }`));
  const a = r.call('args');
  t.deepEqual(a.results, [105n]);
  t.deepEqual(a.logs.map((l) => l.data[0]), [1, 2, 3]);
  t.deepEqual(r.call('compound').results, [20n]); // x += tick(5): tick runs first (x = 15), then x is read
  const trap = r.call('trap_first', [0n]);
  t.is(trap.halt, 'overflow');
});

test('CS-SEM-ARITH && and || short-circuit: the right side is not evaluated', (t) => {
  const r = runner(compileRouter(`
pub fn and(a: u64) -> bool { return a > 0 && 10 % a == 0; }
pub fn or(a: u64) -> bool { return a == 0 || 10 % a == 0; }
pub fn and2(a: u64, b: u64) -> bool { return a > 0 && b - a > 1; }`));
  t.deepEqual(r.call('and', [0n]).results, [0n]);
  t.deepEqual(r.call('and', [5n]).results, [1n]);
  t.deepEqual(r.call('or', [0n]).results, [1n]);
  t.deepEqual(r.call('or', [3n]).results, [0n]);
  t.deepEqual(r.call('and2', [0n, 0n]).results, [0n]);
  t.is(r.call('and2', [2n, 1n]).halt, 'overflow');
  t.deepEqual(r.call('and2', [2n, 9n]).results, [1n]);
});

test('CS-SEM-REQUIRE reverts with the error code and discards writes; records in locals copy by value', (t) => {
  const r = runner(compileRouter(`
error E_BIG = 42;
struct P { a: u64, b: u128 }
storage s: u128;
pub fn f(v: u128) -> u128 { s = v; require(v < 10, E_BIG); return s; }
pub fn swap(a: u64, b: u128) -> P { let mut p = P { a: a, b: b }; let q = p; p.a = 0; return P { a: q.a + p.a, b: q.b }; }
pub fn read() -> u128 { return s; }`));
  t.deepEqual(r.call('f', [3n]).results, [3n]);
  const bad = r.call('f', [11n]);
  t.is(bad.status, 'revert');
  t.is(bad.revertCode, 42n);
  t.deepEqual(r.call('read').results, [3n]);
  t.deepEqual(r.call('swap', [4n, 5n]).results, [4n, 5n]);
});

test('CS-LOWER: loops, if/else chains and cfg constants from the venue block', (t) => {
  const r = runner(compileRouter(`
pub fn sum(n: u64) -> u64 { let mut s: u64 = 0; for i in 0..10 { if i < n { s += i; } else if i == 9 { s += 100; } else { s += 0; } } return s; }
pub fn ttl() -> u64 { return cfg.cap_ttl_ms + cfg.reservation_batch_ms; }`));
  t.deepEqual(r.call('sum', [3n]).results, [103n]);
  t.deepEqual(r.call('sum', [10n]).results, [45n]);
  t.deepEqual(r.call('ttl').results, [60_050n]);
});

test('CS4006 arrays are not whole values; CS4007 too many locals', (t) => {
  const d = compileText('template router;\nstorage xs: [u64; 4];\npub fn f() { let _a = xs; }\n').diagnostics;
  t.deepEqual(d.map((x) => [x.code, x.span.line]), [['CS4006', 3]]);
  const many = Array.from({ length: 1100 }, (_, i) => (i === 0 ? 'let v0: u128 = 1;' : `let v${i}: u128 = v${i - 1} + 1;`)).join(' ');
  const d2 = compileText(`template router;\npub fn f() -> u128 { ${many} return v1099; }\n`).diagnostics;
  t.deepEqual(d2.map((x) => x.code), ['CS4007']);
});
