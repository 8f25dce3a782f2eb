/**
 * A gate run as one value (spec/gate.md GATE-OUT-*): the verdict, the gates' records, the evidence
 * matrix and the approved manifest with its proof hashes filled in (MAN-PROOF-001) — the input of every
 * renderer. `summaryJson` is the machine-readable form (`summary.json`).
 */
import { encodeManifestBorsh, encodeManifestJson, manifestHash, type Manifest } from '../reference/compiler/manifest.ts';
import type { GateConfig } from './config.ts';
import { buildMatrix, designIds, type Matrix } from './matrix.ts';
import { compiledVenue, type CompiledVenue } from './stages/compile.ts';
import { proofRun } from './stages/prove.ts';
import type { StageContext } from './stage.ts';
import type { ProofRun } from './producers.ts';
import type { Profile, StageRecord } from './types.ts';
import { decide, type Verdict } from './verdict.ts';

export interface ApprovedManifest {
  readonly json: string;
  readonly borsh: Uint8Array;
  readonly hash: string;
  /** Per module: bytecode hash and proof hash (null: no certificate for it in this run). */
  readonly modules: readonly { readonly name: string; readonly bytecodeHash: string; readonly proofHash: string | null }[];
}

export interface GateReport {
  readonly verdict: Verdict;
  readonly profile: Profile;
  readonly command: string;
  readonly venueFile: string;
  readonly gates: readonly StageRecord[];
  readonly matrix: Matrix;
  readonly manifest?: ApprovedManifest;
  readonly seconds: number;
}

/** MAN-PROOF-001: the compiled manifest with each module's certificate hash, when the prover gave one. */
export function approvedManifest(compiled: CompiledVenue, proofs: ProofRun | undefined): ApprovedManifest {
  const m: Manifest = { ...compiled.manifest, modules: compiled.manifest.modules.map((x) => ({ ...x, proofHash: proofs?.certificates[x.name] ?? null })) };
  return { json: encodeManifestJson(m), borsh: encodeManifestBorsh(m), hash: manifestHash(m), modules: m.modules.map((x) => ({ name: x.name, bytecodeHash: x.bytecodeHash, proofHash: x.proofHash })) };
}

export function assembleReport(ctx: StageContext, records: readonly StageRecord[], seconds: number): GateReport {
  const config: GateConfig = ctx.config;
  const matrix = buildMatrix(
    designIds(ctx.inputs.designText),
    records.flatMap((r) => r.evidence),
    config.matrix.countPending,
  );
  const compiled = compiledVenue(ctx);
  return {
    verdict: decide(config, records, matrix),
    profile: ctx.profile,
    command: ctx.command,
    venueFile: ctx.inputs.venue.file,
    gates: records,
    matrix,
    ...(compiled ? { manifest: approvedManifest(compiled, proofRun(ctx.artifacts)) } : {}),
    seconds,
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** GATE-OUT-003: summary.json. */
export function summaryJson(r: GateReport): string {
  return (
    JSON.stringify(
      {
        verdict: r.verdict.verdict,
        profile: r.profile,
        venue: r.venueFile,
        command: r.command,
        seconds: round(r.seconds),
        reasons: r.verdict.reasons,
        criteria: r.verdict.criteria.map((c) => ({ name: c.name, title: c.title, passed: c.passed, stages: c.stages, checks: c.checks, reasons: c.reasons })),
        gates: r.gates.map((g) => ({ name: g.name, title: g.title, status: g.status, passed: g.passed, seconds: round(g.seconds), summary: g.summary, figures: g.figures, thresholds: g.thresholds, reasons: g.reasons, reproduce: g.reproduce })),
        matrix: {
          ids: r.matrix.ids,
          covered: r.matrix.covered,
          failing: r.matrix.failing,
          noEvidence: r.matrix.noEvidence,
          rows: r.matrix.rows.map((row) => ({ id: row.id, status: row.status, counts: row.counts, evidence: row.evidence.map((e) => ({ kind: e.kind, ref: e.ref, status: e.status, ...(e.detail ? { detail: e.detail } : {}) })) })),
        },
        manifest: r.manifest ? { hash: r.manifest.hash, modules: r.manifest.modules } : null,
      },
      null,
      2,
    ) + '\n'
  );
}
