import { writeSeedFixture } from '../support/seed-fixture';
import { resources, rolePolicy, synthApp } from '../support/synth';

const { serviceCatalog, sagemakerProject } = synthApp(undefined, writeSeedFixture());

/** For each AWS resource type of the project stack, an action CommandRunner needs to create it. */
const CREATED_WITH: Record<string, string> = {
  aws_s3_bucket: 's3:CreateBucket',
  aws_s3_bucket_versioning: 's3:PutBucketVersioning',
  aws_s3_bucket_server_side_encryption_configuration: 's3:PutEncryptionConfiguration',
  aws_s3_bucket_public_access_block: 's3:PutBucketPublicAccessBlock',
  aws_s3_bucket_ownership_controls: 's3:PutBucketOwnershipControls',
  aws_s3_bucket_lifecycle_configuration: 's3:PutLifecycleConfiguration',
  aws_s3_bucket_policy: 's3:PutBucketPolicy',
  aws_sagemaker_model_package_group: 'sagemaker:CreateModelPackageGroup',
  aws_sagemaker_code_repository: 'sagemaker:CreateCodeRepository',
  aws_cloudwatch_log_group: 'logs:CreateLogGroup',
  aws_lambda_function: 'lambda:CreateFunction',
  aws_lambda_invocation: 'lambda:InvokeFunction',
  aws_lambda_permission: 'lambda:AddPermission',
  aws_lambda_function_event_invoke_config: 'lambda:PutFunctionEventInvokeConfig',
  aws_cloudwatch_event_rule: 'events:PutRule',
  aws_cloudwatch_event_target: 'events:PutTargets',
  aws_sqs_queue: 'sqs:CreateQueue',
  aws_sqs_queue_policy: 'sqs:SetQueueAttributes',
};

describe('what CommandRunner may do to apply and destroy a project', () => {
  const statements = rolePolicy(serviceCatalog, 'command-runner/role', 'sagemaker-project-resources');

  test('every AWS resource type of the project stack has the permission to create it', () => {
    const types = Object.keys(sagemakerProject.resource).filter((type) => type.startsWith('aws_'));
    expect(types.filter((type) => !(type in CREATED_WITH))).toEqual([]);
    for (const type of types) {
      expect(statements.some((statement) => statement.actions.includes(CREATED_WITH[type]))).toBe(true);
    }
  });

  test('no wildcard action, no service-wide wildcard, no resource "*"', () => {
    for (const statement of statements) {
      expect(statement.effect).toBe('Allow');
      for (const action of statement.actions) expect(action).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
      for (const resource of statement.resources) expect(resource).not.toBe('*');
    }
  });

  test('resources are the project-named ones: sagemaker-project-* or <name>-p-* in this account and region', () => {
    const scoped = (resource: string) =>
      resource.includes(':s3:::sagemaker-project-') ||
      /:(lambda|events|sqs|logs|sagemaker):\$\{data\.aws_region\.[\w-]+\.name\}:\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:/.test(resource);
    for (const statement of statements.filter((candidate) => candidate.sid !== 'PassProjectFunctionRole')) {
      for (const resource of statement.resources) {
        expect(scoped(resource)).toBe(true);
        expect(resource).toMatch(/sagemaker-project-\*|\/\*-p-\*$|log-group:\*$/);
      }
    }
    const describeLogGroups = statements.find((statement) => statement.sid === 'ReadLogGroups');
    expect(describeLogGroups.actions).toEqual(['logs:DescribeLogGroups']);
  });

  test('the only role it may pass is the functions\' role, and only to Lambda', () => {
    const passRole = statements.filter((statement) => statement.actions.includes('iam:PassRole'));
    expect(passRole).toHaveLength(1);
    expect(passRole[0].resources).toEqual([expect.stringMatching(/:role\/service-role\/AmazonSageMakerServiceCatalogProductsUseRole$/)]);
    expect(passRole[0].condition).toEqual([{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com'] }]);
  });
});

describe('what the project functions may do as the SageMaker products use role', () => {
  const statements = rolePolicy(serviceCatalog, 'sagemaker-products-use-role', 'example-dev-mlops-sagemaker-project-functions');

  test('write their own log groups and send failed deploy triggers to the project queues, nothing else', () => {
    expect(statements.map((statement) => [statement.actions, statement.resources])).toEqual([
      [['logs:CreateLogStream', 'logs:PutLogEvents'], [expect.stringMatching(/:log-group:\/aws\/lambda\/sagemaker-project-\*:\*$/)]],
      [['sqs:SendMessage'], [expect.stringMatching(/:sagemaker-project-\*-deploy-trigger-failures$/)]],
    ]);
  });

  test('the functions\' names fall under those grants', () => {
    for (const fn of Object.values(resources(sagemakerProject, 'aws_lambda_function')) as any[]) expect(fn.function_name).toMatch(/^sagemaker-project-/);
    for (const queue of Object.values(resources(sagemakerProject, 'aws_sqs_queue')) as any[]) expect(queue.name).toMatch(/^sagemaker-project-.*-deploy-trigger-failures$/);
  });

  test('the GitLab token they read is granted with the secrets (read only)', () => {
    const secrets = rolePolicy(serviceCatalog, 'sagemaker-products-use-role', 'example-dev-mlops-gitlab-secrets');
    expect(secrets[0].actions).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
  });
});
