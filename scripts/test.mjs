#!/usr/bin/env node
// `npm test`: type-check, then ava under c8 (coverage thresholds in package.json), then one plain
// closing line `N passed, N failed` counted from ava's TAP stream (the line CI reads).
import { spawnSync, spawn } from 'node:child_process';

const tsc = spawnSync('npx', ['tsc', '--noEmit'], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.log('type check failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const extra = process.argv.slice(2);
const child = spawn('npx', ['c8', 'ava', '--tap', ...extra], { stdio: ['inherit', 'pipe', 'inherit'] });
let passed = 0;
let failed = 0;
let buffer = '';
const onLine = (line) => {
  // TAP: "ok N - title", "not ok N - title"; "# skip"/"# todo" directives count as neither.
  if (/^not ok \d+/.test(line)) {
    if (!/#\s*(TODO)\b/i.test(line)) failed++;
  } else if (/^ok \d+/.test(line)) {
    if (!/#\s*(SKIP|TODO)\b/i.test(line)) passed++;
  }
};
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffer += chunk.toString('utf8');
  let i;
  while ((i = buffer.indexOf('\n')) >= 0) {
    onLine(buffer.slice(0, i));
    buffer = buffer.slice(i + 1);
  }
});
child.on('close', (code) => {
  if (buffer) onLine(buffer);
  // A non-zero exit with no failing test means the harness itself failed (coverage threshold, crash).
  if (code !== 0 && failed === 0) failed = 1;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
