/**
 * The gates of `curve gate`, in the order they run (spec/gate.md GATE-STAGE-001). Adding a gate: one file
 * in this folder exporting a `Stage`, one line here, its thresholds in gate.defaults.json and the schema
 * (reports/config.ts), and its rule in spec/gate.md.
 */
import type { Stage } from '../stage.ts';
import { benchStage } from './bench.ts';
import { compileStage } from './compile.ts';
import { conformanceStage } from './conformance.ts';
import { differentialStage } from './differential.ts';
import { experimentsStage } from './experiments.ts';
import { proveStage } from './prove.ts';
import { soakStage } from './soak.ts';
import { testsStage } from './tests.ts';

export const STAGES: readonly Stage[] = [compileStage, proveStage, conformanceStage, testsStage, differentialStage, experimentsStage, soakStage, benchStage];
