/**
 * Proof certificates and the proof bundle (spec/proofs.md §5). Each obligation's negated query (expected
 * `unsat`) and its non-vacuity witness queries (expected `sat`) are SMT-LIB2 files that any solver
 * re-checks; the bundle lists per obligation its id, level, family, the sha256 of each file, the verdict,
 * the solver and version and the seconds taken, and carries its own hash: sha256 of the canonical JSON
 * (MAN-JSON-001, the manifest's) of everything but the seconds (timings vary run to run; the hash must not, so a manifest's proof-hash slot
 * is reproducible).
 */
import { canonicalJson } from '../../reference/compiler/manifest.ts';
import { sha256Hex } from '../../reference/lib/hash.ts';
import type { ProveReport } from './prove.ts';
import type { Verdict } from './obligation.ts';

export const BUNDLE_FORMAT = 'curve-proof-bundle';
export const BUNDLE_VERSION = 1;

export interface CertificateFile {
  /** File name inside the `--emit-smt2` folder. */
  readonly file: string;
  readonly sha256: string;
  readonly expect: 'sat' | 'unsat';
}

export interface BundleEntry {
  readonly id: string;
  readonly level: string;
  readonly family: string;
  readonly invariants: readonly string[];
  readonly result: Verdict;
  readonly files: readonly CertificateFile[];
  readonly seconds: number;
}

export interface ProofBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: typeof BUNDLE_VERSION;
  readonly solver: { readonly name: string; readonly version: string };
  readonly obligations: readonly BundleEntry[];
  /** sha256 of the canonical JSON of the bundle without `hash` and without any `seconds`. */
  readonly hash: string;
}

const enc = new TextEncoder();

/** A file-system-safe name for an obligation id (`SAFE-DEBIT/P7/expired-fails` → `SAFE-DEBIT__P7__expired-fails`). */
export function certificateName(id: string): string {
  return id.replaceAll('/', '__').replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Every certificate of a report: file name → SMT-LIB2 text, with what a correct solver answers. */
export function certificateFiles(r: ProveReport): { file: string; text: string; expect: 'sat' | 'unsat'; id: string }[] {
  return r.entries.flatMap((e) => {
    const base = certificateName(e.id);
    const out: { file: string; text: string; expect: 'sat' | 'unsat'; id: string }[] = [];
    if (e.result.smt2) out.push({ file: `${base}.smt2`, text: e.result.smt2, expect: 'unsat', id: e.id });
    (e.result.witnessSmt2 ?? []).forEach((text, i) => out.push({ file: `${base}.witness-${i}.smt2`, text, expect: 'sat', id: e.id }));
    return out;
  });
}

function hashOf(b: Omit<ProofBundle, 'hash'>): string {
  const stable = { ...b, obligations: b.obligations.map(({ seconds: _s, ...rest }) => rest) };
  return sha256Hex(enc.encode(canonicalJson(stable)));
}

export function proofBundle(r: ProveReport, solver: { name: string; version: string }): ProofBundle {
  const files = certificateFiles(r);
  const body: Omit<ProofBundle, 'hash'> = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    solver,
    obligations: r.entries.map((e) => ({
      id: e.id,
      level: e.level,
      family: e.family,
      invariants: e.invariants,
      result: e.verdict,
      files: files.filter((f) => f.id === e.id).map((f) => ({ file: f.file, sha256: sha256Hex(enc.encode(f.text)), expect: f.expect })),
      seconds: Math.round(e.seconds * 1000) / 1000,
    })),
  };
  return { ...body, hash: hashOf(body) };
}

/** Recompute a bundle's hash (a bundle read back from JSON verifies iff nothing but timings changed). */
export function verifyBundleHash(b: ProofBundle): boolean {
  const { hash, ...body } = b;
  return hashOf(body) === hash;
}
