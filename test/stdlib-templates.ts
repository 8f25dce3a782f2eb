/** The standard library's templates (stdlib/*.curve) for tests that compile a venue (reference/ reads no files; tests do). */
import { readFileSync } from 'node:fs';
import type { TemplateSet } from '../reference/compiler/compile.ts';

/** One stdlib template's source, named by its path from the repository root (tests run there). */
export function stdlibSource(kind: 'router' | 'slab' | 'oracle'): { file: string; text: string } {
  const file = `stdlib/${kind}.curve`;
  return { file, text: readFileSync(file, 'utf8') };
}

/** The three stdlib templates; `over` replaces any of them (e.g. an empty router). */
export function stdlibTemplates(over: Partial<TemplateSet> = {}): TemplateSet {
  return { router: stdlibSource('router'), slab: stdlibSource('slab'), oracle: stdlibSource('oracle'), ...over };
}
