import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { AwsContext } from '../../constructs/aws-context';
import { all, awsRefs, synthScope } from '../support/synth-scope';

describe('AwsContext', () => {
  test('is looked up once per stack, whichever construct asks first', () => {
    const { json, tf, built } = synthScope((scope) => {
      const deep = new Construct(new Construct(scope, 'a'), 'b');
      return [AwsContext.of(deep), AwsContext.of(scope)];
    });
    expect(built[0]).toBe(built[1]);
    expect(json).toHaveDataSource(DataAwsCallerIdentity);
    for (const type of ['aws_caller_identity', 'aws_partition', 'aws_region'])
      expect(Object.keys(all(tf, type, 'data'))).toEqual([expect.stringMatching(/^aws-context_/)]);
  });

  test('builds ARNs from partition, region and account; empty strings leave region or account out', () => {
    const { tf } = synthScope((scope) => {
      const aws = AwsContext.of(scope);
      new TerraformOutput(scope, 'arns', {
        value: [
          aws.arn('sqs', 'queue'),
          aws.arn('iam', 'role/r', { region: '' }),
          aws.arn('ssm', 'parameter/p', { account: '' }),
          aws.arn('s3', 'b', { region: '', account: '' }),
        ],
      });
    });
    const { partition, region, account } = awsRefs(tf);
    expect(tf.output.arns.value).toEqual([
      `arn:${partition}:sqs:${region}:${account}:queue`,
      `arn:${partition}:iam::${account}:role/r`,
      `arn:${partition}:ssm:${region}::parameter/p`,
      `arn:${partition}:s3:::b`,
    ]);
  });
});
