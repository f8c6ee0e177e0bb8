import { CodeBuildRunnerProps } from '../../constructs/codebuild-runner/codebuild-runner';

/** A CodeBuild runner as the platform stack configures it on the embedded defaults. */
export const CODEBUILD_RUNNER_PROPS: CodeBuildRunnerProps = {
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
