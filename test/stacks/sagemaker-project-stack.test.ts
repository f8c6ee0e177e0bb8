import { CI_VARIABLES } from '../../contract/ci-variables';
import { PROJECT_PARAMETERS, ProjectParameter } from '../../contract/project-parameters';
import { writeSeedFixture } from '../support/seed-fixture';
import { addressOf, byPath, only, referenced, refTo as ref, resources, statementsOf, synthApp, Synthesized, testConfig } from '../support/synth';

// What each construct does is tested beside it (test/constructs/); these tests are about composition:
// what the stack passes to each construct, how they are wired together, configuration, outputs.

const seedCodeDir = writeSeedFixture();
const synthBoth = (env: Record<string, string> = {}) => synthApp(testConfig(env), seedCodeDir);

const oidcApp = synthBoth();
const accessKeysApp = synthBoth({ SMP_GITLAB_CI_AUTH_MODE: 'access-keys' });
const stack = oidcApp.sagemakerProject;
const accessKeys = accessKeysApp.sagemakerProject;
const configured = synthBoth({
  SMP_GITLAB_URL: 'https://gitlab.acme.io',
  SMP_GITLAB_NAMESPACE: 'ds/projects',
  SMP_GITLAB_DEFAULT_BRANCH: 'develop',
  SMP_LOGS_RETENTION_DAYS: '30',
}).sagemakerProject;

const values = (synthesized: Synthesized, type: string) => Object.values(resources(synthesized, type)) as any[];
const PREFIX = 'example-dev-mlops-${var.sagemaker_project_id}';
const BOUNDARY = /:iam::\$\{[^}]+\}:policy\/example-dev-mlops\/example-dev-mlops-project-boundary$/;
/** Statements of every inline policy of the role at `rolePath`. */
const policiesOf = (synthesized: Synthesized, rolePath: string) =>
  values(synthesized, 'aws_iam_role_policy')
    .filter((policy) => policy.role === ref(synthesized, 'aws_iam_role', rolePath, 'name'))
    .flatMap((policy) => statementsOf(synthesized, policy.policy));
const platformKeyArn = ref(stack, 'aws_kms_key', 'platform-key/key', 'arn', 'data');
const namespaceTokenArn = ref(stack, 'aws_secretsmanager_secret', 'namespace-token/secret', 'arn', 'data');
const triggerTokenArn = ref(stack, 'aws_secretsmanager_secret', 'deploy-trigger-token/secret', 'arn');
const buildProject = (synthesized: Synthesized) => addressOf(synthesized, 'gitlab_project', 'build-repository/project');
const deployProject = (synthesized: Synthesized) => addressOf(synthesized, 'gitlab_project', 'deploy-repository/project');

describe('sagemaker-project stack: variables, providers, state', () => {
  test("its only variables are the form's per-project values and the stack id: every platform value is written in at synth", () => {
    const form = (PROJECT_PARAMETERS as readonly ProjectParameter[]).flatMap((parameter) => (parameter.variable ? [parameter.variable] : []));
    expect(Object.keys(stack.variable).sort()).toEqual([...form, 'cloudformation_stack_id'].sort());
    expect(Object.keys(accessKeys.variable).sort()).toEqual(Object.keys(stack.variable).sort());
  });

  test('every AWS resource carries the project tags and the platform tag', () => {
    expect(stack.provider.aws).toEqual([
      {
        default_tags: [
          {
            tags: {
              'sagemaker:project-name': '${var.sagemaker_project_name}',
              'sagemaker:project-id': '${var.sagemaker_project_id}',
              'sagemaker-projects:platform': 'example-dev-mlops',
            },
          },
        ],
      },
    ]);
  });

  test('the gitlab provider talks to the configured GitLab with the platform token secret, read ephemerally; projects go to the configured namespace', () => {
    expect(stack.provider.gitlab[0].base_url).toBe('https://gitlab.example.com/api/v4/');
    expect(stack.ephemeral.aws_secretsmanager_secret_version.gitlab_token).toEqual({ secret_id: 'example-dev-mlops/gitlab/private-token' });
    expect(only(stack, 'gitlab_group_ids', 'data').group).toBe('ml-team');
    expect(configured.provider.gitlab[0].base_url).toBe('https://gitlab.acme.io/api/v4/');
    expect(only(configured, 'gitlab_group_ids', 'data').group).toBe('ds/projects');
  });

  test('the platform key and the namespace token are found by their configured names, never created here', () => {
    expect(referenced(stack, platformKeyArn).key_id).toBe('alias/example-dev-mlops-sagemaker-projects');
    expect(referenced(stack, namespaceTokenArn).name).toBe('example-dev-mlops/gitlab/private-token');
    expect(resources(stack, 'aws_kms_key')).toEqual({});
  });

  test('state lives in a partial S3 backend given at init', () => {
    expect(stack.terraform.backend).toEqual({ s3: {} });
  });
});

