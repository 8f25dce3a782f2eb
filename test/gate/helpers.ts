/** Fixtures for the gate tests: a stage context over the real project files, small sizes, injectable producers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VECTORS_DIR, loadVectors } from '../../conformance/files.ts';
import { loadConfig, mergeConfig, type GateConfig } from '../../reports/config.ts';
import type { Producers } from '../../reports/producers.ts';
import type { GateInputs, StageContext } from '../../reports/stage.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');
export const DEFAULTS_TEXT = read('reports/gate.defaults.json');

let vectorsCache: ReturnType<typeof loadVectors> | undefined;

/** The real inputs; `venueText` replaces examples/perp.curve's text. */
export function inputs(over: Partial<GateInputs> = {}, venueText?: string): GateInputs {
  vectorsCache ??= loadVectors(VECTORS_DIR, VECTORS_DIR);
  const tpl = (k: string) => ({ file: `stdlib/${k}.curve`, text: read(`stdlib/${k}.curve`) });
  return {
    venue: { file: 'examples/perp.curve', text: venueText ?? read('examples/perp.curve') },
    templates: { router: tpl('router'), slab: tpl('slab'), oracle: tpl('oracle') },
    designText: read('spec/design/PERP_DESIGN.md'),
    invariantsText: read('spec/invariants.md'),
    vmSpecText: read('spec/curvevm.md'),
    vectors: vectorsCache.vectors,
    vectorProblems: [],
    testFiles: [],
    ...over,
  };
}

/** The defaults with `over` merged in (as a --config file would be). */
export function config(over: unknown = {}): GateConfig {
  return loadConfig(DEFAULTS_TEXT, { file: 'test.json', text: JSON.stringify(mergeConfig({ profiles: { quick: { differential: { sequences: 2, steps: 40 }, experiments: { seeds: [1], rounds: 40 } } } }, over)) });
}

/** A context with a counting clock (1 ms per read) and no producers unless given. */
export function context(o: { producers?: Producers; config?: GateConfig; inputs?: GateInputs } = {}): StageContext & { lines: string[] } {
  let t = 0;
  const lines: string[] = [];
  const cfg = o.config ?? config();
  return {
    profile: 'quick',
    config: cfg,
    settings: cfg.profiles.quick,
    inputs: o.inputs ?? inputs(),
    producers: o.producers ?? {},
    command: 'curve gate examples/perp.curve --profile quick',
    clock: () => (t += 1),
    artifacts: new Map(),
    progress: (l) => lines.push(l),
    lines,
  };
}
