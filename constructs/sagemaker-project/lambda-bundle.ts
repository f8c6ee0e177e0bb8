import { buildSync, version as esbuildVersion } from 'esbuild';
import { zipSync, Zippable } from 'fflate';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** Node.js version the bundles target: that of the functions' runtime. */
export const LAMBDA_RUNTIME = 'nodejs22.x';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
/** Every source a handler may import: the handlers and the contract they share with the stacks. */
const HANDLER_SOURCES = [join(REPOSITORY_ROOT, 'lambda'), join(REPOSITORY_ROOT, 'contract')];
/**
 * Where packages are cached: `SMP_LAMBDA_CACHE_DIR`, else under node_modules, which `npm ci` wipes,
 * so a cached bundle never outlives the dependencies it holds.
 */
const cacheRoot = () => process.env.SMP_LAMBDA_CACHE_DIR ?? join(REPOSITORY_ROOT, 'node_modules', '.cache', 'sagemaker-projects-lambda');

/**
 * The AWS SDK v3 stays out of the bundles: the nodejs22.x runtime provides it. Bundled, the three
 * clients the functions use would add about 1 MB of JavaScript per function (7x the handlers'
 * own code) for calls that exist in every SDK v3 release; the tests run the bundles against the SDK
 * version package-lock.json pins.
 */
const BUNDLE_EXTERNALS = ['@aws-sdk/*'];

const BUILD_OPTIONS = {
  bundle: true,
  external: BUNDLE_EXTERNALS,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  legalComments: 'eof',
  logLevel: 'silent',
} as const;

/** A fixed time for every zip entry, so the same files always zip to the same bytes. */
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

/** Files a handler reads at run time, written beside the bundle. */
export interface BundleExtras {
  /** Digest of everything `write` adds (e.g. of the seed code): part of the cache key. */
  readonly fingerprint: string;
  /** Writes the files into the bundle folder. */
  readonly write: (dir: string) => void;
}

/** A bundled handler: the folder (index.js and extras) and the same content as a reproducible zip. */
export interface LambdaPackage {
  readonly dir: string;
  readonly zipFile: string;
}

/** Every file under `path` (or `path` itself when it is a file), in sorted order. */
function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

/** Digest of everything that decides a bundle's bytes. */
function cacheKey(entry: string, extras?: BundleExtras): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ entry: relative(REPOSITORY_ROOT, entry), esbuildVersion, BUILD_OPTIONS, extras: extras?.fingerprint ?? '' }));
  hash.update(readFileSync(join(REPOSITORY_ROOT, 'package-lock.json')));
  for (const file of HANDLER_SOURCES.flatMap(filesUnder)) {
    hash.update(`\0${relative(REPOSITORY_ROOT, file)}\0`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * The folder's files zipped reproducibly: sorted, `/`-separated names, a fixed time, level 9. The
 * Lambda packages and the project stack's tf-code.zip (named by its hash) both depend on it.
 */
export function zipFolder(dir: string): Uint8Array {
  const entries: Zippable = {};
  for (const file of filesUnder(dir)) entries[relative(dir, file).split('\\').join('/')] = [readFileSync(file), { mtime: FIXED_MTIME }];
  return zipSync(entries, { level: 9 });
}

function build(entry: string, target: string, extras?: BundleExtras): void {
  const dir = join(target, 'bundle');
  // buildSync throws, naming file and line, when the handler does not compile.
  buildSync({ ...BUILD_OPTIONS, entryPoints: [entry], outfile: join(dir, 'index.js') });
  extras?.write(dir);
  writeFileSync(join(target, 'archive.zip'), zipFolder(dir));
}

/**
 * Bundles the handler at `entry` and everything it imports but the AWS SDK (BUNDLE_EXTERNALS) into
 * one minified `index.js`, adds the `extras`, and zips the result reproducibly. Packages are cached
 * on disk by a digest of their inputs (handler sources, lockfile, esbuild and its options, extras),
 * so a synth whose handlers did not change spends no time bundling.
 */
export function bundleLambda(entry: string, extras?: BundleExtras): LambdaPackage {
  const key = cacheKey(entry, extras);
  let root = cacheRoot();
  try {
    mkdirSync(root, { recursive: true });
  } catch {
    root = join(tmpdir(), 'sagemaker-projects-lambda');
    mkdirSync(root, { recursive: true });
  }
  const cached = join(root, key);
  if (!existsSync(join(cached, 'archive.zip'))) {
    // Built aside and renamed into place: a concurrent synth never sees half a package.
    const staging = mkdtempSync(join(root, `${key}.staging-`));
    build(entry, staging, extras);
    try {
      renameSync(staging, cached);
    } catch {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(join(cached, 'archive.zip'))) throw new Error(`Could not store the Lambda package of ${entry} in ${cached}`);
    }
  }
  return { dir: join(cached, 'bundle'), zipFile: join(cached, 'archive.zip') };
}
