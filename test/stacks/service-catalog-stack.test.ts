import { ARTIFACT_KEYS, RUNNER_SETTINGS } from '../../contract/runner';
import { CUSTOM_RESOURCE_TYPE, FIXED_PROPERTIES } from '../../contract/provisioner';
import { templateOf } from '../support/command-runner';
import { addressOf, byPath, only, referenced, refTo as ref, resources, rolePolicy, statementsOf, Synthesized, synthApp, testConfig } from '../support/synth';
import { bySid } from '../support/synth-scope';

// What each construct does is tested beside it (test/constructs/); these tests are about composition:
// what the stack passes to each construct, how they are wired together, configuration, outputs.

const RELEASE_PACKAGE = 's3://platform-artifacts/awsutility-cloudformation-commandrunner.zip';
const STUDIO_PRINCIPALS = ['arn:aws:iam::111122223333:role/ds-lead', 'arn:aws:iam:::role/service-role/AmazonSageMaker-ExecutionRole-*'];
const EXISTING_OIDC_PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/gitlab.acme.io';

/** One configuration that sets every optional platform value at once. */
const CONFIGURED = {
  SMP_GITLAB_URL: 'https://gitlab.acme.io',
  SMP_GITLAB_OIDC_PROVIDER_ARN: EXISTING_OIDC_PROVIDER,
  SMP_LOGS_RETENTION_DAYS: '365',
  SMP_TAGS: '{"cost-center":"ml-42"}',
  SMP_SERVICE_CATALOG_PORTFOLIO_OWNER: 'ML Platform',
  SMP_SERVICE_CATALOG_STUDIO_PRINCIPAL_ARNS: STUDIO_PRINCIPALS.join(','),
  SMP_SERVICE_CATALOG_RETAINED_TEMPLATE_VERSIONS: '0123456789ab,abcdefabcdef',
  SMP_PLATFORM_STATE_BUCKET: 'acme-platform-state',
  SMP_PLATFORM_STATE_REGION: 'eu-west-1',
  SMP_COMMAND_RUNNER_TYPE_RELEASE_PACKAGE: RELEASE_PACKAGE,
  SMP_COMMAND_RUNNER_SUBNET_ID: 'subnet-0123456789abcdef0',
  SMP_COMMAND_RUNNER_SECURITY_GROUP_ID: 'sg-0123456789abcdef0',
  SMP_COMMAND_RUNNER_TIMEOUT_SECONDS: '5400',
  SMP_COMMAND_RUNNER_INSTANCE_TYPE: 'm5.large',
  SMP_S3_PROJECT_TEMPLATE_ENABLED: 'true',
};

const defaults = synthApp().serviceCatalog;
const configured = synthApp(testConfig(CONFIGURED)).serviceCatalog;
const codeBuild = synthApp(testConfig({ SMP_RUNNER_ENGINE: 'codebuild' })).serviceCatalog;
const accessKeys = synthApp(testConfig({ SMP_GITLAB_CI_AUTH_MODE: 'access-keys' })).serviceCatalog;

const keyArn = (stack: Synthesized) => ref(stack, 'aws_kms_key', 'encryption-key/key', 'arn');
const account = ref(defaults, 'aws_caller_identity', 'aws-context/caller', 'account_id', 'data');
const RUNNER_ROLE = /:iam::\$\{[^}]+\}:role\/example-dev-mlops-project-runner$/;
const LOG_GROUP = '/sagemaker-projects/example-dev-mlops/command-runner';

/** Every statement of every policy document in the stack. */
const allStatements = (stack: Synthesized): any[] =>
  Object.values(resources(stack, 'aws_iam_policy_document', 'data')).flatMap((document: any) => document.statement ?? []);
/** Every statement of the runner role's inline policies. */
const runnerStatements = (stack: Synthesized): any[] =>
  Object.values<any>(resources(stack, 'aws_iam_role_policy'))
    .filter((policy) => policy.role === ref(stack, 'aws_iam_role', 'command-runner/role/role', 'name'))
    .flatMap((policy) => statementsOf(stack, policy.policy));
const managedPolicy = (stack: Synthesized, pathSuffix: string) => statementsOf(stack, byPath(stack, 'aws_iam_policy', pathSuffix).policy);
/** The resource a rendered Terraform reference (`<aws_x.name.attribute>`, as templateOf shows them) points at. */
const referencedIn = (stack: Synthesized, rendered: string) => referenced(stack, rendered.replace(/^<(.*)>$/, '$${$1}'));

