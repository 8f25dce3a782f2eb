/** Every filler of the suite, in group order. Add a filler here to make `curve conformance fill` write it. */
import type { Filler } from '../filler.ts';
import { callsFiller } from './calls.ts';
import { hashFiller, memoryFiller, storageFiller } from './memory.ts';
import { opcodesFiller } from './opcodes.ts';
import { perpFiller } from './perp.ts';
import { compilerFiller, compilerStdlibFiller } from './compiler.ts';
import { asmFiller, exactFiller, traceFiller } from './tooling.ts';
import '../kinds-all.ts';
import { validationFiller } from './validation.ts';
import { logFiller, syscallsFiller } from './syscalls.ts';

export const FILLERS: readonly Filler[] = [opcodesFiller, memoryFiller, storageFiller, hashFiller, syscallsFiller, logFiller, callsFiller, exactFiller, validationFiller, traceFiller, asmFiller, compilerFiller, compilerStdlibFiller, perpFiller];
