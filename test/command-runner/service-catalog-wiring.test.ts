import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { RUNNER_SCRIPT_PATH } from '../../constructs/command-runner/project-artifacts';
import { ARTIFACT_KEYS, runnerScriptKey } from '../../contract/runner';
import { ProductVersions } from '../../constructs/service-catalog/product-versions';
import { byPath, resources, rolePolicy, statementsOf, synthApp, Synthesized, testConfig } from '../support/synth';
import { templateOf } from './support';

const RELEASE_PACKAGE = 's3://platform-artifacts/awsutility-cloudformation-commandrunner.zip';

const actionsOf = (statements: any[]) => statements.flatMap((statement) => statement.actions ?? []);
const bySid = (statements: any[], sid: string) => {
  const statement = statements.find((candidate) => candidate.sid === sid);
  if (!statement) throw new Error(`no statement ${sid}`);
  return statement;
};

/** Every statement of every inline role policy of a stack, with its policy's logical id. */
function allRoleStatements(stack: Synthesized): Array<{ policy: string; statement: any }> {
  return Object.entries<any>(resources(stack, 'aws_iam_role_policy')).flatMap(([id, policy]) =>
    statementsOf(stack, policy.policy).map((statement) => ({ policy: id, statement })),
  );
}

describe('service-catalog stack: the CommandRunner product', () => {
  const { serviceCatalog } = synthApp();
  const grants = rolePolicy(serviceCatalog, 'command-runner/role', 'grants');

  test('the runner role logs only to its log group, is assumed only by EC2, and has no EC2 permission', () => {
    const logs = rolePolicy(serviceCatalog, 'command-runner/role', 'run-logs');
    expect(bySid(logs, 'StreamRunLogs').resources).toEqual([
      expect.stringMatching(/:log-group:\/sagemaker-projects\/example-dev-mlops\/command-runner$/),
      expect.stringMatching(/:log-group:\/sagemaker-projects\/example-dev-mlops\/command-runner:log-stream:\*$/),
    ]);
    expect(bySid(logs, 'CreateOnlyThisLogGroup').resources).toEqual([expect.stringMatching(/:log-group:\/sagemaker-projects\/example-dev-mlops\/command-runner$/)]);
    const role = byPath(serviceCatalog, 'aws_iam_role', 'command-runner/role/role');
    expect(statementsOf(serviceCatalog, role.assume_role_policy)).toEqual([{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }]);
    expect(actionsOf(allRoleStatements(serviceCatalog).filter(({ policy }) => policy.startsWith('command-runner_role_')).map(({ statement }) => statement)).filter((action: string) => /^(ec2|sts):/.test(action))).toEqual([]);
    expect(role.max_session_duration).toBeUndefined();
  });

  test('the runner reads the runner artifacts (old versions too) and reads and writes project state, each with the key for that bucket only', () => {
    expect(grants).toContainEqual({ effect: 'Allow', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [expect.stringMatching(/\/command-runner\/\*$/)] });
    expect(grants).toContainEqual({ effect: 'Allow', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [expect.stringMatching(/\/sagemaker-projects\/\*$/)] });
    expect(bySid(grants, 'FindArtifactsOfOlderVersions')).toMatchObject({ actions: ['s3:ListBucketVersions'], condition: [{ test: 'StringLike', variable: 's3:prefix', values: ['command-runner/*'] }] });
    const keyUses = grants.filter((statement) => statement.actions.includes('kms:Decrypt'));
    expect(keyUses.map((statement) => statement.condition[0].values[0].split('.')[0]).sort()).toEqual(['dynamodb', 's3', 's3', 'secretsmanager']);
    for (const use of keyUses) expect(use.condition.map((condition: any) => condition.variable)).toEqual(expect.arrayContaining(['kms:ViaService', expect.stringMatching(/^kms:EncryptionContext:/)]));
  });

  test('the runner script is uploaded byte for byte under its SHA-256, and tf-code.zip from the synthesized project stack under its own', () => {
    const script = readFileSync(RUNNER_SCRIPT_PATH);
    const object = byPath(serviceCatalog, 'aws_s3_object', 'project-artifacts/runner-script');
    expect(object.key).toBe(runnerScriptKey(createHash('sha256').update(script).digest('hex')));
    expect(Buffer.from(object.content_base64, 'base64').equals(script)).toBe(true);
    const code = byPath(serviceCatalog, 'aws_s3_object', 'project-artifacts/terraform-code');
    expect(code.key).toMatch(new RegExp(`^${ARTIFACT_KEYS.terraformCodePrefix}[0-9a-f]{64}\\.zip$`));
    expect(code.source).toMatch(/^assets\/project-artifacts_terraform-code-file_[^/]+\/[0-9A-F]+\/[0-9a-f]{64}\.zip$/);
    for (const uploaded of [object, code]) expect(uploaded.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.platform-state_bucket_policy_/)]);
  });

  test('the product keeps its initial version forever (ignore_changes) and gets one version per template hash', () => {
    const product = byPath(serviceCatalog, 'aws_servicecatalog_product', 'portfolio/product');
    const template = templateOf(serviceCatalog).object;
    const version = /sagemaker-project-([0-9a-f]{12})\.yaml$/.exec(template.key)![1];
    expect(product.lifecycle).toEqual({ ignore_changes: ['provisioning_artifact_parameters'] });
    expect(product.provisioning_artifact_parameters.name).toBe('initial');
    const artifacts = resources(serviceCatalog, 'aws_servicecatalog_provisioning_artifact');
    expect(Object.keys(artifacts)).toEqual([expect.stringMatching(new RegExp(`^portfolio_versions_version-${version}_`))]);
    const artifact = Object.values<any>(artifacts)[0];
    expect(artifact).toMatchObject({ name: version, guidance: 'DEFAULT', active: true, type: 'CLOUD_FORMATION_TEMPLATE' });
    expect(artifact.template_url).toMatch(new RegExp(`^https://\\$\\{aws_s3_bucket\\.platform-state_bucket_[^}]+\\.bucket\\}\\.s3\\.us-east-1\\.amazonaws\\.com/${template.key}$`));
    expect(artifact.depends_on).toEqual([expect.stringMatching(/^aws_s3_object\.project-template_object_/)]);
    expect(serviceCatalog.output.service_catalog_template_version.value).toBe(version);
  });

  test('retained template versions stay as DEPRECATED versions with their original URLs', () => {
    const { serviceCatalog: stack } = synthApp(testConfig({ SMP_SERVICE_CATALOG_RETAINED_TEMPLATE_VERSIONS: '0123456789ab,abcdefabcdef' }));
    const artifacts = Object.values<any>(resources(stack, 'aws_servicecatalog_provisioning_artifact'));
    expect(artifacts.map((artifact) => [artifact.name, artifact.guidance])).toEqual(
      expect.arrayContaining([
        ['0123456789ab', 'DEPRECATED'],
        ['abcdefabcdef', 'DEPRECATED'],
        [expect.stringMatching(/^[0-9a-f]{12}$/), 'DEFAULT'],
      ]),
    );
    expect(artifacts).toHaveLength(3);
    expect(artifacts.find((artifact) => artifact.name === '0123456789ab').template_url).toMatch(/\/command-runner\/templates\/sagemaker-project-0123456789ab\.yaml$/);
  });

  test('retaining the current version is refused with the fix', () => {
    const stack = new TerraformStack(Testing.app(), 'versions');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const object = new S3Object(stack, 'template', { bucket: 'b', key: 'k', content: 'x' });
    const current = { version: '0123456789ab', templateUrl: 'https://b.s3.us-east-1.amazonaws.com/k' };
    expect(() => new ProductVersions(stack, 'versions', { productId: 'prod-1', current, currentTemplateObject: object, retained: [current] })).toThrow(
      'serviceCatalog.retainedTemplateVersions lists 0123456789ab, which is the current template version: remove it from the list.',
    );
  });

  test('the launch role reads Service Catalog\'s tagged template copies, not the platform bucket', () => {
    const launch = rolePolicy(serviceCatalog, 'launch-role/role', 'launch-sagemaker-project');
    expect(bySid(launch, 'ReadServiceCatalogTemplateCopies')).toEqual({
      sid: 'ReadServiceCatalogTemplateCopies',
      effect: 'Allow',
      actions: ['s3:GetObject'],
      resources: ['*'],
      condition: [{ test: 'StringEquals', variable: 's3:ExistingObjectTag/servicecatalog:provisioning', values: ['true'] }],
    });
    expect(launch.flatMap((statement) => statement.resources).filter((resource: string) => resource.includes('platform-state'))).toEqual([]);
  });

  test('without a release package and without S3 publication, neither the type nor the S3 template exists', () => {
    expect(resources(serviceCatalog, 'aws_cloudformation_type')).toEqual({});
    expect(resources(serviceCatalog, 'aws_s3_bucket_cors_configuration')).toEqual({});
    expect(serviceCatalog.output.s3_project_templates_location.value).toBe('');
  });
});