describe('service-catalog stack: shared state, key and logs', () => {
  test('the platform bucket is named after the organization, environment, role, account and region, and encrypted with the platform key', () => {
    expect(byPath(defaults, 'aws_s3_bucket', 'platform-state/bucket/bucket').bucket).toBe(`example-dev-mlops-tfstate-${account}-us-east-1`);
    expect(
      byPath(defaults, 'aws_s3_bucket_server_side_encryption_configuration', 'platform-state/bucket/encryption').rule[0].apply_server_side_encryption_by_default
        .kms_master_key_id,
    ).toBe(keyArn(defaults));
  });

  test('the project state is reserved for the runner role', () => {
    const policy = statementsOf(defaults, byPath(defaults, 'aws_s3_bucket_policy', 'platform-state/bucket/policy').policy);
    expect(bySid(policy, 'ProjectStateOnlyForTheRunner').condition[0].values).toEqual([expect.stringMatching(RUNNER_ROLE)]);
  });

  test('with the CodeBuild engine, only the runner role writes or deletes its cache (providers later builds execute); no such statement otherwise', () => {
    const bucketPolicy = (stack: Synthesized) => statementsOf(stack, byPath(stack, 'aws_s3_bucket_policy', 'platform-state/bucket/policy').policy);
    const cache = bySid(bucketPolicy(codeBuild), 'RunnerCacheOnlyFromTheRunner');
    expect(cache).toMatchObject({ effect: 'Deny', principals: [{ type: '*', identifiers: ['*'] }], actions: ['s3:PutObject', 's3:DeleteObject'] });
    expect(cache.condition).toEqual([{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [expect.stringMatching(RUNNER_ROLE)] }]);
    // The prefix CodeBuild caches under (the project's cache location), as an object ARN pattern.
    const location = byPath(codeBuild, 'aws_codebuild_project', 'codebuild-runner/project').cache.location;
    expect(location).toMatch(/\/codebuild-runner-cache$/);
    expect(cache.resources).toEqual([expect.stringMatching(/:s3:::example-dev-mlops-tfstate-.*-us-east-1\/codebuild-runner-cache\/\*$/)]);
    for (const stack of [defaults, configured, accessKeys])
      expect(bucketPolicy(stack).map((statement) => statement.sid)).not.toContain('RunnerCacheOnlyFromTheRunner');
  });

  test('the lock table is named from the configuration and encrypted with the platform key', () => {
    expect(byPath(defaults, 'aws_dynamodb_table', 'platform-state/lock-table/table')).toMatchObject({
      name: 'terraform-lock-example-dev-mlops',
      server_side_encryption: { enabled: true, kms_key_arn: keyArn(defaults) },
    });
  });

  test("the key carries the configured alias and lets CloudWatch Logs encrypt only the runner log group, and the type's when registered", () => {
    expect(only(defaults, 'aws_kms_alias').name).toBe('alias/example-dev-mlops-sagemaker-projects');
    const logGroupsOf = (stack: Synthesized) => bySid(statementsOf(stack, only(stack, 'aws_kms_key').policy), 'CloudWatchLogsEncryption').condition[0].values;
    expect(logGroupsOf(defaults)).toEqual([expect.stringMatching(new RegExp(`:log-group:${LOG_GROUP}$`))]);
    expect(logGroupsOf(configured)).toEqual([
      expect.stringMatching(new RegExp(`:log-group:${LOG_GROUP}$`)),
      expect.stringMatching(new RegExp(`:log-group:${LOG_GROUP}-type$`)),
    ]);
  });

  test('the runner log group keeps logs for the configured days, encrypted with the platform key', () => {
    expect(only(defaults, 'aws_cloudwatch_log_group')).toMatchObject({ name: LOG_GROUP, retention_in_days: 90, kms_key_id: keyArn(defaults) });
    expect(byPath(configured, 'aws_cloudwatch_log_group', 'command-runner-logs').retention_in_days).toBe(365);
  });
});

