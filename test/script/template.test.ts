/**
 * The function sublanguage (spec/curvescript.md §7): the example template checks clean; names,
 * types, literals, built-ins and `cfg` bindings behave as the spec says (CS-NAME-*, CS-TYPE-*, CS-BIND-*).
 */
import test from 'ava';
import { checkSource } from '../../reference/script/index.ts';
import { cfgBindings } from '../../reference/script/directives.ts';
import { BUILTINS } from '../../reference/script/builtins.ts';
import { SYSCALLS } from '../../reference/vm/syscalls.ts';
import { codes, codesAt, readRepoFile } from './helpers.ts';

const check = (body: string, header = 'template slab;\n') => checkSource(header + body, 't.curve');
const clean = (body: string, header?: string) => codes(check(body, header).diagnostics);

test('CS-TYPE-001: reference/script/examples/guarded_debit.curve checks with zero diagnostics', (t) => {
  const path = 'reference/script/examples/guarded_debit.curve';
  const r = checkSource(readRepoFile(path), path);
  t.deepEqual(r.diagnostics, []);
  t.is(r.template?.target, 'slab');
  t.true((r.template?.types.exprTypes.size ?? 0) > 50);
});

test('CS-TYPE-003: an integer literal takes the type its context expects, u128 when none; out of range is CS2208', (t) => {
  t.deepEqual(clean('fn f() -> u64 {\n  let a: u64 = 18_446_744_073_709_551_615;\n  return a + 1;\n}\n'), []);
  t.deepEqual(clean('fn f() -> i128 {\n  return -170_141_183_460_469_231_731_687_303_715_884_105_728;\n}\n'), []);
  t.deepEqual(clean('fn f() -> i128 {\n  return -170_141_183_460_469_231_731_687_303_715_884_105_729;\n}\n'), ['CS2208']);
  t.deepEqual(clean('fn f() -> u64 {\n  let a = 1;\n  return a;\n}\n'), ['CS2201'], 'a bare literal is u128');
  t.deepEqual(clean('fn f(a: u64) -> bool {\n  return 1 < a;\n}\n'), [], 'a literal on the left takes the right side type');
  t.deepEqual(clean('fn f() -> u64 {\n  return -1;\n}\n'), ['CS2203']);
});

test('CS-TYPE-001: no implicit conversions; `as` converts integers and address <-> u128 only (CS-TYPE-012)', (t) => {
  t.deepEqual(clean('fn f(a: u64, b: u128) -> u128 {\n  return a as u128 + b;\n}\n'), []);
  t.deepEqual(clean('fn f(a: address) -> u128 {\n  return a as u128;\n}\n'), []);
  t.deepEqual(clean('fn f(a: u64, b: u128) -> u128 {\n  return a + b;\n}\n'), ['CS2201']);
  t.deepEqual(clean('fn f(a: bytes32) -> u128 {\n  return a as u128;\n}\n'), ['CS2211']);
});

test('CS-TYPE-010: operators: % and bitwise on unsigned only, negation on i128 only, == on scalars only', (t) => {
  t.deepEqual(clean('fn f(a: u64, b: u64) -> u64 {\n  return a % b & b | a ^ b << 2 >> 1;\n}\n'), []);
  t.deepEqual(clean('fn f(a: i128) -> i128 {\n  return a % 2;\n}\n'), ['CS2203']);
  t.deepEqual(clean('fn f(a: i128) -> i128 {\n  return -a * 2 - 1;\n}\n'), []);
  t.deepEqual(clean('fn f(a: bytes32, b: bytes32) -> bool {\n  return a == b && !(a != b);\n}\n'), []);
  t.deepEqual(clean('struct P {\n  q: u64,\n}\nfn f(a: P, b: P) -> bool {\n  return a == b;\n}\n'), ['CS2203']);
  t.deepEqual(clean('fn f(a: bool) {\n  let _x = a << 1;\n}\n'), ['CS2203']);
});

