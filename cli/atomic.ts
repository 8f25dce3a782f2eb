/**
 * All-or-nothing output directories (spec/manifest.md MAN-FILES-001): the files are written into a
 * temporary directory beside the target and renamed into place at the end, so a failure — of the
 * compiler before anything is written, or of the disk half-way — leaves the target as it was. A target
 * that exists is replaced only when it holds the marker file of an earlier output of the same command,
 * so `--out .` or a typo never deletes someone's files.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../reference/lib/errors.ts';

function ioError(e: unknown, where: string): UsageError {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  return new UsageError(`cannot write (${code})`, where);
}

/** Check the target can be replaced; throws UsageError (exit 2) before anything is written. */
export function checkTarget(dir: string, marker: string): void {
  const abs = resolve(dir);
  if (!existsSync(abs)) return;
  if (!statSync(abs).isDirectory()) throw new UsageError('exists and is not a directory', dir);
  if (readdirSync(abs).length > 0 && !existsSync(join(abs, marker))) {
    throw new UsageError(`exists, is not empty and holds no ${marker} from an earlier run: choose another --out`, dir);
  }
  if (resolve(process.cwd()).startsWith(abs + '/') || resolve(process.cwd()) === abs) throw new UsageError('is the current directory or contains it', dir);
}

/** Write `files` as the whole content of `dir`, atomically (rename into place). */
export function writeDirAtomic(dir: string, files: ReadonlyMap<string, string | Uint8Array>, marker: string): void {
  checkTarget(dir, marker);
  const abs = resolve(dir);
  const parent = dirname(abs);
  let createdParent: string | undefined;
  let tmp: string | undefined;
  let old: string | undefined;
  try {
    createdParent = mkdirSync(parent, { recursive: true });
    tmp = mkdtempSync(join(parent, `.${basename(abs)}.tmp-`));
    chmodSync(tmp, 0o755); // mkdtemp makes it 0700; the output is an ordinary directory
    for (const [name, data] of files) writeFileSync(join(tmp, name), data);
    if (existsSync(abs)) {
      old = `${tmp}-old`;
      renameSync(abs, old);
    }
    renameSync(tmp, abs);
    tmp = undefined;
  } catch (e) {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    if (old && !existsSync(abs)) renameSync(old, abs);
    else if (createdParent && !old) rmSync(createdParent, { recursive: true, force: true });
    throw ioError(e, dir);
  }
  if (old) rmSync(old, { recursive: true, force: true });
}

/** A module name as a file name: every character outside [A-Za-z0-9._-] becomes `_` (MAN-FILES-001). */
export function moduleFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
