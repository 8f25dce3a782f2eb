/** SEQ-SOAK-PLANT: the checkers have teeth — every planted bug is found within three seeds, with its seed and a reproduction line. */
import test from 'ava';
import { PLANTED_BUGS, runSoak } from '../../soak/index.ts';

const expected: Record<string, RegExp> = {
  'double-commit': /^(VAL1|VAL3|S10|P5)/,
  'ttl-off-by-one': /^F1$/,
  'no-quorum': /^SEQ-BFT-SAFE$/,
  'skip-cert-check': /^SEQ-BFT-SAFE$/,
};

for (const bug of PLANTED_BUGS) {
  test(`SEQ-SOAK-PLANT ${bug} is found within 3 seeds, and the reproduction replays it exactly`, (t) => {
    const s = runSoak({ seeds: [1, 2, 3], events: 4_000, plant: bug, stopOnFailure: true });
    const failing = s.per_seed.find((p) => p.violations.length > 0);
    if (!failing) return t.fail(`${bug} not found in seeds 1..3`);
    const v = failing.violations[0]!;
    t.log(`${bug}: seed ${failing.seed}: ${v.check} ${v.message}`);
    t.is(v.kind, 'correctness');
    t.regex(v.check, expected[bug]!);
    t.is(v.reproduce, `curve soak --seed ${failing.seed} --events 4000 --plant ${bug}`);
    const again = runSoak({ seeds: [failing.seed], events: 4_000, plant: bug });
    t.deepEqual(again.per_seed[0], failing);
  });
}
