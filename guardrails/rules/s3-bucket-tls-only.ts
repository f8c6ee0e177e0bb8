import { actionCovers, attachedPolicies, isAnyone, Statement } from '../policies';
import { Rule } from '../rule';
import { StackElement, SynthesizedStack } from '../synthesized-stack';
import { escapeRegExp } from '../terraform-text';

/** Whether `resource` is the bucket's ARN (`suffix` '') or its objects' (`suffix` '/*'): a reference, or the ARN built from its name. */
function namesBucket(stack: SynthesizedStack, resource: string, bucket: StackElement, suffix: '' | '/*'): boolean {
  if (stack.refersTo(resource, bucket)) return suffix === '' ? !resource.includes('/') : resource.endsWith('/*');
  const name = bucket.config.bucket;
  return typeof name === 'string' && name !== '' && new RegExp(`^arn:[^:]*:s3:::${escapeRegExp(name)}${escapeRegExp(suffix)}$`).test(resource);
}

/** Deny, to anyone, every S3 action on the bucket and its objects when the request is not over TLS. */
function deniesInsecureTransport(stack: SynthesizedStack, bucket: StackElement, statement: Statement): boolean {
  const coversBucket = statement.resources.some((resource) => resource === '*' || namesBucket(stack, resource, bucket, ''));
  const coversObjects = statement.resources.some((resource) => resource === '*' || namesBucket(stack, resource, bucket, '/*'));
  return (
    statement.effect === 'Deny' &&
    statement.principals.some(isAnyone) &&
    statement.actions.some((action) => actionCovers(action, 's3:*')) &&
    coversBucket &&
    coversObjects &&
    statement.conditions.some(
      (condition) =>
        /^Bool(IfExists)?$/.test(condition.test) && condition.variable.toLowerCase() === 'aws:securetransport' && condition.values.includes('false'),
    )
  );
}

/** Every S3 bucket's policy denies requests that do not use TLS. */
export const S3BucketTlsOnly: Rule = {
  id: 'SMP_S3_TLS_ONLY',
  name: 'S3BucketTlsOnly',
  checkov: [],
  fix: 'Give the bucket an aws_s3_bucket_policy with denyInsecureTransport(bucketArn) (SecureBucket does this).',
  check: (stack) =>
    stack
      .ofType('aws_s3_bucket')
      .filter((bucket) => {
        const policyResources = stack.attachedTo(bucket, 'aws_s3_bucket_policy', 'bucket', 'bucket');
        return !attachedPolicies(stack)
          .filter((policy) => policyResources.includes(policy.attachment))
          .some((policy) => policy.statements.some((statement) => deniesInsecureTransport(stack, bucket, statement)));
      })
      .map((bucket) => ({
        element: bucket,
        problem: 'no bucket policy denies s3:* on the bucket and its objects when aws:SecureTransport is false.',
      })),
};
