import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Fn } from 'cdktf';
import { readJsonencode } from '../../guardrails/hcl-expression';
import { actionCovers, attachedPolicies, isEveryResource, isReadOnlyAction } from '../../guardrails/policies';
import { synthesized } from './support';

describe('reading jsonencode(...) back into JSON', () => {
  test('objects, tuples, strings, numbers, booleans; references stay references', () => {
    const text =
      '${jsonencode({"Statement" = [{"Action" = ["s3:GetObject"], "Resource" = ["${aws_s3_bucket.b.arn}/*", aws_s3_bucket.b.arn], "Max" = 3, "On" = true}]})}';
    expect(readJsonencode(text)).toEqual({
      Statement: [{ Action: ['s3:GetObject'], Resource: ['${aws_s3_bucket.b.arn}/*', '${aws_s3_bucket.b.arn}'], Max: 3, On: true }],
    });
  });

  test('HCL escapes: \\" inside strings, $${ for a literal ${ (IAM policy variables), function calls as values', () => {
    const text = '${jsonencode({Sid = "say \\"hi\\"", Resource = "arn:aws:s3:::b/$${aws:username}/*", Keys = concat(["a"], var.more)})}';
    expect(readJsonencode(text)).toEqual({ Sid: 'say "hi"', Resource: 'arn:aws:s3:::b/${aws:username}/*', Keys: '${concat(["a"], var.more)}' });
  });

  test('text that is not one jsonencode call, or is broken, reads as undefined', () => {
    expect(readJsonencode('${file("p.json")}')).toBeUndefined();
    expect(readJsonencode('${jsonencode({"a" = [1, 2)})}')).toBeUndefined();
    expect(readJsonencode('${jsonencode({"a" = 1}) }x')).toBeUndefined();
  });

  test('what cdktf writes for Fn.jsonencode is read back to the same policy', () => {
    const stack = synthesized((scope) => {
      const bucket = new S3Bucket(scope, 'b', { bucket: 'b' });
      new IamRolePolicy(scope, 'p', {
        role: 'r',
        policy: Fn.jsonencode({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${bucket.arn}/*`] }] }),
      });
    });
    const [policy] = attachedPolicies(stack);
    expect(policy.statements.map(({ effect, actions, resources }) => ({ effect, actions, resources }))).toEqual([
      { effect: 'Allow', actions: ['s3:GetObject'], resources: ['${aws_s3_bucket.b.arn}/*'] },
    ]);
  });
});

describe('policy documents', () => {
  test('statements merged in through source_policy_documents are checked with the document', () => {
    const stack = synthesized((scope) => {
      const base = new DataAwsIamPolicyDocument(scope, 'base', { statement: [{ sid: 'Base', actions: ['s3:GetObject'], resources: ['*'] }] });
      const merged = new DataAwsIamPolicyDocument(scope, 'merged', {
        sourcePolicyDocuments: [base.json],
        statement: [{ sid: 'Own', actions: ['s3:PutObject'], resources: ['*'] }],
      });
      new IamRolePolicy(scope, 'p', { role: 'r', policy: merged.json });
    });
    const [policy] = attachedPolicies(stack);
    expect(policy.kind).toBe('identity');
    expect(policy.statements.map((statement) => [statement.label, statement.source.path])).toEqual([
      ['Base', 'test/base'],
      ['Own', 'test/merged'],
    ]);
  });
});

describe('what counts as every action, every resource, a read', () => {
  test('action patterns cover actions case-insensitively', () => {
    expect(actionCovers('s3:Get*', 's3:GetObject')).toBe(true);
    expect(actionCovers('S3:getobject', 's3:GetObject')).toBe(true);
    expect(actionCovers('s3:Put*', 's3:GetObject')).toBe(false);
    expect(actionCovers('*', 'iam:PassRole')).toBe(true);
  });

  test('"*" and ARNs whose resource part is only "*" mean every resource; references do not', () => {
    expect(['*', 'arn:aws:s3:::*', 'arn:aws:sqs:*:*:*'].every(isEveryResource)).toBe(true);
    expect(['arn:aws:s3:::b/*', 'arn:aws:iam::1:role/x', '${aws_s3_bucket.b.arn}'].some(isEveryResource)).toBe(false);
  });

  test('only read verbs are reads; anything else, wildcards included, is a write', () => {
    expect(['s3:GetObject', 'ec2:Describe*', 's3:ListBucket', 'dynamodb:BatchGetItem', 'cloudformation:ValidateTemplate'].every(isReadOnlyAction)).toBe(true);
    expect(['s3:PutObject', 's3:*', '*', 'kms:Decrypt', 'iam:PassRole', 's3:Getaway'].some(isReadOnlyAction)).toBe(false);
  });
});
