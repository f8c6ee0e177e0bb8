import { writeSeedFixture } from '../support/seed-fixture';
import { byPath, statementsOf, synthApp, testConfig } from '../support/synth';

/** For each AWS resource type of the project stack, an action the runner needs to create it. */
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
  aws_dynamodb_table: 'dynamodb:CreateTable',
  aws_secretsmanager_secret: 'secretsmanager:CreateSecret',
  aws_iam_role: 'iam:CreateRole',
  aws_iam_role_policy: 'iam:PutRolePolicy',
  aws_iam_user: 'iam:CreateUser',
  aws_iam_user_policy: 'iam:PutUserPolicy',
};

describe.each(['oidc', 'access-keys'] as const)('what the runner may do to apply and destroy a project (%s mode)', (mode) => {
  const { serviceCatalog, sagemakerProject } = synthApp(testConfig({ SMP_GITLAB_CI_AUTH_MODE: mode }), writeSeedFixture());
  const statements = statementsOf(serviceCatalog, byPath(serviceCatalog, 'aws_iam_policy', 'command-runner/role/managed-provisioning').policy);

  test('every AWS resource type of the project stack has the permission to create it', () => {
    const types = Object.keys(sagemakerProject.resource).filter((type) => type.startsWith('aws_'));
    expect(types.filter((type) => !(type in CREATED_WITH))).toEqual([]);
    for (const type of types) expect([type, statements.some((statement) => statement.effect === 'Allow' && statement.actions.includes(CREATED_WITH[type]))]).toEqual([type, true]);
  });

  test('no wildcard action, no service-wide wildcard; "*" only to deny removing a boundary', () => {
    for (const statement of statements) {
      for (const action of statement.actions) expect(action).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
      if (statement.resources.includes('*')) expect([statement.sid, statement.effect]).toEqual(['KeepProjectBoundaries', 'Deny']);
    }
  });

  test('resources are the platform\'s project-named ones: <prefix>p-*, <name>-p-*, the project IAM path, the binding lookups', () => {
    const allowed = [
      /:s3:::example-dev-mlops-p-\*(\/\*)?$/,
      /:(dynamodb|lambda|events|sqs|logs):.*(example-dev-mlops-p-\*|\/aws\/lambda\/example-dev-mlops-p-\*)$/,
      /:secretsmanager:.*:secret:example-dev-mlops\/p-\*$/,
      /:iam::.*:(role|user)\/example-dev-mlops\/example-dev-mlops-p-\*$/,
      /:sagemaker:.*:(model-package-group|code-repository)\/\*-p-\*$/,
      /:sagemaker:.*:project\/\*$/,
      /:cloudformation:.*:stack\/SC-\*$/,
      /:logs:.*:log-group:\*$/,
    ];
    const unscoped = statements.filter((statement) => statement.effect === 'Allow').flatMap((statement) => statement.resources.filter((resource: string) => !allowed.some((pattern) => pattern.test(resource))));
    expect(unscoped).toEqual([]);
  });

  test('the only roles it may pass are the project\'s own, and only to Lambda', () => {
    const passRole = statements.filter((statement) => statement.actions.includes('iam:PassRole'));
    expect(passRole).toEqual([
      {
        sid: 'PassProjectFunctionRoles',
        effect: 'Allow',
        actions: ['iam:PassRole'],
        resources: [expect.stringMatching(/:role\/example-dev-mlops\/example-dev-mlops-p-\*$/)],
        condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com'] }],
      },
    ]);
  });
});
