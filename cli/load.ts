/**
 * Loading modules from files for the CLI: `.casm` is assembled (its file-reference imports are loaded
 * recursively, relative to the importing file), anything else is read as `.cvm` bytes. Every module
 * lands in the given store. Problems are CurveErrors naming the file (and line:col or byte offset).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../reference/lib/errors.ts';
import { assembleToBytes } from '../reference/vm/asm.ts';
import type { LoadedModule, ModuleStore } from '../reference/vm/store.ts';

export function readFileOrFail(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code})`, path);
  }
}

/** Load a module file (and, for `.casm`, everything it imports by file) into the store. */
export function loadModuleFile(path: string, store: ModuleStore, loading: string[] = []): LoadedModule {
  const abs = resolve(path);
  if (loading.includes(abs)) throw new UsageError(`import cycle through ${[...loading, abs].map((p) => p.split('/').pop()).join(' → ')}`, path);
  const raw = readFileOrFail(path);
  if (!path.endsWith('.casm')) return store.add(new Uint8Array(raw), path);
  const bytes = assembleToBytes(raw.toString('utf8'), path, {
    resolveImport: (ref) => {
      if (!/\.(casm|cvm)$/.test(ref)) return undefined;
      return loadModuleFile(resolve(dirname(abs), ref), store, [...loading, abs]).decoded.hash;
    },
  });
  return store.add(bytes, path);
}
