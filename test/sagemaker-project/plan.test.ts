import { join } from 'node:path';
import { FakeAws, secretsManager, useFakeAws } from '../../tools/fake-aws';
import { PlannedResource, plannedResources, TerraformWorkspace } from '../../tools/terraform';
import { gitlabProjectStandIns } from '../../tools/offline-transform';
import { formatReport, StackVerification, verify } from '../../tools/verify';
import { SAGEMAKER_PROJECT_STACK } from '../../stacks/sagemaker-project-stack';
import { writeSeedFixture } from '../support/seed-fixture';
import { synthApp, testConfig } from '../support/synth';
import { describeWithTerraform } from '../support/terraform';

const TOKEN_SECRET = 'example-dev-mlops/gitlab/private-token';
/** The project id of the variables `npm run verify` plans with. */
const PROJECT_ID = 'p-abcdefghijkl';
const ACCESS_KEY_SECRET = 'example-dev-mlops/gitlab/ci-access-key-id';
const SECRET_KEY_SECRET = 'example-dev-mlops/gitlab/ci-secret-access-key';

/** What the Studio form sends for a project created on the defaults (oidc mode). */
const STUDIO_PARAMETERS = {
  sagemaker_project_name: 'churn-prediction',
  sagemaker_project_id: 'p-abc123def456',
  gitlab_url: 'https://gitlab.example.com',
  git_user_name: 'ml-team',
  git_build_repo_name: '',
  git_deploy_repo_name: '',
  secrets_manager_gitlab_secret_name: TOKEN_SECRET,
  secrets_manager_gitlab_user_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:example-dev-mlops/gitlab/user-credentials-AbCdEf',
  gitlab_ci_role_arn: 'arn:aws:iam::123456789012:role/example-dev-mlops-gitlab-ci',
  secrets_manager_gitlab_iam_access_key: '',
  secrets_manager_gitlab_iam_secret_key: '',
};

/** Managed resources of a plan by type. */
const planned = (plan: any, type: string): PlannedResource[] => plannedResources(plan).filter((resource) => resource.type === type);
/** Secret ids the plan's data sources read (its prior state). */
const secretsRead = (plan: any): string[] =>
  plan.prior_state.values.root_module.resources.filter((r: any) => r.type === 'aws_secretsmanager_secret_version').map((r: any) => r.values.secret_id);
const one = (plan: any, type: string, namePart = '') => {
  const matches = planned(plan, type).filter((resource) => resource.name.includes(namePart));
  if (matches.length !== 1) throw new Error(`expected one planned ${type} named *${namePart}*, found ${matches.length}`);
  return matches[0].values;
};

