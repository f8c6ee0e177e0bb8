import { rmSync } from 'node:fs';
import { CI_VARIABLES } from '../../constructs/gitlab/ci-variables';
import { PROJECT_PARAMETERS } from '../../constructs/command-runner/project-parameters';
import { writeSeedFixture } from '../support/seed-fixture';
import { addressOf, byPath, only, referenced, resources, statementsOf, synthApp, Synthesized, testConfig } from '../support/synth';

const seedCodeDir = writeSeedFixture();
const synthProject = (env: Record<string, string> = {}) => synthApp(testConfig(env), seedCodeDir).sagemakerProject;

const values = (stack: Synthesized, type: string) => Object.values(resources(stack, type)) as any[];
const address = addressOf;

describe('sagemaker-project stack', () => {
  const stack = synthProject();

  describe('variables and providers', () => {
    test('its variables are exactly those of the contract', () => {
      const expected = PROJECT_PARAMETERS.flatMap((parameter) => (parameter.variable ? [parameter.variable] : []));
      expect(Object.keys(stack.variable).sort()).toEqual([...expected].sort());
      for (const variable of Object.values(stack.variable) as any[]) {
        expect(variable.type).toBe('string');
        expect(variable.description).toMatch(/CloudFormation parameter \w+\)\.$/);
        expect(variable.validation.length).toBeGreaterThan(0);
      }
    });

    test('the project name is bounded to 32 characters, and the namespace may be empty', () => {
      expect(stack.variable.sagemaker_project_name.validation.map((rule: any) => rule.condition)).toContain('${length(var.sagemaker_project_name) <= 32}');
      expect(stack.variable.git_user_name.validation[0].condition).toMatch(/^\$\{var\.git_user_name == "" \|\| can\(regex\(/);
    });

    test('in oidc mode the namespace must be the one the CI role trusts, or a group under it', () => {
      const configured = synthProject({ SMP_GITLAB_NAMESPACE: 'analytics/ml' });
      expect(configured.variable.git_user_name.validation[1]).toEqual({
        condition: '${var.gitlab_ci_role_arn == "" || var.git_user_name == "analytics/ml" || startswith(var.git_user_name, "analytics/ml/")}',
        error_message: 'GitUserName must be analytics/ml or a group under it (analytics/ml/...): the GitLab CI role (GitLabCIRoleArn) trusts only pipelines of projects there.',
      });
    });

    test('every AWS resource carries the project tags through the provider', () => {
      expect(stack.provider.aws).toEqual([
        { default_tags: [{ tags: { 'sagemaker:project-name': '${var.sagemaker_project_name}', 'sagemaker:project-id': '${var.sagemaker_project_id}' } }] },
      ]);
      expect(stack.provider.aws[0].region).toBeUndefined();
    });

    test('the gitlab provider authenticates with the token secret named by the variables, read at plan', () => {
      const [gitlab] = stack.provider.gitlab;
      expect(gitlab.base_url).toBe('${var.gitlab_url}/api/v4/');
      const tokenSource = referenced(stack, gitlab.token);
      expect(tokenSource.secret_id).toBe('${var.secrets_manager_gitlab_secret_name}');
    });

    test('state lives in a partial S3 backend given at init', () => {
      expect(stack.terraform.backend).toEqual({ s3: {} });
    });
  });

  describe('AWS resources', () => {
    test('the artifact bucket is sagemaker-project-<project id>, secure, and kept when it holds data', () => {
      const bucket = only(stack, 'aws_s3_bucket');
      expect(bucket.bucket).toBe('sagemaker-project-${var.sagemaker_project_id}');
      expect(bucket.force_destroy).toBe(false);
      expect(only(stack, 'aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
      expect(only(stack, 'aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      expect(statementsOf(stack, only(stack, 'aws_s3_bucket_policy').policy)[0]).toMatchObject({ effect: 'Deny', condition: [{ variable: 'aws:SecureTransport', values: ['false'] }] });
    });

    test('the model package group is <project name>-<project id>', () => {
      expect(only(stack, 'aws_sagemaker_model_package_group').model_package_group_name).toBe('${var.sagemaker_project_name}-${var.sagemaker_project_id}');
    });

    test('every name built from input is checked against its AWS limit at plan', () => {
      const limits: Array<[string, string, number]> = [
        ['aws_s3_bucket', 'bucket', 63],
        ['aws_sagemaker_model_package_group', 'model_package_group_name', 63],
        ['aws_lambda_function', 'function_name', 64],
        ['aws_cloudwatch_event_rule', 'name', 64],
        ['aws_sqs_queue', 'name', 80],
        ['aws_sagemaker_code_repository', 'code_repository_name', 63],
      ];
      for (const [type, attribute, limit] of limits) {
        for (const resource of values(stack, type)) {
          expect(resource.lifecycle.precondition).toEqual([
            { condition: `\${(length("${resource[attribute]}") <= ${limit})}`, error_message: expect.stringContaining(`is longer than ${limit} characters`) },
          ]);
        }
      }
    });

    test('SageMaker code repositories use the clone URLs GitLab reports and the user-credentials secret', () => {
      const build = byPath(stack, 'aws_sagemaker_code_repository', 'build-code-repository/repository');
      expect(build.code_repository_name).toBe('${var.sagemaker_project_name}-${var.sagemaker_project_id}-model-build');
      expect(build.git_config).toEqual({
        repository_url: `\${${address(stack, 'gitlab_project', 'build-repository/project')}.http_url_to_repo}`,
        branch: 'main',
        secret_arn: '${var.secrets_manager_gitlab_user_secret_arn}',
      });
      const deploy = byPath(stack, 'aws_sagemaker_code_repository', 'deploy-code-repository/repository');
      expect(deploy.git_config.repository_url).toBe(`\${${address(stack, 'gitlab_project', 'deploy-repository/project')}.http_url_to_repo}`);
    });
  });

  describe('GitLab', () => {
    test('two private projects, named from the variables or the project name, archived on destroy', () => {
      const build = byPath(stack, 'gitlab_project', 'build-repository/project');
      expect(build).toMatchObject({
        name: '${(length(var.git_build_repo_name) < 1) ? "${var.sagemaker_project_name}-model-build" : var.git_build_repo_name}',
        visibility_level: 'private',
        default_branch: 'main',
        initialize_with_readme: false,
        archive_on_destroy: true,
      });
      expect(build.path).toBe(build.name);
      expect(build.ci_pipeline_variables_minimum_override_role).toBe('no_one_allowed');
      const deploy = byPath(stack, 'gitlab_project', 'deploy-repository/project');
      expect(deploy.name).toBe('${(length(var.git_deploy_repo_name) < 1) ? "${var.sagemaker_project_name}-model-deploy" : var.git_deploy_repo_name}');
      // The deploy trigger passes MODEL_PACKAGE_ARN: maintainers (the token owner) may pass pipeline variables.
      expect(deploy.ci_pipeline_variables_minimum_override_role).toBe('maintainer');
    });

    test('the namespace is the token owner\'s when git_user_name is empty or the owner\'s name, else the group it names', () => {
      const { namespace_id } = byPath(stack, 'gitlab_project', 'build-repository/project');
      const owner = address(stack, 'gitlab_current_user', 'token-owner', 'data');
      expect(namespace_id).toContain(`${owner}.namespace_id`);
      const groupLookup = only(stack, 'gitlab_group_ids', 'data');
      expect(groupLookup.group).toBe('${var.git_user_name}');
      expect(groupLookup.count).toBe(`\${((length(var.git_user_name) < 1) || (lower(var.git_user_name) == lower(${owner}.username))) ? 0 : 1}`);
      expect(namespace_id).toMatch(/: one\(data\.gitlab_group_ids\.[\w-]+\[\*\]\.group_id\)\}$/);
    });

    test('the default branch of each project is protected before the seed push', () => {
      const protections = values(stack, 'gitlab_branch_protection');
      expect(protections).toHaveLength(2);
      for (const protection of protections) expect(protection).toMatchObject({ branch: 'main', push_access_level: 'maintainer', merge_access_level: 'maintainer', allow_force_push: false });
    });

    describe.each(['build', 'deploy'])('CI/CD variables of the %s project', (kind) => {
      const project = `\${${address(stack, 'gitlab_project', `${kind}-repository/project`)}.id}`;
      const variables = values(stack, 'gitlab_project_variable').filter((variable) => variable.project === project);
      const byKey = Object.fromEntries(variables.map((variable) => [variable.key, variable]));

      test('are the contract\'s common variables plus both identity modes, nothing else', () => {
        expect(Object.keys(byKey).sort()).toEqual([...CI_VARIABLES.common, ...CI_VARIABLES.oidc, ...CI_VARIABLES.accessKeys].sort());
      });

      test('common values come from the project\'s resources and variables, in plain sight', () => {
        expect(byKey.SAGEMAKER_PROJECT_NAME.value).toBe('${var.sagemaker_project_name}');
        expect(byKey.SAGEMAKER_PROJECT_ID.value).toBe('${var.sagemaker_project_id}');
        expect(byKey.SAGEMAKER_PROJECT_ARN.value).toMatch(/^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:sagemaker:\$\{data\.aws_region\.[\w-]+\.name\}:\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:project\/\$\{lower\(var\.sagemaker_project_name\)\}$/);
        expect(byKey.ARTIFACT_BUCKET.value).toBe(`\${${address(stack, 'aws_s3_bucket', 'artifact-bucket/bucket')}.bucket}`);
        expect(byKey.MODEL_PACKAGE_GROUP_NAME.value).toBe('${aws_sagemaker_model_package_group.model-package-group.model_package_group_name}');
        expect(byKey.SAGEMAKER_PIPELINE_ROLE_ARN.value).toMatch(/:role\/service-role\/AmazonSageMakerServiceCatalogProductsUseRole$/);
        expect(byKey.AWS_REGION.value).toMatch(/^\$\{data\.aws_region\.[\w-]+\.name\}$/);
        for (const key of CI_VARIABLES.common) expect(byKey[key]).toMatchObject({ masked: false, protected: false, raw: true });
      });

      test('oidc mode sets the role ARN; access-keys mode sets the key, masked and protected', () => {
        expect(byKey.AWS_ROLE_ARN).toMatchObject({ value: '${var.gitlab_ci_role_arn}', count: '${!(length(var.gitlab_ci_role_arn) < 1) ? 1 : 0}' });
        for (const key of CI_VARIABLES.accessKeys) {
          expect(byKey[key]).toMatchObject({ masked: true, protected: true, raw: true, count: '${!(length(var.gitlab_ci_role_arn) < 1) ? 0 : 1}' });
        }
        const secretId = (key: string) => {
          const [, name] = /data\.aws_secretsmanager_secret_version\.([\w-]+)\[\*\]/.exec(byKey[key].value)!;
          return resources(stack, 'aws_secretsmanager_secret_version', 'data')[name];
        };
        expect(secretId('AWS_ACCESS_KEY_ID')).toMatchObject({ secret_id: '${var.secrets_manager_gitlab_iam_access_key}', count: '${!(length(var.gitlab_ci_role_arn) < 1) ? 0 : 1}' });
        expect(secretId('AWS_SECRET_ACCESS_KEY').secret_id).toBe('${var.secrets_manager_gitlab_iam_secret_key}');
      });
    });
  });

  describe('seed-code function and its invocation', () => {
    const fn = byPath(stack, 'aws_lambda_function', 'seeding/function/function');

    test('runs the bundled handler on nodejs22.x as the products use role, with settings but no secret', () => {
      expect(fn).toMatchObject({
        function_name: 'sagemaker-project-${var.sagemaker_project_id}-seed-code',
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
        handler: 'index.handler',
        timeout: 600,
        memory_size: 512,
        environment: {
          variables: {
            GITLAB_URL: '${var.gitlab_url}',
            GITLAB_TOKEN_SECRET_NAME: '${var.secrets_manager_gitlab_secret_name}',
            SAGEMAKER_PROJECT_NAME: '${var.sagemaker_project_name}',
            SAGEMAKER_PROJECT_ID: '${var.sagemaker_project_id}',
          },
        },
      });
      expect(fn.role).toMatch(/^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:iam::\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:role\/service-role\/AmazonSageMakerServiceCatalogProductsUseRole$/);
      expect(fn.filename).toMatch(/^assets\/seeding_function_code_\w+\/[0-9A-F]+\/archive\.zip$/);
      expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
    });

    test('logs JSON into its own log group with the configured retention', () => {
      const logGroup = referenced(stack, fn.logging_config.log_group);
      expect(logGroup).toMatchObject({ name: '/aws/lambda/sagemaker-project-${var.sagemaker_project_id}-seed-code', retention_in_days: 90 });
      expect(fn.logging_config.log_format).toBe('JSON');
    });

    test('is invoked once the projects, their CI variables and branch protections exist', () => {
      const invocation = only(stack, 'aws_lambda_invocation');
      expect(invocation.function_name).toBe(`\${${address(stack, 'aws_lambda_function', 'seeding/function/function')}.function_name}`);
      const build = address(stack, 'gitlab_project', 'build-repository/project');
      const deploy = address(stack, 'gitlab_project', 'deploy-repository/project');
      expect(invocation.input).toBe(
        `\${jsonencode({"repositories" = [{"repository" = "model-build", "gitlabProjectId" = tonumber(${build}.id), "branch" = "main"}, {"repository" = "model-deploy", "gitlabProjectId" = tonumber(${deploy}.id), "branch" = "main"}]})}`,
      );
      const variables = Object.keys(resources(stack, 'gitlab_project_variable')).map((name) => `gitlab_project_variable.${name}`);
      const protections = Object.keys(resources(stack, 'gitlab_branch_protection')).map((name) => `gitlab_branch_protection.${name}`);
      expect([...invocation.depends_on].sort()).toEqual([...variables, ...protections].sort());
      expect(invocation.triggers).toEqual({
        'model-build_project': `\${${build}.id}`,
        'model-deploy_project': `\${${deploy}.id}`,
        'model-build_seed_digest': expect.stringMatching(/^[0-9a-f]{64}$/),
        'model-deploy_seed_digest': expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    });
  });

  describe('deploy trigger', () => {
    const fn = byPath(stack, 'aws_lambda_function', 'deploy-trigger/function/function');
    const fnAddress = address(stack, 'aws_lambda_function', 'deploy-trigger/function/function');
    const rule = only(stack, 'aws_cloudwatch_event_rule');
    const ruleAddress = address(stack, 'aws_cloudwatch_event_rule', 'deploy-trigger/model-approved');
    const queueAddress = address(stack, 'aws_sqs_queue', 'deploy-trigger/failures');

    test('the rule matches approved packages of the project\'s group', () => {
      expect(rule.name).toBe('sagemaker-project-${var.sagemaker_project_id}-model-approved');
      expect(rule.event_pattern).toBe(
        '${jsonencode({"source" = ["aws.sagemaker"], "detail-type" = ["SageMaker Model Package State Change"], "detail" = {"ModelPackageGroupName" = [aws_sagemaker_model_package_group.model-package-group.model_package_group_name], "ModelApprovalStatus" = ["Approved"]}})}',
      );
    });

    test('the function knows the deploy project, branch and group, not the token', () => {
      expect(fn.function_name).toBe('sagemaker-project-${var.sagemaker_project_id}-deploy-trigger');
      expect(fn.runtime).toBe('nodejs22.x');
      expect(fn.timeout).toBe(60);
      expect(fn.environment.variables).toEqual({
        GITLAB_URL: '${var.gitlab_url}',
        GITLAB_TOKEN_SECRET_NAME: '${var.secrets_manager_gitlab_secret_name}',
        DEPLOY_GITLAB_PROJECT_ID: `\${${address(stack, 'gitlab_project', 'deploy-repository/project')}.id}`,
        DEPLOY_BRANCH: 'main',
        MODEL_PACKAGE_GROUP_NAME: '${aws_sagemaker_model_package_group.model-package-group.model_package_group_name}',
        SAGEMAKER_PROJECT_ID: '${var.sagemaker_project_id}',
      });
      expect(referenced(stack, fn.logging_config.log_group).retention_in_days).toBe(90);
    });

    test('only the rule may invoke the function', () => {
      expect(only(stack, 'aws_lambda_permission')).toMatchObject({
        action: 'lambda:InvokeFunction',
        principal: 'events.amazonaws.com',
        function_name: `\${${fnAddress}.function_name}`,
        source_arn: `\${${ruleAddress}.arn}`,
      });
    });

    test('undeliverable and failed events end in an encrypted queue after bounded retries', () => {
      expect(only(stack, 'aws_cloudwatch_event_target')).toEqual(expect.objectContaining({
        rule: `\${${ruleAddress}.name}`,
        arn: `\${${fnAddress}.arn}`,
        retry_policy: { maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 8 },
        dead_letter_config: { arn: `\${${queueAddress}.arn}` },
      }));
      expect(only(stack, 'aws_lambda_function_event_invoke_config')).toMatchObject({
        function_name: `\${${fnAddress}.function_name}`,
        maximum_retry_attempts: 2,
        destination_config: { on_failure: { destination: `\${${queueAddress}.arn}` } },
      });
      expect(only(stack, 'aws_sqs_queue')).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
    });

    test('the queue accepts EventBridge messages from this rule only, over TLS only', () => {
      const policy = only(stack, 'aws_sqs_queue_policy');
      expect(policy.queue_url).toBe(`\${${queueAddress}.url}`);
      const [allow, deny] = statementsOf(stack, policy.policy);
      expect(allow).toMatchObject({
        effect: 'Allow',
        actions: ['sqs:SendMessage'],
        principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
        resources: [`\${${queueAddress}.arn}`],
        condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [`\${${ruleAddress}.arn}`] }],
      });
      expect(deny).toMatchObject({ effect: 'Deny', condition: [{ variable: 'aws:SecureTransport', values: ['false'] }] });
    });
  });

  test('outputs describe the project\'s bucket, group, repositories and seeding result', () => {
    expect(Object.keys(stack.output).sort()).toEqual(['artifact_bucket', 'build_repository_url', 'deploy_repository_url', 'model_package_group', 'seeding_result']);
    for (const output of Object.values(stack.output) as any[]) expect(output.description.length).toBeGreaterThan(10);
    expect(stack.output.seeding_result.value).toMatch(/^\$\{aws_lambda_invocation\.[\w-]+\.result\}$/);
  });

  test('the platform configuration sets the branch, the log retention and the functions\' role', () => {
    const configured = synthProject({
      SMP_GITLAB_DEFAULT_BRANCH: 'develop',
      SMP_LOGS_RETENTION_DAYS: '30',
    });
    for (const project of values(configured, 'gitlab_project')) expect(project.default_branch).toBe('develop');
    for (const protection of values(configured, 'gitlab_branch_protection')) expect(protection.branch).toBe('develop');
    expect(only(configured, 'aws_lambda_invocation').input).toContain('"branch" = "develop"');
    for (const logGroup of values(configured, 'aws_cloudwatch_log_group')) expect(logGroup.retention_in_days).toBe(30);
    for (const fn of values(configured, 'aws_lambda_function')) expect(fn.role).toMatch(/:role\/ml\/ProjectsRole$/);
  });

  test('a seed-code folder without model-deploy fails the synth, naming the folder', () => {
    const incomplete = writeSeedFixture();
    rmSync(`${incomplete}/model-deploy`, { recursive: true });
    expect(() => synthApp(testConfig(), incomplete)).toThrow(`Seed code folder ${incomplete}/model-deploy does not exist`);
  });
});
