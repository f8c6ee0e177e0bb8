import { Rule, Violation } from '../rule';

const SETTINGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

/** Every S3 bucket has a public access block with all four settings on. */
export const S3BucketPublicAccessBlocked: Rule = {
  id: 'CKV2_AWS_6',
  name: 'S3BucketPublicAccessBlocked',
  checkov: ['CKV2_AWS_6', 'CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56'],
  fix: 'Add an aws_s3_bucket_public_access_block for the bucket with all four settings true (SecureBucket does this).',
  check: (stack) =>
    stack.ofType('aws_s3_bucket').flatMap((bucket): Violation[] => {
      const blocks = stack.attachedTo(bucket, 'aws_s3_bucket_public_access_block', 'bucket', 'bucket');
      if (blocks.length === 0) return [{ element: bucket, problem: 'the bucket has no public access block.' }];
      if (blocks.some((block) => SETTINGS.every((setting) => block.config[setting] === true))) return [];
      const off = SETTINGS.filter((setting) => !blocks.some((block) => block.config[setting] === true));
      return [{ element: blocks[0], related: [bucket], problem: `the public access block leaves ${off.join(', ')} off.` }];
    }),
};