describe('service-catalog stack: the GitLab token', () => {
  test('is the configured secret, encrypted with the platform key', () => {
    expect(byPath(defaults, 'aws_secretsmanager_secret', 'gitlab-token/secret/secret')).toMatchObject({
      name: 'example-dev-mlops/gitlab/private-token',
      kms_key_id: keyArn(defaults),
    });
  });

  test("only the runner role and the projects' seeding-function roles (their naming pattern) may read it", () => {
    const [deny] = statementsOf(defaults, byPath(defaults, 'aws_secretsmanager_secret_policy', 'gitlab-token/secret/policy').policy);
    expect(deny.condition[0].values).toEqual([
      expect.stringMatching(RUNNER_ROLE),
      expect.stringMatching(/:iam::\$\{[^}]+\}:role\/example-dev-mlops\/example-dev-mlops-p-\*-seed-code$/),
    ]);
  });

  test('no other secret: no user-credentials secret (Studio users clone with their own GitLab identity), no CI key secret', () => {
    expect(Object.values(resources(defaults, 'aws_secretsmanager_secret')).map((candidate: any) => candidate.name)).toEqual([
      'example-dev-mlops/gitlab/private-token',
    ]);
    expect(Object.values(resources(accessKeys, 'aws_secretsmanager_secret'))).toHaveLength(1);
  });

  test('no token value can reach the synthesized JSON from the environment', () => {
    const previous = process.env.TF_VAR_gitlab_private_token;
    process.env.TF_VAR_gitlab_private_token = 'glpat-never-in-json-000000';
    try {
      expect(JSON.stringify(synthApp().serviceCatalog)).not.toContain('glpat-never-in-json');
    } finally {
      if (previous === undefined) delete process.env.TF_VAR_gitlab_private_token;
      else process.env.TF_VAR_gitlab_private_token = previous;
    }
  });
});

