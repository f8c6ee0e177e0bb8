import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import {
  denyInsecureTransport,
  GrowingPolicies,
  policyDocument,
  PolicyStatement,
  ruleDeadLetterStatements,
  serviceTrust,
} from '../../../constructs/iam/policy';
import { configOf, synthScope } from '../../support/synth-scope';

const allowGet: PolicyStatement = { effect: 'Allow', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] };
const allowPut: PolicyStatement = { effect: 'Allow', actions: ['s3:PutObject'], resources: ['arn:aws:s3:::b/*'] };

describe('policyDocument', () => {
  test('is an aws_iam_policy_document holding the statements as given', () => {
    const { json, tf, built } = synthScope((scope) => policyDocument(scope, 'document', [allowGet]));
    expect(json).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [{ effect: 'Allow', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }],
    });
    expect(configOf(tf, built).statement).toHaveLength(1);
  });
});

describe('GrowingPolicies', () => {
  test("creates a name's document once, on first use, and appends later statements to it", () => {
    const created: Array<{ name: string; statements: PolicyStatement[] }> = [];
    const policies = new GrowingPolicies((name, statements) => created.push({ name, statements }));
    policies.add('grants', [allowGet]);
    policies.add('logs', [allowPut]);
    policies.add('grants', [allowPut]);
    expect(created.map(({ name }) => name)).toEqual(['grants', 'logs']);
    expect(created[0].statements).toEqual([allowGet, allowPut]);
    expect(created[1].statements).toEqual([allowPut]);
  });

  test('statements added after the document exists reach the synthesized policy (cdktf reads the list at synth)', () => {
    const { tf, built } = synthScope((scope) => {
      let document: DataAwsIamPolicyDocument | undefined;
      const policies = new GrowingPolicies((name, statements) => (document = policyDocument(scope, name, statements)));
      policies.add('grants', [allowGet]);
      policies.add('grants', [allowPut]);
      return document!;
    });
    expect(configOf(tf, built).statement.map((statement: any) => statement.actions)).toEqual([['s3:GetObject'], ['s3:PutObject']]);
  });

  test("keeps its own copy: the caller's array is never changed", () => {
    const given = [allowGet];
    const policies = new GrowingPolicies(() => undefined);
    policies.add('grants', given);
    policies.add('grants', [allowPut]);
    expect(given).toEqual([allowGet]);
  });
});

describe('serviceTrust', () => {
  test('lets the service assume the role, with the conditions given', () => {
    expect(serviceTrust('lambda.amazonaws.com')).toEqual({
      effect: 'Allow',
      actions: ['sts:AssumeRole'],
      principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
      condition: undefined,
    });
    const condition = [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] }];
    expect(serviceTrust('sagemaker.amazonaws.com', condition).condition).toEqual(condition);
  });
});

describe('denyInsecureTransport', () => {
  test('denies every S3 action on the bucket and its objects to anyone not using TLS', () => {
    expect(denyInsecureTransport('arn:aws:s3:::b')).toEqual({
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      actions: ['s3:*'],
      resources: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      principals: [{ type: '*', identifiers: ['*'] }],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
  });
});

describe('ruleDeadLetterStatements', () => {
  test('only the named EventBridge rule may send to the queue, and nothing reaches it without TLS', () => {
    const queue = 'arn:aws:sqs:us-east-1:123456789012:failures';
    const rule = 'arn:aws:events:us-east-1:123456789012:rule/r';
    expect(ruleDeadLetterStatements(queue, rule, 'UndeliverableEvents')).toEqual([
      {
        sid: 'UndeliverableEvents',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
        actions: ['sqs:SendMessage'],
        resources: [queue],
        condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [rule] }],
      },
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['sqs:*'],
        resources: [queue],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ]);
  });
});
