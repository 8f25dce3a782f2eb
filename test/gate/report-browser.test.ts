/**
 * spec/gate.md GATE-OUT-002: the HTML report in a real browser — headless Debian chromium driven by
 * playwright-core — shows the verdict and every chart as a visible SVG, with no network; a screenshot is
 * saved. The report comes from real stages with injected producer results, so every chart has data.
 */
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHART_SLOTS, htmlReport } from '../../reports/html.ts';
import { markdownReport } from '../../reports/markdown.ts';
import { assembleReport } from '../../reports/report.ts';
import { runStages } from '../../reports/stage.ts';
import { STAGES } from '../../reports/stages/index.ts';
import type { Producers } from '../../reports/producers.ts';
import { context, inputs } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';

/** Producer results for the gates whose real producers are slow or not written yet (test doubles). */
const producers: Producers = {
  prove: () => Promise.resolve({ solver: 'z3 (test double)', obligations: [{ id: 'SAFE-DEBIT/P7/expiry', family: 'safe-debit', level: 'spec', invariants: ['P7'], verdict: 'proved', seconds: 0.4 }, { id: 'RESERVE/S8/slices', family: 'reservation-bounds', level: 'spec', invariants: ['S8'], verdict: 'unknown', seconds: 2.5, reason: 'timeout' }], certificates: { 'router:main': 'cd'.repeat(32) } }),
  soak: () => Promise.resolve({ checkers: [{ name: 'conservation', invariants: ['P3'] }], seeds: [1, 2].map((seed) => ({ seed, events: 20_000 + seed, simulatedMs: 90_000, violations: [] })) }),
  perpBench: () => Promise.resolve({ ratio: 0.4, reserve_median_us: 90, commit_median_us: 80, inserts_per_s: 12_000 }),
  tests: () => Promise.resolve({ tap: 'ok 1 - x › P1 only the router\n' }),
};

test('GATE-OUT-002 the HTML report shows the verdict and every chart in headless chromium; screenshot saved', async (t) => {
  const base = inputs();
  const ctx = context({ producers, inputs: { ...base, vectors: base.vectors.filter((_v, i) => i % 40 === 0), testFiles: [{ file: 'test/perp/model/x.test.ts', text: "test('P1 only the router', () => {});" }] } });
  const records = await runStages(STAGES, ctx);
  const report = assembleReport(ctx, records, 12.5);
  t.is(report.verdict.verdict, 'NO-GO', 'an unknown proof is never a GO');
  t.is(report.manifest?.modules.find((m) => m.name === 'router:main')?.proofHash, 'cd'.repeat(32), 'GATE-PROVE-002 certificate hash in the manifest');
  t.regex(markdownReport(report), /^# Go\/no-go: \*\*NO-GO\*\*/);

  const html = await htmlReport(report);
  t.false(/<script|https?:\/\/(?!www\.w3\.org)/.test(html.replace(/xmlns(:xlink)?="[^"]*"/g, '')), 'no script, no network reference');
  const dir = mkdtempSync(join(tmpdir(), 'curve-gate-html-'));
  const page = join(dir, 'index.html');
  writeFileSync(page, html);

  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    p.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await p.goto(`file://${page}`);
    const verdict = p.locator('#verdict');
    t.true(await verdict.isVisible());
    t.is((await verdict.textContent())?.trim(), 'Go/no-go: NO-GO');
    const charts = p.locator('figure.chart svg');
    t.is(await charts.count(), CHART_SLOTS.length, 'every chart slot has an SVG');
    for (let i = 0; i < CHART_SLOTS.length; i++) {
      const svg = charts.nth(i);
      t.true(await svg.isVisible(), `chart ${i} visible`);
      const box = await svg.boundingBox();
      t.true(box !== null && box.width > 100 && box.height > 100, `chart ${i} has a size`);
      t.true((await svg.locator('path, rect').count()) > 3, `chart ${i} has marks`);
    }
    t.deepEqual(requests, [], 'no network request');
    const shot = join(dir, 'report.png');
    await p.screenshot({ path: shot, fullPage: true });
    t.log(`screenshot: ${shot}`);
  } finally {
    await browser.close();
  }
});