describe('service-catalog stack: the runner', () => {
  test('one role of the configured name; with CommandRunner assumed by EC2 through an instance profile, with CodeBuild by CodeBuild', () => {
    expect(byPath(defaults, 'aws_iam_role', 'command-runner/role/role').name).toBe('example-dev-mlops-project-runner');
    expect(only(defaults, 'aws_iam_instance_profile').name).toBe('example-dev-mlops-project-runner');
    expect(statementsOf(codeBuild, byPath(codeBuild, 'aws_iam_role', 'command-runner/role/role').assume_role_policy)[0].principals).toEqual([
      { type: 'Service', identifiers: ['codebuild.amazonaws.com'] },
    ]);
    expect(resources(codeBuild, 'aws_iam_instance_profile')).toEqual({});
  });

  test('logs only to the runner log group, and nothing the stack grants it is an EC2 or STS permission', () => {
    expect(bySid(rolePolicy(defaults, 'command-runner/role', 'run-logs'), 'CreateOnlyThisLogGroup').resources).toEqual([
      expect.stringMatching(new RegExp(`:log-group:${LOG_GROUP}$`)),
    ]);
    for (const stack of [defaults, codeBuild])
      expect(
        runnerStatements(stack)
          .flatMap((statement) => statement.actions)
          .filter((action: string) => /^(ec2|sts):/.test(action)),
      ).toEqual([]);
  });

  test('its grants: project state and runner artifacts in the platform bucket, the lock table, the token; each key use for that data only', () => {
    const grants = rolePolicy(defaults, 'command-runner/role', 'grants');
    const bucket = /:s3:::example-dev-mlops-tfstate-/;
    expect(grants.filter((statement) => statement.actions.includes('s3:PutObject')).flatMap((statement) => statement.resources)).toEqual([
      expect.stringMatching(/\/sagemaker-projects\/\*$/),
    ]);
    expect(grants.filter((statement) => statement.actions.includes('s3:GetObjectVersion')).flatMap((statement) => statement.resources)).toEqual([
      expect.stringMatching(/\/command-runner\/\*$/),
    ]);
    for (const statement of grants.filter((candidate) => candidate.actions.some((action: string) => action.startsWith('s3:'))))
      for (const resource of statement.resources) expect(resource).toMatch(bucket);
    expect(grants.find((statement) => statement.actions.includes('dynamodb:PutItem')).resources).toEqual([
      expect.stringMatching(/:table\/terraform-lock-example-dev-mlops$/),
    ]);
    expect(grants.find((statement) => statement.actions.includes('secretsmanager:GetSecretValue')).resources).toEqual([
      expect.stringMatching(/:secret:example-dev-mlops\/gitlab\/private-token-\?\?\?\?\?\?$/),
    ]);
    const keyUses = grants.filter((statement) => statement.actions.includes('kms:Decrypt'));
    expect(keyUses.map((statement) => statement.condition[0].values[0].split('.')[0]).sort()).toEqual(['dynamodb', 's3', 's3', 'secretsmanager']);
    for (const use of keyUses) {
      expect(use.resources).toEqual([keyArn(defaults)]);
      expect(use.condition.map((condition: any) => condition.variable)).toEqual(['kms:ViaService', expect.stringMatching(/^kms:EncryptionContext:/)]);
    }
  });

  test('finds the platform key and may let DynamoDB use it for the project tables it creates', () => {
    expect(rolePolicy(defaults, 'command-runner/role', 'platform-key')).toEqual([
      { sid: 'FindPlatformKey', effect: 'Allow', actions: ['kms:DescribeKey'], resources: [keyArn(defaults)] },
      {
        effect: 'Allow',
        actions: ['kms:CreateGrant', 'kms:DescribeKey', 'kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [keyArn(defaults)],
        condition: [
          {
            test: 'StringEquals',
            variable: 'kms:ViaService',
            values: [`dynamodb.${ref(defaults, 'aws_region', 'aws-context/region', 'name', 'data')}.amazonaws.com`],
          },
          { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] },
        ],
      },
    ]);
  });

  test("provisions projects through a managed policy that binds every identity it creates to the stack's project boundary", () => {
    const statements = managedPolicy(defaults, 'command-runner/role/managed-provisioning');
    expect(byPath(defaults, 'aws_iam_role_policy_attachment', 'command-runner/role/managed-provisioning-attachment').role).toBe(
      ref(defaults, 'aws_iam_role', 'command-runner/role/role', 'name'),
    );
    expect(bySid(statements, 'CreateProjectIdentitiesWithBoundary').condition).toEqual([
      { test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [ref(defaults, 'aws_iam_policy', 'project-boundary/policy', 'arn')] },
    ]);
    expect(bySid(statements, 'CreateProjectIdentitiesWithBoundary').resources).toEqual([
      expect.stringMatching(/:role\/example-dev-mlops\/example-dev-mlops-p-\*$/),
      expect.stringMatching(/:user\/example-dev-mlops\/example-dev-mlops-p-\*$/),
    ]);
  });

  test('with the CodeBuild engine: its build logs and cache, and S3 use of the key for the platform bucket', () => {
    const statements = rolePolicy(codeBuild, 'command-runner/role', 'codebuild');
    expect(statements.map((statement) => statement.sid ?? statement.actions[0])).toEqual(['RunnerBuildLogs', 'RunnerBuildCache', 'kms:Decrypt']);
    expect(statements[2].condition[1]).toEqual({
      test: 'StringLike',
      variable: 'kms:EncryptionContext:aws:s3:arn',
      values: [expect.stringMatching(/:s3:::example-dev-mlops-tfstate-[^/]+$/), expect.stringMatching(/:s3:::example-dev-mlops-tfstate-.*\/\*$/)],
    });
    expect(byPath(codeBuild, 'aws_codebuild_project', 'codebuild-runner/project').service_role).toBe(
      ref(codeBuild, 'aws_iam_role', 'command-runner/role/role', 'arn'),
    );
  });
});

