import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { Construct } from 'constructs';

/** One IAM policy statement, in the shape of the `aws_iam_policy_document` data source. */
export type PolicyStatement = DataAwsIamPolicyDocumentStatement;

/** Name of the inline policy grants add their statements to unless told otherwise. */
export const GRANTS_POLICY = 'grants';

/**
 * A principal that grant methods (`bucket.grantRead(role)`) give access to: a role or a user created
 * here. Its statements live in named inline policies, one per name, created on first use.
 */
export interface IGrantable {
  /** Construct that owns the principal's policies. */
  readonly node: Construct['node'];
  /** ARN of the role or user, as resource policies and `aws:PrincipalArn` name it. */
  readonly principalArn: string;
  /** Appends `statements` to the inline policy `policyName` (GRANTS_POLICY for grants). */
  addToPolicy(policyName: string, statements: PolicyStatement[]): void;
}

/** An `aws_iam_policy_document` under `scope`; its `json` is the policy text. */
export function policyDocument(scope: Construct, id: string, statements: PolicyStatement[]): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, { statement: statements });
}

/**
 * Named policy documents whose statement lists grow until synth: `add` to a name creates its
 * document (through `create`) the first time and appends afterwards. cdktf keeps the list by
 * reference and reads it when the stack is synthesized.
 */
export class GrowingPolicies {
  private readonly statements = new Map<string, PolicyStatement[]>();

  constructor(private readonly create: (name: string, statements: PolicyStatement[]) => void) {}

  add(name: string, statements: PolicyStatement[]): void {
    const existing = this.statements.get(name);
    if (existing) {
      existing.push(...statements);
      return;
    }
    const list = [...statements];
    this.statements.set(name, list);
    this.create(name, list);
  }
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