test('CS-TYPE-011: every division names its rounding: `/` is CS2204; div_*/mul_div_* are generic over u64/u128', (t) => {
  t.deepEqual(clean('fn f(a: u64, b: u64) -> u64 {\n  return div_up(a, b) + div_down(a, 3) + mul_div_up(a, b, 7) + mul_div_down(1, 2, b);\n}\n'), []);
  t.deepEqual(clean('fn f(a: i128) -> i128 {\n  return mul_div_up(a, a, a);\n}\n'), ['CS2201']);
  t.deepEqual(clean('fn f(a: i128) -> i128 {\n  return min(a, max(a, -1));\n}\n'), []);
  t.deepEqual(clean('fn f(a: i128) -> u128 {\n  return abs(a);\n}\n'), []);
});

test('CS-BUILTIN-SYS: every syscall built-in names a CurveVM syscall, and each syscall a template can reach is covered', (t) => {
  const names = new Set<string>(SYSCALLS.map((s) => s.name));
  const used = BUILTINS.flatMap((b) => ('syscall' in b ? [b.syscall as string] : []));
  for (const s of used) t.true(names.has(s), s);
  t.deepEqual([...names].filter((n) => !used.includes(n)), []);
});

test('CS-BUILTIN-SYS: syscalls type-check with their documented signatures; oracle() returns a record', (t) => {
  const body = `fn f(u: address, s: address, c: u128) -> u64 {
  let bal = escrow_balance(u, s, 1);
  let cap = cap_mint(u, s, 1, bal, clock() + 1_000);
  let st = cap_debit(cap, min(bal, cap_remaining(c)));
  let r = oracle(cfg.feed);
  let id = hold_id(self_id(), route_id(origin(), 7), 1);
  require(st == SYS_OK && r.price > 0 && id != 0 && caller() != u, E);
  return r.publish_time;
}
error E = 1;
`;
  t.deepEqual(clean(body), []);
});

test('CS-BIND-002: cfg fields are the schema arguments of the template kind, typed u64/u128/bool', (t) => {
  t.deepEqual(clean('fn f() -> bool {\n  return cfg.imr_bps > cfg.mmr_bps && cfg.jit_penalty && cfg.feed != 0;\n}\n'), []);
  t.deepEqual(clean('fn f() -> u64 {\n  return cfg.cap_ttl_ms;\n}\n', 'template router;\n'), []);
  t.deepEqual(clean('fn f() -> u64 {\n  return cfg.cap_ttl_ms;\n}\n'), ['CS2104'], 'a slab template has no router constants');
  t.deepEqual(clean('fn f() -> u64 {\n  let c = cfg;\n  return 1;\n}\n'), ['CS2114', 'CS2201']);
  const names = cfgBindings('SLAB').map((b) => b.name);
  t.is(new Set(names).size, names.length, 'binding names are unique');
  t.true(names.includes('batch_ms') && names.includes('latency_sla_ms') && names.includes('imr_bps'));
});

test('CS-TYPE-030: loops have static bounds; a cfg bound is bounded by its schema maximum', (t) => {
  t.deepEqual(clean('const N: u64 = 4 * 8;\nfn f() {\n  for _i in 0..N {}\n  for _j in 2..cfg.freeze_top_k {}\n}\n'), []);
  t.deepEqual(codesAt(check('fn f() {\n  for _i in 0..cfg.orders {}\n}\n').diagnostics), ['CS2209 3:16']);
  t.deepEqual(codes(check('fn f(n: u64) {\n  for _i in n..4 {}\n}\n').diagnostics), ['CS2209']);
});

test('CS-TYPE-004: arrays: constant or cfg lengths, indexing by u64, constant index checked', (t) => {
  t.deepEqual(clean('storage book: [u128; cfg.orders];\nfn f(i: u64) -> u128 {\n  let a = [1, 2, 3];\n  let b: [u64; 2] = [0; 2];\n  return book[i] + a[2] + b[1] as u128;\n}\n'), []);
  t.deepEqual(codes(check('storage s: [u64; 0];\n').diagnostics), ['CS2210']);
  t.deepEqual(codes(check('fn f(n: u64) {\n  let _a = [0; n];\n}\n').diagnostics), ['CS2210']);
  t.deepEqual(codes(check('fn f() {\n  let _a = [];\n}\n').diagnostics), ['CS2210']);
  t.deepEqual(codes(check('fn f(a: u64) -> u64 {\n  return a[0];\n}\n').diagnostics), ['CS2213']);
});