describe('sagemaker-project stack: identities', () => {
  test("every role carries the platform's boundary, path and the project tags", () => {
    for (const synthesized of [stack, accessKeys]) {
      for (const role of values(synthesized, 'aws_iam_role')) {
        expect(role).toMatchObject({
          path: '/example-dev-mlops/',
          permissions_boundary: expect.stringMatching(BOUNDARY),
          tags: { 'sagemaker:project-name': '${var.sagemaker_project_name}', 'sagemaker:project-id': '${var.sagemaker_project_id}' },
        });
      }
    }
    expect(only(accessKeys, 'aws_iam_user')).toMatchObject({
      name: `${PREFIX}-ci`,
      path: '/example-dev-mlops/',
      permissions_boundary: expect.stringMatching(BOUNDARY),
    });
  });

  test("the CI role trusts the platform GitLab's OIDC provider, exactly this project's two GitLab projects, on the configured branch", () => {
    const [trust] = statementsOf(stack, byPath(stack, 'aws_iam_role', 'identities/ci-role/role').assume_role_policy);
    expect(trust.principals).toEqual([{ type: 'Federated', identifiers: [expect.stringMatching(/:iam::\$\{[^}]+\}:oidc-provider\/gitlab\.example\.com$/)] }]);
    expect(trust.condition).toEqual([
      { test: 'StringEquals', variable: 'gitlab.example.com:aud', values: ['https://gitlab.example.com'] },
      {
        test: 'StringEquals',
        variable: 'gitlab.example.com:sub',
        values: [
          `project_path:\${${buildProject(stack)}.path_with_namespace}:ref_type:branch:ref:main`,
          `project_path:\${${deployProject(stack)}.path_with_namespace}:ref_type:branch:ref:main`,
        ],
      },
    ]);
    const [configuredTrust] = statementsOf(configured, byPath(configured, 'aws_iam_role', 'identities/ci-role/role').assume_role_policy);
    expect(configuredTrust.condition[1]).toMatchObject({
      variable: 'gitlab.acme.io:sub',
      values: [expect.stringMatching(/:ref:develop$/), expect.stringMatching(/:ref:develop$/)],
    });
  });

  test("CI and the pipeline role act on this project's names (SageMaker names lowered) and its artifact bucket", () => {
    const ci = policiesOf(stack, 'identities/ci-role/role');
    expect(ci.find((statement) => statement.sid === 'RunModelBuildPipeline').resources[0]).toMatch(
      /:pipeline\/\$\{lower\("\$\{var\.sagemaker_project_name\}-\$\{var\.sagemaker_project_id\}"\)\}$/,
    );
    expect(ci.find((statement) => statement.sid === 'DeployProjectEndpoints').resources[0]).toMatch(/:model\/\$\{var\.sagemaker_project_id\}-\*$/);
    for (const statements of [ci, policiesOf(stack, 'identities/pipeline-role/role')]) {
      expect(statements.find((statement) => statement.actions.includes('s3:PutObject')).resources).toEqual([
        expect.stringMatching(/:s3:::example-dev-mlops-\$\{var\.sagemaker_project_id\}\/\*$/),
      ]);
    }
  });

  test("only the seeding function's role reads the namespace token; the deploy trigger reads its own trigger token; CI and pipeline read no secret", () => {
    const reads = (role: string) =>
      policiesOf(stack, `identities/${role}-role/role`)
        .filter((statement) => statement.actions.includes('secretsmanager:GetSecretValue'))
        .flatMap((statement) => statement.resources);
    expect(reads('seed')).toEqual([namespaceTokenArn]);
    expect(reads('deploy-trigger')).toEqual([
      expect.stringMatching(/:secret:example-dev-mlops\/\$\{var\.sagemaker_project_id\}\/deploy-trigger-token-\?\?\?\?\?\?$/),
    ]);
    expect(reads('ci')).toEqual([]);
    expect(reads('pipeline')).toEqual([]);
    const writes = policiesOf(stack, 'identities/seed-role/role').filter((statement) => statement.actions.includes('secretsmanager:PutSecretValue'));
    expect(writes.flatMap((statement) => statement.resources)).toEqual([expect.stringMatching(/\/deploy-trigger-token-\?\?\?\?\?\?$/)]);
  });

  test('CI and the deploy trigger use the deploy records with the actions each needs', () => {
    const itemActions = (role: string) =>
      policiesOf(stack, `identities/${role}-role/role`).filter((statement) => statement.actions.some((action: string) => action.endsWith('Item')));
    expect(itemActions('ci').map((statement) => statement.actions)).toEqual([['dynamodb:GetItem', 'dynamodb:UpdateItem']]);
    expect(itemActions('deploy-trigger').map((statement) => statement.actions)).toEqual([
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    ]);
  });

  test("access-keys mode: no CI role and no key; only the seeding function rotates the CI user's own key", () => {
    expect(values(accessKeys, 'aws_iam_role').map((role) => role.name)).not.toContain(`${PREFIX}-ci`);
    expect(resources(accessKeys, 'aws_iam_access_key')).toEqual({});
    expect(policiesOf(accessKeys, 'identities/seed-role/role').filter((statement) => statement.sid === 'RotateOwnCiUserKey')).toEqual([
      {
        sid: 'RotateOwnCiUserKey',
        effect: 'Allow',
        actions: ['iam:CreateAccessKey', 'iam:ListAccessKeys', 'iam:DeleteAccessKey'],
        resources: [expect.stringMatching(/:user\/example-dev-mlops\/example-dev-mlops-\$\{var\.sagemaker_project_id\}-ci$/)],
      },
    ]);
    expect(values(stack, 'aws_iam_role_policy').filter((policy) => policy.name === 'ci-access-key')).toEqual([]);
  });
});