describe('service-catalog stack: identities and boundaries', () => {
  test("no policy allows every action, and iam:PassRole names the runner's project roles (to Lambda) or a project's roles (to SageMaker)", () => {
    for (const statement of allStatements(defaults).filter((candidate) => candidate.effect === 'Allow')) expect(statement.actions).not.toContain('*');
    for (const statement of allStatements(defaults).filter((candidate) => (candidate.actions ?? []).includes('iam:PassRole'))) {
      expect(statement.condition).toEqual([
        { test: 'StringEquals', variable: 'iam:PassedToService', values: [expect.stringMatching(/^(lambda|sagemaker)\.amazonaws\.com$/)] },
      ]);
      expect(statement.resources).toEqual([expect.stringMatching(/:role\/example-dev-mlops\/example-dev-mlops-p-\*$/)]);
    }
  });

  test('the project boundary is created under the configured path and name, for the configured names and token', () => {
    expect(byPath(defaults, 'aws_iam_policy', 'project-boundary/policy')).toMatchObject({
      name: 'example-dev-mlops-project-boundary',
      path: '/example-dev-mlops/',
    });
    const statements = managedPolicy(defaults, 'project-boundary/policy');
    expect(bySid(statements, 'ProjectBuckets').resources).toEqual([
      expect.stringMatching(/:s3:::example-dev-mlops-p-\*$/),
      expect.stringMatching(/:s3:::example-dev-mlops-p-\*\/\*$/),
    ]);
    expect(bySid(statements, 'ProjectSecrets').resources).toEqual([expect.stringMatching(/:secret:example-dev-mlops\/p-\*$/)]);
    expect(bySid(statements, 'NamespaceTokenRead')).toMatchObject({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [expect.stringMatching(/:secret:example-dev-mlops\/gitlab\/private-token-\*$/)],
    });
    expect(bySid(statements, 'PlatformKeyThroughServices').resources).toEqual([keyArn(defaults)]);
  });

  test('the launch role has the configured name; the CodeBuild engine adds invoking its function', () => {
    expect(byPath(defaults, 'aws_iam_role', 'launch-role/role/role').name).toBe('example-dev-mlops-sc-launch');
    expect(() => rolePolicy(defaults, 'launch-role/role', 'invoke-provision-project')).toThrow(
      'no resource aws_iam_role_policy at a path ending in launch-role/role/policy-invoke-provision-project',
    );
    expect(rolePolicy(codeBuild, 'launch-role/role', 'invoke-provision-project')).toEqual([
      {
        sid: 'InvokeProvisionProject',
        effect: 'Allow',
        actions: ['lambda:InvokeFunction'],
        resources: [ref(codeBuild, 'aws_lambda_function', 'codebuild-runner/function/function', 'arn')],
      },
    ]);
  });

  test('oidc mode: one IAM OIDC provider for the configured GitLab and no namespace-wide role; an existing provider can be named instead', () => {
    expect(only(defaults, 'aws_iam_openid_connect_provider')).toMatchObject({
      url: 'https://gitlab.example.com',
      client_id_list: ['https://gitlab.example.com'],
    });
    expect(
      Object.values(resources(defaults, 'aws_iam_role'))
        .map((role: any) => role.name)
        .sort(),
    ).toEqual(['example-dev-mlops-project-runner', 'example-dev-mlops-sc-launch']);
    expect(defaults.output.gitlab_oidc_provider_arn.value).toBe(ref(defaults, 'aws_iam_openid_connect_provider', 'gitlab-oidc/oidc-provider', 'arn'));
    expect(resources(configured, 'aws_iam_openid_connect_provider')).toEqual({});
    expect(configured.output.gitlab_oidc_provider_arn.value).toBe(EXISTING_OIDC_PROVIDER);
  });

  test('access-keys mode: no platform user, no key and no OIDC provider (each project gets its own user)', () => {
    expect(resources(accessKeys, 'aws_iam_user')).toEqual({});
    expect(resources(accessKeys, 'aws_iam_access_key')).toEqual({});
    expect(resources(accessKeys, 'aws_iam_openid_connect_provider')).toEqual({});
    expect(accessKeys.output.gitlab_oidc_provider_arn.value).toBe('');
  });
});

