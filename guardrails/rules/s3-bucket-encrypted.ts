import { Rule } from '../rule';
import { blocks, StackElement, SynthesizedStack } from '../synthesized-stack';

const ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'];

/** Whether a server-side encryption configuration (resource or legacy inline block) sets a default algorithm. */
const setsDefaultEncryption = (configuration: Record<string, any>): boolean =>
  blocks(configuration.rule).some((rule) =>
    blocks(rule.apply_server_side_encryption_by_default).some((defaults) => ALGORITHMS.includes(defaults.sse_algorithm)),
  );

function encrypted(stack: SynthesizedStack, bucket: StackElement): boolean {
  const inline = blocks(bucket.config.server_side_encryption_configuration);
  const separate = stack.attachedTo(bucket, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket', 'bucket');
  return [...inline, ...separate.map((element) => element.config)].some(setsDefaultEncryption);
}

/** Every S3 bucket encrypts objects at rest by default (SSE-S3 or SSE-KMS). */
export const S3BucketEncrypted: Rule = {
  id: 'CKV_AWS_19',
  name: 'S3BucketEncrypted',
  checkov: ['CKV_AWS_19'],
  fix: 'Add an aws_s3_bucket_server_side_encryption_configuration for the bucket (SecureBucket does this).',
  check: (stack) =>
    stack
      .ofType('aws_s3_bucket')
      .filter((bucket) => !encrypted(stack, bucket))
      .map((bucket) => ({ element: bucket, problem: 'the bucket has no default server-side encryption.' })),
};
