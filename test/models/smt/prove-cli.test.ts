/**
 * `curve prove` (spec/proofs.md §6): the JSON object's counts and per-obligation entries, exit 0 only when
 * every selected obligation is proved, certificates and bundle on disk, and bad arguments as one line with
 * exit 2. Each run ends the z3 threads (closeZ3) and the next one starts a fresh instance.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyBundleHash, type ProofBundle } from '../../../models/smt/certificate.ts';
import { curve } from '../../cli/helpers.ts';

test.serial('P7 curve prove --only SAFE-DEBIT/P7 --json: one object with the counts and per-obligation entries, exit 0', async (t) => {
  const r = await curve('prove', '--only', 'SAFE-DEBIT/P7', '--json', '--timeout', '60');
  t.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  for (const k of ['obligations', 'proved', 'counterexamples', 'unknown', 'partial', 'vacuous', 'seconds', 'entries', 'bundleHash']) t.true(k in j, k);
  t.is(j.obligations, 2);
  t.is(j.proved, 2);
  t.is(j.vacuous + j.unknown + j.partial + j.counterexamples, 0);
  t.deepEqual(
    j.entries.map((e: { id: string }) => e.id),
    ['SAFE-DEBIT/P7/expired-fails', 'SAFE-DEBIT/P7/remaining-le-max'],
  );
  for (const e of j.entries) {
    t.is(e.verdict, 'proved');
    t.is(e.level, 'spec');
    t.is(typeof e.seconds, 'number');
    t.truthy(e.witness);
    // PROOF-RUN-006: the z3 resource units the obligation spent, below its budget
    t.true(Number.isInteger(e.rlimit) && e.rlimit > 0 && e.rlimit < j.budget.rlimit, `rlimit ${e.rlimit}`);
  }
  t.deepEqual(j.budget, { timeoutS: 60, rlimit: 120_000_000, wallMs: 240_000 });
  t.is(j.rlimit, j.entries[0].rlimit + j.entries[1].rlimit);
  t.is(j.heaviest.length, 2);
});

test.serial('RM3 curve prove --emit-smt2 writes each certificate and the proof bundle; the table names verdict and seconds', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'curve-prove-'));
  try {
    const r = await curve('prove', '--only', 'MARGIN/RM3/*', '--emit-smt2', dir);
    t.is(r.code, 0, r.err);
    t.regex(r.out, /proved\s+\d+\.\d\d s\s+\d+\.\d Mrl {2}spec {5}MARGIN\/RM3\/threshold-monotone-long/);
    t.regex(r.out, /z3 rlimit 120000000, wall-clock safety net 240 s/);
    t.regex(r.out, /heaviest \(z3 rlimit, [\d.]+ M in all\): MARGIN\/RM3\//);
    t.regex(r.out, /2 obligation\(s\): 2 proved, 0 counterexample\(s\), 0 unknown, 0 partial, 0 vacuous/);
    const files = readdirSync(dir).sort();
    t.true(files.includes('MARGIN__RM3__threshold-monotone-long.smt2'));
    t.true(files.includes('MARGIN__RM3__threshold-monotone-short.witness-0.smt2'));
    const bundle = JSON.parse(readFileSync(join(dir, 'proof-bundle.json'), 'utf8')) as ProofBundle;
    t.true(verifyBundleHash(bundle));
    t.regex(r.out, new RegExp(`proof bundle ${bundle.hash}`));
    t.is(bundle.obligations.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.serial('PROOF-CLI-001 curve prove rejects bad arguments with one line and exit 2', async (t) => {
  for (const [args, msg] of [
    [['--only', 'NO-SUCH-OBLIGATION'], /--only NO-SUCH-OBLIGATION: no obligation matches/],
    [['--timeout', 'soon'], /--timeout: expected a positive number of seconds/],
    [['--timeout', '0'], /--timeout: expected a positive number/],
    [['--recheck', 'yices'], /--recheck: expected cvc5 or z3/],
    [['--workers', '0'], /--workers: expected a whole number from 1 to 64/],
    [['no-such-venue.curve'], /no-such-venue\.curve.*no such file|no such file.*no-such-venue\.curve/],
  ] as const) {
    const r = await curve('prove', ...args);
    t.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    t.is(r.err.trim().split('\n').length, 1, r.err);
    t.regex(r.err, msg);
  }
});