describe('service-catalog stack: what the runner executes', () => {
  const { object, document } = templateOf(defaults);
  const run = document.Resources.TerraformRun;
  const command: string = run.Properties.Command['Fn::Sub'];
  const line = (key: string) => new RegExp(`\\n${key}=([^\\n]*)\\n`).exec(command)?.[1];
  const resourceOf = (rendered: string) => referencedIn(defaults, rendered);
  const codeObject = byPath(defaults, 'aws_s3_object', 'project-artifacts/terraform-code');
  const scriptObject = byPath(defaults, 'aws_s3_object', 'project-artifacts/runner-script');
  const bucketPolicy = expect.stringMatching(/^aws_s3_bucket_policy\.platform-state_bucket_policy_/);

  test('the runner script and tf-code.zip (the packaged project stack) are uploaded to the platform bucket after its policy', () => {
    for (const uploaded of [scriptObject, codeObject]) {
      expect(uploaded.bucket).toBe(ref(defaults, 'aws_s3_bucket', 'platform-state/bucket/bucket', 'bucket'));
      expect(uploaded.depends_on).toEqual([bucketPolicy]);
    }
    expect(codeObject.key).toMatch(new RegExp(`^${ARTIFACT_KEYS.terraformCodePrefix}[0-9a-f]{64}\\.zip$`));
    expect(codeObject.source).toMatch(/^assets\/project-artifacts_terraform-code-file_[^/]+\/[0-9A-F]+\/[0-9a-f]{64}\.zip$/);
    expect(codeObject.source.endsWith(`${codeObject.key.slice(ARTIFACT_KEYS.terraformCodePrefix.length)}`)).toBe(true);
  });

  test("every platform value in the template's command comes from this stack's own resources and configuration", () => {
    expect(resourceOf(line(RUNNER_SETTINGS.stateBucket)!)).toBe(byPath(defaults, 'aws_s3_bucket', 'platform-state/bucket/bucket'));
    expect(line(RUNNER_SETTINGS.lockTable)).toBe(byPath(defaults, 'aws_dynamodb_table', 'platform-state/lock-table/table').name);
    expect(resourceOf(line(RUNNER_SETTINGS.stateKmsKeyArn)!)).toBe(byPath(defaults, 'aws_kms_key', 'encryption-key/key'));
    expect(line(RUNNER_SETTINGS.terraformVersion)).toBe('1.11.4');
    expect(line(RUNNER_SETTINGS.terraformSha256)).toBe('1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc');
    expect(line(RUNNER_SETTINGS.artifactBucketOnDelete)).toBe('keep');
    expect(resourceOf(run.Properties.Role)).toBe(byPath(defaults, 'aws_iam_instance_profile', 'command-runner/instance-profile'));
    expect(resourceOf(run.Properties.LogGroup)).toBe(byPath(defaults, 'aws_cloudwatch_log_group', 'command-runner-logs'));
    expect(run.Properties).toMatchObject({ Timeout: '3600', InstanceType: 't3.medium' });
  });

  test('the command runs exactly the uploaded code: the keys and SHA-256 of the uploaded script and tf-code.zip', () => {
    expect(line(RUNNER_SETTINGS.codeKey)).toBe(codeObject.key);
    expect(codeObject.key).toBe(`${ARTIFACT_KEYS.terraformCodePrefix}${line(RUNNER_SETTINGS.codeSha256)}.zip`);
    const scriptSha = scriptObject.key.slice(ARTIFACT_KEYS.runnerScriptPrefix.length, -'.sh'.length);
    expect(command).toContain(`--key "${scriptObject.key}"`);
    expect(command).toContain(`echo "${scriptSha}  $SMP_SCRIPT" | sha256sum --check --status`);
  });

  test("Terraform interpolates only references to this stack's resources in the template", () => {
    const interpolated = [...(object.content as string).matchAll(/(?<!\$)\$\{([^}]+)\}/g)].map((match) => `\${${match[1]}}`);
    expect(interpolated.length).toBeGreaterThanOrEqual(5);
    for (const reference of interpolated) expect(() => referenced(defaults, reference)).not.toThrow();
  });

  test('the template is uploaded to the platform bucket after its policy', () => {
    expect(object.bucket).toBe(ref(defaults, 'aws_s3_bucket', 'platform-state/bucket/bucket', 'bucket'));
    expect(object.depends_on).toEqual([bucketPolicy]);
  });

  test('the configured subnet, security group, timeout and instance type reach CommandRunner', () => {
    expect(templateOf(configured).document.Resources.TerraformRun.Properties).toMatchObject({
      SubnetId: 'subnet-0123456789abcdef0',
      SecurityGroupId: 'sg-0123456789abcdef0',
      Timeout: '5400',
      InstanceType: 'm5.large',
    });
  });

  test("with the CodeBuild engine the template's service token is the platform's provisioning function, and it pins the uploaded code", () => {
    const codeBuildRun = templateOf(codeBuild).document.Resources.TerraformRun;
    expect(codeBuildRun.Type).toBe(CUSTOM_RESOURCE_TYPE);
    expect(referencedIn(codeBuild, codeBuildRun.Properties.ServiceToken)).toBe(byPath(codeBuild, 'aws_lambda_function', 'codebuild-runner/function/function'));
    expect(codeBuildRun.Properties.ServiceTimeout).toBe(1800);
    const uploaded = byPath(codeBuild, 'aws_s3_object', 'project-artifacts/terraform-code');
    expect(`${ARTIFACT_KEYS.terraformCodePrefix}${codeBuildRun.Properties[FIXED_PROPERTIES.terraformCodeSha256]}.zip`).toBe(uploaded.key);
    expect(byPath(codeBuild, 'aws_codebuild_project', 'codebuild-runner/project').cache.location).toBe(
      `${ref(codeBuild, 'aws_s3_bucket', 'platform-state/bucket/bucket', 'bucket')}/codebuild-runner-cache`,
    );
  });
});

