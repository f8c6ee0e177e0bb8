import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';
import { EncryptionKey } from '../../../constructs/security/encryption-key';
import { PlatformStateStore } from '../../../constructs/storage/platform-state-store';
import { awsRefs, bySid, child, configOf, granteeRole, inlinePolicy, ref, statementsOf, synthScope } from '../../support/synth-scope';

const RUNNER_ROLE_ARN = 'arn:aws:iam::123456789012:role/acme-project-runner';

/** The store of bucket acme-tfstate alone, with its key; `then` configures it before synth and returns what the tests read. */
function storeIn<T extends object>(then: (store: PlatformStateStore, scope: Construct) => T) {
  return synthScope((scope) => {
    const key = new EncryptionKey(scope, 'key', { alias: 'alias/platform', description: 'platform key' });
    const store = new PlatformStateStore(scope, 'state', {
      bucketName: 'acme-tfstate',
      lockTableName: 'terraform-lock-acme',
      encryptionKey: key,
      runnerRoleArn: RUNNER_ROLE_ARN,
    });
    return { key, store, ...then(store, scope) };
  });
}

const { json, tf, built } = storeIn((store, scope) => {
  const runner = granteeRole(scope, 'runner');
  store.grantRunner(runner);
  return { runner };
});
const { partition, region, account } = awsRefs(tf);
const bucketArn = `arn:${partition}:s3:::acme-tfstate`;
const bucketPolicy = statementsOf(tf, configOf(tf, built.store.bucket.policy).policy);

describe('PlatformStateStore: the bucket', () => {
  test('is the named bucket, never force-destroyed, SSE-KMS with the platform key and an S3 bucket key, TLS-only', () => {
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: 'acme-tfstate', force_destroy: false });
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: ref(built.key.resource, 'arn') }, bucket_key_enabled: true },
      ],
    });
    expect(bySid(bucketPolicy, 'DenyInsecureTransport').effect).toBe('Deny');
  });

  test('superseded state versions expire after 90 days; superseded runner artifacts are kept, so an older product version finds its code', () => {
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [
        expect.objectContaining({ status: 'Enabled', filter: [{ prefix: 'sagemaker-projects/' }], noncurrent_version_expiration: [{ noncurrent_days: 90 }] }),
      ],
    });
  });

  test('only the runner reads or writes project state, whatever identity policies say elsewhere', () => {
    expect(bySid(bucketPolicy, 'ProjectStateOnlyForTheRunner')).toEqual({
      sid: 'ProjectStateOnlyForTheRunner',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: [`${bucketArn}/sagemaker-projects/*`],
      condition: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [RUNNER_ROLE_ARN] }],
    });
  });

  test('only whoever deploys the stack (its role, not its session) writes what the runner executes (command-runner/)', () => {
    const deployer = child<DataAwsIamSessionContext>(built.store, 'deployer');
    expect(bySid(bucketPolicy, 'RunnerArtifactsOnlyFromTheDeployer')).toEqual({
      sid: 'RunnerArtifactsOnlyFromTheDeployer',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectTagging', 's3:PutObjectAcl'],
      resources: [`${bucketArn}/command-runner/*`],
      condition: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [ref(deployer, 'issuer_arn')] }],
    });
    expect(configOf(tf, deployer).arn).toBe(ref(child(built.store, 'caller'), 'arn'));
  });
});

describe('PlatformStateStore: reserveForRunner', () => {
  test('without it, no statement guards other prefixes: the policy holds TLS, project state and runner artifacts only', () => {
    expect(bucketPolicy.map((statement) => statement.sid)).toEqual([
      'DenyInsecureTransport',
      'ProjectStateOnlyForTheRunner',
      'RunnerArtifactsOnlyFromTheDeployer',
    ]);
  });

  test('only the runner role writes or deletes objects under the prefix (the CodeBuild cache, code the runner executes)', () => {
    const reserved = storeIn((store) => {
      store.reserveForRunner('runner-cache');
      return {};
    });
    const policy = statementsOf(reserved.tf, configOf(reserved.tf, reserved.built.store.bucket.policy).policy);
    expect(bySid(policy, 'RunnerCacheOnlyFromTheRunner')).toEqual({
      sid: 'RunnerCacheOnlyFromTheRunner',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resources: [`arn:${awsRefs(reserved.tf).partition}:s3:::acme-tfstate/runner-cache/*`],
      condition: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [RUNNER_ROLE_ARN] }],
    });
  });
});

describe('PlatformStateStore: the lock table', () => {
  test('is the named lock table, encrypted with the platform key', () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      name: 'terraform-lock-acme',
      hash_key: 'LockID',
      server_side_encryption: { enabled: true, kms_key_arn: ref(built.key.resource, 'arn') },
    });
  });
});

describe('PlatformStateStore: grantRunner', () => {
  const grants = inlinePolicy(tf, built.runner, 'grants');
  const keyUse = (service: string, context: string, values: string[], actions: string[]) => ({
    effect: 'Allow',
    actions,
    resources: [ref(built.key.resource, 'arn')],
    condition: [
      { test: 'StringEquals', variable: 'kms:ViaService', values: [`${service}.${region}.amazonaws.com`] },
      { test: 'StringLike', variable: `kms:EncryptionContext:${context}`, values },
    ],
  });
  const readWrite = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];

  test('reads and writes project state, reads the runner artifacts (older versions too) and locks, each with the key for that data only', () => {
    expect(grants).toEqual([
      { effect: 'Allow', actions: ['s3:ListBucket'], resources: [bucketArn] },
      { effect: 'Allow', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [`${bucketArn}/sagemaker-projects/*`] },
      keyUse('s3', 'aws:s3:arn', [bucketArn, `${bucketArn}/*`], readWrite),
      { effect: 'Allow', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [`${bucketArn}/command-runner/*`] },
      keyUse('s3', 'aws:s3:arn', [bucketArn, `${bucketArn}/*`], ['kms:Decrypt', 'kms:DescribeKey']),
      {
        sid: 'FindArtifactsOfOlderVersions',
        effect: 'Allow',
        actions: ['s3:ListBucketVersions'],
        resources: [bucketArn],
        condition: [{ test: 'StringLike', variable: 's3:prefix', values: ['command-runner/*'] }],
      },
      {
        effect: 'Allow',
        actions: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [`arn:${partition}:dynamodb:${region}:${account}:table/terraform-lock-acme`],
      },
      keyUse('dynamodb', 'aws:dynamodb:tableName', ['terraform-lock-acme'], readWrite),
    ]);
  });

  test('gives no write to the runner artifacts', () => {
    const writes = grants.filter((statement) => statement.actions.includes('s3:PutObject'));
    expect(writes.flatMap((statement) => statement.resources)).toEqual([`${bucketArn}/sagemaker-projects/*`]);
  });
});
