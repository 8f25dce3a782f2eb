/**
 * spec/gate.md GATE-CLI-*: `curve gate` arguments, one-line errors and exit codes (0 GO, 1 NO-GO, 2 bad
 * input), and GATE-OUT-*: the files it writes. Runs in process on the fast gates (`--only`).
 */
import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRITERIA } from '../../reports/config.ts';
import { curve } from '../cli/helpers.ts';
import { read } from './helpers.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'curve-gate-'));

test.serial('GATE-CLI-002 bad arguments are one line and exit 2', async (t) => {
  const dir = tmp();
  const cases: [string[], RegExp][] = [
    [['gate', 'examples/perp.curve', '--profile', 'medium'], /--profile must be quick or full/],
    [['gate', 'examples/perp.curve', '--only', 'compile,nope'], /--only: unknown gate "nope"/],
    [['gate', 'examples/perp.curve', '--seed', '-3'], /--seed expects/],
    [['gate', join(dir, 'missing.curve'), '--out', join(dir, 'o')], /missing\.curve: error USAGE: no such file/],
    [['gate', 'examples/perp.curve', '--config', join(dir, 'none.json')], /none\.json: error USAGE: no such file/],
  ];
  for (const [argv, re] of cases) {
    const r = await curve(...argv);
    t.is(r.code, 2, argv.join(' '));
    t.regex(r.err, re);
    t.is(r.err.trim().split('\n').length, 1, 'one line');
  }
});

test.serial('GATE-CFG-002 a bad --config file is one line naming the file and path, exit 2', async (t) => {
  const dir = tmp();
  writeFileSync(join(dir, 'bad.json'), '{"stages": {"tests": {"maxFailures": "none"}}}');
  const r = await curve('gate', 'examples/perp.curve', '--config', join(dir, 'bad.json'), '--out', join(dir, 'o'));
  t.is(r.code, 2);
  t.regex(r.err, /bad\.json: \/stages\/tests\/maxFailures: error GATE-CFG: must be integer/);
  t.false(existsSync(join(dir, 'o')), 'nothing written');
});

test.serial('GATE-CLI-003 an --out folder holding other files is refused before anything runs (exit 2)', async (t) => {
  const dir = tmp();
  mkdirSync(join(dir, 'o'));
  writeFileSync(join(dir, 'o', 'notes.txt'), 'mine');
  const r = await curve('gate', 'examples/perp.curve', '--only', 'compile', '--out', join(dir, 'o'));
  t.is(r.code, 2);
  t.is(readFileSync(join(dir, 'o', 'notes.txt'), 'utf8'), 'mine');
});

test.serial('GATE-CLI-002 a broken source: NO-GO (exit 1) with the diagnostics and the reproduction command in every output', async (t) => {
  const dir = tmp();
  const venue = join(dir, 'broken.curve');
  writeFileSync(venue, read('examples/perp.curve').replace('imr_bps=500', 'imr_bps=oops'));
  const r = await curve('gate', venue, '--only', 'compile', '--out', join(dir, 'o'));
  t.is(r.code, 1);
  t.regex(r.out, /verdict: NO-GO/);
  t.regex(r.out, /report: .*index\.html/);
  const s = JSON.parse(readFileSync(join(dir, 'o', 'summary.json'), 'utf8')) as { verdict: string; gates: { name: string; passed: boolean; reproduce: string[]; reasons: string[] }[] };
  t.is(s.verdict, 'NO-GO');
  const g = s.gates.find((x) => x.name === 'compile');
  t.false(g?.passed);
  t.deepEqual(g?.reproduce, [`curve compile ${venue}`]);
  t.regex(g?.reasons[0] ?? '', /broken\.curve:\d+:\d+: CS\d{4}/);
  const md = readFileSync(join(dir, 'o', 'go-no-go.md'), 'utf8');
  t.true(md.startsWith('# Go/no-go: **NO-GO**'), 'verdict first');
  t.true(md.includes(`curve compile ${venue}`));
  t.regex(readFileSync(join(dir, 'o', 'junit.xml'), 'utf8'), /<testcase classname="gate" name="compile"[^>]*>\s*<failure/);
  t.false(existsSync(join(dir, 'o', 'manifest.json')), 'no manifest approved');
});

test.serial('GATE-CLI-002 GO exits 0; GATE-OUT-005 the approved manifest is written beside the report', async (t) => {
  const dir = tmp();
  const criteria = Object.fromEntries(CRITERIA.map((c) => [c, { stages: ['compile'], checks: [], matrix: false }]));
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ criteria }));
  const r = await curve('gate', 'examples/perp.curve', '--only', 'compile', '--config', join(dir, 'c.json'), '--out', join(dir, 'o'));
  t.is(r.code, 0, r.out + r.err);
  t.regex(r.out, /verdict: GO/);
  const s = JSON.parse(readFileSync(join(dir, 'o', 'summary.json'), 'utf8')) as { verdict: string; manifest: { hash: string; modules: { proofHash: string | null }[] } };
  t.is(s.verdict, 'GO');
  const manifest = JSON.parse(readFileSync(join(dir, 'o', 'manifest.json'), 'utf8')) as { modules: { proofHash: null }[] };
  t.true(manifest.modules.length >= 3);
  t.true(s.manifest.modules.every((m) => m.proofHash === null), 'no prover ran: no proof hash is claimed');
  t.true(existsSync(join(dir, 'o', 'manifest.borsh')));
  const again = await curve('gate', 'examples/perp.curve', '--only', 'compile', '--config', join(dir, 'c.json'), '--out', join(dir, 'o'));
  t.is(again.code, 0, 'an earlier report folder is replaced');
});