describe('service-catalog stack: the CommandRunner type registration', () => {
  test('exists only with a release package', () => {
    expect(resources(defaults, 'aws_cloudformation_type')).toEqual({});
    expect(byPath(configured, 'aws_cloudformation_type', 'command-runner-type/type').schema_handler_package).toBe(RELEASE_PACKAGE);
    expect(byPath(configured, 'aws_iam_role', 'command-runner-type/execution-role/role').name).toBe('example-dev-mlops-commandrunner-type');
  });

  test("its handler launches only with the runner's instance profile, passes only the runner role, in the configured subnet with the configured security group", () => {
    const statements = rolePolicy(configured, 'command-runner-type/execution-role', 'command-runner-handler');
    const profileArn = ref(configured, 'aws_iam_instance_profile', 'command-runner/instance-profile', 'arn');
    expect(bySid(statements, 'LaunchOnlyWithRunnerInstanceProfile').condition[0].values).toEqual([profileArn]);
    expect(bySid(statements, 'CheckRunnerInstanceProfile').resources).toEqual([profileArn]);
    expect(bySid(statements, 'PassRunnerRoleToEc2').resources).toEqual([ref(configured, 'aws_iam_role', 'command-runner/role/role', 'arn')]);
    expect(bySid(statements, 'LaunchResources').resources).toContainEqual(expect.stringMatching(/:subnet\/subnet-0123456789abcdef0$/));
    expect(statements.map((statement) => statement.sid)).not.toContain('TemporarySecurityGroup');
    expect(byPath(configured, 'aws_cloudwatch_log_group', 'command-runner-type/handler-logs')).toMatchObject({
      name: `${LOG_GROUP}-type`,
      retention_in_days: 365,
      kms_key_id: keyArn(configured),
    });
  });
});

describe('service-catalog stack: Service Catalog and Studio', () => {
  test('the product is created from the template uploaded to the platform bucket, named from the configuration', () => {
    const product = only(defaults, 'aws_servicecatalog_product');
    expect(product.name).toBe('example-dev-mlops-sagemaker-project-terraform-gitlab');
    const templateKey = byPath(defaults, 'aws_s3_object', 'project-template/object').key;
    expect(product.provisioning_artifact_parameters.template_url).toBe(
      `https://${ref(defaults, 'aws_s3_bucket', 'platform-state/bucket/bucket', 'bucket')}.s3.us-east-1.amazonaws.com/${templateKey}`,
    );
    expect(product.depends_on).toEqual([addressOf(defaults, 'aws_s3_object', 'project-template/object')]);
  });

  test("the current version is the template's version, from its URL in the platform bucket, and an output names it", () => {
    const template = templateOf(defaults).object;
    const version = /sagemaker-project-([0-9a-f]{12})\.yaml$/.exec(template.key)![1];
    const [artifact] = Object.values<any>(resources(defaults, 'aws_servicecatalog_provisioning_artifact'));
    expect(artifact).toMatchObject({ name: version, guidance: 'DEFAULT' });
    expect(artifact.template_url).toMatch(
      new RegExp(`^https://\\$\\{aws_s3_bucket\\.platform-state_bucket_[^}]+\\.bucket\\}\\.s3\\.us-east-1\\.amazonaws\\.com/${template.key}$`),
    );
    expect(artifact.depends_on).toEqual([addressOf(defaults, 'aws_s3_object', 'project-template/object')]);
    expect(defaults.output.service_catalog_template_version.value).toBe(version);
  });

  test('the configured retained versions stay, from their own template keys in the platform bucket', () => {
    const artifacts = Object.values<any>(resources(configured, 'aws_servicecatalog_provisioning_artifact'));
    expect(artifacts).toHaveLength(3);
    expect(artifacts.map((artifact) => [artifact.name, artifact.guidance])).toEqual(
      expect.arrayContaining([
        ['0123456789ab', 'DEPRECATED'],
        ['abcdefabcdef', 'DEPRECATED'],
        [templateOf(configured).object.key.replace(/^.*sagemaker-project-([0-9a-f]{12})\.yaml$/, '$1'), 'DEFAULT'],
      ]),
    );
    expect(artifacts.find((artifact) => artifact.name === '0123456789ab').template_url).toMatch(
      /\.s3\.us-east-1\.amazonaws\.com\/command-runner\/templates\/sagemaker-project-0123456789ab\.yaml$/,
    );
  });

  test('the launch constraint names the launch role', () => {
    expect(only(defaults, 'aws_servicecatalog_constraint').parameters).toBe(
      '${jsonencode({"RoleArn" = ' + addressOf(defaults, 'aws_iam_role', 'launch-role/role/role') + '.arn})}',
    );
  });

  test('the portfolio carries the configured name and owner and is shared with the configured Studio roles', () => {
    expect(only(configured, 'aws_servicecatalog_portfolio')).toMatchObject({ name: 'example-dev-mlops-sagemaker-projects', provider_name: 'ML Platform' });
    expect(
      Object.values<any>(resources(configured, 'aws_servicecatalog_principal_portfolio_association')).map((association) => association.principal_arn),
    ).toEqual(STUDIO_PRINCIPALS);
  });

  test("the S3 project template, when enabled, is the product's template, published in a bucket named from the configuration for the Studio roles", () => {
    expect(resources(defaults, 'aws_s3_bucket_cors_configuration')).toEqual({});
    expect(defaults.output.s3_project_templates_location.value).toBe('');
    expect(byPath(configured, 'aws_s3_bucket', 's3-project-template/bucket/bucket').bucket).toMatch(
      /^example-dev-mlops-sm-templates-\$\{data\.aws_caller_identity\.[^}]+\}-us-east-1$/,
    );
    const object = byPath(configured, 'aws_s3_object', 's3-project-template/template-object');
    expect(object.key).toBe('templates/example-dev-mlops-sagemaker-project-terraform-gitlab.yaml');
    expect(object.content).toBe(templateOf(configured).object.content);
    const read = bySid(
      statementsOf(configured, byPath(configured, 'aws_s3_bucket_policy', 's3-project-template/bucket/policy').policy),
      'StudioRolesReadTemplates',
    );
    expect(read.condition[1].values).toEqual([
      STUDIO_PRINCIPALS[0],
      expect.stringMatching(/^arn:aws:iam::\$\{data\.aws_caller_identity\.[^}]+\}:role\/service-role\/AmazonSageMaker-ExecutionRole-\*$/),
    ]);
    expect(configured.output.s3_project_templates_location.value).toMatch(
      /^s3:\/\/\$\{aws_s3_bucket\.s3-project-template_bucket_[^}]+\.bucket\}\/templates\/$/,
    );
  });
});