describe('service-catalog stack: CommandRunner type registration', () => {
  const { serviceCatalog } = synthApp(testConfig({ SMP_COMMAND_RUNNER_TYPE_RELEASE_PACKAGE: RELEASE_PACKAGE }));
  const statements = rolePolicy(serviceCatalog, 'command-runner-type/execution-role', 'command-runner-handler');

  test('registers the type from the release package with its execution role and handler log group', () => {
    const type = byPath(serviceCatalog, 'aws_cloudformation_type', 'command-runner-type/type');
    expect(type).toMatchObject({ type: 'RESOURCE', type_name: 'AWSUtility::CloudFormation::CommandRunner', schema_handler_package: RELEASE_PACKAGE });
    expect(type.execution_role_arn).toMatch(/^\$\{aws_iam_role\.command-runner-type_execution-role_[^.]+\.arn\}$/);
    expect(type.logging_config).toEqual({ log_group_name: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.command-runner-type_handler-logs/), log_role_arn: type.execution_role_arn });
    const logGroup = byPath(serviceCatalog, 'aws_cloudwatch_log_group', 'command-runner-type/handler-logs');
    expect(logGroup.name).toBe('/sagemaker-projects/example-dev-mlops/command-runner-type');
    expect(logGroup.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    const keyPolicy = statementsOf(serviceCatalog, byPath(serviceCatalog, 'aws_kms_key', 'encryption-key/key').policy);
    expect(bySid(keyPolicy, 'CloudWatchLogsEncryption').condition[0].values).toEqual([
      expect.stringMatching(/:log-group:\/sagemaker-projects\/example-dev-mlops\/command-runner$/),
      expect.stringMatching(/:log-group:\/sagemaker-projects\/example-dev-mlops\/command-runner-type$/),
    ]);
  });

  test('only CloudFormation, for this account\'s CommandRunner type, assumes the execution role', () => {
    const role = byPath(serviceCatalog, 'aws_iam_role', 'command-runner-type/execution-role/role');
    expect(role.name).toBe('example-dev-mlops-commandrunner-type');
    expect(role.name).not.toContain('sts');
    const [trust] = statementsOf(serviceCatalog, role.assume_role_policy);
    expect(trust.principals).toEqual([{ type: 'Service', identifiers: ['resources.cloudformation.amazonaws.com'] }]);
    expect(trust.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: [expect.stringMatching(/account_id\}$/)] },
      { test: 'StringLike', variable: 'aws:SourceArn', values: [expect.stringMatching(/:type\/resource\/AWSUtility-CloudFormation-CommandRunner\/\*$/)] },
    ]);
  });

  test('no wildcard action, and "*" only where the action has no resource-level permission', () => {
    expect(actionsOf(statements).filter((action: string) => action.includes('*'))).toEqual([]);
    const onAnyResource = statements.filter((statement) => statement.resources.includes('*')).map((statement) => statement.sid);
    expect(onAnyResource.sort()).toEqual(['DescribeNetworkAndInstances', 'HandlerMetrics']);
    expect(bySid(statements, 'DescribeNetworkAndInstances').actions.every((action: string) => action.startsWith('ec2:Describe'))).toBe(true);
    expect(bySid(statements, 'HandlerMetrics').condition).toEqual([
      { test: 'StringEquals', variable: 'cloudwatch:namespace', values: ['AWS/CloudFormation/AWSUtility/CloudFormation/CommandRunner'] },
    ]);
  });

  test('it launches instances only with the runner instance profile and passes only the runner role, only to EC2', () => {
    const launch = bySid(statements, 'LaunchOnlyWithRunnerInstanceProfile');
    expect(launch.resources).toEqual([expect.stringMatching(/:ec2:.*:instance\/\*$/)]);
    const profileArn = expect.stringMatching(/^\$\{aws_iam_instance_profile\.command-runner_instance-profile_[^.]+\.arn\}$/);
    expect(launch.condition).toEqual([{ test: 'ArnEquals', variable: 'ec2:InstanceProfile', values: [profileArn] }]);
    const pass = bySid(statements, 'PassRunnerRoleToEc2');
    expect(pass.resources).toEqual([expect.stringMatching(/^\$\{aws_iam_role\.command-runner_role_[^.]+\.arn\}$/)]);
    expect(pass.condition).toEqual([{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['ec2.amazonaws.com'] }]);
    expect(bySid(statements, 'CheckRunnerInstanceProfile').resources).toEqual([profileArn]);
  });

  test('it terminates only instances of its own stacks and manages only those stacks', () => {
    expect(bySid(statements, 'TerminateOnlyRunnerInstances').condition).toEqual([
      { test: 'StringLike', variable: 'ec2:ResourceTag/aws:cloudformation:stack-name', values: ['AWSUtility-CloudFormation-CommandRunner-*'] },
    ]);
    expect(bySid(statements, 'RunnerStacks').resources).toEqual([expect.stringMatching(/:stack\/AWSUtility-CloudFormation-CommandRunner-\*\/\*$/)]);
    expect(bySid(statements, 'SimulateOwnPolicy').resources).toEqual([expect.stringMatching(/:role\/example-dev-mlops-commandrunner-type$/)]);
    expect(bySid(statements, 'LatestAmazonLinux2Ami').resources).toEqual([
      expect.stringMatching(/:ssm:[^:]+::parameter\/aws\/service\/ami-amazon-linux-latest\/amzn2-ami-hvm-x86_64-gp2$/),
    ]);
  });

  test('the temporary security group permissions exist only when the template names no security group', () => {
    expect(bySid(statements, 'TemporarySecurityGroup').actions).toContain('ec2:CreateSecurityGroup');
    const { serviceCatalog: pinned } = synthApp(
      testConfig({
        SMP_COMMAND_RUNNER_TYPE_RELEASE_PACKAGE: RELEASE_PACKAGE,
        SMP_COMMAND_RUNNER_SUBNET_ID: 'subnet-0123456789abcdef0',
        SMP_COMMAND_RUNNER_SECURITY_GROUP_ID: 'sg-0123456789abcdef0',
      }),
    );
    const pinnedStatements = rolePolicy(pinned, 'command-runner-type/execution-role', 'command-runner-handler');
    expect(pinnedStatements.map((statement) => statement.sid)).not.toContain('TemporarySecurityGroup');
    expect(actionsOf(pinnedStatements)).not.toContain('ec2:CreateSecurityGroup');
    expect(bySid(pinnedStatements, 'LaunchResources').resources).toContainEqual(expect.stringMatching(/:subnet\/subnet-0123456789abcdef0$/));
    expect(bySid(pinnedStatements, 'LaunchResources').resources).not.toContainEqual(expect.stringMatching(/:subnet\/\*$/));
  });
});

