import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { SecureBucket } from '../storage/secure-bucket';

/** Object tag that makes a template in the domain's template location visible in Studio. */
export const STUDIO_VISIBILITY_TAG = { 'sagemaker:studio-visibility': 'true' } as const;

/** Domain tag naming the S3 location SageMaker Studio lists project templates from. */
export const TEMPLATES_LOCATION_TAG = 'sagemaker:projectS3TemplatesLocation';

/** Origins of SageMaker Studio in the browser, which reads the template (CORS). */
export const STUDIO_ORIGINS = ['https://*.sagemaker.aws'];

const TEMPLATE_PREFIX = 'templates/';

export interface S3ProjectTemplateProps {
  /** Name of the bucket holding the template (3-63 lowercase characters). */
  readonly bucketName: string;
  /** The template body (the same YAML the Service Catalog product uses). */
  readonly body: string;
  /** File name of the template in the location; Studio shows it. */
  readonly fileName: string;
  /**
   * Studio execution roles that read the template: role ARNs, or account-less IAM_PATTERN ARNs
   * (`arn:aws:iam:::role/...*`), matched within this account.
   */
  readonly readerArnPatterns: string[];
}

/**
 * The project template published as a SageMaker S3 project template: a bucket of its own (Studio
 * needs CORS on it, the state bucket keeps none), readable by the Studio roles of this account, and
 * the template tagged for Studio. The domain must be tagged with `sagemaker:projectS3TemplatesLocation`
 * = `location` (README).
 */
export class S3ProjectTemplate extends Construct {
  readonly bucket: SecureBucket;
  readonly object: S3Object;
  /** `s3://bucket/templates/`: the value of the domain tag. */
  readonly location: string;

  constructor(scope: Construct, id: string, props: S3ProjectTemplateProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    const readers = props.readerArnPatterns.map((pattern) => pattern.replace(/^(arn:[^:]+:iam::):/, `$1${aws.accountId}:`));
    // Built from the name: the policy statements are given to the bucket before it exists.
    const templateObjects = `arn:${aws.partition}:s3:::${props.bucketName}/${TEMPLATE_PREFIX}*`;
    this.bucket = new SecureBucket(this, 'bucket', {
      bucketName: props.bucketName,
      policyStatements: [
        {
          sid: 'StudioRolesReadTemplates',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['s3:GetObject'],
          resources: [templateObjects],
          condition: [
            // A fixed account keeps the policy non-public, so the public access block accepts it.
            { test: 'StringEquals', variable: 'aws:PrincipalAccount', values: [aws.accountId] },
            { test: 'ArnLike', variable: 'aws:PrincipalArn', values: readers },
          ],
        },
      ],
    });
    new S3BucketCorsConfiguration(this, 'cors', {
      bucket: this.bucket.resource.id,
      corsRule: [{ allowedMethods: ['GET', 'HEAD'], allowedOrigins: STUDIO_ORIGINS, allowedHeaders: ['*'], maxAgeSeconds: 3000 }],
    });
    this.object = new S3Object(this, 'template-object', {
      bucket: this.bucket.resource.id,
      key: `${TEMPLATE_PREFIX}${props.fileName}`,
      content: props.body,
      contentType: 'application/x-yaml',
      tags: { ...STUDIO_VISIBILITY_TAG },
    });
    this.location = `s3://${this.bucket.bucketName}/${TEMPLATE_PREFIX}`;
  }
}
