import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { policyDocument, PolicyStatement } from '../iam/policy';

export interface EncryptionKeyProps {
  /** Alias, `alias/...`. */
  readonly alias: string;
  /** What the key protects, shown in the KMS console. */
  readonly description: string;
  /** Log groups whose events CloudWatch Logs may encrypt with this key (their ARNs). @default none */
  readonly logGroupArns?: string[];
}

/**
 * A customer managed KMS key with yearly rotation. The key policy delegates to IAM (the account
 * root statement), so access is granted by identity policies built with `useStatements`, each
 * restricted to the AWS services that act on the caller's behalf.
 */
export class EncryptionKey extends Construct {
  readonly resource: KmsKey;
  readonly keyArn: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    const statements: PolicyStatement[] = [
      {
        sid: 'DelegateToIamPolicies',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [`arn:${aws.partition}:iam::${aws.accountId}:root`] }],
        // The key policy's root statement: without it the key can become unmanageable.
        actions: ['kms:*'],
        resources: ['*'],
      },
    ];
    if (props.logGroupArns && props.logGroupArns.length > 0) {
      statements.push({
        sid: 'CloudWatchLogsEncryption',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: [`logs.${aws.region}.amazonaws.com`] }],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        condition: [{ test: 'ArnEquals', variable: 'kms:EncryptionContext:aws:logs:arn', values: props.logGroupArns }],
      });
    }
    this.resource = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument(this, 'key-policy', statements).json,
    });
    this.keyArn = this.resource.arn;
    new KmsAlias(this, 'alias', { name: props.alias, targetKeyId: this.resource.keyId });
  }

  /**
   * Statements that let a principal use the key through the given services only
   * (e.g. `['s3', 'dynamodb']`), never directly.
   */
  useStatements(services: string[], mode: 'decrypt' | 'encrypt-decrypt'): PolicyStatement[] {
    const region = AwsContext.of(this).region;
    const actions = mode === 'decrypt' ? ['kms:Decrypt', 'kms:DescribeKey'] : ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];
    return [
      {
        effect: 'Allow',
        actions,
        resources: [this.keyArn],
        condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: services.map((service) => `${service}.${region}.amazonaws.com`) }],
      },
    ];
  }
}