describe('sagemaker-project stack: AWS resources', () => {
  test('the artifact bucket is <platform prefix>-<project id>, SSE-KMS with the platform key, emptied with the project', () => {
    expect(byPath(stack, 'aws_s3_bucket', 'artifact-bucket/bucket')).toMatchObject({ bucket: PREFIX, force_destroy: true });
    expect(
      byPath(stack, 'aws_s3_bucket_server_side_encryption_configuration', 'artifact-bucket/encryption').rule[0].apply_server_side_encryption_by_default
        .kms_master_key_id,
    ).toBe(platformKeyArn);
  });

  test("the artifact bucket's policy names this project's CI and pipeline identities and the runner, and denies everyone else its objects", () => {
    const statements = statementsOf(stack, byPath(stack, 'aws_s3_bucket_policy', 'artifact-bucket/policy').policy);
    expect(statements.find((statement) => statement.sid === 'OnlyThisProjectAndTheRunner')).toEqual({
      sid: 'OnlyThisProjectAndTheRunner',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucket', 's3:ListBucketVersions'],
      resources: [
        expect.stringMatching(/:s3:::example-dev-mlops-\$\{var\.sagemaker_project_id\}$/),
        expect.stringMatching(/:s3:::example-dev-mlops-\$\{var\.sagemaker_project_id\}\/\*$/),
      ],
      condition: [
        {
          test: 'ArnNotEquals',
          variable: 'aws:PrincipalArn',
          values: [
            expect.stringMatching(/role\/example-dev-mlops\/.*-ci$/),
            expect.stringMatching(/role\/example-dev-mlops\/.*-pipeline$/),
            expect.stringMatching(/role\/example-dev-mlops-project-runner$/),
          ],
        },
      ],
    });
    const keysPolicy = statementsOf(accessKeys, byPath(accessKeys, 'aws_s3_bucket_policy', 'artifact-bucket/policy').policy).find(
      (statement) => statement.sid === 'OnlyThisProjectAndTheRunner',
    );
    expect(keysPolicy.condition[0].values[0]).toMatch(/:user\/example-dev-mlops\/.*-ci$/);
  });

  test('the deploy records table and the trigger token secret are named per project and use the platform key; the secret starts empty', () => {
    expect(only(stack, 'aws_dynamodb_table')).toMatchObject({
      name: `${PREFIX}-deploys`,
      server_side_encryption: { enabled: true, kms_key_arn: platformKeyArn },
    });
    expect(only(stack, 'aws_secretsmanager_secret')).toMatchObject({
      name: 'example-dev-mlops/${var.sagemaker_project_id}/deploy-trigger-token',
      kms_key_id: platformKeyArn,
      recovery_window_in_days: 0,
    });
    expect(resources(stack, 'aws_secretsmanager_secret_version')).toEqual({});
  });

  test('every name built from input is checked against its AWS limit at plan', () => {
    const preconditions = [
      ...values(stack, 'aws_lambda_function'),
      ...values(stack, 'aws_s3_bucket'),
      ...values(stack, 'aws_sagemaker_model_package_group'),
      ...values(stack, 'aws_sagemaker_code_repository'),
      ...values(stack, 'aws_cloudwatch_event_rule'),
      ...values(stack, 'aws_sqs_queue'),
    ].flatMap((resource) => resource.lifecycle?.precondition ?? []);
    expect(preconditions).toHaveLength(8);
    for (const precondition of preconditions)
      expect(precondition.error_message).toMatch(/is longer than \d+ characters: choose a shorter SageMaker project name\.$/);
  });

  test('SageMaker code repositories point at the two GitLab projects on the configured branch', () => {
    expect(values(stack, 'aws_sagemaker_code_repository').map((repository) => repository.git_config)).toEqual([
      { repository_url: `\${${buildProject(stack)}.http_url_to_repo}`, branch: 'main' },
      { repository_url: `\${${deployProject(stack)}.http_url_to_repo}`, branch: 'main' },
    ]);
  });
});

