/**
 * Every vector kind, registered by importing this file: the CurveVM kinds (kinds.ts), the perp scenarios
 * (kinds-perp.ts). The runner, the adapter and the fillers import it, so a kind is known wherever vectors
 * are filled, run or served.
 */
import './kinds.ts';
import './kinds-perp.ts';

export { kindHandler, kindNames } from './kinds.ts';
