/**
 * Every vector kind, registered by importing this file: the CurveVM kinds (kinds.ts), the perp scenarios
 * (kinds-perp.ts), the compiler (kinds-compiler.ts), traces and the text format (kinds-tools.ts). The runner, the adapter and the fillers import it, so a kind is known wherever vectors
 * are filled, run or served.
 */
import './kinds.ts';
import './kinds-perp.ts';
import './kinds-compiler.ts';
import './kinds-tools.ts';

export { kindHandler, kindNames } from './kinds.ts';