describeWithTerraform('sagemaker-project stack: terraform validate and plan with the real aws provider', () => {
  let workspace: TerraformWorkspace;
  let variablesOnly: TerraformWorkspace;
  let fakeAws: FakeAws;

  beforeAll(async () => {
    const { sagemakerProject, outdir } = synthApp(testConfig(), writeSeedFixture());
    // From the synthesized file, so the Lambda archives it references come along.
    workspace = TerraformWorkspace.create(join(outdir, 'stacks', SAGEMAKER_PROJECT_STACK, 'cdk.tf.json'), { standIns: gitlabProjectStandIns(sagemakerProject) });
    // The stack's variables and their validation blocks alone: rejects bad input without starting a provider.
    variablesOnly = TerraformWorkspace.ofVariables(sagemakerProject);
    await variablesOnly.init();
    fakeAws = new FakeAws([secretsManager({ [TOKEN_SECRET]: 'glpat-plan-token-0000000000', [ACCESS_KEY_SECRET]: 'AKIAEXAMPLEKEY000000', [SECRET_KEY_SECRET]: 'example/secret+key' })]);
    const endpoint = await fakeAws.start();
    workspace.update((config) => useFakeAws(config, endpoint));
    await workspace.init();
  });

  afterAll(async () => {
    await fakeAws?.stop();
  });

  test('the offline transform removes only the gitlab provider, and says what it removed', () => {
    expect(workspace.transform.removedProviders).toEqual(['gitlab']);
    expect(workspace.transform.removedAddresses.map((address) => address.replace(/\.[^.]+$/, ''))).toEqual([
      'data.gitlab_current_user',
      'data.gitlab_group_ids',
      'gitlab_branch_protection',
      'gitlab_branch_protection',
      'gitlab_project',
      'gitlab_project',
      ...Array(20).fill('gitlab_project_variable'),
    ]);
  });

  // `npm run verify` for this stack: init, validate, plan with the variables of a new project, its checks.
  describe('npm run verify, and its plan of a new project (oidc mode)', () => {
    let verification: StackVerification;
    let plan: any;

    beforeAll(async () => {
      [verification] = await verify({ config: testConfig(), stacks: [SAGEMAKER_PROJECT_STACK] });
      plan = verification.plan;
    });

    test('validates, plans and passes its plan checks, with gitlab the only provider removed offline', () => {
      expect(verification.problems).toEqual([]);
      expect(verification.providersRemoved).toEqual(['gitlab']);
      expect(verification.resourcesPlanned).toBeGreaterThan(15);
      expect(formatReport([verification])).toMatch(new RegExp(`^${SAGEMAKER_PROJECT_STACK}\\s+\\d+\\s+gitlab\\s+\\d+\\s+pass$`, 'm'));
    });

    test('the plan is of the new project this describe expects', () => {
      expect(verification.variables).toMatchObject({
        sagemaker_project_name: 'churn-prediction',
        sagemaker_project_id: PROJECT_ID,
        gitlab_url: 'https://gitlab.example.com',
        git_user_name: 'ml-team',
        secrets_manager_gitlab_secret_name: TOKEN_SECRET,
        gitlab_ci_role_arn: STUDIO_PARAMETERS.gitlab_ci_role_arn,
      });
    });

    test('the artifact bucket is named after the project id and carries the project tags', () => {
      const bucket = one(plan, 'aws_s3_bucket');
      expect(bucket.bucket).toBe(`sagemaker-project-${PROJECT_ID}`);
      expect(bucket.tags_all).toEqual({ 'sagemaker:project-name': 'churn-prediction', 'sagemaker:project-id': PROJECT_ID });
    });

    test('the model package group is <project name>-<project id>, tagged', () => {
      const group = one(plan, 'aws_sagemaker_model_package_group');
      expect(group.model_package_group_name).toBe(`churn-prediction-${PROJECT_ID}`);
      expect(group.tags_all['sagemaker:project-id']).toBe(PROJECT_ID);
    });

    test('the approval rule matches approved packages of that group only', () => {
      const rule = one(plan, 'aws_cloudwatch_event_rule');
      expect(rule.name).toBe(`sagemaker-project-${PROJECT_ID}-model-approved`);
      expect(JSON.parse(rule.event_pattern)).toEqual({
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        detail: { ModelPackageGroupName: [`churn-prediction-${PROJECT_ID}`], ModelApprovalStatus: ['Approved'] },
      });
    });

    test('the functions run as the products use role with their settings, never a secret value', () => {
      const trigger = one(plan, 'aws_lambda_function', 'deploy-trigger');
      expect(trigger.function_name).toBe(`sagemaker-project-${PROJECT_ID}-deploy-trigger`);
      expect(trigger.role).toBe('arn:aws:iam::123456789012:role/service-role/AmazonSageMakerServiceCatalogProductsUseRole');
      expect(trigger.runtime).toBe('nodejs22.x');
      expect(trigger.environment[0].variables).toEqual({
        GITLAB_URL: 'https://gitlab.example.com',
        GITLAB_TOKEN_SECRET_NAME: TOKEN_SECRET,
        DEPLOY_GITLAB_PROJECT_ID: '102',
        DEPLOY_BRANCH: 'main',
        MODEL_PACKAGE_GROUP_NAME: `churn-prediction-${PROJECT_ID}`,
        SAGEMAKER_PROJECT_ID: PROJECT_ID,
      });
      const seed = one(plan, 'aws_lambda_function', 'seeding');
      expect(seed.environment[0].variables).toEqual({
        GITLAB_URL: 'https://gitlab.example.com',
        GITLAB_TOKEN_SECRET_NAME: TOKEN_SECRET,
        SAGEMAKER_PROJECT_NAME: 'churn-prediction',
        SAGEMAKER_PROJECT_ID: PROJECT_ID,
      });
      expect(JSON.stringify(plan.planned_values)).not.toContain('glpat-verify');
    });

    test('seeding is invoked once with both repositories, and again only if they or the seed code change', () => {
      const invocation = one(plan, 'aws_lambda_invocation');
      expect(JSON.parse(invocation.input)).toEqual({
        repositories: [
          { repository: 'model-build', gitlabProjectId: 101, branch: 'main' },
          { repository: 'model-deploy', gitlabProjectId: 102, branch: 'main' },
        ],
      });
      expect(invocation.lifecycle_scope).toBe('CREATE_ONLY');
      expect(Object.keys(invocation.triggers).sort()).toEqual(['model-build_project', 'model-build_seed_digest', 'model-deploy_project', 'model-deploy_seed_digest']);
    });

    test('code repositories point at the GitLab clone URLs with the credentials secret', () => {
      const build = one(plan, 'aws_sagemaker_code_repository', 'build');
      expect(build.code_repository_name).toBe(`churn-prediction-${PROJECT_ID}-model-build`);
      expect(build.git_config[0]).toMatchObject({
        branch: 'main',
        repository_url: expect.stringMatching(/^https:\/\/gitlab\.example\.com\/ml-team\/build-repository_project_\w+\.git$/),
        secret_arn: STUDIO_PARAMETERS.secrets_manager_gitlab_user_secret_arn,
      });
    });

    test('failed deploy triggers go to an encrypted queue after bounded retries', () => {
      expect(one(plan, 'aws_sqs_queue')).toMatchObject({ name: `sagemaker-project-${PROJECT_ID}-deploy-trigger-failures`, sqs_managed_sse_enabled: true });
      expect(one(plan, 'aws_lambda_function_event_invoke_config')).toMatchObject({ maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 });
      expect(one(plan, 'aws_cloudwatch_event_target').retry_policy[0]).toEqual({ maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 8 });
    });

    test('the GitLab token was read from Secrets Manager by name; the CI key secrets were not (oidc mode)', () => {
      expect(planned(plan, 'aws_lambda_function')).toHaveLength(2);
      expect(secretsRead(plan)).toEqual([TOKEN_SECRET]);
    });
  });

  test('in access-keys mode the CI key secrets are read by name, and any namespace is accepted', async () => {
    const result = await workspace.plan({
      ...STUDIO_PARAMETERS,
      git_user_name: 'data-science/forecasting',
      gitlab_ci_role_arn: '',
      secrets_manager_gitlab_iam_access_key: ACCESS_KEY_SECRET,
      secrets_manager_gitlab_iam_secret_key: SECRET_KEY_SECRET,
    });
    if (!result.ok) throw new Error(result.output);
    expect(secretsRead(result.plan).sort()).toEqual([ACCESS_KEY_SECRET, SECRET_KEY_SECRET, TOKEN_SECRET].sort());
  });

  test('the realistic parameters pass the variables-only validation that rejects the bad ones below', async () => {
    const result = await variablesOnly.plan(STUDIO_PARAMETERS);
    expect(result.ok).toBe(true);
  });

  test.each([
    ['a project name of 33 characters', { sagemaker_project_name: 'a'.repeat(33) }, 'SageMakerProjectName must be 1-32 letters, digits and hyphens'],
    ['a project name of 33 characters made long by hyphens', { sagemaker_project_name: `a${'-'.repeat(31)}b` }, 'SageMakerProjectName must be at most 32 characters'],
    ['an http:// GitLab URL', { gitlab_url: 'http://gitlab.example.com' }, 'GitlabURL must be an https:// URL without a trailing slash'],
    ['a repository name with spaces', { git_build_repo_name: 'churn model build' }, 'GitBuildRepoName must be empty or up to 100 letters, digits'],
    ['oidc mode and a namespace the CI role does not trust', { git_user_name: 'data-science' }, 'GitUserName must be ml-team or a group under it (ml-team/...)'],
    ['both CI identities', { secrets_manager_gitlab_iam_access_key: ACCESS_KEY_SECRET, secrets_manager_gitlab_iam_secret_key: SECRET_KEY_SECRET }, 'Set either GitLabCIRoleArn (oidc) or both'],
  ])('a plan with %s is rejected by validation, naming the parameter', async (_, override, message) => {
    const result = await variablesOnly.plan({ ...STUDIO_PARAMETERS, ...override });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.output.replace(/\s+/g, ' ')).toContain(message);
  });
});
