/** Every filler of the suite, in group order. Add a filler here to make `curve conformance fill` write it. */
import type { Filler } from '../filler.ts';
import { callsFiller } from './calls.ts';
import { hashFiller, memoryFiller, storageFiller } from './memory.ts';
import { opcodesFiller } from './opcodes.ts';
import { perpFiller } from './perp.ts';
import { validationFiller } from './validation.ts';
import { logFiller, syscallsFiller } from './syscalls.ts';

export const FILLERS: readonly Filler[] = [opcodesFiller, memoryFiller, storageFiller, hashFiller, syscallsFiller, logFiller, callsFiller, validationFiller, perpFiller];
