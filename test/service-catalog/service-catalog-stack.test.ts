import { PROJECT_PARAMETERS } from '../../constructs/command-runner/project-parameters';
import { addressOf, byPath, only, referenced, refTo, resources, rolePolicy, statementsOf, Synthesized, synthApp, testConfig } from '../support/synth';

const defaults = synthApp().serviceCatalog;
const ref = (type: string, pathSuffix: string, attribute: string, kind: 'resource' | 'data' = 'resource') => refTo(defaults, type, pathSuffix, attribute, kind);

/** Every statement of every policy document in the stack. */
function allStatements(stack: Synthesized): any[] {
  return Object.values(resources(stack, 'aws_iam_policy_document', 'data')).flatMap((document: any) => document.statement ?? []);
}

const actionsOf = (statements: any[]) => statements.flatMap((statement) => statement.actions ?? []);

describe('service-catalog stack: Terraform state and artifacts bucket', () => {
  const bucket = byPath(defaults, 'aws_s3_bucket', 'mlops-bucket/bucket');
  const bucketRef = (attribute: string) => ref('aws_s3_bucket', 'mlops-bucket/bucket', attribute);

  test('is named after the organization, environment, role, account and region', () => {
    expect(bucket.bucket).toBe(`example-dev-mlops-tfstate-${ref('aws_caller_identity', 'aws-context/caller', 'account_id', 'data')}-us-east-1`);
    expect(bucket.force_destroy).toBe(false);
  });

  test('is encrypted with the platform KMS key and an S3 bucket key', () => {
    const encryption = only(defaults, 'aws_s3_bucket_server_side_encryption_configuration');
    expect(encryption.bucket).toEqual(bucketRef('id'));
    expect(encryption.rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: ref('aws_kms_key', 'encryption-key/key', 'arn') },
        bucket_key_enabled: true,
      },
    ]);
  });

  test('is versioned and expires noncurrent versions and incomplete uploads', () => {
    expect(only(defaults, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    const [rule] = only(defaults, 'aws_s3_bucket_lifecycle_configuration').rule;
    expect(rule.status).toBe('Enabled');
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
    expect(rule.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
  });

  test('blocks every kind of public access and disables ACLs', () => {
    expect(only(defaults, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only(defaults, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  test('has a bucket policy denying any request without TLS', () => {
    const policy = only(defaults, 'aws_s3_bucket_policy');
    expect(statementsOf(defaults, policy.policy)).toContainEqual({
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      actions: ['s3:*'],
      principals: [{ type: '*', identifiers: ['*'] }],
      resources: [bucketRef('arn'), expect.stringMatching(/\.arn\}\/\*$/)],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
  });
});

describe('service-catalog stack: lock table, key and logs', () => {
  test('the lock table keys on LockID, bills on demand, has PITR and the platform key', () => {
    expect(only(defaults, 'aws_dynamodb_table')).toMatchObject({
      name: 'terraform-lock-example-dev-mlops',
      hash_key: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      billing_mode: 'PAY_PER_REQUEST',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: ref('aws_kms_key', 'encryption-key/key', 'arn') },
      deletion_protection_enabled: true,
    });
  });

  test('the KMS key rotates and lets CloudWatch Logs use it only for the CommandRunner log group', () => {
    const key = only(defaults, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    const logsStatement = statementsOf(defaults, key.policy).find((statement) => statement.sid === 'CloudWatchLogsEncryption');
    expect(logsStatement.principals).toEqual([{ type: 'Service', identifiers: [`logs.${ref('aws_region', 'aws-context/region', 'name', 'data')}.amazonaws.com`] }]);
    expect(logsStatement.condition).toEqual([
      {
        test: 'ArnEquals',
        variable: 'kms:EncryptionContext:aws:logs:arn',
        values: [expect.stringMatching(/:log-group:\/sagemaker-projects\/example-dev-mlops\/command-runner$/)],
      },
    ]);
    expect(only(defaults, 'aws_kms_alias').name).toBe('alias/example-dev-mlops-sagemaker-projects');
  });

  test('the CommandRunner log group keeps logs for the configured days, encrypted', () => {
    expect(only(defaults, 'aws_cloudwatch_log_group')).toMatchObject({
      name: '/sagemaker-projects/example-dev-mlops/command-runner',
      retention_in_days: 90,
      kms_key_id: ref('aws_kms_key', 'encryption-key/key', 'arn'),
    });
    const custom = synthApp(testConfig({ SMP_LOGS_RETENTION_DAYS: '365' })).serviceCatalog;
    expect(only(custom, 'aws_cloudwatch_log_group').retention_in_days).toBe(365);
  });
});

describe('service-catalog stack: IAM', () => {
  test('no policy anywhere allows every action, or any action of a service on every resource', () => {
    for (const statement of allStatements(defaults).filter((s) => s.effect === 'Allow')) {
      expect(statement.actions).not.toContain('*');
      const onEverything = (statement.resources ?? []).includes('*');
      const isKeyPolicyRoot = statement.sid === 'DelegateToIamPolicies';
      if (onEverything && !isKeyPolicyRoot) {
        for (const action of statement.actions) expect(action).not.toMatch(/:\*$/);
      }
    }
  });

  test('iam:PassRole is only ever granted on named roles, to SageMaker (CI) or to Lambda (CommandRunner, for the project functions)', () => {
    const passRole = allStatements(defaults).filter((statement) => (statement.actions ?? []).includes('iam:PassRole'));
    expect(passRole.length).toBeGreaterThan(0);
    for (const statement of passRole) {
      expect(statement.resources).toEqual([expect.stringMatching(/:role\/service-role\/AmazonSageMakerServiceCatalogProductsUseRole$/)]);
      expect(statement.condition).toEqual([{ test: 'StringEquals', variable: 'iam:PassedToService', values: [expect.stringMatching(/^(sagemaker|lambda)\.amazonaws\.com$/)] }]);
    }
    const toLambda = passRole.filter((statement) => statement.condition[0].values[0] === 'lambda.amazonaws.com');
    expect(toLambda).toEqual(rolePolicy(defaults, 'command-runner/role', 'sagemaker-project-resources').filter((statement) => statement.actions.includes('iam:PassRole')));
  });

  test('CommandRunner: EC2 role and instance profile of the same name', () => {
    const role = byPath(defaults, 'aws_iam_role', 'command-runner/role/role');
    expect(role.name).toBe('example-dev-mlops-command-runner');
    expect(statementsOf(defaults, role.assume_role_policy)).toEqual([
      expect.objectContaining({ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }),
    ]);
    const profile = only(defaults, 'aws_iam_instance_profile');
    expect(profile.name).toBe('example-dev-mlops-command-runner');
    expect(profile.role).toBe(ref('aws_iam_role', 'command-runner/role/role', 'name'));
  });

  test('CommandRunner reads and writes project state only under sagemaker-projects/, with the lock table and key', () => {
    const statements = rolePolicy(defaults, 'command-runner/role', 'terraform-state');
    const objects = statements.find((statement) => (statement.actions ?? []).includes('s3:PutObject'));
    expect(objects.actions).toEqual(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']);
    expect(objects.resources).toEqual([expect.stringMatching(/\.arn\}\/sagemaker-projects\/\*$/)]);
    const lock = statements.find((statement) => (statement.actions ?? []).includes('dynamodb:PutItem'));
    expect(lock.resources).toEqual([ref('aws_dynamodb_table', 'lock-table/table', 'arn')]);
    const kms = statements.find((statement) => (statement.actions ?? []).includes('kms:GenerateDataKey'));
    expect(kms.resources).toEqual([ref('aws_kms_key', 'encryption-key/key', 'arn')]);
    expect(kms.condition[0]).toMatchObject({ test: 'StringEquals', variable: 'kms:ViaService' });
    expect(kms.condition[0].values).toEqual([expect.stringMatching(/^s3\./), expect.stringMatching(/^dynamodb\./)]);
  });

  test('CommandRunner only reads the Terraform code, and streams its logs to its own log group', () => {
    const code = rolePolicy(defaults, 'command-runner/role', 'terraform-code');
    expect(actionsOf(code)).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(code[0].resources).toEqual([expect.stringMatching(/\.arn\}\/command-runner\/\*$/)]);
    const logs = rolePolicy(defaults, 'command-runner/role', 'run-logs');
    expect(logs[0].resources[0]).toMatch(/:log-group:\/sagemaker-projects\/example-dev-mlops\/command-runner$/);
  });

  test('the launch role is assumable by Service Catalog and manages only SC-* stacks', () => {
    const role = byPath(defaults, 'aws_iam_role', 'launch-role/role');
    expect(role.name).toBe('example-dev-mlops-sc-launch');
    expect(statementsOf(defaults, role.assume_role_policy)[0].principals).toEqual([{ type: 'Service', identifiers: ['servicecatalog.amazonaws.com'] }]);
    const statements = rolePolicy(defaults, 'launch-role', 'launch-sagemaker-project');
    const stacks = statements.find((statement) => statement.sid === 'ManageProductStacks');
    expect(stacks.resources).toEqual([expect.stringMatching(/^arn:\$\{.*\}:cloudformation:.*:stack\/SC-\*$/)]);
    // Service Catalog launches from its own tagged copy of the template, never from our bucket.
    const templateRead = statements.find((statement) => (statement.actions ?? []).includes('s3:GetObject'));
    expect(templateRead.condition).toEqual([{ test: 'StringEquals', variable: 's3:ExistingObjectTag/servicecatalog:provisioning', values: ['true'] }]);
  });

  test('the SageMaker products use role can read the GitLab secrets, and nothing else is granted to it', () => {
    const policy = byPath(defaults, 'aws_iam_role_policy', 'sagemaker-products-use-role/policy-example-dev-mlops-gitlab-secrets');
    expect(policy.role).toBe('AmazonSageMakerServiceCatalogProductsUseRole');
    const statements = statementsOf(defaults, policy.policy);
    const secretResources = statements.filter((s) => (s.actions ?? []).includes('secretsmanager:GetSecretValue')).flatMap((s) => s.resources);
    expect(secretResources).toEqual([
      ref('aws_secretsmanager_secret', 'gitlab-secrets/private-token/secret', 'arn'),
      ref('aws_secretsmanager_secret', 'gitlab-secrets/user-credentials/secret', 'arn'),
    ]);
    expect(actionsOf(statements).sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'secretsmanager:DescribeSecret', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValue']);
  });
});

describe('service-catalog stack: GitLab CI identity', () => {
  test('oidc mode: an OIDC provider for the GitLab host and a role only the namespace default branch can assume', () => {
    const stack = synthApp(testConfig({ SMP_GITLAB_URL: 'https://gitlab.acme.io', SMP_GITLAB_NAMESPACE: 'ds/projects' })).serviceCatalog;
    const provider = only(stack, 'aws_iam_openid_connect_provider');
    expect(provider.url).toBe('https://gitlab.acme.io');
    expect(provider.client_id_list).toEqual(['https://gitlab.acme.io']);
    const role = byPath(stack, 'aws_iam_role', 'gitlab-ci-identity/role/role');
    const [trust] = statementsOf(stack, role.assume_role_policy);
    expect(trust.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(trust.principals).toEqual([{ type: 'Federated', identifiers: [refTo(stack, 'aws_iam_openid_connect_provider', 'gitlab-ci-identity/oidc-provider', 'arn')] }]);
    expect(trust.condition).toEqual([
      { test: 'StringEquals', variable: 'gitlab.acme.io:aud', values: ['https://gitlab.acme.io'] },
      { test: 'StringLike', variable: 'gitlab.acme.io:sub', values: ['project_path:ds/projects/*:ref_type:branch:ref:main'] },
    ]);
    expect(resources(stack, 'aws_iam_user')).toEqual({});
    expect(resources(stack, 'aws_iam_access_key')).toEqual({});
    expect(stack.output.gitlab_ci_role_arn.value).toBe(refTo(stack, 'aws_iam_role', 'gitlab-ci-identity/role/role', 'arn'));
    expect(stack.output.secrets_manager_gitlab_iam_access_key.value).toBe('');
  });

  test('access-keys mode: an IAM user whose key is kept only in two encrypted secrets', () => {
    const stack = synthApp(testConfig({ SMP_GITLAB_CI_AUTH_MODE: 'access-keys' })).serviceCatalog;
    expect(resources(stack, 'aws_iam_openid_connect_provider')).toEqual({});
    expect(only(stack, 'aws_iam_user').name).toBe('example-dev-mlops-gitlab-ci');
    const key = only(stack, 'aws_iam_access_key');
    expect(key.user).toBe(refTo(stack, 'aws_iam_user', 'gitlab-ci-identity/user', 'name'));
    const secrets = resources(stack, 'aws_secretsmanager_secret');
    const names = Object.values(secrets).map((secret: any) => secret.name);
    expect(names).toEqual(expect.arrayContaining(['example-dev-mlops/gitlab/ci-access-key-id', 'example-dev-mlops/gitlab/ci-secret-access-key']));
    const versions = Object.values(resources(stack, 'aws_secretsmanager_secret_version')).map((version: any) => version.secret_string);
    expect(versions).toEqual(expect.arrayContaining([refTo(stack, 'aws_iam_access_key', 'gitlab-ci-identity/access-key', 'id'), refTo(stack, 'aws_iam_access_key', 'gitlab-ci-identity/access-key', 'secret')]));
    expect(stack.output.secrets_manager_gitlab_iam_access_key.value).toBe(refTo(stack, 'aws_secretsmanager_secret', 'gitlab-ci-identity/access-key-id/secret', 'name'));
    // The CommandRunner reads the key secrets to set the projects' masked CI variables.
    const readable = rolePolicy(stack, 'command-runner/role', 'gitlab-secrets').flatMap((statement) => statement.resources);
    expect(readable).toEqual(expect.arrayContaining([expect.stringContaining('access-key-id'), expect.stringContaining('secret-access-key')]));
    // No output ever carries the key itself.
    expect(JSON.stringify(stack.output)).not.toContain('aws_iam_access_key');
  });
});

describe('service-catalog stack: secrets', () => {
  test('the GitLab token comes from a sensitive variable without default and is stored encrypted', () => {
    expect(defaults.variable.gitlab_private_token).toMatchObject({ sensitive: true, nullable: false, type: 'string' });
    expect(defaults.variable.gitlab_private_token.default).toBeUndefined();
    const token = byPath(defaults, 'aws_secretsmanager_secret', 'gitlab-secrets/private-token/secret');
    expect(token).toMatchObject({ name: 'example-dev-mlops/gitlab/private-token', kms_key_id: ref('aws_kms_key', 'encryption-key/key', 'arn') });
    expect(byPath(defaults, 'aws_secretsmanager_secret_version', 'gitlab-secrets/private-token/value').secret_string).toBe('${var.gitlab_private_token}');
  });

  test('the user credentials secret holds {"username","password"} built from the variables', () => {
    const value = byPath(defaults, 'aws_secretsmanager_secret_version', 'gitlab-secrets/user-credentials/value').secret_string;
    expect(value).toBe('${jsonencode({"username" = var.gitlab_username, "password" = var.gitlab_private_token})}');
    expect(defaults.variable.gitlab_username.default).toBe('oauth2');
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

describe('service-catalog stack: Service Catalog', () => {
  test('the portfolio carries the configured owner', () => {
    const stack = synthApp(testConfig({ SMP_SERVICE_CATALOG_PORTFOLIO_OWNER: 'ML Platform' })).serviceCatalog;
    expect(only(stack, 'aws_servicecatalog_portfolio')).toMatchObject({ name: 'example-dev-mlops-sagemaker-projects', provider_name: 'ML Platform' });
  });

  test('the product is a CloudFormation template from the MLOps bucket, visible in Studio', () => {
    const product = only(defaults, 'aws_servicecatalog_product');
    expect(product.type).toBe('CLOUD_FORMATION_TEMPLATE');
    expect(product.tags).toEqual({ 'sagemaker:studio-visibility': 'true' });
    expect(product.provisioning_artifact_parameters.type).toBe('CLOUD_FORMATION_TEMPLATE');
    const templateKey = byPath(defaults, 'aws_s3_object', 'project-template/object').key;
    expect(templateKey).toMatch(/^command-runner\/templates\/sagemaker-project-[0-9a-f]{12}\.yaml$/);
    expect(product.provisioning_artifact_parameters.template_url).toBe(
      `https://${ref('aws_s3_bucket', 'mlops-bucket/bucket', 'bucket')}.s3.us-east-1.amazonaws.com/${templateKey}`,
    );
    expect(product.depends_on).toEqual([addressOf(defaults, 'aws_s3_object', 'project-template/object')]);
    expect(only(defaults, 'aws_servicecatalog_product_portfolio_association')).toMatchObject({
      portfolio_id: ref('aws_servicecatalog_portfolio', 'portfolio/portfolio', 'id'),
      product_id: ref('aws_servicecatalog_product', 'portfolio/product', 'id'),
    });
  });

  test('the launch constraint uses the launch role after IAM propagation', () => {
    const constraint = only(defaults, 'aws_servicecatalog_constraint');
    expect(constraint.type).toBe('LAUNCH');
    const launchRole = addressOf(defaults, 'aws_iam_role', 'launch-role/role');
    expect(constraint.parameters).toBe('${jsonencode({"RoleArn" = ' + launchRole + '.arn})}');
    expect(constraint.depends_on).toEqual([addressOf(defaults, 'aws_servicecatalog_product_portfolio_association', 'portfolio/product-association')]);
    // The role waits for IAM propagation when it is created, before anything can refer to it.
    expect(byPath(defaults, 'aws_iam_role', 'launch-role/role').provisioner).toEqual([{ 'local-exec': { command: 'sleep 30' } }]);
    expect(byPath(defaults, 'aws_iam_role', 'command-runner/role/role').provisioner).toBeUndefined();
  });

  test('the portfolio is shared with Studio roles: IAM for role ARNs, IAM_PATTERN for wildcards', () => {
    const stack = synthApp(
      testConfig({ SMP_SERVICE_CATALOG_STUDIO_PRINCIPAL_ARNS: 'arn:aws:iam::111122223333:role/ds-lead,arn:aws:iam:::role/service-role/AmazonSageMaker-ExecutionRole-*' }),
    ).serviceCatalog;
    const associations = Object.values(resources(stack, 'aws_servicecatalog_principal_portfolio_association')).map((association: any) => [
      association.principal_arn,
      association.principal_type,
    ]);
    expect(associations).toEqual([
      ['arn:aws:iam::111122223333:role/ds-lead', 'IAM'],
      ['arn:aws:iam:::role/service-role/AmazonSageMaker-ExecutionRole-*', 'IAM_PATTERN'],
    ]);
  });
});

describe('service-catalog stack: uploaded artifacts', () => {
  test('the CommandRunner template is uploaded to the MLOps bucket, with every contract parameter', () => {
    const template = byPath(defaults, 'aws_s3_object', 'project-template/object');
    expect(template.bucket).toBe(ref('aws_s3_bucket', 'mlops-bucket/bucket', 'bucket'));
    expect(template.key).toMatch(/^command-runner\/templates\/sagemaker-project-[0-9a-f]{12}\.yaml$/);
    for (const parameter of PROJECT_PARAMETERS) expect(template.content).toContain(`\n  ${parameter.name}:\n    Type: String`);
  });

  test('tf-code.zip is the synthesized project stack, without local Terraform files, re-uploaded when it changes', () => {
    const archive = only(defaults, 'archive_file', 'data');
    expect(archive.type).toBe('zip');
    expect(archive.source_dir).toBe('${path.module}/../sagemaker-project');
    expect(archive.excludes).toEqual(expect.arrayContaining(['.terraform/**', '*.tfstate', '*.tfstate.*']));
    const object = byPath(defaults, 'aws_s3_object', 'tf-code-object');
    expect(object).toMatchObject({
      key: 'command-runner/tf-code.zip',
      source: '${data.archive_file.tf-code.output_path}',
      source_hash: '${data.archive_file.tf-code.output_base64sha256}',
    });
    expect(referenced(defaults, object.source)).toBe(archive);
  });
});

describe('service-catalog stack: its own state', () => {
  test('is a local file by default', () => {
    expect(defaults.terraform.backend.local.path).toMatch(/terraform\.service-catalog\.tfstate$/);
  });

  test('goes to an existing bucket when configured: encrypted, locked with the S3 lock file', () => {
    const stack = synthApp(testConfig({ SMP_PLATFORM_STATE_BUCKET: 'acme-platform-state', SMP_PLATFORM_STATE_REGION: 'eu-west-1' })).serviceCatalog;
    expect(stack.terraform.backend).toEqual({
      s3: { bucket: 'acme-platform-state', key: 'sagemaker-projects-platform/terraform.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });
});

describe('service-catalog stack: outputs and tags', () => {
  test('outputs keep the seed names, each with a description', () => {
    const seedOutputs = [
      'command_runner_instance_profile',
      's3_bucket_id',
      'secrets_manager_gitlab_private_token',
      'secrets_manager_gitlab_iam_access_key',
      'secrets_manager_gitlab_iam_secret_key',
      'secrets_manager_gitlab_user_creds',
      'service_catalog_product_name',
      'cw_log_group_name',
    ];
    for (const name of seedOutputs) {
      expect(defaults.output[name]).toBeDefined();
      expect(defaults.output[name].description.length).toBeGreaterThan(20);
    }
    expect(defaults.output.s3_bucket_id.value).toBe(ref('aws_s3_bucket', 'mlops-bucket/bucket', 'bucket'));
    expect(defaults.output.service_catalog_product_name.value).toBe(ref('aws_servicecatalog_product', 'portfolio/product', 'name'));
  });

  test('every resource carries the platform tags and the configured tags', () => {
    const stack = synthApp(testConfig({ SMP_TAGS: '{"cost-center":"ml-42"}' })).serviceCatalog;
    expect(stack.provider.aws[0].region).toBe('us-east-1');
    expect(stack.provider.aws[0].default_tags).toEqual([
      { tags: { 'cost-center': 'ml-42', 'sagemaker-projects:platform': 'example-dev-mlops', 'managed-by': 'cdktf' } },
    ]);
  });
});
