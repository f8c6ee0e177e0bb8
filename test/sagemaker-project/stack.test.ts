import { rmSync } from 'node:fs';
import { CI_VARIABLES } from '../../contract/ci-variables';
import { PROJECT_PARAMETERS, ProjectParameter } from '../../contract/project-parameters';
import { NOT_THE_RUNNER_MESSAGE } from '../../constructs/sagemaker-project/project-variables';
import { writeSeedFixture } from '../support/seed-fixture';
import { addressOf, byPath, only, referenced, resources, statementsOf, synthApp, Synthesized, testConfig } from '../support/synth';

const seedCodeDir = writeSeedFixture();
const synthProject = (env: Record<string, string> = {}) => synthApp(testConfig(env), seedCodeDir).sagemakerProject;

const values = (stack: Synthesized, type: string) => Object.values(resources(stack, type)) as any[];
const address = addressOf;
const PREFIX = 'example-dev-mlops-${var.sagemaker_project_id}';

describe('sagemaker-project stack', () => {
  const stack = synthProject();
  const roleNamed = (suffix: string) => values(stack, 'aws_iam_role').find((role) => role.name === `${PREFIX}-${suffix}`);
  const policiesOf = (roleAddress: string) =>
    values(stack, 'aws_iam_role_policy')
      .filter((policy) => policy.role === `\${${roleAddress}.name}`)
      .flatMap((policy) => statementsOf(stack, policy.policy));

  describe('variables and providers', () => {
    test('its variables are the form\'s per-project values and the stack id the runner binds state to: no platform value', () => {
      const form = (PROJECT_PARAMETERS as readonly ProjectParameter[]).flatMap((parameter) => (parameter.variable ? [parameter.variable] : []));
      expect(Object.keys(stack.variable).sort()).toEqual([...form, 'cloudformation_stack_id'].sort());
      for (const variable of Object.values(stack.variable) as any[]) {
        expect(variable.type).toBe('string');
        expect(variable.validation.length).toBeGreaterThan(0);
      }
      for (const name of ['gitlab_url', 'git_user_name', 'secrets_manager_gitlab_secret_name', 'gitlab_ci_role_arn']) expect(stack.variable[name]).toBeUndefined();
    });

    test('each variable\'s validation names its CloudFormation parameter and bounds its length, for the runner\'s runs (those with a stack id)', () => {
      expect(stack.variable.sagemaker_project_name.validation).toEqual([
        {
          condition: '${var.cloudformation_stack_id == "" || can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$", var.sagemaker_project_name))}',
          error_message: 'SageMakerProjectName must be 1-32 letters, digits and hyphens, starting and ending with a letter or digit.',
        },
        { condition: '${var.cloudformation_stack_id == "" || length(var.sagemaker_project_name) <= 32}', error_message: 'SageMakerProjectName must be at most 32 characters.' },
      ]);
    });

    test('a run without the stack id is refused by one validation saying the runner applies the stack (test/sagemaker-project/by-hand.test.ts plans it)', () => {
      expect(stack.variable.cloudformation_stack_id.default).toBe('');
      expect(stack.variable.cloudformation_stack_id.validation[0]).toEqual({ condition: '${var.cloudformation_stack_id != ""}', error_message: NOT_THE_RUNNER_MESSAGE });
      for (const name of ['sagemaker_project_name', 'sagemaker_project_id']) expect(stack.variable[name].default).toBe('');
    });

    test('every AWS resource carries the project tags and the platform tag', () => {
      expect(stack.provider.aws).toEqual([
        { default_tags: [{ tags: { 'sagemaker:project-name': '${var.sagemaker_project_name}', 'sagemaker:project-id': '${var.sagemaker_project_id}', 'sagemaker-projects:platform': 'example-dev-mlops' } }] },
      ]);
    });

    test('the gitlab provider talks to the platform\'s GitLab with the token read through an ephemeral resource, never stored', () => {
      const [gitlab] = stack.provider.gitlab;
      expect(gitlab.base_url).toBe('https://gitlab.example.com/api/v4/');
      expect(gitlab.token).toBe('${ephemeral.aws_secretsmanager_secret_version.gitlab_token.secret_string}');
      expect(stack.ephemeral.aws_secretsmanager_secret_version.gitlab_token).toEqual({ secret_id: 'example-dev-mlops/gitlab/private-token' });
      expect(resources(stack, 'aws_secretsmanager_secret_version', 'data')).toEqual({});
    });

    test('a configured GitLab is written in at synth, not taken from a variable', () => {
      const configured = synthProject({ SMP_GITLAB_URL: 'https://gitlab.acme.io', SMP_GITLAB_NAMESPACE: 'ds/projects' });
      expect(configured.provider.gitlab[0].base_url).toBe('https://gitlab.acme.io/api/v4/');
      expect(only(configured, 'gitlab_group_ids', 'data').group).toBe('ds/projects');
    });

    test('state lives in a partial S3 backend given at init', () => {
      expect(stack.terraform.backend).toEqual({ s3: {} });
    });
  });

  describe('identities: each reaches only this project, under the platform\'s boundary and path', () => {
    const boundary = expect.stringMatching(/:iam::\$\{[^}]+\}:policy\/example-dev-mlops\/example-dev-mlops-project-boundary$/);

    test('four roles (CI, pipeline, seeding, deploy trigger), each with the boundary, the path and the project tags', () => {
      expect(values(stack, 'aws_iam_role').map((role) => role.name).sort()).toEqual(['ci', 'deploy-trigger', 'pipeline', 'seed-code'].map((suffix) => `${PREFIX}-${suffix}`));
      for (const role of values(stack, 'aws_iam_role')) {
        expect(role).toMatchObject({ path: '/example-dev-mlops/', permissions_boundary: boundary, tags: { 'sagemaker:project-id': '${var.sagemaker_project_id}' } });
      }
    });

    test('the CI role trusts exactly this project\'s two GitLab projects on the default branch, and the platform GitLab as audience', () => {
      const [trust] = statementsOf(stack, roleNamed('ci').assume_role_policy);
      const build = address(stack, 'gitlab_project', 'build-repository/project');
      const deploy = address(stack, 'gitlab_project', 'deploy-repository/project');
      expect(trust).toEqual({
        effect: 'Allow',
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [{ type: 'Federated', identifiers: [expect.stringMatching(/:oidc-provider\/gitlab\.example\.com$/)] }],
        condition: [
          { test: 'StringEquals', variable: 'gitlab.example.com:aud', values: ['https://gitlab.example.com'] },
          {
            test: 'StringEquals',
            variable: 'gitlab.example.com:sub',
            values: [`project_path:\${${build}.path_with_namespace}:ref_type:branch:ref:main`, `project_path:\${${deploy}.path_with_namespace}:ref_type:branch:ref:main`],
          },
        ],
      });
    });

    test('CI acts only on this project\'s pipeline, model packages, endpoints and bucket; it can neither approve nor register models', () => {
      const statements = policiesOf(address(stack, 'aws_iam_role', 'identities/ci-role/role'));
      const actions = statements.flatMap((statement) => statement.actions);
      expect(actions).not.toContain('sagemaker:UpdateModelPackage');
      expect(actions).not.toContain('sagemaker:CreateModelPackage');
      const pipeline = statements.find((statement) => statement.sid === 'RunModelBuildPipeline');
      expect(pipeline.resources).toEqual([
        expect.stringMatching(/:pipeline\/\$\{lower\("\$\{var\.sagemaker_project_name\}-\$\{var\.sagemaker_project_id\}"\)\}$/),
        expect.stringMatching(/:pipeline\/\$\{lower\(.*\)\}\/execution\/\*$/),
      ]);
      expect(statements.find((statement) => statement.sid === 'DeployProjectEndpoints').resources).toEqual([
        expect.stringMatching(/:model\/\$\{var\.sagemaker_project_id\}-\*$/),
        expect.stringMatching(/:endpoint-config\/\$\{var\.sagemaker_project_id\}-\*$/),
        expect.stringMatching(/:endpoint\/\$\{var\.sagemaker_project_id\}-\*$/),
      ]);
      expect(statements.find((statement) => statement.actions.includes('s3:PutObject')).resources).toEqual([expect.stringMatching(/:s3:::example-dev-mlops-\$\{var\.sagemaker_project_id\}\/\*$/)]);
      expect(statements.find((statement) => statement.sid === 'PassPipelineRole').resources).toEqual([expect.stringMatching(/:role\/example-dev-mlops\/example-dev-mlops-\$\{var\.sagemaker_project_id\}-pipeline$/)]);
    });

    test('the pipeline role registers models into this project\'s group only as PendingManualApproval', () => {
      const statements = policiesOf(address(stack, 'aws_iam_role', 'identities/pipeline-role/role'));
      expect(statements.find((statement) => statement.sid === 'RegisterModelsForApproval').condition).toEqual([
        { test: 'StringEquals', variable: 'sagemaker:ModelApprovalStatus', values: ['PendingManualApproval'] },
      ]);
      expect(statements.flatMap((statement) => statement.actions)).not.toContain('sagemaker:UpdateModelPackage');
      const [trust] = statementsOf(stack, roleNamed('pipeline').assume_role_policy);
      expect(trust).toMatchObject({ principals: [{ type: 'Service', identifiers: ['sagemaker.amazonaws.com'] }], condition: [{ variable: 'aws:SourceAccount' }] });
    });

    test('only the seeding function\'s role reads the namespace token; the deploy trigger reads its own trigger token', () => {
      const reads = (suffix: string) =>
        policiesOf(address(stack, 'aws_iam_role', `identities/${suffix}-role/role`))
          .filter((statement) => statement.actions.includes('secretsmanager:GetSecretValue'))
          .flatMap((statement) => statement.resources);
      const namespaceToken = `\${${address(stack, 'aws_secretsmanager_secret', 'namespace-token/secret', 'data')}.arn}`;
      expect(reads('seed')).toEqual([namespaceToken]);
      expect(reads('deploy-trigger')).toEqual([expect.stringMatching(/:secret:example-dev-mlops\/\$\{var\.sagemaker_project_id\}\/deploy-trigger-token-\?\?\?\?\?\?$/)]);
      expect(reads('ci')).toEqual([]);
      expect(reads('pipeline')).toEqual([]);
    });

    test('access-keys mode: the CI identity is a user of its own, with the boundary and the same scope; only the seeding function makes its keys', () => {
      const keys = synthProject({ SMP_GITLAB_CI_AUTH_MODE: 'access-keys' });
      expect(only(keys, 'aws_iam_user')).toMatchObject({ name: `${PREFIX}-ci`, path: '/example-dev-mlops/', permissions_boundary: boundary, force_destroy: true });
      expect(values(keys, 'aws_iam_role').map((role) => role.name)).not.toContain(`${PREFIX}-ci`);
      expect(resources(keys, 'aws_iam_access_key')).toEqual({});
      const seedPolicies = values(keys, 'aws_iam_role_policy').filter((policy) => policy.name === 'ci-access-key');
      expect(statementsOf(keys, seedPolicies[0].policy)).toEqual([
        { sid: 'RotateOwnCiUserKey', effect: 'Allow', actions: ['iam:CreateAccessKey', 'iam:ListAccessKeys', 'iam:DeleteAccessKey'], resources: [expect.stringMatching(/:user\/example-dev-mlops\/example-dev-mlops-\$\{var\.sagemaker_project_id\}-ci$/)] },
      ]);
    });
  });

  describe('AWS resources', () => {
    test('the artifact bucket is <platform prefix>-<project id>, SSE-KMS with the platform key, emptied with the project', () => {
      const bucket = byPath(stack, 'aws_s3_bucket', 'artifact-bucket/bucket');
      expect(bucket).toMatchObject({ bucket: PREFIX, force_destroy: true });
      expect(byPath(stack, 'aws_s3_bucket_server_side_encryption_configuration', 'artifact-bucket/encryption').rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: `\${${address(stack, 'aws_kms_key', 'platform-key/key', 'data')}.arn}` }, bucket_key_enabled: true },
      ]);
      expect(referenced(stack, `\${${address(stack, 'aws_kms_key', 'platform-key/key', 'data')}.arn}`).key_id).toBe('alias/example-dev-mlops-sagemaker-projects');
    });

    test('the artifact bucket\'s policy names this project\'s CI and pipeline identities and the runner, and denies everyone else its objects', () => {
      const statements = statementsOf(stack, byPath(stack, 'aws_s3_bucket_policy', 'artifact-bucket/policy').policy);
      expect(statements.find((statement) => statement.sid === 'OnlyThisProjectAndTheRunner')).toEqual({
        sid: 'OnlyThisProjectAndTheRunner',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucket', 's3:ListBucketVersions'],
        resources: [expect.stringMatching(/:s3:::example-dev-mlops-\$\{var\.sagemaker_project_id\}$/), expect.stringMatching(/:s3:::example-dev-mlops-\$\{var\.sagemaker_project_id\}\/\*$/)],
        condition: [
          {
            test: 'ArnNotEquals',
            variable: 'aws:PrincipalArn',
            values: [expect.stringMatching(/role\/example-dev-mlops\/.*-ci$/), expect.stringMatching(/role\/example-dev-mlops\/.*-pipeline$/), expect.stringMatching(/role\/example-dev-mlops-project-runner$/)],
          },
        ],
      });
    });

    test('the deploy records table: keyed by model package ARN, TTL, PITR, the platform key', () => {
      expect(only(stack, 'aws_dynamodb_table')).toMatchObject({
        name: `${PREFIX}-deploys`,
        hash_key: 'ModelPackageArn',
        ttl: { enabled: true, attribute_name: 'ExpiresAt' },
        point_in_time_recovery: { enabled: true },
        server_side_encryption: { enabled: true },
      });
    });

    test('the trigger token secret is created without a value (the seeding function puts it) under the platform key', () => {
      expect(only(stack, 'aws_secretsmanager_secret')).toMatchObject({ name: 'example-dev-mlops/${var.sagemaker_project_id}/deploy-trigger-token' });
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
      for (const precondition of preconditions) expect(precondition.error_message).toMatch(/is longer than \d+ characters: choose a shorter SageMaker project name\.$/);
    });

    test('SageMaker code repositories point at GitLab without shared credentials', () => {
      for (const repository of values(stack, 'aws_sagemaker_code_repository')) {
        expect(repository.git_config.repository_url).toMatch(/^\$\{gitlab_project\.[\w-]+\.http_url_to_repo\}$/);
        expect(repository.git_config.secret_arn).toBeUndefined();
      }
    });
  });

  describe('GitLab', () => {
    test('two private projects, named from the variables or the project name, forks disabled, archived on destroy', () => {
      const projects = values(stack, 'gitlab_project');
      expect(projects).toHaveLength(2);
      for (const project of projects) {
        expect(project).toMatchObject({ visibility_level: 'private', archive_on_destroy: true, initialize_with_readme: false, default_branch: 'main', forking_access_level: 'disabled', resource_group_default_process_mode: 'oldest_first' });
      }
    });

    test('nobody passes variables to build pipelines; only an Owner (the deploy trigger\'s token owner) to deploy pipelines', () => {
      expect(byPath(stack, 'gitlab_project', 'build-repository/project').ci_pipeline_variables_minimum_override_role).toBe('no_one_allowed');
      expect(byPath(stack, 'gitlab_project', 'deploy-repository/project').ci_pipeline_variables_minimum_override_role).toBe('owner');
    });

    test('projects are created in the platform\'s namespace, looked up by its path', () => {
      expect(only(stack, 'gitlab_group_ids', 'data').group).toBe('ml-team');
    });

    test('the default branch of each project is protected before the seed push', () => {
      for (const protection of values(stack, 'gitlab_branch_protection')) expect(protection).toMatchObject({ branch: 'main', push_access_level: 'maintainer', allow_force_push: false });
    });

    test('CI variables: the contract\'s common ones on both projects, the deploy records table on the deploy project, the role ARN in oidc mode; none secret', () => {
      const keysOf = (projectPath: string) =>
        values(stack, 'gitlab_project_variable')
          .filter((variable) => variable.project === `\${${address(stack, 'gitlab_project', projectPath)}.id}`)
          .map((variable) => variable.key)
          .sort();
      expect(keysOf('build-repository/project')).toEqual([...CI_VARIABLES.common, ...CI_VARIABLES.oidc].sort());
      expect(keysOf('deploy-repository/project')).toEqual([...CI_VARIABLES.common, ...CI_VARIABLES.deploy, ...CI_VARIABLES.oidc].sort());
      for (const variable of values(stack, 'gitlab_project_variable')) expect(variable).toMatchObject({ masked: false, protected: false, raw: true });
      const accessKeys = synthProject({ SMP_GITLAB_CI_AUTH_MODE: 'access-keys' });
      expect(values(accessKeys, 'gitlab_project_variable').map((variable) => variable.key)).not.toContain('AWS_ACCESS_KEY_ID');
    });
  });

  describe('seeding function', () => {
    const fn = byPath(stack, 'aws_lambda_function', 'seeding/function/function');

    test('runs on nodejs22.x as its own role, knows exactly its two GitLab projects, and holds no secret', () => {
      const build = address(stack, 'gitlab_project', 'build-repository/project');
      const deploy = address(stack, 'gitlab_project', 'deploy-repository/project');
      expect(fn).toMatchObject({ function_name: `${PREFIX}-seed-code`, runtime: 'nodejs22.x', architectures: ['arm64'], handler: 'index.handler', timeout: 600, memory_size: 512 });
      expect(fn.role).toBe(`\${${address(stack, 'aws_iam_role', 'identities/seed-role/role')}.arn}`);
      expect(fn.environment.variables).toEqual({
        GITLAB_URL: 'https://gitlab.example.com',
        GITLAB_TOKEN_SECRET_ARN: `\${${address(stack, 'aws_secretsmanager_secret', 'namespace-token/secret', 'data')}.arn}`,
        SAGEMAKER_PROJECT_NAME: '${var.sagemaker_project_name}',
        SAGEMAKER_PROJECT_ID: '${var.sagemaker_project_id}',
        BUILD_GITLAB_PROJECT_ID: `\${${build}.id}`,
        DEPLOY_GITLAB_PROJECT_ID: `\${${deploy}.id}`,
        DEFAULT_BRANCH: 'main',
        DEPLOY_TRIGGER_TOKEN_SECRET_ARN: `\${${address(stack, 'aws_secretsmanager_secret', 'deploy-trigger-token/secret')}.arn}`,
        CI_AUTH_MODE: 'oidc',
        CI_IAM_USER_NAME: '',
      });
    });

    test('is invoked by Terraform with the seed code\'s digest once the projects, their CI variables and branch protections exist', () => {
      const invocation = only(stack, 'aws_lambda_invocation');
      expect(invocation.input).toMatch(/^\$\{jsonencode\(\{"seedCodeDigest" = "[0-9a-f]{64}"\}\)\}$/);
      const variables = Object.keys(resources(stack, 'gitlab_project_variable')).map((name) => `gitlab_project_variable.${name}`);
      const protections = Object.keys(resources(stack, 'gitlab_branch_protection')).map((name) => `gitlab_branch_protection.${name}`);
      expect([...invocation.depends_on].sort()).toEqual([...variables, ...protections].sort());
      expect(Object.keys(invocation.triggers).sort()).toEqual(['build_project', 'deploy_project', 'model-build_seed_digest', 'model-deploy_seed_digest', 'seeding_revision']);
    });
  });

  describe('deploy trigger', () => {
    const fn = byPath(stack, 'aws_lambda_function', 'deploy-trigger/function/function');

    test('the rule matches approved packages of the project\'s group', () => {
      expect(only(stack, 'aws_cloudwatch_event_rule').event_pattern).toBe(
        '${jsonencode({"source" = ["aws.sagemaker"], "detail-type" = ["SageMaker Model Package State Change"], "detail" = {"ModelPackageGroupName" = [aws_sagemaker_model_package_group.model-package-group.model_package_group_name], "ModelApprovalStatus" = ["Approved"]}})}',
      );
    });

    test('the function runs as its own role with the trigger token\'s secret and the deploy records, not the namespace token', () => {
      expect(fn.role).toBe(`\${${address(stack, 'aws_iam_role', 'identities/deploy-trigger-role/role')}.arn}`);
      expect(fn.environment.variables).toEqual({
        GITLAB_URL: 'https://gitlab.example.com',
        DEPLOY_TRIGGER_TOKEN_SECRET_ARN: `\${${address(stack, 'aws_secretsmanager_secret', 'deploy-trigger-token/secret')}.arn}`,
        DEPLOY_GITLAB_PROJECT_ID: `\${${address(stack, 'gitlab_project', 'deploy-repository/project')}.id}`,
        DEPLOY_BRANCH: 'main',
        MODEL_PACKAGE_GROUP_NAME: '${aws_sagemaker_model_package_group.model-package-group.model_package_group_name}',
        SAGEMAKER_PROJECT_ID: '${var.sagemaker_project_id}',
        DEPLOY_RECORDS_TABLE: `${PREFIX}-deploys`,
      });
    });

    test('undeliverable and failed events end in an encrypted queue after bounded retries; the function\'s role may send there', () => {
      expect(only(stack, 'aws_lambda_function_event_invoke_config')).toMatchObject({ maximum_retry_attempts: 2 });
      expect(only(stack, 'aws_sqs_queue')).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
      const statements = policiesOf(address(stack, 'aws_iam_role', 'identities/deploy-trigger-role/role'));
      expect(statements.find((statement) => statement.sid === 'SendFailedApprovalEvents').resources).toEqual([expect.stringMatching(/:sqs:.*:example-dev-mlops-\$\{var\.sagemaker_project_id\}-deploy-trigger-failures$/)]);
    });
  });

  test('outputs describe the project\'s bucket, group, repositories, seeding and the stack its state belongs to', () => {
    expect(Object.keys(stack.output).sort()).toEqual(['artifact_bucket', 'build_repository_url', 'cloudformation_stack_id', 'deploy_repository_url', 'model_package_group', 'seeding_result']);
    for (const output of Object.values(stack.output) as any[]) expect(output.description.length).toBeGreaterThan(10);
    expect(stack.output.cloudformation_stack_id.value).toBe('${var.cloudformation_stack_id}');
  });

  test('the platform configuration sets the branch and the log retention', () => {
    const configured = synthProject({ SMP_GITLAB_DEFAULT_BRANCH: 'develop', SMP_LOGS_RETENTION_DAYS: '30' });
    for (const project of values(configured, 'gitlab_project')) expect(project.default_branch).toBe('develop');
    for (const protection of values(configured, 'gitlab_branch_protection')) expect(protection.branch).toBe('develop');
    for (const logGroup of values(configured, 'aws_cloudwatch_log_group')) expect(logGroup.retention_in_days).toBe(30);
  });

  test('a seed-code folder without model-deploy fails the synth, naming the folder', () => {
    const incomplete = writeSeedFixture();
    rmSync(`${incomplete}/model-deploy`, { recursive: true });
    expect(() => synthApp(testConfig(), incomplete)).toThrow(`Seed code folder ${incomplete}/model-deploy does not exist`);
  });
});
