import { Rule } from '../rule';
import { blocks, StackElement, SynthesizedStack } from '../synthesized-stack';

function versioned(stack: SynthesizedStack, bucket: StackElement): boolean {
  if (blocks(bucket.config.versioning).some((legacy) => legacy.enabled === true)) return true;
  return stack
    .attachedTo(bucket, 'aws_s3_bucket_versioning', 'bucket', 'bucket')
    .some((versioning) => blocks(versioning.config.versioning_configuration).some((configuration) => configuration.status === 'Enabled'));
}

/** Every S3 bucket keeps object versions, so an overwrite or delete can be undone. */
export const S3BucketVersioningEnabled: Rule = {
  id: 'CKV_AWS_21',
  name: 'S3BucketVersioningEnabled',
  checkov: ['CKV_AWS_21'],
  fix: 'Add an aws_s3_bucket_versioning with status "Enabled" for the bucket (SecureBucket does this).',
  check: (stack) =>
    stack
      .ofType('aws_s3_bucket')
      .filter((bucket) => !versioned(stack, bucket))
      .map((bucket) => ({ element: bucket, problem: 'versioning is not enabled.' })),
};
