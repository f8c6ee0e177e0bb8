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

/** Files a handler reads at run time, written beside the bundle. */
export interface BundleExtras {
  /** What `write` adds (e.g. the seed-code folder): bundles are reused per entry and key. */
  readonly key: string;
  /** Writes the files into the bundle folder. */
  readonly write: (dir: string) => void;
}

const bundles = new Map<string, string>();

/**
 * Bundles the handler at `entry` and everything it imports (the GitLab client, the AWS SDK) into
 * one minified `index.js` in a new folder, adds the `extras`, and returns the folder. Done once per
 * entry and extras within a process: synthesizing many stacks in one test run bundles each once.
 */
export function bundleLambda(entry: string, extras?: BundleExtras): string {
  const key = `${entry}\0${extras?.key ?? ''}`;
  const cached = bundles.get(key);
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'lambda-bundle-'));
  // buildSync throws, naming file and line, when the handler does not compile.
  buildSync({
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
  extras?.write(dir);
  setFixedTimes(dir);
  bundles.set(key, dir);
  return dir;
}
