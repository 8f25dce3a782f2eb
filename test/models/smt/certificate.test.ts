/**
 * Certificates and the proof bundle (spec/proofs.md §5): SMT-LIB2 that an independent solver process
 * re-checks — Debian's cvc5 (installed by .ci/run; this test never skips) and z3 command lines — with the
 * expected answers; the bundle hash ignores timings and changes with any result or certificate.
 */
import test from 'ava';
import { certificateFiles, certificateName, proofBundle, verifyBundleHash } from '../../../models/smt/certificate.ts';
import { proveAll, type ProveReport } from '../../../models/smt/prove.ts';
import { specObligations } from '../../../models/smt/spec/index.ts';
import { closeZ3 } from '../../../models/smt/z3.ts';
import { readFileSync } from 'node:fs';
import { compileVenue } from '../../../reference/compiler/compile.ts';
import { buildManifest, decodeManifestJson, encodeManifestBorsh, encodeManifestJson, manifestHash, readManifestBorsh } from '../../../reference/compiler/manifest.ts';
import { loadTemplates } from '../../../cli/commands/compile.ts';
import { DEFAULT_VENUE, recheckCertificates, solverVersion, withProofHash } from '../../../cli/commands/prove.ts';

test.after.always(async () => closeZ3());

/** One quick obligation per family and theory (QF_BV, QF_LIA, QF_NIA) that cvc5 1.0.3 decides in seconds. */
const SAMPLE = [
  'SAFE-DEBIT/R6/debit-within-min',
  'SAFE-DEBIT/P5/escrow-equals-caps',
  'SAFE-DEBIT/F1/expired-commit-returns-escrow',
  'RESERVATION/M5/concurrent-reserves',
  'RESERVATION/S11/tax-zero-without-overlap',
  'MARGIN/S10/round-trip',
  'MARGIN/NUM-005/fees-round-up',
  'MARGIN/VAL1/maker-fill-conserves',
];

let report: Promise<ProveReport> | undefined;
function sampleReport(): Promise<ProveReport> {
  let n = 0;
  report ??= proveAll(
    specObligations().filter((o) => SAMPLE.includes(o.id)),
    { timeoutMs: 60_000, clock: () => (n += 0.5) },
  );
  return report;
}

test.serial('PROOF-CERT-001 certificates are plain SMT-LIB2 with declared variables, the logic, the expected status and check-sat', async (t) => {
  const r = await sampleReport();
  t.is(r.proved, SAMPLE.length);
  const files = certificateFiles(r);
  t.is(files.filter((f) => f.expect === 'unsat').length, SAMPLE.length);
  t.true(files.filter((f) => f.expect === 'sat').length >= 2 * SAMPLE.length, 'assumption and path witnesses');
  for (const f of files) {
    t.regex(f.text, /\(set-logic QF_(BV|LIA|NIA)\)/);
    t.regex(f.text, new RegExp(`\\(set-info :status ${f.expect}\\)`));
    t.regex(f.text, /\(declare-fun \w+ \(\) (Int|\(_ BitVec 128\))\)/);
    t.regex(f.text, /\(check-sat\)\n\(exit\)\n$/);
    t.notRegex(f.text, /bvudiv_i|bvurem_i|div0|mod0/, 'no solver-internal operators');
  }
  t.is(certificateName('SAFE-DEBIT/P7/expired-fails'), 'SAFE-DEBIT__P7__expired-fails');
});

test.serial('PROOF-CERT-003 cvc5 (a second, independent solver) re-checks a sample of certificates: negations unsat, witnesses sat', async (t) => {
  t.regex(solverVersion('cvc5'), /cvc5/);
  const files = certificateFiles(await sampleReport());
  const results = recheckCertificates(files, 'cvc5', 60);
  for (const r of results) t.true(r.ok, `${r.file}: expected ${r.expect}, cvc5 says ${r.got}`);
  t.is(results.length, files.length);
});

test.serial('PROOF-CERT-003 the z3 command line re-checks the same sample, and a false claim of unsat is caught', async (t) => {
  const files = certificateFiles(await sampleReport());
  const results = recheckCertificates(files.slice(0, 6), 'z3', 60);
  for (const r of results) t.true(r.ok, `${r.file}: expected ${r.expect}, z3 says ${r.got}`);
  // A certificate claimed unsat that is not (the assumptions alone, a witness query): the re-check disagrees.
  const w = files.find((f) => f.expect === 'sat' && f.id === 'MARGIN/NUM-005/fees-round-up');
  if (!w) return t.fail('no witness certificate');
  const [bad] = recheckCertificates([{ ...w, file: 'tampered.smt2', expect: 'unsat' }], 'cvc5', 60);
  t.false(bad?.ok);
  t.is(bad?.got, 'sat');
});

test.serial('PROOF-CERT-002 the proof bundle hash covers ids, results and certificate hashes but not the seconds', async (t) => {
  const r = await sampleReport();
  const solver = { name: 'z3-solver', version: 'z3 test' };
  const b = proofBundle(r, solver);
  t.true(verifyBundleHash(b));
  t.regex(b.hash, /^[0-9a-f]{64}$/);
  t.is(b.obligations.length, SAMPLE.length);
  for (const o of b.obligations) for (const f of o.files) t.regex(f.sha256, /^[0-9a-f]{64}$/);
  const slower = { ...r, entries: r.entries.map((e) => ({ ...e, seconds: e.seconds + 7 })) };
  t.is(proofBundle(slower, solver).hash, b.hash, 'timings are not hashed');
  const failed = { ...r, entries: r.entries.map((e, i) => (i === 0 ? { ...e, verdict: 'unknown' as const } : e)) };
  t.not(proofBundle(failed, solver).hash, b.hash);
  t.not(proofBundle(r, { ...solver, version: 'z3 other' }).hash, b.hash);
  const reread = JSON.parse(JSON.stringify(b));
  t.true(verifyBundleHash(reread));
  t.false(verifyBundleHash({ ...reread, obligations: reread.obligations.slice(1) }));
});

test.serial('MAN-PROOF-001 compile --prove fills every module proofHash with the bundle hash: bytecode and descriptor hashes unchanged, manifest hash changed, both encodings round-trip', (t) => {
  const templates = loadTemplates(undefined);
  const venue = { file: 'perp.curve', text: readFileSync(DEFAULT_VENUE, 'utf8') };
  const r = compileVenue(venue, templates);
  if (!r.modules || !r.venue) return t.fail('the shipped venue compiles');
  const m = buildManifest(r.venue, r.modules);
  const hash = 'ab'.repeat(32);
  const proved = withProofHash(m, hash);
  t.true(m.modules.every((x) => x.proofHash === null));
  t.true(proved.modules.every((x) => x.proofHash === hash));
  t.deepEqual(
    proved.modules.map((x) => [x.bytecodeHash, x.descriptorHash]),
    m.modules.map((x) => [x.bytecodeHash, x.descriptorHash]),
  );
  t.not(manifestHash(proved), manifestHash(m));
  t.deepEqual(decodeManifestJson(encodeManifestJson(proved)), proved);
  t.is(readManifestBorsh(encodeManifestBorsh(proved)).modules[0]?.proofHash, hash);
});
