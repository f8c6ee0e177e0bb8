import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { DataAwsSecretsmanagerSecret } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret';
import { Precondition } from 'cdktf';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { GRANTS_POLICY, IGrantable, policyDocument, PolicyStatement } from '../iam/policy';
import { IEncryptionKey } from './encryption-key';

/** A value Terraform writes without keeping it: a write-only argument, sent again when `version` changes. */
export interface WriteOnlyValue {
  /** The value: an ephemeral Terraform expression (an ephemeral variable, say). */
  readonly value: string;
  /** Raise it to store a new value (Terraform cannot compare a value it does not keep). */
  readonly version: number;
  /**
   * A check of the value before it is written: Terraform prints the message without the value (a
   * `validation` block on a sensitive variable would print it). @default none
   */
  readonly precondition?: Precondition;
}

export interface SecretProps {
  /** Secret name (path-like, e.g. `acme-dev-mlops/gitlab/private-token`). */
  readonly secretName: string;
  /** What the secret holds (never the value). */
  readonly description: string;
  /** KMS key that encrypts the secret; grants add its use for this secret only. */
  readonly encryptionKey: IEncryptionKey;
  /**
   * The value, written with `secret_string_wo` so it is in no state or plan. @default none: the
   * secret is created empty and its value is put by the principal given `grantWrite`
   */
  readonly value?: WriteOnlyValue;
  /** Days a deleted secret can be restored. @default 7 */
  readonly recoveryWindowInDays?: number;
  /** Resource policy statements (e.g. a Deny for everyone but the named readers). @default none */
  readonly policyStatements?: PolicyStatement[];
}

/** A Secrets Manager secret encrypted with a customer managed key, whose value never enters Terraform state. */
export class Secret extends Construct {
  readonly resource: SecretsmanagerSecret;
  readonly secretName: string;
  readonly secretArn: string;
  /** `...:secret:<name>-??????`: the ARN pattern policies name (Secrets Manager adds six random characters). */
  readonly secretArnPattern: string;
  private readonly encryptionKey: IEncryptionKey;

  constructor(scope: Construct, id: string, props: SecretProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.resource = new SecretsmanagerSecret(this, 'secret', {
      name: props.secretName,
      description: props.description,
      kmsKeyId: props.encryptionKey.keyArn,
      recoveryWindowInDays: props.recoveryWindowInDays ?? 7,
    });
    this.secretName = this.resource.name;
    this.secretArn = this.resource.arn;
    this.secretArnPattern = AwsContext.of(this).arn('secretsmanager', `secret:${props.secretName}-??????`);
    if (props.value) {
      new SecretsmanagerSecretVersion(this, 'value', {
        secretId: this.resource.id,
        secretStringWo: props.value.value,
        secretStringWoVersion: props.value.version,
        lifecycle: props.value.precondition ? { precondition: [props.value.precondition] } : undefined,
      });
    }
    if (props.policyStatements && props.policyStatements.length > 0) {
      new SecretsmanagerSecretPolicy(this, 'policy', {
        secretArn: this.secretArn,
        policy: policyDocument(this, 'policy-document', props.policyStatements).json,
      });
    }
  }

  /** Read access to the current value (and decryption of this secret only). */
  grantRead(grantee: IGrantable, policyName = GRANTS_POLICY): void {
    grantee.addToPolicy(policyName, [
      { effect: 'Allow', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [this.secretArnPattern] },
    ]);
    this.grantKey(grantee, 'decrypt', policyName);
  }

  /** Putting a new value (and encryption for this secret only). */
  grantWrite(grantee: IGrantable, policyName = GRANTS_POLICY): void {
    grantee.addToPolicy(policyName, [
      { effect: 'Allow', actions: ['secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'], resources: [this.secretArnPattern] },
    ]);
    this.grantKey(grantee, 'encrypt-decrypt', policyName);
  }

  private grantKey(grantee: IGrantable, mode: 'decrypt' | 'encrypt-decrypt', policyName: string): void {
    this.encryptionKey.grantUse(grantee, { via: ['secretsmanager'], mode, context: { key: 'SecretARN', values: [this.secretArnPattern] } }, policyName);
  }
}

/**
 * A secret created elsewhere (the platform's GitLab token), found by name when Terraform plans: only
 * its metadata is read (ARN), never its value.
 */
export class ExistingSecret extends Construct {
  readonly secretArn: string;

  constructor(
    scope: Construct,
    id: string,
    secretName: string,
    private readonly encryptionKey: IEncryptionKey,
  ) {
    super(scope, id);
    this.secretArn = new DataAwsSecretsmanagerSecret(this, 'secret', { name: secretName }).arn;
  }

  /** Read access to the current value (and decryption of this secret only). */
  grantRead(grantee: IGrantable, policyName = GRANTS_POLICY): void {
    grantee.addToPolicy(policyName, [
      { effect: 'Allow', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [this.secretArn] },
    ]);
    this.encryptionKey.grantUse(grantee, { via: ['secretsmanager'], mode: 'decrypt', context: { key: 'SecretARN', values: [this.secretArn] } }, policyName);
  }
}