describe('service-catalog stack: its own state, providers, outputs and tags', () => {
  test('is a local file by default, or an existing bucket (encrypted, S3 lock file)', () => {
    expect(defaults.terraform.backend.local.path).toMatch(/terraform\.service-catalog\.tfstate$/);
    expect(configured.terraform.backend).toEqual({
      s3: { bucket: 'acme-platform-state', key: 'sagemaker-projects-platform/terraform.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });

  test('needs only the aws provider: tf-code.zip is built at synth, so nothing else must be installed to deploy', () => {
    expect(Object.keys(defaults.terraform.required_providers)).toEqual(['aws']);
  });

  test('outputs name the shared resources, each with a description', () => {
    const expected = [
      'command_runner_instance_profile',
      's3_bucket_id',
      'secrets_manager_gitlab_private_token',
      'service_catalog_product_name',
      'cw_log_group_name',
      'terraform_lock_table',
      'runner_role_arn',
      'project_boundary_policy_arn',
      'gitlab_oidc_provider_arn',
      'service_catalog_template_version',
      's3_project_templates_location',
    ];
    expect(Object.keys(defaults.output).sort()).toEqual([...expected].sort());
    for (const name of expected) expect(defaults.output[name].description.length).toBeGreaterThan(20);
    expect(defaults.output.s3_bucket_id.value).toBe(ref(defaults, 'aws_s3_bucket', 'platform-state/bucket/bucket', 'bucket'));
    expect(defaults.output.project_boundary_policy_arn.value).toBe(ref(defaults, 'aws_iam_policy', 'project-boundary/policy', 'arn'));
    expect(defaults.output.command_runner_instance_profile.value).toBe(ref(defaults, 'aws_iam_instance_profile', 'command-runner/instance-profile', 'name'));
    expect(codeBuild.output.command_runner_instance_profile.value).toBe('');
  });

  test('every resource carries the platform tags and the configured tags', () => {
    expect(configured.provider.aws[0].default_tags).toEqual([
      { tags: { 'cost-center': 'ml-42', 'sagemaker-projects:platform': 'example-dev-mlops', 'managed-by': 'cdktf' } },
    ]);
  });
});
