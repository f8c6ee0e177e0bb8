import { addressOf, byPath, only, referenced, refTo, resources, rolePolicy, statementsOf, Synthesized, synthApp, testConfig } from '../support/synth';

const defaults = synthApp().serviceCatalog;
const ref = (type: string, pathSuffix: string, attribute: string, kind: 'resource' | 'data' = 'resource') => refTo(defaults, type, pathSuffix, attribute, kind);
const account = ref('aws_caller_identity', 'aws-context/caller', 'account_id', 'data');

/** Every statement of every policy document in the stack. */
function allStatements(stack: Synthesized): any[] {
  return Object.values(resources(stack, 'aws_iam_policy_document', 'data')).flatMap((document: any) => document.statement ?? []);
}

const bySid = (statements: any[], sid: string) => {
  const statement = statements.find((candidate) => candidate.sid === sid);
  if (!statement) throw new Error(`no statement ${sid}`);
  return statement;
};

const managedPolicy = (stack: Synthesized, pathSuffix: string) => statementsOf(stack, byPath(stack, 'aws_iam_policy', pathSuffix).policy);

describe('service-catalog stack: the platform bucket (project state and runner artifacts)', () => {
  const bucket = byPath(defaults, 'aws_s3_bucket', 'platform-state/bucket/bucket');
  const policy = statementsOf(defaults, byPath(defaults, 'aws_s3_bucket_policy', 'platform-state/bucket/policy').policy);

  test('is named after the organization, environment, role, account and region, and is never force-destroyed', () => {
    expect(bucket.bucket).toBe(`example-dev-mlops-tfstate-${account}-us-east-1`);
    expect(bucket.force_destroy).toBe(false);
  });

  test('is encrypted with the platform KMS key and an S3 bucket key, versioned, private, TLS-only', () => {
    expect(byPath(defaults, 'aws_s3_bucket_server_side_encryption_configuration', 'platform-state/bucket/encryption').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: ref('aws_kms_key', 'encryption-key/key', 'arn') }, bucket_key_enabled: true },
    ]);
    expect(byPath(defaults, 'aws_s3_bucket_versioning', 'platform-state/bucket/versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(byPath(defaults, 'aws_s3_bucket_public_access_block', 'platform-state/bucket/public-access-block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(bySid(policy, 'DenyInsecureTransport')).toMatchObject({ effect: 'Deny', actions: ['s3:*'], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
  });

  test('superseded state versions expire; superseded runner artifacts are kept, so an older product version finds its code', () => {
    const [rule] = byPath(defaults, 'aws_s3_bucket_lifecycle_configuration', 'platform-state/bucket/lifecycle').rule;
    expect(rule).toMatchObject({ status: 'Enabled', filter: [{ prefix: 'sagemaker-projects/' }], noncurrent_version_expiration: [{ noncurrent_days: 90 }] });
  });

  test('only the runner reads or writes project state, whatever identity policies say elsewhere', () => {
    expect(bySid(policy, 'ProjectStateOnlyForTheRunner')).toEqual({
      sid: 'ProjectStateOnlyForTheRunner',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: [expect.stringMatching(/:s3:::example-dev-mlops-tfstate-.*\/sagemaker-projects\/\*$/)],
      condition: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [expect.stringMatching(/:iam::\$\{[^}]+\}:role\/example-dev-mlops-project-runner$/)] }],
    });
  });

  test('only whoever deploys this stack writes what the runner executes (command-runner/)', () => {
    const deny = bySid(policy, 'RunnerArtifactsOnlyFromTheDeployer');
    expect(deny.actions).toEqual(['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectTagging', 's3:PutObjectAcl']);
    expect(deny.resources).toEqual([expect.stringMatching(/\/command-runner\/\*$/)]);
    expect(deny.condition).toEqual([{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [ref('aws_iam_session_context', 'platform-state/deployer', 'issuer_arn', 'data')] }]);
    expect(referenced(defaults, ref('aws_iam_session_context', 'platform-state/deployer', 'issuer_arn', 'data')).arn).toBe(ref('aws_caller_identity', 'platform-state/caller', 'arn', 'data'));
  });
});

