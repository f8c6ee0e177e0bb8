import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Construct } from 'constructs';
import { PolicyStatement } from '../iam/policy';

export interface SecretProps {
  /** Secret name (path-like, e.g. `acme-dev-mlops/gitlab/private-token`). */
  readonly secretName: string;
  /** What the secret holds (never the value). */
  readonly description: string;
  /** KMS key ARN that encrypts the secret. */
  readonly kmsKeyArn: string;
  /** The value: a sensitive Terraform expression, never a literal. */
  readonly value: string;
}

/** A Secrets Manager secret with its current value, encrypted with the platform key. */
export class Secret extends Construct {
  readonly resource: SecretsmanagerSecret;
  readonly secretName: string;
  readonly secretArn: string;

  constructor(scope: Construct, id: string, props: SecretProps) {
    super(scope, id);
    this.resource = new SecretsmanagerSecret(this, 'secret', {
      name: props.secretName,
      description: props.description,
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: 7,
    });
    this.secretName = this.resource.name;
    this.secretArn = this.resource.arn;
    new SecretsmanagerSecretVersion(this, 'value', { secretId: this.resource.id, secretString: props.value });
  }

  /** Read access to the current value. */
  readStatements(): PolicyStatement[] {
    return [{ effect: 'Allow', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [this.secretArn] }];
  }
}
