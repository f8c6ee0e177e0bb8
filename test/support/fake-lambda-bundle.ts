import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleExtras, LambdaPackage } from '../../constructs/sagemaker-project/lambda-bundle';

let root: string | undefined;

/**
 * Stands in for `bundleLambda` in construct tests: a package folder with a placeholder handler and
 * whatever `extras` write (the seed code, say), and a placeholder zip, made without esbuild. What a
 * real bundle holds is tested with the bundler itself (test/lambda/bundle.test.ts).
 */
export function fakeBundleLambda(entry: string, extras?: BundleExtras): LambdaPackage {
  root ??= mkdtempSync(join(tmpdir(), 'fake-lambda-bundle-'));
  const target = mkdtempSync(join(root, 'package-'));
  const dir = join(target, 'bundle');
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.js'), `// stands in for the bundle of ${entry}\n`);
  extras?.write(dir);
  const zipFile = join(target, 'archive.zip');
  writeFileSync(zipFile, `placeholder for ${entry}`);
  return { dir, zipFile };
}

/** The lambda-bundle module with `bundleLambda` replaced by a jest mock of `fakeBundleLambda`: for `jest.mock`. */
export function lambdaBundleModule(): Record<string, unknown> {
  return { ...jest.requireActual('../../constructs/sagemaker-project/lambda-bundle'), bundleLambda: jest.fn(fakeBundleLambda) };
}
