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

const SECRET_ACCESS = {
  read: { actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], keyMode: 'decrypt' },
  write: { actions: ['secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'], keyMode: 'encrypt-decrypt' },
} as const;

/**
 * Reading or writing the value of the secret `secretArn` (an ARN or ARN pattern), and the use of
 * `key` through Secrets Manager for that secret only (SecretARN encryption context).
 */
function grantSecretAccess(grantee: IGrantable, secretArn: string, key: IEncryptionKey, access: keyof typeof SECRET_ACCESS, policyName: string): void {
  const { actions, keyMode } = SECRET_ACCESS[access];
  grantee.addToPolicy(policyName, [{ effect: 'Allow', actions: [...actions], resources: [secretArn] }]);
  key.grantUse(grantee, { via: ['secretsmanager'], mode: keyMode, context: { key: 'SecretARN', values: [secretArn] } }, policyName);
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
    grantSecretAccess(grantee, this.secretArnPattern, this.encryptionKey, 'read', policyName);
  }

  /** Putting a new value (and encryption for this secret only). */
  grantWrite(grantee: IGrantable, policyName = GRANTS_POLICY): void {
    grantSecretAccess(grantee, this.secretArnPattern, this.encryptionKey, 'write', policyName);
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
    grantSecretAccess(grantee, this.secretArn, this.encryptionKey, 'read', policyName);
  }
}
