import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { TerraformStack } from 'cdktf';
import { denyInsecureTransport, policyDocument } from '../../constructs/iam/policy';
import { EncryptionKey } from '../../constructs/security/encryption-key';
import { LockTable } from '../../constructs/storage/lock-table';
import { SecureBucket } from '../../constructs/storage/secure-bucket';
import { DynamoDbEncryptedWithKms } from '../../guardrails/rules/dynamodb-encrypted-with-kms';
import { DynamoDbPointInTimeRecoveryEnabled } from '../../guardrails/rules/dynamodb-point-in-time-recovery-enabled';
import { LogGroupRetentionSet } from '../../guardrails/rules/log-group-retention-set';
import { S3BucketEncrypted } from '../../guardrails/rules/s3-bucket-encrypted';
import { S3BucketPublicAccessBlocked } from '../../guardrails/rules/s3-bucket-public-access-blocked';
import { S3BucketTlsOnly } from '../../guardrails/rules/s3-bucket-tls-only';
import { S3BucketVersioningEnabled } from '../../guardrails/rules/s3-bucket-versioning-enabled';
import { findings, named } from './support';

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';

describe('S3 rules see the separate resources of aws provider v5', () => {
  const secureBucket = (stack: TerraformStack) => new SecureBucket(stack, 'secure', { bucketName: 'secure-bucket' });
  const bareBucket = (stack: TerraformStack) => new S3Bucket(stack, 'bare', { bucket: 'bare-bucket' });

  test.each(named([S3BucketEncrypted, S3BucketVersioningEnabled, S3BucketPublicAccessBlocked, S3BucketTlsOnly]))('%s: SecureBucket complies', (_, rule) => {
    expect(findings(rule, secureBucket)).toEqual([]);
  });

  test('CKV_AWS_19: a bucket without default encryption is named, by construct path', () => {
    expect(findings(S3BucketEncrypted, bareBucket)).toEqual([{ path: 'test/bare', problem: 'the bucket has no default server-side encryption.' }]);
  });

  test('CKV_AWS_19: encryption configured by the bucket name given literally counts', () => {
    expect(
      findings(S3BucketEncrypted, (stack) => {
        bareBucket(stack);
        new S3BucketServerSideEncryptionConfigurationA(stack, 'sse', {
          bucket: 'bare-bucket',
          rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: KEY_ARN } }],
        });
      }),
    ).toEqual([]);
  });

  test('CKV_AWS_21: versioning must be Enabled, Suspended is not enough', () => {
    const suspended = findings(S3BucketVersioningEnabled, (stack) => {
      const bucket = bareBucket(stack);
      new S3BucketVersioningA(stack, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Suspended' } });
    });
    expect(suspended).toEqual([{ path: 'test/bare', problem: 'versioning is not enabled.' }]);
  });

  test('CKV_AWS_21: versioning of another bucket does not count', () => {
    const result = findings(S3BucketVersioningEnabled, (stack) => {
      bareBucket(stack);
      const other = new S3Bucket(stack, 'bare2', { bucket: 'other' });
      new S3BucketVersioningA(stack, 'versioning', { bucket: other.id, versioningConfiguration: { status: 'Enabled' } });
    });
    expect(result).toEqual([{ path: 'test/bare', problem: 'versioning is not enabled.' }]);
  });

  test('CKV2_AWS_6: a missing block names the bucket, a partial block names the settings left off', () => {
    expect(findings(S3BucketPublicAccessBlocked, bareBucket)).toEqual([{ path: 'test/bare', problem: 'the bucket has no public access block.' }]);
    const partial = findings(S3BucketPublicAccessBlocked, (stack) => {
      const bucket = bareBucket(stack);
      new S3BucketPublicAccessBlock(stack, 'pab', { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true });
    });
    expect(partial).toEqual([{ path: 'test/pab', problem: 'the public access block leaves restrict_public_buckets off.' }]);
  });

  test('SMP_S3_TLS_ONLY: a bucket policy without the TLS deny does not count', () => {
    const result = findings(S3BucketTlsOnly, (stack) => {
      const bucket = bareBucket(stack);
      new S3BucketPolicy(stack, 'policy', {
        bucket: bucket.id,
        policy: policyDocument(stack, 'doc', [
          { effect: 'Allow', actions: ['s3:GetObject'], resources: [`${bucket.arn}/*`], principals: [{ type: 'AWS', identifiers: [KEY_ARN] }] },
        ]).json,
      });
    });
    expect(result).toEqual([{ path: 'test/bare', problem: 'no bucket policy denies s3:* on the bucket and its objects when aws:SecureTransport is false.' }]);
  });

  test('SMP_S3_TLS_ONLY: the deny must cover the objects, not only the bucket', () => {
    const result = findings(S3BucketTlsOnly, (stack) => {
      const bucket = bareBucket(stack);
      const statement = { ...denyInsecureTransport(bucket.arn), resources: [bucket.arn] };
      new S3BucketPolicy(stack, 'policy', { bucket: bucket.id, policy: policyDocument(stack, 'doc', [statement]).json });
    });
    expect(result).toHaveLength(1);
  });

  test('SMP_S3_TLS_ONLY: the TLS deny written as inline JSON counts', () => {
    const result = findings(S3BucketTlsOnly, (stack) => {
      const bucket = bareBucket(stack);
      new S3BucketPolicy(stack, 'policy', {
        bucket: bucket.id,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [bucket.arn, `${bucket.arn}/*`],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }),
      });
    });
    expect(result).toEqual([]);
  });
});

describe('DynamoDB rules', () => {
  const bareTable = (stack: TerraformStack) =>
    new DynamodbTable(stack, 'table', { name: 'locks', hashKey: 'LockID', attribute: [{ name: 'LockID', type: 'S' }] });

  test.each(named([DynamoDbPointInTimeRecoveryEnabled, DynamoDbEncryptedWithKms]))('%s: LockTable complies', (_, rule) => {
    expect(
      findings(
        rule,
        (stack) =>
          new LockTable(stack, 'lock', { tableName: 'locks', encryptionKey: new EncryptionKey(stack, 'key', { alias: 'alias/locks', description: 'locks' }) }),
      ),
    ).toEqual([]);
  });

  test('CKV_AWS_28: a table without point-in-time recovery is named', () => {
    expect(findings(DynamoDbPointInTimeRecoveryEnabled, bareTable)).toEqual([{ path: 'test/table', problem: 'point-in-time recovery is not enabled.' }]);
  });

  test('CKV_AWS_119: a table on the AWS owned key is named', () => {
    expect(findings(DynamoDbEncryptedWithKms, bareTable)).toEqual([
      { path: 'test/table', problem: 'server-side encryption with KMS is not enabled (the table uses the AWS owned key).' },
    ]);
  });
});

describe('CKV_AWS_66 log group retention', () => {
  test('a retention in days complies', () => {
    expect(findings(LogGroupRetentionSet, (stack) => new CloudwatchLogGroup(stack, 'logs', { name: '/x', retentionInDays: 90 }))).toEqual([]);
  });

  test('no retention, or 0 (never expire), is a finding', () => {
    expect(findings(LogGroupRetentionSet, (stack) => new CloudwatchLogGroup(stack, 'logs', { name: '/x' }))).toEqual([
      { path: 'test/logs', problem: 'retention_in_days is not set, so events are kept forever.' },
    ]);
    expect(findings(LogGroupRetentionSet, (stack) => new CloudwatchLogGroup(stack, 'logs', { name: '/x', retentionInDays: 0 }))).toHaveLength(1);
  });
});
