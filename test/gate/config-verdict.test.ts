/**
 * spec/gate.md GATE-CFG-* (configuration: merge, schema, one-line errors), GATE-EVID-* (the evidence
 * matrix from texts) and GATE-VERDICT-* (the five criteria decided from the gates' evidence).
 */
import test from 'ava';
import { CRITERIA, GateConfigError, loadConfig, mergeConfig } from '../../reports/config.ts';
import { buildMatrix, checkerIds, citingTests, designIds, leadingIds } from '../../reports/matrix.ts';
import { outcome, type StageRecord } from '../../reports/types.ts';
import { decide } from '../../reports/verdict.ts';
import { DEFAULTS_TEXT, config, read } from './helpers.ts';

test('GATE-CFG-001 the embedded defaults are valid and name the five criteria of the design', (t) => {
  const c = loadConfig(DEFAULTS_TEXT);
  t.deepEqual(Object.keys(c.criteria).sort(), [...CRITERIA].sort());
  t.is(c.stages.conformance.maxFailures, 0);
});

test('GATE-CFG-001 a user file merges over the defaults: objects by key, arrays and scalars replace', (t) => {
  t.deepEqual(mergeConfig({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] } }), { a: { b: 1, c: [3] }, d: 1 });
  const c = loadConfig(DEFAULTS_TEXT, { file: 'u.json', text: '{"stages": {"conformance": {"maxFailures": 2}}}' });
  t.is(c.stages.conformance.maxFailures, 2);
  t.is(c.stages.conformance.minVectors, 1);
});

test('GATE-CFG-002 bad configurations are one error naming the file and the JSON path', (t) => {
  const bad = (text: string): GateConfigError => t.throws(() => loadConfig(DEFAULTS_TEXT, { file: 'u.json', text }), { instanceOf: GateConfigError }) as GateConfigError;
  t.regex(bad('{"stages": {"conformance": {"maxFailures": -1}}}').oneLine(), /^u\.json: \/stages\/conformance\/maxFailures: error GATE-CFG: must be >= 0$/);
  t.regex(bad('{"stages": {"conformanse": {}}}').oneLine(), /u\.json: \/stages: .*unknown key "conformanse"/);
  t.regex(bad('{"profiles": {"quick": {"soak": {"seeds": []}}}}').oneLine(), /\/profiles\/quick\/soak\/seeds/);
  t.regex(bad('{"criteria": {"safety": {"checks": [{"stage": "bench", "figure": "x", "op": "~", "limit": 1}]}}}').oneLine(), /\/criteria\/safety\/checks\/0\/op/);
  t.regex(bad('{ not json').oneLine(), /^u\.json: error GATE-CFG: not JSON/);
  t.regex(bad('[1]').oneLine(), /must be a JSON object/);
});

test('GATE-EVID-001 ids come from the texts: design ids, checker ids, leading ids of test titles', (t) => {
  const ids = designIds(read('spec/design/PERP_DESIGN.md'));
  t.true(ids.includes('P1') && ids.includes('E2E4') && ids.includes('PFM3'));
  t.is(new Set(ids).size, ids.length);
  const checkers = checkerIds(read('spec/invariants.md'));
  t.true(checkers.includes('P3') && checkers.includes('S5'));
  t.false(checkers.includes('P1'), 'P1 is a transition property, not a checker predicate');
  t.deepEqual(leadingIds('S7/M2 pending orders never match'), ['S7', 'M2']);
  t.deepEqual(leadingIds('PERP-OP-001 keeps state'), []);
  t.deepEqual(leadingIds('P10 only governance'), ['P10']);
  const cited = citingTests([{ file: 'f.test.ts', text: "test('R6 a', () => {});\ntest(`X9 b`, () => {});\ntest(\"RM4 c\", () => {});" }], ids);
  t.deepEqual(cited.map((c) => c.ids), [['R6'], ['RM4']]);
});

