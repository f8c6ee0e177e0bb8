import { buildSync } from 'esbuild';
import { mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Node.js version the bundles target: that of the functions' runtime. */
export const LAMBDA_RUNTIME = 'nodejs22.x';
const BUNDLE_TARGET = 'node22';

/** A fixed time for every file of a bundle, so the same sources always zip to the same bytes. */
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

function setFixedTimes(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) setFixedTimes(path);
    utimesSync(path, FIXED_MTIME, FIXED_MTIME);
  }
}

const bundles = new Map<string, string>();

/**
 * Bundles the handler at `entry` and everything it imports (the GitLab client, the AWS SDK) into
 * one minified `index.js` in a new folder, adds the files `addFiles` writes there, and returns the
 * folder. Done once per entry and extra content within a process: synthesizing many stacks in one
 * test run bundles each handler once.
 */
export function bundleLambda(entry: string, extraContentKey = '', addFiles: (dir: string) => void = () => undefined): string {
  const key = `${entry}\0${extraContentKey}`;
  const cached = bundles.get(key);
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'lambda-bundle-'));
  const result = buildSync({
    entryPoints: [entry],
    outfile: join(dir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: BUNDLE_TARGET,
    format: 'cjs',
    minify: true,
    legalComments: 'eof',
    logLevel: 'silent',
  });
  if (result.errors.length > 0) throw new Error(`Bundling ${entry} failed: ${result.errors.map((error) => error.text).join('; ')}`);
  addFiles(dir);
  setFixedTimes(dir);
  bundles.set(key, dir);
  return dir;
}
