/**
 * Charts as inline SVG (spec/gate.md GATE-OUT-002): each ChartData becomes a vega-lite spec, compiled to
 * vega and rendered headless in Node (`renderer: 'none'`, `toSVG()`), so the HTML report needs no
 * network and no script.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { ChartData } from './types.ts';

/** Status-like series values get fixed colours (green holds, red fails, grey neither). */
const COLOURS: Readonly<Record<string, string>> = {
  pass: '#2e7d32',
  proved: '#2e7d32',
  covered: '#2e7d32',
  fail: '#c62828',
  failing: '#c62828',
  counterexample: '#c62828',
  uncovered: '#ef6c00',
  'no evidence': '#ef6c00',
  skip: '#9e9e9e',
  unknown: '#9e9e9e',
  partial: '#f9a825',
  vacuous: '#6a1b9a',
};

/** The vega-lite spec of a chart (exported for tests: the spec, not the pixels, is what we check). */
export function chartSpec(c: ChartData): vl.TopLevelSpec {
  const categories = new Set(c.rows.map((r) => String(r[c.x]))).size;
  const seriesValues = c.series ? [...new Set(c.rows.map((r) => String(r[c.series as string])))] : [];
  const known = seriesValues.length > 0 && seriesValues.every((s) => s in COLOURS);
  const width = Math.max(220, Math.min(900, categories * (c.kind === 'grouped-bar' ? 16 + 10 * seriesValues.length : 26)));
  const encoding: Record<string, unknown> = {
    x: { field: c.x, type: 'nominal', sort: null, axis: { labelAngle: -40, labelLimit: 180, title: c.x } },
    y: { field: c.y, type: 'quantitative', axis: { title: c.y } },
    tooltip: [{ field: c.x }, { field: c.y }, ...(c.series ? [{ field: c.series }] : [])],
  };
  if (c.series) {
    encoding['color'] = { field: c.series, type: 'nominal', ...(known ? { scale: { domain: seriesValues, range: seriesValues.map((s) => COLOURS[s]) } } : {}) };
    encoding['xOffset'] = { field: c.series };
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: c.title,
    width,
    height: 200,
    data: { values: c.rows.map((r) => ({ ...r })) },
    mark: { type: 'bar', tooltip: true },
    encoding,
    config: { font: 'sans-serif', view: { stroke: null } },
  } as vl.TopLevelSpec;
}

/** Render one chart to an SVG string. */
export async function chartSvg(c: ChartData): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(chartSpec(c)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