test('GATE-EVID-002 a row is failing on any failure, covered on a pass, otherwise no evidence', (t) => {
  const m = buildMatrix(['P1', 'P2', 'P3', 'P4'], [
    { invariant: 'P1', kind: 'test', ref: 'a', status: 'pass' },
    { invariant: 'P2', kind: 'test', ref: 'b', status: 'pass' },
    { invariant: 'P2', kind: 'proof', ref: 'c', status: 'fail' },
    { invariant: 'P3', kind: 'soak', ref: 'd', status: 'pending' },
    { invariant: 'X9', kind: 'test', ref: 'e', status: 'pass' },
  ], false);
  t.deepEqual(m.rows.map((r) => r.status), ['covered', 'failing', 'no evidence', 'no evidence']);
  t.deepEqual(m.noEvidence, ['P3', 'P4']);
  t.is(buildMatrix(['P3'], [{ invariant: 'P3', kind: 'soak', ref: 'd', status: 'pending' }], true).covered, 1);
});

const rec = (name: string, status: StageRecord['status'], figures: StageRecord['figures'] = {}): StageRecord => ({ ...outcome({ status, summary: name, figures, reasons: status === 'pass' ? [] : [`${name} broke`] }), name, title: name, passed: status === 'pass', seconds: 1 });
const allPass = (): StageRecord[] => [
  ...['compile', 'prove', 'conformance', 'tests', 'differential'].map((n) => rec(n, 'pass')),
  rec('soak', 'pass', { violations: 0 }),
  rec('experiments', 'pass', { im_ratio_max: 1.01, lp_variance_ratio: 0.5, sandwich_payoff_max: 0 }),
  rec('bench', 'pass', { reserve_median_us: 50, commit_median_us: 60, inserts_per_s: 90_000 }),
];
const fullMatrix = buildMatrix(['P1'], [{ invariant: 'P1', kind: 'test', ref: 'a', status: 'pass' }], false);

test('GATE-VERDICT-002 every gate passing with figures inside the thresholds and a full matrix is GO', (t) => {
  const v = decide(config(), allPass(), fullMatrix);
  t.is(v.verdict, 'GO');
  t.deepEqual(v.reasons, []);
  t.true(v.criteria.every((c) => c.passed));
});

test('GATE-VERDICT-001 each criterion fails on its own evidence: a figure over its limit, an absent figure, a gate without evidence, a matrix gap', (t) => {
  const over = allPass().map((r) => (r.name === 'bench' ? { ...r, figures: { ...r.figures, reserve_median_us: 250 } } : r.name === 'experiments' ? { ...r, figures: { ...r.figures, im_ratio_max: null } } : r));
  const v = decide(config(), over, fullMatrix);
  t.is(v.verdict, 'NO-GO');
  t.deepEqual(v.criteria.filter((c) => !c.passed).map((c) => c.name), ['capitalEfficiency', 'performance']);
  t.true(v.reasons.includes('Performance: reserve_median_us = 250 (gate bench) needs < 200'));
  t.true(v.reasons.includes('Capital efficiency: no evidence: figure im_ratio_max of gate experiments is absent (needs <= 1.05)'));

  const noSoak = allPass().map((r) => (r.name === 'soak' ? rec('soak', 'no-evidence') : r));
  const v2 = decide(config(), noSoak, buildMatrix(['P1', 'P2'], [], false));
  t.deepEqual(v2.criteria.filter((c) => !c.passed).map((c) => c.name), ['safety', 'reliability']);
  t.true(v2.reasons.some((r) => r.startsWith('Reliability: gate soak has no evidence')));
  t.true(v2.reasons.includes('Safety: no evidence for 2 of 2 invariant id(s): P1, P2'));
});

test('GATE-VERDICT-002 a failing gate no criterion names is still a NO-GO reason', (t) => {
  const v = decide(config(), [...allPass(), rec('extra', 'fail')], fullMatrix);
  t.is(v.verdict, 'NO-GO');
  t.deepEqual(v.reasons, ['gate extra failed: extra broke']);
});
