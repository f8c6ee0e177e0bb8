import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { TerraformOutput } from 'cdktf';
import { S3ProjectTemplate } from '../../../constructs/command-runner/s3-project-template';
import { awsRefs, bySid, configOf, ref, statementsOf, synthScope } from '../../support/synth-scope';

const READERS = ['arn:aws:iam::111122223333:role/ds-lead', 'arn:aws:iam:::role/service-role/AmazonSageMaker-ExecutionRole-*'];

const { json, tf, built } = synthScope((scope) => {
  const template = new S3ProjectTemplate(scope, 's3-project-template', {
    bucketName: 'acme-sm-templates',
    body: 'AWSTemplateFormatVersion: "2010-09-09"\n',
    fileName: 'acme-project.yaml',
    readerArnPatterns: READERS,
  });
  new TerraformOutput(scope, 'location', { value: template.location });
  return template;
});
const bucketId = ref(built.bucket.resource, 'id');

describe('S3ProjectTemplate', () => {
  test('publishes the template body under templates/, tagged for Studio', () => {
    expect(json).toHaveResourceWithProperties(S3Object, {
      bucket: bucketId,
      key: 'templates/acme-project.yaml',
      content: 'AWSTemplateFormatVersion: "2010-09-09"\n',
      content_type: 'application/x-yaml',
      tags: { 'sagemaker:studio-visibility': 'true' },
    });
  });

  test('its bucket, of its own, lets Studio in the browser read it (CORS)', () => {
    expect(json).toHaveResourceWithProperties(S3BucketCorsConfiguration, {
      bucket: bucketId,
      cors_rule: [{ allowed_methods: ['GET', 'HEAD'], allowed_origins: ['https://*.sagemaker.aws'], allowed_headers: ['*'], max_age_seconds: 3000 }],
    });
  });

  test("only this account's Studio roles may read the templates; account-less patterns are pinned to this account", () => {
    const { partition, account } = awsRefs(tf);
    const policy = statementsOf(tf, configOf(tf, built.bucket.policy).policy);
    expect(bySid(policy, 'StudioRolesReadTemplates')).toEqual({
      sid: 'StudioRolesReadTemplates',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: ['*'] }],
      actions: ['s3:GetObject'],
      resources: [`arn:${partition}:s3:::acme-sm-templates/templates/*`],
      condition: [
        { test: 'StringEquals', variable: 'aws:PrincipalAccount', values: [account] },
        {
          test: 'ArnLike',
          variable: 'aws:PrincipalArn',
          values: ['arn:aws:iam::111122223333:role/ds-lead', `arn:aws:iam::${account}:role/service-role/AmazonSageMaker-ExecutionRole-*`],
        },
      ],
    });
  });

  test('the bucket stays TLS-only and private', () => {
    const policy = statementsOf(tf, configOf(tf, built.bucket.policy).policy);
    expect(bySid(policy, 'DenyInsecureTransport').effect).toBe('Deny');
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, { bucket: bucketId, block_public_policy: true, restrict_public_buckets: true });
  });

  test('its location is the value of the domain tag: s3://<bucket>/templates/', () => {
    expect(tf.output.location.value).toBe(`s3://${ref(built.bucket.resource, 'bucket')}/templates/`);
  });
});
