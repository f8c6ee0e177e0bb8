import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repositories every SageMaker project gets, by the folder of `seed-code/` that seeds each. */
export const SEED_REPOSITORIES = ['model-build', 'model-deploy'] as const;
export type SeedRepository = (typeof SEED_REPOSITORIES)[number];

/** Folder of the seed code inside the Lambda package, and the manifest beside it. */
export const PACKAGED_SEED_DIR = 'seed-code';
export const SEED_MANIFEST_FILE = 'seed-manifest.json';

/** What the package holds for one repository: its files (sorted, `/`-separated) and their digest. */
export interface SeedRepositoryManifest {
  readonly files: string[];
  /** sha256 over every path and content: the same seed code gives the same digest. */
  readonly digest: string;
}

export type SeedManifest = Record<SeedRepository, SeedRepositoryManifest>;

/** Build and editor leftovers that never belong in a repository. */
const JUNK_DIRECTORIES = new Set(['__pycache__', '.terraform', '.git', '.pytest_cache', '.ipynb_checkpoints', 'node_modules']);
const JUNK_FILE = /(^\.DS_Store$)|(\.py[co]$)|(\.tfstate$)|(\.tfstate\..*$)|(\.tfplan$)/;

/** Whether the path (relative, `/`-separated) is junk: a junk folder anywhere on it, or a junk file name. */
export function isJunk(relativePath: string): boolean {
  const parts = relativePath.split('/');
  return parts.slice(0, -1).some((part) => JUNK_DIRECTORIES.has(part)) || JUNK_FILE.test(parts[parts.length - 1]);
}

/** A seed-code folder that cannot be packaged. */
export class SeedCodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedCodeError';
  }
}

/** Every file under `dir` that belongs in the repository, sorted; throws on a missing folder, no files, or a symlink. */
export function listSeedFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new SeedCodeError(`Seed code folder ${dir} does not exist: the seed Lambda would commit nothing.`);
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) throw new SeedCodeError(`${join(dir, path)} is a symbolic link: seed code must hold regular files only.`);
      if (entry.isDirectory()) {
        if (!JUNK_DIRECTORIES.has(entry.name)) walk(path);
      } else if (entry.isFile() && !isJunk(path)) {
        files.push(path);
      }
    }
  };
  walk('');
  if (files.length === 0) throw new SeedCodeError(`Seed code folder ${dir} holds no files: the seed Lambda would commit nothing.`);
  return files.sort();
}

/** sha256 over each path and its content, in order. */
export function seedDigest(dir: string, files: string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(dir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The manifest of the seed code under `seedRoot`: each repository's files and their digest. */
export function seedManifest(seedRoot: string): SeedManifest {
  const manifest = {} as Record<SeedRepository, SeedRepositoryManifest>;
  for (const repository of SEED_REPOSITORIES) {
    const source = join(seedRoot, repository);
    const files = listSeedFiles(source);
    manifest[repository] = { files, digest: seedDigest(source, files) };
  }
  return manifest;
}

/** Digest of the whole seed code (every repository's files and contents): changes whenever a commit would. */
export function seedCodeFingerprint(manifest: SeedManifest): string {
  const hash = createHash('sha256');
  for (const repository of SEED_REPOSITORIES) hash.update(`${repository}\0${manifest[repository].digest}\0`);
  return hash.digest('hex');
}

/**
 * Copies `seedRoot/<repository>/**` (junk excluded) into `packageDir/seed-code/<repository>/` and
 * writes the manifest the handler reads. Runs at synth, beside the bundled handler.
 */
export function packageSeedCode(seedRoot: string, packageDir: string, manifest: SeedManifest = seedManifest(seedRoot)): SeedManifest {
  for (const repository of SEED_REPOSITORIES) {
    for (const file of manifest[repository].files) {
      const target = join(packageDir, PACKAGED_SEED_DIR, repository, file);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(join(seedRoot, repository, file), target);
    }
  }
  writeFileSync(join(packageDir, SEED_MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** One packaged seed file, as read by the handler. */
export interface SeedFile {
  readonly path: string;
  readonly content: Buffer;
}

/** The manifest of a package built by packageSeedCode. */
export function readSeedManifest(packageDir: string): SeedManifest {
  return JSON.parse(readFileSync(join(packageDir, SEED_MANIFEST_FILE), 'utf8')) as SeedManifest;
}

/** The packaged files of one repository, in manifest order. */
export function readSeedFiles(packageDir: string, repository: SeedRepository, manifest: SeedManifest): SeedFile[] {
  return manifest[repository].files.map((path) => ({ path, content: readFileSync(join(packageDir, PACKAGED_SEED_DIR, repository, path)) }));
}

