/**
 * One temporary directory per test run. The global setup makes it and points TMPDIR at it before
 * any worker starts, so the workers, the children they start (terraform, Python, shells) and the
 * long-running servers all create their temporary files inside it; the global teardown removes it.
 * A run that was killed before its teardown leaves its directory behind: the next run removes it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The run directory, once made (set in the environment the workers inherit). */
export const RUN_DIR_VARIABLE = 'TEST_HARNESS_RUN_DIR';
/** TMPDIR as it was before the run (unset: the system's). */
const ORIGINAL_TMPDIR_VARIABLE = 'TEST_HARNESS_ORIGINAL_TMPDIR';
const PREFIX = 'smp-jest-';
const OWNER_FILE = '.owner-pid';

/** Whether a process with this id is running (EPERM: it is, as another user's). */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes run directories whose jest process no longer exists (a run killed before its teardown). */
function removeAbandoned(parent: string): void {
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(PREFIX)) continue;
    const owner = join(parent, name, OWNER_FILE);
    const pid = existsSync(owner) ? Number(readFileSync(owner, 'utf8')) : NaN;
    if (Number.isInteger(pid) && !alive(pid)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/** Makes this run's directory in `parent` and points TMPDIR at it (once per run: later calls return it). */
export function openRunDirectory(parent: string = tmpdir()): string {
  const open = process.env[RUN_DIR_VARIABLE];
  if (open && existsSync(open)) return open;
  removeAbandoned(parent);
  const dir = mkdtempSync(join(parent, PREFIX));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  process.env[ORIGINAL_TMPDIR_VARIABLE] = process.env.TMPDIR ?? '';
  process.env[RUN_DIR_VARIABLE] = dir;
  process.env.TMPDIR = dir;
  return dir;
}

/** Removes this run's directory and restores TMPDIR. */
export function closeRunDirectory(): void {
  const dir = process.env[RUN_DIR_VARIABLE];
  if (!dir) return;
  const original = process.env[ORIGINAL_TMPDIR_VARIABLE];
  if (original) process.env.TMPDIR = original;
  else delete process.env.TMPDIR;
  delete process.env[ORIGINAL_TMPDIR_VARIABLE];
  delete process.env[RUN_DIR_VARIABLE];
  rmSync(dir, { recursive: true, force: true });
}
