/** The CodeBuild engine's constructs on their own, through `terraform validate` with the real aws provider. */
import { TerraformWorkspace } from '../../harness/terraform';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeBuildRunner, CodeBuildRunnerProps } from '../../../constructs/codebuild-runner/codebuild-runner';
import { serviceTrust } from '../../../constructs/iam/policy';
import { Role } from '../../../constructs/iam/role';

const PROPS: CodeBuildRunnerProps = {
  projectName: 'example-dev-mlops-terraform-runner',
  functionName: 'example-dev-mlops-provision-project',
  ruleName: 'example-dev-mlops-runner-builds',
  failureQueueName: 'example-dev-mlops-provision-failures',
  runnerRoleArn: 'arn:aws:iam::123456789012:role/example-dev-mlops-runner',
  bucketName: 'example-dev-mlops-tfstate-123456789012-us-east-1',
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  logGroupName: '/example-dev-mlops/terraform-runs',
  lockTableName: 'terraform-lock-example-dev-mlops',
  terraformVersion: '1.11.4',
  terraformSha256: '1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc',
  artifactBucketOnDelete: 'empty',
  logRetentionDays: 90,
};

/** The runner in a stack of its own, with a launch role it grants invoke to; synthesized to a directory (assets included). */
function synthRunner(props: Partial<CodeBuildRunnerProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'runner');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const runner = new CodeBuildRunner(stack, 'codebuild-runner', { ...PROPS, ...props });
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
