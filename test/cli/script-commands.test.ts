/** `curve check` and `curve fmt`: diagnostics with positions, exit 1 on errors, 2 on bad arguments. */
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { curve } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'curve-script-'));
const perp = new URL('../../examples/perp.curve', import.meta.url).pathname;
const template = new URL('../../reference/script/examples/guarded_debit.curve', import.meta.url).pathname;

test.serial('check: the example venue and template have no errors', async (t) => {
  const r = await curve('check', perp, template);
  t.is(r.code, 0, r.err);
  const j = JSON.parse((await curve('check', perp, '--json')).out) as { ok: boolean; files: { kind: string }[] };
  t.true(j.ok);
  t.is(j.files[0]?.kind, 'venue');
});

test.serial('fmt --check: the example venue is in canonical form', async (t) => {
  t.is((await curve('fmt', '--check', perp)).code, 0);
});

test.serial('check: a bad venue prints file:line:col diagnostics with codes and exits 1', async (t) => {
  const f = join(tmp, 'bad.curve');
  writeFileSync(f, 'ROUTER {\n  CAP_TTL ms=999999\n}\n');
  const r = await curve('check', f);
  t.is(r.code, 1);
  t.regex(r.err, /bad\.curve:2:14: error CS3007:/);
  t.false(/\n\s+at /.test(r.err));
  const j = JSON.parse((await curve('check', f, '--json')).out) as { files: { diagnostics: { code: string; line: number; col: number }[] }[] };
  t.true(j.files[0]?.diagnostics.some((d) => d.code === 'CS3007' && d.line === 2 && d.col === 14));
});

test.serial('check: random bytes are diagnosed, never a crash', async (t) => {
  const f = join(tmp, 'noise.curve');
  writeFileSync(f, Buffer.from([0xff, 0x00, 0x7b, 0x22, 0x0a, 0xc3, 0x28]));
  const r = await curve('check', f);
  t.is(r.code, 1);
  t.regex(r.err, /noise\.curve:\d+:\d+: error CS1/);
});

test.serial('fmt: prints canonical text; --write makes --check pass; a missing file exits 2', async (t) => {
  const f = join(tmp, 'venue.curve');
  writeFileSync(f, readFileSync(perp));
  const printed = await curve('fmt', f);
  t.is(printed.code, 0);
  await curve('fmt', '--write', f);
  t.is(readFileSync(f, 'utf8'), printed.out);
  t.is((await curve('fmt', '--check', f)).code, 0);
  t.is((await curve('fmt', join(tmp, 'missing.curve'))).code, 2);
});
