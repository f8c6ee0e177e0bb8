import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { SAGEMAKER_PROJECT_STACK } from '../../stacks/sagemaker-project-stack';
import { gitlabProjectStandIns } from '../../tools/offline-transform';
import { TerraformWorkspace } from '../../tools/terraform';
import { Synthesized } from './synth';

/**
 * A terraform workspace of the synthesized sagemaker-project stack, from the app's output folder:
 * the Lambda archives are copied beside it (terraform hashes them even to validate), and the
 * removed GitLab projects' ids and clone URLs stand in as what GitLab would answer (numbers, URLs).
 */
export function projectWorkspace(stack: Synthesized, outdir: string): TerraformWorkspace {
  const workspace = TerraformWorkspace.create(stack, { standIns: gitlabProjectStandIns(stack) });
  cpSync(join(outdir, 'stacks', SAGEMAKER_PROJECT_STACK, 'assets'), join(workspace.dir, 'assets'), { recursive: true });
  return workspace;
}
