import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { denyInsecureTransport, GRANTS_POLICY, IGrantable, policyDocument, PolicyStatement } from '../iam/policy';
import { IEncryptionKey } from '../security/encryption-key';

export interface SecureBucketProps {
  /** Bucket name (3-63 lowercase characters). */
  readonly bucketName: string;
  /** KMS key for SSE-KMS with an S3 bucket key; grants add its use. @default SSE-S3 (AES256) */
  readonly encryptionKey?: IEncryptionKey;
  /** Which noncurrent object versions are deleted, and after how many days. @default all, after 90 days */
  readonly noncurrentVersionExpiration?: { readonly days: number; readonly prefix?: string };
  /** Delete all objects (and versions) on `terraform destroy`. @default false */
  readonly forceDestroy?: boolean;
  /** Bucket policy statements beside the TLS-only statement every bucket gets. @default none */
  readonly policyStatements?: PolicyStatement[];
}

/** Object-level S3 actions: what a bucket policy that names its users denies everyone else. */
export const OBJECT_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'];

/**
 * An S3 bucket that is private, versioned, encrypted and TLS-only without asking: all public
 * access blocked, object ownership enforced (no ACLs), noncurrent versions and incomplete uploads
 * expired. Grants (`grantRead`, `grantReadWrite`) give a principal access to a prefix and, when the
 * bucket has a KMS key, the use of that key for this bucket's objects only.
 */
export class SecureBucket extends Construct {
  readonly resource: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly encryptionKey?: IEncryptionKey;
  /** The bucket policy: what must exist before principals it names rely on it. */
  readonly policy: S3BucketPolicy;
  /** The bucket policy's statements: `addToResourcePolicy` appends until synth. */
  private readonly policyStatements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.resource = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: props.forceDestroy ?? false });
    const bucket = this.resource.id;
    this.bucketName = this.resource.bucket;
    // Built from the name, so policies naming the bucket resolve when Terraform plans.
    this.bucketArn = `arn:${AwsContext.of(this).partition}:s3:::${props.bucketName}`;
    this.encryptionKey = props.encryptionKey;

    new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.encryptionKey
            ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.encryptionKey.keyArn }
            : { sseAlgorithm: 'AES256' },
          bucketKeyEnabled: props.encryptionKey ? true : undefined,
        },
      ],
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: props.noncurrentVersionExpiration?.prefix ?? '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpiration?.days ?? 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    this.policyStatements = [denyInsecureTransport(this.bucketArn), ...(props.policyStatements ?? [])];
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: policyDocument(this, 'policy-document', this.policyStatements).json,
      // S3 rejects a bucket policy while the public access block is still being applied.
      dependsOn: [publicAccessBlock],
    });
  }

  /** ARN of the objects under `prefix` (`prefix` may end in `*`). */
  objectArn(prefix: string): string {
    return `${this.bucketArn}/${prefix}`;
  }

  /** Appends statements to the bucket policy. */
  addToResourcePolicy(...statements: PolicyStatement[]): void {
    this.policyStatements.push(...statements);
  }

  /** Read access to objects under `prefix` (and decryption of this bucket's objects). */
  grantRead(grantee: IGrantable, prefix: string, policyName = GRANTS_POLICY): void {
    grantee.addToPolicy(policyName, [{ effect: 'Allow', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [this.objectArn(prefix)] }]);
    this.grantKey(grantee, 'decrypt', policyName);
  }

  /**
   * Read, write and delete access to objects under `prefix`, and listing of the bucket (Terraform's
   * S3 backend lists the workspace prefix `env:/` at init, outside any one key prefix).
   */
  grantReadWrite(grantee: IGrantable, prefix: string, policyName = GRANTS_POLICY): void {
    grantee.addToPolicy(policyName, [
      { effect: 'Allow', actions: ['s3:ListBucket'], resources: [this.bucketArn] },
      { effect: 'Allow', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [this.objectArn(prefix)] },
    ]);
    this.grantKey(grantee, 'encrypt-decrypt', policyName);
  }

  private grantKey(grantee: IGrantable, mode: 'decrypt' | 'encrypt-decrypt', policyName: string): void {
    // With an S3 bucket key the encryption context is the bucket's ARN; objects written without one carry their own ARN.
    this.encryptionKey?.grantUse(grantee, { via: ['s3'], mode, context: { key: 'aws:s3:arn', values: [this.bucketArn, `${this.bucketArn}/*`] } }, policyName);
  }
}
