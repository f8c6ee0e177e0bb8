import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { Construct } from 'constructs';

/** One IAM policy statement, in the shape of the `aws_iam_policy_document` data source. */
export type PolicyStatement = DataAwsIamPolicyDocumentStatement;

/** Anything an identity-based policy can be attached to: a role or a user, created here or not. */
export interface IGrantable {
  /** Construct that owns the policies attached to this principal. */
  readonly node: Construct['node'];
  /** Attaches an inline policy named `name` holding `statements`. */
  addPolicy(name: string, statements: PolicyStatement[]): void;
}

/** An `aws_iam_policy_document` under `scope`; its `json` is the policy text. */
export function policyDocument(scope: Construct, id: string, statements: PolicyStatement[]): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, { statement: statements });
}

/** Trust statement letting an AWS service assume a role. */
export function serviceTrust(service: string, conditions: PolicyStatement['condition'] = undefined): PolicyStatement {
  return {
    effect: 'Allow',
    actions: ['sts:AssumeRole'],
    principals: [{ type: 'Service', identifiers: [service] }],
    condition: conditions,
  };
}

/** Statement denying any request to a bucket that does not use TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    sid: 'DenyInsecureTransport',
    effect: 'Deny',
    actions: ['s3:*'],
    resources: [bucketArn, `${bucketArn}/*`],
    principals: [{ type: '*', identifiers: ['*'] }],
    condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
  };
}

/**
 * Queue policy statements of a queue that keeps the events an EventBridge rule could not deliver: the
 * rule (and only it) may send, and nothing may reach the queue without TLS.
 */
export function ruleDeadLetterStatements(queueArn: string, ruleArn: string, sid: string): PolicyStatement[] {
  return [
    {
      sid,
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
      actions: ['sqs:SendMessage'],
      resources: [queueArn],
      condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [ruleArn] }],
    },
    {
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['sqs:*'],
      resources: [queueArn],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    },
  ];
}