describe('sagemaker-project stack: GitLab', () => {
  test('two projects, named from the variables or the project name, on the configured default branch', () => {
    expect(values(stack, 'gitlab_project').map((project) => [project.name, project.default_branch])).toEqual([
      ['${(length(var.git_build_repo_name) < 1) ? "${var.sagemaker_project_name}-model-build" : var.git_build_repo_name}', 'main'],
      ['${(length(var.git_deploy_repo_name) < 1) ? "${var.sagemaker_project_name}-model-deploy" : var.git_deploy_repo_name}', 'main'],
    ]);
    for (const project of values(configured, 'gitlab_project')) expect(project.default_branch).toBe('develop');
    for (const protection of values(configured, 'gitlab_branch_protection')) expect(protection.branch).toBe('develop');
  });

  test("nobody passes variables to build pipelines; only an Owner (the deploy trigger's token owner) to deploy pipelines", () => {
    expect(byPath(stack, 'gitlab_project', 'build-repository/project').ci_pipeline_variables_minimum_override_role).toBe('no_one_allowed');
    expect(byPath(stack, 'gitlab_project', 'deploy-repository/project').ci_pipeline_variables_minimum_override_role).toBe('owner');
  });

  test("CI variables: the contract's common ones on both projects, the deploy records table on the deploy project, the role ARN in oidc mode", () => {
    const keysOf = (synthesized: Synthesized, project: string) =>
      values(synthesized, 'gitlab_project_variable')
        .filter((variable) => variable.project === `\${${project}.id}`)
        .map((variable) => variable.key)
        .sort();
    expect(keysOf(stack, buildProject(stack))).toEqual([...CI_VARIABLES.common, ...CI_VARIABLES.oidc].sort());
    expect(keysOf(stack, deployProject(stack))).toEqual([...CI_VARIABLES.common, ...CI_VARIABLES.deploy, ...CI_VARIABLES.oidc].sort());
    expect(keysOf(accessKeys, buildProject(accessKeys))).toEqual([...CI_VARIABLES.common].sort());
    const value = (key: string) => values(stack, 'gitlab_project_variable').find((variable) => variable.key === key).value;
    expect(value('AWS_ROLE_ARN')).toBe(ref(stack, 'aws_iam_role', 'identities/ci-role/role', 'arn'));
    expect(value('ARTIFACT_BUCKET')).toBe(ref(stack, 'aws_s3_bucket', 'artifact-bucket/bucket', 'bucket'));
    expect(value('DEPLOY_RECORDS_TABLE')).toBe(`${PREFIX}-deploys`);
    expect(value('SAGEMAKER_PROJECT_ARN')).toMatch(/:sagemaker:\$\{[^}]+\}:\$\{[^}]+\}:project\/\$\{lower\(var\.sagemaker_project_name\)\}$/);
  });
});

