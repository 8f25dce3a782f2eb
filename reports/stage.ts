/**
 * The stage list and its runner (spec/gate.md GATE-STAGE-*). A stage is a name, a title and
 * `run(ctx) → StageOutcome`; the runner runs them in order, times each with the clock the CLI passes in,
 * and turns a stage that throws into a failed stage with the reason — one stage's crash never hides the
 * others' evidence. Adding a gate is one new file under reports/stages/ and one line in STAGES.
 */
import type { TemplateSet, SourceText } from '../reference/compiler/compile.ts';
import type { Vector } from '../conformance/format.ts';
import type { GateConfig, ProfileConfig } from './config.ts';
import type { Producers } from './producers.ts';
import { outcome, type Profile, type StageOutcome, type StageRecord } from './types.ts';

/** Everything the stages read: texts, never paths (the CLI does the reading). */
export interface GateInputs {
  readonly venue: SourceText;
  readonly templates: TemplateSet;
  /** PERP_DESIGN.md: the invariant ids of the matrix. */
  readonly designText: string;
  /** spec/invariants.md: which ids the model's checker covers. */
  readonly invariantsText: string;
  /** spec/curvevm.md: the VM rule ids for conformance coverage. */
  readonly vmSpecText: string;
  readonly vectors: readonly { readonly vector: Vector; readonly file: string }[];
  /** Vector files that could not be read, one line each. */
  readonly vectorProblems: readonly string[];
  /** Test files (path relative to the project, text) scanned for invariant-id titles. */
  readonly testFiles: readonly { readonly file: string; readonly text: string }[];
}

export interface StageContext {
  readonly profile: Profile;
  readonly config: GateConfig;
  readonly settings: ProfileConfig;
  readonly inputs: GateInputs;
  readonly producers: Producers;
  /** The command line of this run, for reproduction commands. */
  readonly command: string;
  /** Milliseconds from the CLI's wall clock (sub-timings only; never a pass/fail input). */
  readonly clock: () => number;
  /** Values a stage hands to later stages (the compile result for the prover), by stage name. */
  readonly artifacts: Map<string, unknown>;
  progress(line: string): void;
}

export interface Stage {
  readonly name: string;
  readonly title: string;
  run(ctx: StageContext): Promise<StageOutcome>;
}

export interface RunHooks {
  onStart?(stage: Stage): void;
  onEnd?(record: StageRecord): void;
}

/** GATE-STAGE-001: run every stage in order; each gets a record, whatever the others did. */
export async function runStages(stages: readonly Stage[], ctx: StageContext, hooks: RunHooks = {}): Promise<StageRecord[]> {
  const records: StageRecord[] = [];
  for (const stage of stages) {
    hooks.onStart?.(stage);
    const t0 = ctx.clock();
    let out: StageOutcome;
    try {
      out = await stage.run(ctx);
    } catch (e) {
      const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
      out = outcome({ status: 'fail', summary: `${stage.title} stopped with an error`, reasons: [`${stage.name} stage error: ${msg}`], reproduce: [ctx.command] });
    }
    const record: StageRecord = { ...out, name: stage.name, title: stage.title, passed: out.status === 'pass', seconds: Math.max(0, (ctx.clock() - t0) / 1000) };
    records.push(record);
    hooks.onEnd?.(record);
  }
  return records;
}
