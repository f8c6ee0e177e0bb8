/** The CodeBuild engine's constructs on their own, through `terraform validate` with the real aws provider. */
import { TerraformWorkspace } from '../../harness/terraform';
import { CODEBUILD_RUNNER_PROPS } from '../../support/codebuild-runner';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeBuildRunner, CodeBuildRunnerProps } from '../../../constructs/codebuild-runner/codebuild-runner';
import { serviceTrust } from '../../../constructs/iam/policy';
import { Role } from '../../../constructs/iam/role';

/** The runner in a stack of its own, with a launch role it grants invoke to; synthesized to a directory (assets included). */
function synthRunner(props: Partial<CodeBuildRunnerProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'runner');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const runner = new CodeBuildRunner(stack, 'codebuild-runner', { ...CODEBUILD_RUNNER_PROPS, ...props });
  const launchRole = new Role(stack, 'launch-role', { roleName: 'launch', description: 'launch role', trust: [serviceTrust('servicecatalog.amazonaws.com')] });
  runner.grantInvoke(launchRole);
  app.synth();
  const path = join(app.outdir, 'stacks', 'runner', 'cdk.tf.json');
  return { runner, stack, path, json: readFileSync(path, 'utf8'), synthesized: JSON.parse(readFileSync(path, 'utf8')) };
}

describe('CodeBuildRunner with the real aws provider', () => {
  test('terraform validate passes', async () => {
    const workspace = TerraformWorkspace.create(synthRunner().path);
    await workspace.init({ backend: false });
    const validation = await workspace.validate();
    expect(validation.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
    expect(validation.valid).toBe(true);
  });
});
