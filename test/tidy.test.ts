/**
 * Tidy (STYLE.md §6): what reviewers would otherwise repeat. Banned APIs inside reference/ and soak/
 * (each ban names its replacement), import direction between layers (ARCHITECTURE.md), focused or
 * skipped tests, and file length.
 */
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  const abs = join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const p = join(abs, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : tsFiles(relative(root, p));
    return name.endsWith('.ts') ? [relative(root, p)] : [];
  });
}

const BANS: readonly { pattern: RegExp; use: string }[] = [
  { pattern: /\bDate\.now\s*\(/, use: 'an injected clock (ticks passed in as an argument)' },
  { pattern: /\bnew Date\s*\(/, use: 'an injected clock (ticks passed in as an argument)' },
  { pattern: /\bperformance\.now\s*\(/, use: 'an injected clock; timing belongs in bench/ or cli/' },
  { pattern: /\bMath\.random\s*\(/, use: 'the seeded Prng of reference/lib/prng.ts' },
  { pattern: /\bprocess\.env\b/, use: 'explicit options passed in by the CLI' },
  { pattern: /\bsetTimeout\s*\(|\bsetInterval\s*\(/, use: 'the virtual clock of the simulator' },
  { pattern: /from ['"](node:)?fs(\/promises)?['"]/, use: 'bytes or text passed in; only cli/ reads files' },
  { pattern: /from ['"](node:)?child_process['"]/, use: 'cli/ or conformance/ adapters spawn processes' },
];

const deterministic = [...tsFiles('reference'), ...tsFiles('soak')];

test('tidy: no wall clock, Math.random, env, timers or fs inside reference/ and soak/', (t) => {
  const hits: string[] = [];
  for (const f of deterministic) {
    readFileSync(join(root, f), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/^\s*(\*|\/\/)/.test(line)) return;
        for (const b of BANS) if (b.pattern.test(line)) hits.push(`${f}:${i + 1}: ${line.trim()} — use ${b.use}`);
      });
  }
  t.deepEqual(hits, []);
});

/** Layers of reference/ in import order: a layer may import itself and the layers listed for it. */
const LAYERS: Record<string, readonly string[]> = {
  lib: ['lib'],
  vm: ['lib', 'vm'],
  script: ['lib', 'vm', 'script'],
  compiler: ['lib', 'vm', 'script', 'compiler'],
  perp: ['lib', 'vm', 'script', 'compiler', 'perp'],
  sequencer: ['lib', 'vm', 'script', 'compiler', 'perp', 'sequencer'],
  rollup: ['lib', 'vm', 'script', 'compiler', 'perp', 'sequencer', 'rollup'],
};

test('tidy: imports go one way (lib → vm → script/compiler → perp → sequencer → rollup; reference/ imports nothing outside it)', (t) => {
  const bad: string[] = [];
  for (const f of tsFiles('reference')) {
    const layer = f.split('/')[1] as string;
    const allowed = LAYERS[layer];
    if (!allowed) {
      bad.push(`${f}: reference/${layer} is not a known layer (add it to LAYERS)`);
      continue;
    }
    const src = readFileSync(join(root, f), 'utf8');
    for (const m of src.matchAll(/from ['"](\.[^'"]+)['"]/g)) {
      const target = relative(root, join(root, f, '..', m[1] as string));
      const parts = target.split('/');
      if (parts[0] !== 'reference') bad.push(`${f}: imports ${target} outside reference/`);
      else if (!allowed.includes(parts[1] as string)) bad.push(`${f}: reference/${layer} may not import reference/${parts[1]}`);
    }
  }
  t.deepEqual(bad, []);
});

test('tidy: no focused, skipped or todo tests', (t) => {
  const hits: string[] = [];
  for (const f of tsFiles('test')) {
    const src = readFileSync(join(root, f), 'utf8');
    src.split('\n').forEach((line, i) => {
      if (/\b(test|it|describe)\.(only|skip|todo)\(/.test(line) && !line.includes('tidy-allow')) hits.push(`${f}:${i + 1}`);
    });
  }
  t.deepEqual(hits, []);
});

test('tidy: source files stay under 800 lines', (t) => {
  const long = [...tsFiles('reference'), ...tsFiles('cli'), ...tsFiles('soak'), ...tsFiles('conformance'), ...tsFiles('models')]
    .map((f) => [f, readFileSync(join(root, f), 'utf8').split('\n').length] as const)
    .filter(([, n]) => n > 800)
    .map(([f, n]) => `${f}: ${n} lines`);
  t.deepEqual(long, []);
});
