import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { EncryptionKey } from '../../../constructs/security/encryption-key';
import { SecureBucket, SecureBucketProps } from '../../../constructs/storage/secure-bucket';
import {
  addressOf,
  awsRefs,
  bySid,
  child,
  configOf,
  granteeRole,
  inlinePolicy,
  inlinePolicyNames,
  ref,
  statementsOf,
  synthScope,
  Synthesized,
} from '../../support/synth-scope';

const bucketIn = (props: Partial<SecureBucketProps> = {}) =>
  synthScope((scope) => new SecureBucket(scope, 'bucket', { bucketName: 'acme-artifacts', ...props }));
const policyOf = (tf: Synthesized, bucket: SecureBucket) => statementsOf(tf, configOf(tf, bucket.policy).policy);

describe('SecureBucket: secure without asking', () => {
  const { json, tf, built } = bucketIn();
  const bucketId = ref(built.resource, 'id');

  test('is private: every public access block on, ownership enforced (no ACLs)', () => {
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      bucket: bucketId,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, { bucket: bucketId, rule: { object_ownership: 'BucketOwnerEnforced' } });
  });

  test('is versioned, and never force-destroyed unless asked', () => {
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { bucket: bucketId, versioning_configuration: { status: 'Enabled' } });
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: 'acme-artifacts', force_destroy: false });
  });

  test('without a key it is encrypted with SSE-S3', () => {
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      bucket: bucketId,
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
  });

  test('expires noncurrent versions after 90 days and incomplete uploads after 7', () => {
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      bucket: bucketId,
      rule: [
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrent_version_expiration: [{ noncurrent_days: 90 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        },
      ],
    });
  });

  test('its policy denies any request without TLS, and is applied after the public access block', () => {
    const { partition } = awsRefs(tf);
    expect(policyOf(tf, built)).toEqual([
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['s3:*'],
        resources: [`arn:${partition}:s3:::acme-artifacts`, `arn:${partition}:s3:::acme-artifacts/*`],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ]);
    expect(configOf(tf, built.policy).depends_on).toEqual([addressOf(child(built, 'public-access-block'))]);
  });
});

describe('SecureBucket: options', () => {
  test('with a KMS key: SSE-KMS with an S3 bucket key', () => {
    const { json, built } = synthScope((scope) => {
      const key = new EncryptionKey(scope, 'key', { alias: 'alias/platform', description: 'platform key' });
      return { key, bucket: new SecureBucket(scope, 'bucket', { bucketName: 'acme-state', encryptionKey: key }) };
    });
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: ref(built.key.resource, 'arn') }, bucket_key_enabled: true },
      ],
    });
  });

  test('the noncurrent-version expiry can be limited to a prefix and given its days; force destroy can be asked for', () => {
    const { json } = bucketIn({ noncurrentVersionExpiration: { days: 30, prefix: 'state/' }, forceDestroy: true });
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ filter: [{ prefix: 'state/' }], noncurrent_version_expiration: [{ noncurrent_days: 30 }] })],
    });
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: 'acme-artifacts', force_destroy: true });
  });

  test('policy statements given or added later follow the TLS statement, in order', () => {
    const given = { sid: 'Given', effect: 'Deny', principals: [{ type: '*', identifiers: ['*'] }], actions: ['s3:DeleteObject'], resources: ['*'] };
    const { tf, built } = synthScope((scope) => {
      const bucket = new SecureBucket(scope, 'bucket', { bucketName: 'b', policyStatements: [given] });
      bucket.addToResourcePolicy({ ...given, sid: 'AddedOne' }, { ...given, sid: 'AddedTwo' });
      return bucket;
    });
    expect(policyOf(tf, built).map((statement) => statement.sid)).toEqual(['DenyInsecureTransport', 'Given', 'AddedOne', 'AddedTwo']);
  });

  test('bucket and object ARNs are built from the name, so policies naming them resolve at plan', () => {
    const { tf, built } = synthScope((scope) => {
      const bucket = new SecureBucket(scope, 'bucket', { bucketName: 'acme-artifacts' });
      bucket.addToResourcePolicy({
        sid: 'Probe',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['s3:GetObject'],
        resources: [bucket.bucketArn, bucket.objectArn('a/*')],
      });
      return bucket;
    });
    const { partition } = awsRefs(tf);
    expect(bySid(policyOf(tf, built), 'Probe').resources).toEqual([`arn:${partition}:s3:::acme-artifacts`, `arn:${partition}:s3:::acme-artifacts/a/*`]);
  });
});

describe('SecureBucket: grants carry the key', () => {
  const grantsOn = (grant: (bucket: SecureBucket, role: ReturnType<typeof granteeRole>) => void, withKey = true) =>
    synthScope((scope) => {
      const key = withKey ? new EncryptionKey(scope, 'key', { alias: 'alias/platform', description: 'platform key' }) : undefined;
      const bucket = new SecureBucket(scope, 'bucket', { bucketName: 'acme-state', encryptionKey: key });
      const role = granteeRole(scope);
      grant(bucket, role);
      return { key, bucket, role };
    });

  test('grantRead: reading objects under the prefix, and decrypting through S3 for this bucket only', () => {
    const { tf, built } = grantsOn((bucket, role) => bucket.grantRead(role, 'command-runner/*'));
    const { partition, region } = awsRefs(tf);
    const bucketArn = `arn:${partition}:s3:::acme-state`;
    expect(inlinePolicy(tf, built.role, 'grants')).toEqual([
      { effect: 'Allow', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [`${bucketArn}/command-runner/*`] },
      {
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [ref(built.key!.resource, 'arn')],
        condition: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${region}.amazonaws.com`] },
          { test: 'StringLike', variable: 'kms:EncryptionContext:aws:s3:arn', values: [bucketArn, `${bucketArn}/*`] },
        ],
      },
    ]);
  });

  test('grantReadWrite: listing the bucket, reading, writing and deleting under the prefix, and encrypting for this bucket only', () => {
    const { tf, built } = grantsOn((bucket, role) => bucket.grantReadWrite(role, 'sagemaker-projects/*'));
    const { partition, region } = awsRefs(tf);
    const bucketArn = `arn:${partition}:s3:::acme-state`;
    expect(inlinePolicy(tf, built.role, 'grants')).toEqual([
      { effect: 'Allow', actions: ['s3:ListBucket'], resources: [bucketArn] },
      { effect: 'Allow', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [`${bucketArn}/sagemaker-projects/*`] },
      {
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [ref(built.key!.resource, 'arn')],
        condition: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${region}.amazonaws.com`] },
          { test: 'StringLike', variable: 'kms:EncryptionContext:aws:s3:arn', values: [bucketArn, `${bucketArn}/*`] },
        ],
      },
    ]);
  });

  test('a bucket without a KMS key grants no key use', () => {
    const { tf, built } = grantsOn((bucket, role) => {
      bucket.grantRead(role, 'a/*');
      bucket.grantReadWrite(role, 'b/*');
    }, false);
    expect(
      inlinePolicy(tf, built.role, 'grants')
        .flatMap((statement) => statement.actions)
        .filter((action: string) => action.startsWith('kms:')),
    ).toEqual([]);
  });

  test("a grant can go to a named policy instead of the grantee's grants policy", () => {
    const { tf, built } = grantsOn((bucket, role) => bucket.grantRead(role, 'a/*', 'artifacts'));
    expect(inlinePolicyNames(tf, built.role)).toEqual(['artifacts']);
    expect(inlinePolicy(tf, built.role, 'artifacts').map((statement) => statement.actions[0])).toEqual(['s3:GetObject', 'kms:Decrypt']);
  });
});
