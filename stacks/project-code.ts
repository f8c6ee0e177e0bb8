import { App } from 'cdktf';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProjectCode } from '../constructs/command-runner/project-artifacts';
import { zipFolder } from '../constructs/sagemaker-project/lambda-bundle';
import { applyGuardrails } from '../guardrails/apply-guardrails';
import { RulePack } from '../guardrails/rule';
import { SAGEMAKER_PROJECT_STACK, SageMakerProjectStack, SageMakerProjectStackProps } from './sagemaker-project-stack';

/** Where packaged stacks are kept: under node_modules, which `npm ci` wipes. */
const CACHE_DIR = join(__dirname, '..', 'node_modules', '.cache', 'sagemaker-projects-code');

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
    const zip = zipFolder(join(outdir, 'stacks', SAGEMAKER_PROJECT_STACK));
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