test('CS-NAME-010: assignment to storage and let mut (fields and elements too); not to params, loop vars, cfg', (t) => {
  const ok = 'struct P {\n  q: u64,\n}\nstorage ps: [P; 4];\nfn f() {\n  let mut x: u64 = 0;\n  x += 1;\n  ps[x].q = x;\n  ps[0] = P { q: 1 };\n}\n';
  t.deepEqual(clean(ok), []);
  t.deepEqual(codes(check('fn f(a: u64) {\n  a = 1;\n}\n').diagnostics), ['CS2112']);
  t.deepEqual(codes(check('fn f() {\n  for i in 0..2 {\n    i = 1;\n  }\n}\n').diagnostics), ['CS2112']);
  t.deepEqual(codes(check('fn f() {\n  cfg.imr_bps = 1;\n}\n').diagnostics), ['CS2112']);
  t.deepEqual(codes(check('const C: u64 = 1;\nfn f() {\n  C = 2;\n}\n').diagnostics), ['CS2112']);
  t.deepEqual(codes(check('fn f(a: bool) {\n  let mut b = a;\n  b += a;\n}\n').diagnostics), ['CS2203']);
});

test('CS-NAME-002: no shadowing: a local may not reuse a local, global or built-in name', (t) => {
  t.deepEqual(codes(check('const A: u64 = 1;\nfn f(A: u64) {}\n').diagnostics), ['CS2102']);
  t.deepEqual(codes(check('fn f(a: u64) {\n  let a = 1;\n}\n').diagnostics), ['CS2102', 'CS2114']);
  t.deepEqual(codes(check('fn clock() {}\n').diagnostics), ['CS2102']);
  t.deepEqual(codes(check('struct P {\n  a: u64,\n  a: u64,\n}\n').diagnostics), ['CS2102']);
});

test('CS-TYPE-020: returns: every path of a valued function returns; if/else both returning counts', (t) => {
  t.deepEqual(clean('fn f(a: u64) -> u64 {\n  if a > 1 {\n    return 1;\n  } else if a > 0 {\n    return 2;\n  } else {\n    return 3;\n  }\n}\n'), []);
  t.deepEqual(codes(check('fn f() -> u64 {\n  return;\n}\n').diagnostics), ['CS2206']);
  t.deepEqual(codes(check('fn g() {}\nfn f() {\n  let _x = g();\n}\n').diagnostics), ['CS2201']);
});

test('CS-NAME-007: indirect recursion is rejected once per cycle; calls to non-functions are CS2207', (t) => {
  t.deepEqual(codes(check('fn a() {\n  b();\n}\nfn b() {\n  c();\n}\nfn c() {\n  a();\n}\n').diagnostics), ['CS2107']);
  t.deepEqual(codes(check('fn f(x: u64) {\n  x();\n}\n').diagnostics), ['CS2207']);
  t.deepEqual(codes(check('fn f() {\n  nope();\n}\n').diagnostics), ['CS2101']);
});

test('CS-TYPE-006: struct literals: every field once; events check their arguments', (t) => {
  t.deepEqual(codes(check('struct P {\n  q: u64,\n}\nfn f() -> P {\n  return P { q: 1, q: 2, r: 3 };\n}\n').diagnostics), ['CS2214', 'CS2214']);
  t.deepEqual(codes(check('fn f() -> u64 {\n  return Q { q: 1 };\n}\n').diagnostics), ['CS2103']);
  t.deepEqual(codes(check('event E(a: u64);\nfn f() {\n  emit E(true);\n}\n').diagnostics), ['CS2201']);
});

test('CS-NAME-001: names used as the wrong kind of thing are type errors, not crashes', (t) => {
  t.deepEqual(codes(check('event E(a: u64);\nfn f() -> u64 {\n  return E;\n}\n').diagnostics), ['CS2201']);
  t.deepEqual(codes(check('fn f() -> u64 {\n  return clock;\n}\n').diagnostics), ['CS2101']);
  t.deepEqual(codes(check('fn g() -> u64 {\n  return 1;\n}\nfn f() -> u64 {\n  return g;\n}\n').diagnostics), ['CS2201']);
});
