/**
 * Hash precompiles (spec/curvevm.md §9, VM-PRE-*): sha256 and keccak256 via @noble/hashes, Poseidon over
 * BN254 with circomlib's parameters via poseidon-lite (so circuits/ can match the VM bit for bit; the
 * test vector poseidon([1, 2]) = 0x115cc0f5…189a is circomlib's), Merkle path verification (lib/merkle).
 */
import * as P from 'poseidon-lite';
import { keccak256, sha256 } from '../lib/hash.ts';
import { verifyMerkle } from '../lib/merkle.ts';

/** BN254 scalar field modulus: Poseidon inputs must be below it (VM-PRE-POSEIDON-002). */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const POSEIDON_MAX_INPUTS = 16;
export const MERKLE_MAX_DEPTH = 64;

type PoseidonFn = (inputs: bigint[]) => bigint;
const POSEIDON: readonly PoseidonFn[] = [
  P.poseidon1, P.poseidon2, P.poseidon3, P.poseidon4, P.poseidon5, P.poseidon6, P.poseidon7, P.poseidon8,
  P.poseidon9, P.poseidon10, P.poseidon11, P.poseidon12, P.poseidon13, P.poseidon14, P.poseidon15, P.poseidon16,
] as unknown as PoseidonFn[];

/** Poseidon of 1..16 field elements; undefined when the arity or an element is out of range. */
export function poseidon(inputs: readonly bigint[]): bigint | undefined {
  const f = POSEIDON[inputs.length - 1];
  if (!f || inputs.some((x) => x < 0n || x >= BN254_R)) return undefined;
  return f([...inputs]);
}

export { keccak256, sha256, verifyMerkle };
