import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { denyInsecureTransport, policyDocument, PolicyStatement } from '../iam/policy';

export interface SecureBucketProps {
  /** Bucket name (3-63 lowercase characters). */
  readonly bucketName: string;
  /** KMS key ARN for SSE-KMS with an S3 bucket key. @default SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
  /** Days after which noncurrent object versions are deleted. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Delete all objects (and versions) on `terraform destroy`. @default false */
  readonly forceDestroy?: boolean;
  /** Extra bucket policy statements, beside the TLS-only statement every bucket gets. @default none */
  readonly policyStatements?: PolicyStatement[];
}

/**
 * An S3 bucket that is private, versioned, encrypted and TLS-only without asking: all public
 * access blocked, object ownership enforced (no ACLs), noncurrent versions and incomplete uploads
 * expired.
 */
export class SecureBucket extends Construct {
  readonly resource: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.resource = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: props.forceDestroy ?? false });
    const bucket = this.resource.id;
    this.bucketName = this.resource.bucket;
    this.bucketArn = this.resource.arn;

    new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn
            ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }
            : { sseAlgorithm: 'AES256' },
          bucketKeyEnabled: props.kmsKeyArn ? true : undefined,
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
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: policyDocument(this, 'policy-document', [denyInsecureTransport(this.bucketArn), ...(props.policyStatements ?? [])]).json,
      // S3 rejects a bucket policy while the public access block is still being applied.
      dependsOn: [publicAccessBlock],
    });
  }

  /** ARN of the objects under `prefix` (`prefix` may end in `*`). */
  objectArn(prefix: string): string {
    return `${this.bucketArn}/${prefix}`;
  }

  /** Read access to objects under `prefix`. */
  readStatements(prefix: string): PolicyStatement[] {
    return [
      { effect: 'Allow', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [this.objectArn(prefix)] },
    ];
  }

  /**
   * Read, write and delete access to objects under `prefix`, and listing of the bucket (Terraform's
   * S3 backend lists the workspace prefix `env:/` at init, outside any one key prefix).
   */
  readWriteStatements(prefix: string): PolicyStatement[] {
    return [
      { effect: 'Allow', actions: ['s3:ListBucket'], resources: [this.bucketArn] },
      { effect: 'Allow', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [this.objectArn(prefix)] },
    ];
  }
}
