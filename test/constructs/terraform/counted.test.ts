import { DataGitlabGroupIds } from '@cdktf/provider-gitlab/lib/data-gitlab-group-ids';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Fn, TerraformOutput, Token } from 'cdktf';
import { attributeOfOptional, isEmpty } from '../../../constructs/terraform/counted';
import { addressOf, synthScope } from '../../support/synth-scope';

describe('attributeOfOptional', () => {
  test('reads the attribute of a counted resource or data source with one(): null when it has no instance', () => {
    const { tf, built } = synthScope((scope) => {
      const group = new DataGitlabGroupIds(scope, 'group', { count: 0, group: 'ml-team' });
      const bucket = new S3Bucket(scope, 'bucket', { count: 1, bucket: 'b' });
      new TerraformOutput(scope, 'values', { value: [attributeOfOptional(group, 'group_id'), attributeOfOptional(bucket, 'arn')] });
      return { group, bucket };
    });
    expect(tf.output.values.value).toEqual([`\${one(${addressOf(built.group)}[*].group_id)}`, `\${one(${addressOf(built.bucket)}[*].arn)}`]);
  });
});

describe('isEmpty', () => {
  test('renders as a comparison with 1, also for the falsy values cdktf operators would drop', () => {
    const { tf } = synthScope((scope) => {
      new TerraformOutput(scope, 'empty', { value: Fn.conditional(isEmpty(''), 'yes', 'no') });
      new TerraformOutput(scope, 'named', { value: Token.asString(isEmpty('ml-team')) });
    });
    expect(tf.output.empty.value).toBe('${(length("") < 1) ? "yes" : "no"}');
    expect(tf.output.named.value).toBe('${(length("ml-team") < 1)}');
  });
});