describe('service-catalog stack: lock table, key and logs', () => {
  test('the lock table keys on LockID, bills on demand, has PITR, deletion protection and the platform key', () => {
    expect(byPath(defaults, 'aws_dynamodb_table', 'platform-state/lock-table/table')).toMatchObject({
      name: 'terraform-lock-example-dev-mlops',
      hash_key: 'LockID',
      billing_mode: 'PAY_PER_REQUEST',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: ref('aws_kms_key', 'encryption-key/key', 'arn') },
      deletion_protection_enabled: true,
    });
  });

  test('the KMS key rotates and lets CloudWatch Logs use it only for the runner log group', () => {
    const key = only(defaults, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    expect(bySid(statementsOf(defaults, key.policy), 'CloudWatchLogsEncryption').condition).toEqual([
      { test: 'ArnLike', variable: 'kms:EncryptionContext:aws:logs:arn', values: [expect.stringMatching(/:log-group:\/sagemaker-projects\/example-dev-mlops\/command-runner$/)] },
    ]);
    expect(only(defaults, 'aws_kms_alias').name).toBe('alias/example-dev-mlops-sagemaker-projects');
  });

  test('the runner log group keeps logs for the configured days, encrypted', () => {
    expect(only(defaults, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/sagemaker-projects/example-dev-mlops/command-runner', retention_in_days: 90, kms_key_id: ref('aws_kms_key', 'encryption-key/key', 'arn') });
    expect(only(synthApp(testConfig({ SMP_LOGS_RETENTION_DAYS: '365' })).serviceCatalog, 'aws_cloudwatch_log_group').retention_in_days).toBe(365);
  });
});

describe('service-catalog stack: the GitLab token', () => {
  const secret = byPath(defaults, 'aws_secretsmanager_secret', 'gitlab-token/secret/secret');
  const version = byPath(defaults, 'aws_secretsmanager_secret_version', 'gitlab-token/secret/value');

  test('comes from an ephemeral, sensitive variable without default or validation, so no plan or state holds it', () => {
    expect(defaults.variable.gitlab_private_token).toMatchObject({ ephemeral: true, sensitive: true, nullable: false, type: 'string' });
    expect(defaults.variable.gitlab_private_token.default).toBeUndefined();
    expect(defaults.variable.gitlab_private_token.validation).toBeUndefined();
    expect(defaults.variable.gitlab_private_token_version).toMatchObject({ type: 'number', default: 1 });
  });

  test('is written with the write-only argument, stored encrypted, and its shape checked by a precondition that never shows it', () => {
    expect(secret).toMatchObject({ name: 'example-dev-mlops/gitlab/private-token', kms_key_id: ref('aws_kms_key', 'encryption-key/key', 'arn') });
    expect(version.secret_string).toBeUndefined();
    expect(version.secret_string_wo).toBe('${var.gitlab_private_token}');
    expect(version.secret_string_wo_version).toBe('${var.gitlab_private_token_version}');
    const [precondition] = version.lifecycle.precondition;
    expect(precondition.condition).toContain('length(var.gitlab_private_token) >= 20');
    expect(precondition.error_message).toBe(
      'gitlab_private_token is not a GitLab access token: it must be the token itself (at least 20 characters, no whitespace, not JSON). Set TF_VAR_gitlab_private_token again; the value is not shown.',
    );
  });

  test('only the runner and the projects\' seeding functions may read it: its own policy denies everyone else', () => {
    const [deny] = statementsOf(defaults, byPath(defaults, 'aws_secretsmanager_secret_policy', 'gitlab-token/secret/policy').policy);
    expect(deny).toEqual({
      sid: 'OnlyRunnerAndSeedingFunctionsRead',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['secretsmanager:GetSecretValue'],
      resources: ['*'],
      condition: [
        {
          test: 'ArnNotLike',
          variable: 'aws:PrincipalArn',
          values: [expect.stringMatching(/:role\/example-dev-mlops-project-runner$/), expect.stringMatching(/:role\/example-dev-mlops\/example-dev-mlops-p-\*-seed-code$/)],
        },
      ],
    });
  });

  test('no other secret: no user-credentials secret (Studio users clone with their own GitLab identity), no CI key secret', () => {
    expect(Object.values(resources(defaults, 'aws_secretsmanager_secret')).map((candidate: any) => candidate.name)).toEqual(['example-dev-mlops/gitlab/private-token']);
    expect(Object.values(resources(synthApp(testConfig({ SMP_GITLAB_CI_AUTH_MODE: 'access-keys' })).serviceCatalog, 'aws_secretsmanager_secret'))).toHaveLength(1);
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

describe('service-catalog stack: identities', () => {
  test('no policy allows every action, and iam:PassRole names the runner\'s project roles (to Lambda) or a project\'s roles (to SageMaker)', () => {
    for (const statement of allStatements(defaults).filter((candidate) => candidate.effect === 'Allow')) expect(statement.actions).not.toContain('*');
    for (const statement of allStatements(defaults).filter((candidate) => (candidate.actions ?? []).includes('iam:PassRole'))) {
      expect(statement.condition).toEqual([{ test: 'StringEquals', variable: 'iam:PassedToService', values: [expect.stringMatching(/^(lambda|sagemaker)\.amazonaws\.com$/)] }]);
      expect(statement.resources).toEqual([expect.stringMatching(/:role\/example-dev-mlops\/example-dev-mlops-p-\*$/)]);
    }
  });

  test('the runner: one role (and instance profile) of the configured name, assumed by EC2 with CommandRunner', () => {
    expect(byPath(defaults, 'aws_iam_role', 'command-runner/role/role').name).toBe('example-dev-mlops-project-runner');
    expect(only(defaults, 'aws_iam_instance_profile')).toMatchObject({ name: 'example-dev-mlops-project-runner', role: ref('aws_iam_role', 'command-runner/role/role', 'name') });
  });

  test('the runner creates roles and users only under the project path, only with the project boundary, and can never remove or swap a boundary', () => {
    const statements = managedPolicy(defaults, 'command-runner/role/managed-provisioning');
    const create = bySid(statements, 'CreateProjectIdentitiesWithBoundary');
    expect(create.actions).toEqual(expect.arrayContaining(['iam:CreateRole', 'iam:PutRolePolicy', 'iam:CreateUser']));
    expect(create.resources).toEqual([expect.stringMatching(/:role\/example-dev-mlops\/example-dev-mlops-p-\*$/), expect.stringMatching(/:user\/example-dev-mlops\/example-dev-mlops-p-\*$/)]);
    expect(create.condition).toEqual([{ test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [ref('aws_iam_policy', 'project-boundary/policy', 'arn')] }]);
    expect(bySid(statements, 'KeepProjectBoundaries')).toMatchObject({ effect: 'Deny', actions: expect.arrayContaining(['iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary']) });
    expect(statements.flatMap((statement) => statement.actions).filter((action: string) => action.startsWith('iam:') && /Policy$/.test(action) && /Attach/.test(action))).toEqual([]);
    expect(bySid(statements, 'BindRunToSageMakerProject').actions).toEqual(['sagemaker:DescribeProject', 'cloudformation:DescribeStacks']);
  });

  test('the project boundary: created by the platform under the project path, it grants nothing in IAM but passing project roles and a CI user\'s own keys', () => {
    const boundary = byPath(defaults, 'aws_iam_policy', 'project-boundary/policy');
    expect(boundary).toMatchObject({ name: 'example-dev-mlops-project-boundary', path: '/example-dev-mlops/' });
    const iamActions = managedPolicy(defaults, 'project-boundary/policy').flatMap((statement) => statement.actions).filter((action: string) => action.startsWith('iam:'));
    expect([...new Set(iamActions)].sort()).toEqual(['iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:ListAccessKeys', 'iam:PassRole']);
    const updateModelPackage = managedPolicy(defaults, 'project-boundary/policy').filter((statement) => statement.actions.includes('sagemaker:UpdateModelPackage'));
    expect(updateModelPackage).toEqual([]);
  });

  test('the launch role is assumable by Service Catalog and manages only SC-* stacks; the CodeBuild engine adds invoking its function', () => {
    const role = byPath(defaults, 'aws_iam_role', 'launch-role/role/role');
    expect(role.name).toBe('example-dev-mlops-sc-launch');
    const statements = rolePolicy(defaults, 'launch-role/role', 'launch-sagemaker-project');
    expect(bySid(statements, 'ManageProductStacks').resources).toEqual([expect.stringMatching(/:stack\/SC-\*$/)]);
    const codeBuild = synthApp(testConfig({ SMP_RUNNER_ENGINE: 'codebuild' })).serviceCatalog;
    expect(rolePolicy(codeBuild, 'launch-role/role', 'invoke-provision-project')).toEqual([
      { sid: 'InvokeProvisionProject', effect: 'Allow', actions: ['lambda:InvokeFunction'], resources: [refTo(codeBuild, 'aws_lambda_function', 'codebuild-runner/function/function', 'arn')] },
    ]);
    expect(statementsOf(codeBuild, byPath(codeBuild, 'aws_iam_role', 'command-runner/role/role').assume_role_policy)[0].principals).toEqual([{ type: 'Service', identifiers: ['codebuild.amazonaws.com'] }]);
    expect(resources(codeBuild, 'aws_iam_instance_profile')).toEqual({});
  });

  test('oidc mode: one IAM OIDC provider for the GitLab host and no namespace-wide role; an existing provider can be named instead', () => {
    const stack = synthApp(testConfig({ SMP_GITLAB_URL: 'https://gitlab.acme.io', SMP_GITLAB_NAMESPACE: 'ds/projects' })).serviceCatalog;
    expect(only(stack, 'aws_iam_openid_connect_provider')).toMatchObject({ url: 'https://gitlab.acme.io', client_id_list: ['https://gitlab.acme.io'] });
    expect(Object.values(resources(stack, 'aws_iam_role')).map((role: any) => role.name).sort()).toEqual(['example-dev-mlops-project-runner', 'example-dev-mlops-sc-launch']);
    const existing = 'arn:aws:iam::123456789012:oidc-provider/gitlab.acme.io';
    const reused = synthApp(testConfig({ SMP_GITLAB_URL: 'https://gitlab.acme.io', SMP_GITLAB_OIDC_PROVIDER_ARN: existing })).serviceCatalog;
    expect(resources(reused, 'aws_iam_openid_connect_provider')).toEqual({});
    expect(reused.output.gitlab_oidc_provider_arn.value).toBe(existing);
  });

  test('access-keys mode: no platform user and no key (each project gets its own user)', () => {
    const stack = synthApp(testConfig({ SMP_GITLAB_CI_AUTH_MODE: 'access-keys' })).serviceCatalog;
    expect(resources(stack, 'aws_iam_user')).toEqual({});
    expect(resources(stack, 'aws_iam_access_key')).toEqual({});
    expect(resources(stack, 'aws_iam_openid_connect_provider')).toEqual({});
  });
});

describe('service-catalog stack: Service Catalog', () => {
  test('the product is a CloudFormation template from the platform bucket, visible in Studio', () => {
    const product = only(defaults, 'aws_servicecatalog_product');
    expect(product).toMatchObject({ type: 'CLOUD_FORMATION_TEMPLATE', tags: { 'sagemaker:studio-visibility': 'true' } });
    const templateKey = byPath(defaults, 'aws_s3_object', 'project-template/object').key;
    expect(product.provisioning_artifact_parameters.template_url).toBe(`https://${ref('aws_s3_bucket', 'platform-state/bucket/bucket', 'bucket')}.s3.us-east-1.amazonaws.com/${templateKey}`);
    expect(product.depends_on).toEqual([addressOf(defaults, 'aws_s3_object', 'project-template/object')]);
  });

  test('the launch constraint uses the launch role after IAM propagation', () => {
    const constraint = only(defaults, 'aws_servicecatalog_constraint');
    expect(constraint.type).toBe('LAUNCH');
    expect(constraint.parameters).toBe('${jsonencode({"RoleArn" = ' + addressOf(defaults, 'aws_iam_role', 'launch-role/role/role') + '.arn})}');
    expect(byPath(defaults, 'aws_iam_role', 'launch-role/role/role').provisioner).toEqual([{ 'local-exec': { command: 'sleep 30' } }]);
  });

  test('the portfolio is shared with Studio roles: IAM for role ARNs, IAM_PATTERN for wildcards, and carries the configured owner', () => {
    const stack = synthApp(
      testConfig({ SMP_SERVICE_CATALOG_PORTFOLIO_OWNER: 'ML Platform', SMP_SERVICE_CATALOG_STUDIO_PRINCIPAL_ARNS: 'arn:aws:iam::111122223333:role/ds-lead,arn:aws:iam:::role/service-role/AmazonSageMaker-ExecutionRole-*' }),
    ).serviceCatalog;
    expect(only(stack, 'aws_servicecatalog_portfolio')).toMatchObject({ name: 'example-dev-mlops-sagemaker-projects', provider_name: 'ML Platform' });
    const associations = Object.values(resources(stack, 'aws_servicecatalog_principal_portfolio_association')).map((association: any) => [association.principal_arn, association.principal_type]);
    expect(associations).toEqual([
      ['arn:aws:iam::111122223333:role/ds-lead', 'IAM'],
      ['arn:aws:iam:::role/service-role/AmazonSageMaker-ExecutionRole-*', 'IAM_PATTERN'],
    ]);
  });
});

describe('service-catalog stack: its own state, providers, outputs and tags', () => {
  test('is a local file by default, or an existing bucket (encrypted, S3 lock file)', () => {
    expect(defaults.terraform.backend.local.path).toMatch(/terraform\.service-catalog\.tfstate$/);
    const stack = synthApp(testConfig({ SMP_PLATFORM_STATE_BUCKET: 'acme-platform-state', SMP_PLATFORM_STATE_REGION: 'eu-west-1' })).serviceCatalog;
    expect(stack.terraform.backend).toEqual({ s3: { bucket: 'acme-platform-state', key: 'sagemaker-projects-platform/terraform.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true } });
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
    expect(defaults.output.s3_bucket_id.value).toBe(ref('aws_s3_bucket', 'platform-state/bucket/bucket', 'bucket'));
  });

  test('every resource carries the platform tags and the configured tags', () => {
    const stack = synthApp(testConfig({ SMP_TAGS: '{"cost-center":"ml-42"}' })).serviceCatalog;
    expect(stack.provider.aws[0].default_tags).toEqual([{ tags: { 'cost-center': 'ml-42', 'sagemaker-projects:platform': 'example-dev-mlops', 'managed-by': 'cdktf' } }]);
  });
});
