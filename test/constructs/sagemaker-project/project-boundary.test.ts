import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { TerraformOutput } from 'cdktf';
import { EncryptionKey } from '../../../constructs/security/encryption-key';
import { ProjectBoundary } from '../../../constructs/sagemaker-project/project-boundary';
import { awsRefs, bySid, configOf, ref, statementsOf, synthScope } from '../../support/synth-scope';

const { json, tf, built } = synthScope((scope) => {
  const key = new EncryptionKey(scope, 'key', { alias: 'alias/platform', description: 'platform key' });
  const boundary = new ProjectBoundary(scope, 'project-boundary', {
    policyName: 'acme-project-boundary',
    iamPath: '/acme/',
    resourcePrefix: 'acme-',
    tokenSecretName: 'acme/gitlab/private-token',
    platformKey: key,
  });
  new TerraformOutput(scope, 'boundary_arn', { value: boundary.policyArn });
  return { key, boundary };
});
const statements = statementsOf(tf, configOf(tf, built.boundary.policy).policy);
const actions = statements.flatMap((statement) => statement.actions);
const { partition, region, account } = awsRefs(tf);

describe('ProjectBoundary', () => {
  test("is a managed policy under the project IAM path; its ARN is the policy's", () => {
    expect(json).toHaveResourceWithProperties(IamPolicy, {
      name: 'acme-project-boundary',
      path: '/acme/',
      description: 'Permissions boundary of every role and user a SageMaker project stack creates',
    });
    expect(tf.output.boundary_arn.value).toBe(ref(built.boundary.policy, 'arn'));
  });

  test("allows nothing in IAM but passing project roles and a CI user's own keys: no identity it caps can create identities or change a boundary", () => {
    expect([...new Set(actions.filter((action: string) => action.startsWith('iam:')))].sort()).toEqual([
      'iam:CreateAccessKey',
      'iam:DeleteAccessKey',
      'iam:ListAccessKeys',
      'iam:PassRole',
    ]);
    expect(bySid(statements, 'CiUserOwnKeys').resources).toEqual([`arn:${partition}:iam::${account}:user/acme/acme-p-*`]);
    for (const sid of ['CiPassPipelineRole', 'PipelinePassRoleToOwnJobs']) {
      expect(bySid(statements, sid)).toMatchObject({
        resources: [`arn:${partition}:iam::${account}:role/acme/acme-p-*`],
        condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['sagemaker.amazonaws.com'] }],
      });
    }
  });

  test('no model approval can ever be allowed', () => {
    expect(actions).not.toContain('sagemaker:UpdateModelPackage');
    expect(bySid(statements, 'PipelineRegisterModelsForApproval').condition).toEqual([
      { test: 'StringEquals', variable: 'sagemaker:ModelApprovalStatus', values: ['PendingManualApproval'] },
    ]);
  });

  test('caps every resource at the platform\'s project names; "*" only where no resource-level permission exists', () => {
    const arn = (service: string, resource: string) => `arn:${partition}:${service}:${region}:${account}:${resource}`;
    expect(bySid(statements, 'ProjectBuckets').resources).toEqual([`arn:${partition}:s3:::acme-p-*`, `arn:${partition}:s3:::acme-p-*/*`]);
    expect(bySid(statements, 'ProjectDeployRecords').resources).toEqual([arn('dynamodb', 'table/acme-p-*')]);
    expect(bySid(statements, 'ProjectSecrets')).toMatchObject({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue'],
      resources: [arn('secretsmanager', 'secret:acme/p-*')],
    });
    expect(bySid(statements, 'ProjectFunctionLogs').resources).toEqual([arn('logs', 'log-group:/aws/lambda/acme-p-*:*')]);
    expect(bySid(statements, 'ProjectFailureQueues')).toMatchObject({ actions: ['sqs:SendMessage'], resources: [arn('sqs', 'acme-p-*')] });
    expect(
      statements
        .filter((statement) => statement.resources.includes('*'))
        .map((statement) => statement.sid)
        .sort(),
    ).toEqual(['CiFindLatestApprovedModelPackage', 'PipelineEcrLogin', 'PipelineJobMetrics']);
  });

  test('the namespace token can only be read: no identity it caps may put a new value or describe it', () => {
    const arn = (service: string, resource: string) => `arn:${partition}:${service}:${region}:${account}:${resource}`;
    expect(bySid(statements, 'NamespaceTokenRead')).toEqual({
      sid: 'NamespaceTokenRead',
      effect: 'Allow',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [arn('secretsmanager', 'secret:acme/gitlab/private-token-*')],
    });
    const onToken = statements.filter((statement) => statement.resources.some((resource: string) => resource.includes('private-token')));
    expect(onToken.map((statement) => statement.sid)).toEqual(['NamespaceTokenRead']);
  });

  test('the platform key only through S3, DynamoDB and Secrets Manager', () => {
    expect(bySid(statements, 'PlatformKeyThroughServices')).toEqual({
      sid: 'PlatformKeyThroughServices',
      effect: 'Allow',
      actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
      resources: [ref(built.key.resource, 'arn')],
      condition: [
        {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: ['s3', 'dynamodb', 'secretsmanager'].map((service) => `${service}.${region}.amazonaws.com`),
        },
      ],
    });
  });

  test("admits everything the project identities' own policies allow (CI and pipeline statements, prefixed)", () => {
    const sids = statements.map((statement) => statement.sid);
    expect(sids.filter((sid: string) => sid.startsWith('Ci'))).toEqual([
      'CiRunModelBuildPipeline',
      'CiReadModelPackages',
      'CiFindLatestApprovedModelPackage',
      'CiDeployProjectEndpoints',
      'CiTestStagingEndpoint',
      'CiPassPipelineRole',
      'CiUserOwnKeys',
    ]);
    expect(sids.filter((sid: string) => sid.startsWith('Pipeline'))).toHaveLength(9);
    expect(new Set(sids).size).toBe(sids.length);
  });
});