describe('service-catalog stack: SageMaker S3 project template', () => {
  const { serviceCatalog } = synthApp(testConfig({ SMP_S3_PROJECT_TEMPLATE_ENABLED: 'true' }));

  test('the template is published, tagged for Studio, in a bucket of its own with CORS for Studio', () => {
    const bucket = byPath(serviceCatalog, 'aws_s3_bucket', 's3-project-template/bucket/bucket');
    expect(bucket.bucket).toMatch(/^example-dev-mlops-sm-templates-\$\{data\.aws_caller_identity\.[^}]+\}-us-east-1$/);
    const object = byPath(serviceCatalog, 'aws_s3_object', 's3-project-template/template-object');
    expect(object.key).toBe('templates/example-dev-mlops-sagemaker-project-terraform-gitlab.yaml');
    expect(object.tags).toEqual({ 'sagemaker:studio-visibility': 'true' });
    expect(object.content).toBe(templateOf(serviceCatalog).object.content);
    const cors = byPath(serviceCatalog, 'aws_s3_bucket_cors_configuration', 's3-project-template/cors');
    expect(cors.cors_rule).toEqual([{ allowed_methods: ['GET', 'HEAD'], allowed_origins: ['https://*.sagemaker.aws'], allowed_headers: ['*'], max_age_seconds: 3000 }]);
    expect(serviceCatalog.output.s3_project_templates_location.value).toMatch(/^s3:\/\/\$\{aws_s3_bucket\.s3-project-template_bucket_[^}]+\.bucket\}\/templates\/$/);
  });

  test('only this account\'s Studio roles may read the templates, and the bucket stays TLS-only and private', () => {
    const policy = statementsOf(serviceCatalog, byPath(serviceCatalog, 'aws_s3_bucket_policy', 's3-project-template/bucket/policy').policy);
    const read = bySid(policy, 'StudioRolesReadTemplates');
    expect(read.actions).toEqual(['s3:GetObject']);
    expect(read.resources).toEqual([expect.stringMatching(/^arn:\$\{data\.aws_partition[^}]+\}:s3:::example-dev-mlops-sm-templates-.*\/templates\/\*$/)]);
    expect(read.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:PrincipalAccount', values: [expect.stringMatching(/account_id\}$/)] },
      { test: 'ArnLike', variable: 'aws:PrincipalArn', values: [expect.stringMatching(/^arn:aws:iam::\$\{data\.aws_caller_identity\.[^}]+\}:role\/service-role\/AmazonSageMaker-ExecutionRole-\*$/)] },
    ]);
    expect(bySid(policy, 'DenyInsecureTransport').effect).toBe('Deny');
    expect(byPath(serviceCatalog, 'aws_s3_bucket_public_access_block', 's3-project-template/bucket/public-access-block').block_public_policy).toBe(true);
  });
});
