/**
 * Error recovery (spec/curvescript.md §3.4, CS-GRAM-004): one run reports several errors, each at its
 * place, and the rest of the file is still checked — per statement, per directive line, per item.
 */
import test from 'ava';
import { checkSource } from '../../reference/script/index.ts';
import { codesAt } from './helpers.ts';

test('CS-GRAM-004: a template with a broken statement, a broken declaration and a type error reports all three', (t) => {
  const src = [
    'template slab;', //                              1
    'fn f(a: u64) -> u64 {', //                       2
    '  let x = ;', //                                 3  CS1010 at ';'
    '  let y: u64 = a + true;', //                    4  CS2201 at 'true'
    '  return y;', //                                 5
    '}', //                                           6
    'const = 5;', //                                  7  CS1010 at '='
    'fn g() -> bool {', //                            8
    '  return 1 < 2 < 3;', //                         9  CS1016 at the second '<'
    '}', //                                           10
    'fn h() -> u64 {', //                             11
    '  return nope;', //                              12 CS2101
    '}', //                                           13
  ].join('\n');
  t.deepEqual(codesAt(checkSource(src, 't').diagnostics), ['CS1010 3:11', 'CS2201 4:20', 'CS1010 7:7', 'CS1016 9:16', 'CS2101 12:10']);
});

test('CS-GRAM-004: a venue with bad lines in several blocks reports each, and schema checks still run elsewhere', (t) => {
  const src = [
    'ROUTER {', //                                    1
    '  COLLATERAL asset=USDC vault_cap=1 +', //       2  CS1013
    '  CAP_TTL ms=60_000 )', //                       3  CS1013
    '  RESERVATION_BATCH ms=50', //                   4
    '  FEE_CAPS maker_bps_max=10 taker_bps_max=20', //5
    '  INSURANCE asset=USDC', //                      6
    '}', //                                           7
    'SLAB "perp:X" {', //                             8
    '  = 3', //                                       9  CS1010
    '  INSTRUMENT symbol=X contract_size=1 tick=1 lot=1', // 10
    '  ORACLE feed="pyth:X"', //                      11
    '  RISK imr_bps=5 mmr_bps=5', //                  12 CS3005
    '  FEE maker_bps=1 taker_bps=2', //               13
    '  BATCH ms=50', //                               14
    '}', //                                           15
    'ORACLE "pyth:X" {', //                           16
    '  HEARTBEAT ms="fast"', //                       17 CS2004
    '}', //                                           18
  ].join('\n');
  t.deepEqual(codesAt(checkSource(src, 'v').diagnostics), ['CS1013 2:37', 'CS1013 3:21', 'CS1010 9:3', 'CS3005 12:16', 'CS2004 17:16']);
});

test('CS-GRAM-004: an unclosed block is reported at its brace and the next block still parses', (t) => {
  const src = 'ORACLE "pyth:A" {\n  HEARTBEAT ms=1\nORACLE "pyth:B" {\n  HEARTBEAT ms=1\n}\n';
  const r = checkSource(src, 'v');
  t.deepEqual(codesAt(r.diagnostics), ['CS2010 1:1', 'CS1011 1:17']);
  t.is(r.ast.items.length, 2);
});

test('CS-GRAM-004: garbage between items is skipped to the next item that starts a line', (t) => {
  const src = 'template slab;\n} } ) 42 ;\nfn f() -> u64 {\n  return 1;\n}\n@\nconst A: u64 = true;\n';
  t.deepEqual(codesAt(checkSource(src, 't').diagnostics), ['CS1010 2:1', 'CS1001 6:1', 'CS2201 7:16']);
});
