import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { GRANTS_POLICY, IGrantable, policyDocument, PolicyStatement } from '../iam/policy';

/** How a principal may use a key: only through AWS services, only for the data it names. */
export interface KeyUse {
  /** Services that use the key on the principal's behalf (`kms:ViaService`), e.g. `['s3']`. */
  readonly via: string[];
  /** `decrypt` reads; `encrypt-decrypt` reads and writes; `create-grants` lets a service set the key on a new resource. */
  readonly mode: 'decrypt' | 'encrypt-decrypt' | 'create-grants';
  /**
   * Encryption context every request must carry (`kms:EncryptionContext:<key>`, StringLike over the
   * values): what keeps one project's use of a shared key to its own data. @default none
   */
  readonly context?: { readonly key: string; readonly values: string[] };
}

const ACTIONS: Record<KeyUse['mode'], string[]> = {
  decrypt: ['kms:Decrypt', 'kms:DescribeKey'],
  'encrypt-decrypt': ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
  'create-grants': ['kms:CreateGrant', 'kms:DescribeKey', 'kms:Decrypt', 'kms:GenerateDataKey'],
};

/** The statement that lets a principal use `keyArn` as `use` says. */
export function keyUseStatement(keyArn: string, region: string, use: KeyUse): PolicyStatement {
  const condition: NonNullable<PolicyStatement['condition']> = [
    { test: 'StringEquals', variable: 'kms:ViaService', values: use.via.map((service) => `${service}.${region}.amazonaws.com`) },
  ];
  if (use.context) condition.push({ test: 'StringLike', variable: `kms:EncryptionContext:${use.context.key}`, values: use.context.values });
  if (use.mode === 'create-grants') condition.push({ test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] });
  return { effect: 'Allow', actions: ACTIONS[use.mode], resources: [keyArn], condition };
}

/** What `grantUse` does for a key created here or looked up: the statement, with the region of the key's stack. */
function grantKeyUse(key: Construct & { readonly keyArn: string }, grantee: IGrantable, use: KeyUse, policyName: string): void {
  grantee.addToPolicy(policyName, [keyUseStatement(key.keyArn, AwsContext.of(key).region, use)]);
}

/** A KMS key grants can be made on: created here (EncryptionKey) or looked up (ExistingKey). */
export interface IEncryptionKey {
  readonly keyArn: string;
  /** Lets `grantee` use the key as `use` says (a statement in its policy `policyName`). */
  grantUse(grantee: IGrantable, use: KeyUse, policyName?: string): void;
}

export interface EncryptionKeyProps {
  /** Alias, `alias/...`. */
  readonly alias: string;
  /** What the key protects, shown in the KMS console. */
  readonly description: string;
  /** Log groups whose events CloudWatch Logs may encrypt with this key (ARNs, wildcards allowed). @default none */
  readonly logGroupArns?: string[];
}

/**
 * A customer managed KMS key with yearly rotation. The key policy delegates to IAM (the account
 * root statement), so access is granted by identity policies (`grantUse`, and the grant methods of
 * the buckets, tables and secrets it encrypts), each restricted to the AWS services that act on the
 * caller's behalf and, where the key is shared, to the caller's own encryption context.
 */
export class EncryptionKey extends Construct implements IEncryptionKey {
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
        condition: [{ test: 'ArnLike', variable: 'kms:EncryptionContext:aws:logs:arn', values: props.logGroupArns }],
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

  grantUse(grantee: IGrantable, use: KeyUse, policyName = GRANTS_POLICY): void {
    grantKeyUse(this, grantee, use, policyName);
  }
}

/** A key created elsewhere (the platform's), found by its alias when Terraform plans. */
export class ExistingKey extends Construct implements IEncryptionKey {
  readonly keyArn: string;

  constructor(scope: Construct, id: string, alias: string) {
    super(scope, id);
    this.keyArn = new DataAwsKmsKey(this, 'key', { keyId: alias }).arn;
  }

  grantUse(grantee: IGrantable, use: KeyUse, policyName = GRANTS_POLICY): void {
    grantKeyUse(this, grantee, use, policyName);
  }
}