describe('sagemaker-project stack: seeding and the deploy trigger', () => {
  test('the seeding function runs as the seed role, knows exactly the two GitLab projects, the namespace token and the trigger token secret', () => {
    const fn = byPath(stack, 'aws_lambda_function', 'seeding/function/function');
    expect(fn.role).toBe(ref(stack, 'aws_iam_role', 'identities/seed-role/role', 'arn'));
    expect(fn.environment.variables).toEqual({
      GITLAB_URL: 'https://gitlab.example.com',
      GITLAB_TOKEN_SECRET_ARN: namespaceTokenArn,
      SAGEMAKER_PROJECT_NAME: '${var.sagemaker_project_name}',
      SAGEMAKER_PROJECT_ID: '${var.sagemaker_project_id}',
      BUILD_GITLAB_PROJECT_ID: `\${${buildProject(stack)}.id}`,
      DEPLOY_GITLAB_PROJECT_ID: `\${${deployProject(stack)}.id}`,
      DEFAULT_BRANCH: 'main',
      DEPLOY_TRIGGER_TOKEN_SECRET_ARN: triggerTokenArn,
      CI_AUTH_MODE: 'oidc',
      CI_IAM_USER_NAME: '',
    });
    expect(byPath(accessKeys, 'aws_lambda_function', 'seeding/function/function').environment.variables).toMatchObject({
      CI_AUTH_MODE: 'access-keys',
      CI_IAM_USER_NAME: ref(accessKeys, 'aws_iam_user', 'identities/ci-user/user', 'name'),
    });
  });

  test("seeding runs once the projects' CI variables and branch protections exist, again when either project changes", () => {
    const invocation = only(stack, 'aws_lambda_invocation');
    const variables = Object.keys(resources(stack, 'gitlab_project_variable')).map((name) => `gitlab_project_variable.${name}`);
    const protections = Object.keys(resources(stack, 'gitlab_branch_protection')).map((name) => `gitlab_branch_protection.${name}`);
    expect([...invocation.depends_on].sort()).toEqual([...variables, ...protections].sort());
    expect(invocation.triggers).toMatchObject({ build_project: `\${${buildProject(stack)}.id}`, deploy_project: `\${${deployProject(stack)}.id}` });
  });

  test("approvals of the project's model package group start its deploy project's pipeline", () => {
    const group = addressOf(stack, 'aws_sagemaker_model_package_group', 'model-package-group');
    expect(only(stack, 'aws_cloudwatch_event_rule').event_pattern).toBe(
      `\${jsonencode({"source" = ["aws.sagemaker"], "detail-type" = ["SageMaker Model Package State Change"], "detail" = {"ModelPackageGroupName" = [${group}.model_package_group_name], "ModelApprovalStatus" = ["Approved"]}})}`,
    );
    const fn = byPath(stack, 'aws_lambda_function', 'deploy-trigger/function/function');
    expect(fn.role).toBe(ref(stack, 'aws_iam_role', 'identities/deploy-trigger-role/role', 'arn'));
    expect(fn.environment.variables).toEqual({
      GITLAB_URL: 'https://gitlab.example.com',
      DEPLOY_TRIGGER_TOKEN_SECRET_ARN: triggerTokenArn,
      DEPLOY_GITLAB_PROJECT_ID: `\${${deployProject(stack)}.id}`,
      DEPLOY_BRANCH: 'main',
      MODEL_PACKAGE_GROUP_NAME: `\${${group}.model_package_group_name}`,
      SAGEMAKER_PROJECT_ID: '${var.sagemaker_project_id}',
      DEPLOY_RECORDS_TABLE: `${PREFIX}-deploys`,
    });
    expect(only(stack, 'aws_sqs_queue').name).toBe(`${PREFIX}-deploy-trigger-failures`);
  });

  test("the functions' log groups keep logs for the configured days", () => {
    for (const logGroup of values(stack, 'aws_cloudwatch_log_group')) expect(logGroup.retention_in_days).toBe(90);
    for (const logGroup of values(configured, 'aws_cloudwatch_log_group')) expect(logGroup.retention_in_days).toBe(30);
  });
});

test("outputs describe the project's bucket, group, repositories, seeding and the stack its state belongs to", () => {
  expect(Object.keys(stack.output).sort()).toEqual([
    'artifact_bucket',
    'build_repository_url',
    'cloudformation_stack_id',
    'deploy_repository_url',
    'model_package_group',
    'seeding_result',
  ]);
  for (const output of Object.values(stack.output) as any[]) expect(output.description.length).toBeGreaterThan(10);
  expect(stack.output.cloudformation_stack_id.value).toBe('${var.cloudformation_stack_id}');
  expect(stack.output.seeding_result.value).toBe(`\${${addressOf(stack, 'aws_lambda_invocation', 'seeding/invocation')}.result}`);
});

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

describe.each([
  ['oidc', oidcApp],
  ['access-keys', accessKeysApp],
] as const)('the runner may create every AWS resource type of this stack (%s mode)', (_mode, app) => {
  test("each type has the permission to create it in the platform's provisioning policy", () => {
    const statements = statementsOf(app.serviceCatalog, byPath(app.serviceCatalog, 'aws_iam_policy', 'command-runner/role/managed-provisioning').policy);
    const types = Object.keys(app.sagemakerProject.resource).filter((type) => type.startsWith('aws_'));
    expect(types.filter((type) => !(type in CREATED_WITH))).toEqual([]);
    for (const type of types)
      expect([type, statements.some((statement) => statement.effect === 'Allow' && statement.actions.includes(CREATED_WITH[type]))]).toEqual([type, true]);
  });
});
