import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { SAGEMAKER_PROJECT_STACK } from '../../stacks/sagemaker-project-stack';
import { TerraformWorkspace } from '../../tools/terraform';
import { Synthesized } from './synth';

/**
 * A terraform workspace of the synthesized sagemaker-project stack, from the app's output folder:
 * the Lambda archives are copied beside it (terraform hashes them even to validate), and the
 * removed GitLab projects' ids and clone URLs stand in as what GitLab would answer (numbers, URLs).
 */
export function projectWorkspace(stack: Synthesized, outdir: string): TerraformWorkspace {
  const gitlabProjects = Object.keys(stack.resource?.gitlab_project ?? {});
  const standIns = Object.fromEntries(
    gitlabProjects.flatMap((name, index) => [
      [`gitlab_project.${name}.id`, String(101 + index)],
      [`gitlab_project.${name}.http_url_to_repo`, `https://gitlab.example.com/ml-team/${name}.git`],
    ]),
  );
  const workspace = TerraformWorkspace.create(stack, { standIns });
  cpSync(join(outdir, 'stacks', SAGEMAKER_PROJECT_STACK, 'assets'), join(workspace.dir, 'assets'), { recursive: true });
  return workspace;
}
