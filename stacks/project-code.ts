import { App } from 'cdktf';
import { zipSync, Zippable } from 'fflate';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { ProjectCode } from '../constructs/command-runner/project-artifacts';
import { applyGuardrails } from '../guardrails/apply-guardrails';
import { RulePack } from '../guardrails/rule';
import { SAGEMAKER_PROJECT_STACK, SageMakerProjectStack, SageMakerProjectStackProps } from './sagemaker-project-stack';

/** Where packaged stacks are kept: under node_modules, which `npm ci` wipes. */
const CACHE_DIR = join(__dirname, '..', 'node_modules', '.cache', 'sagemaker-projects-code');

/** A fixed time for every zip entry, so the same stack always zips to the same bytes. */
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/**
 * The sagemaker-project stack as the runners download it (tf-code.zip): synthesized on its own, with
 * the same guardrails, zipped reproducibly, and named by its SHA-256, which the template of the product
 * version carries. It has to exist before the service-catalog stack is built, so it is synthesized in
 * an app of its own; `cdktf synth` writes the same stack again beside the service-catalog one (a test
 * checks they are the same files).
 */
export function packageProjectStack(props: SageMakerProjectStackProps, pack: RulePack, projectPack: RulePack = []): ProjectCode {
  const outdir = mkdtempSync(join(tmpdir(), 'sagemaker-project-code-'));
  try {
    const app = new App({ outdir, skipValidation: false });
    new SageMakerProjectStack(app, SAGEMAKER_PROJECT_STACK, props);
    applyGuardrails(app, pack, { [SAGEMAKER_PROJECT_STACK]: projectPack });
    app.synth();
    const stackDir = join(outdir, 'stacks', SAGEMAKER_PROJECT_STACK);
    const entries: Zippable = {};
    for (const file of filesUnder(stackDir)) entries[relative(stackDir, file).split('\\').join('/')] = [readFileSync(file), { mtime: FIXED_MTIME }];
    const zip = zipSync(entries, { level: 9 });
    const sha256 = createHash('sha256').update(zip).digest('hex');
    const zipFile = join(CACHE_DIR, `${sha256}.zip`);
    if (!existsSync(zipFile)) {
      mkdirSync(CACHE_DIR, { recursive: true });
      // Written aside and renamed into place: a concurrent synth never sees half a zip.
      const staging = `${zipFile}.${process.pid}.tmp`;
      writeFileSync(staging, zip);
      renameSync(staging, zipFile);
    }
    return { zipFile, sha256 };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
