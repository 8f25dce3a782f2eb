/** The `perp` group: perp scenario vectors filled from the golden model (conformance/kinds-perp.ts). */
import type { Filler } from '../filler.ts';
import { perpAccountVectors } from './perp-accounts.ts';
import { perpFlowVectors } from './perp-flows.ts';

export const perpFiller: Filler = { group: 'perp', specs: () => [...perpAccountVectors(), ...perpFlowVectors()] };
