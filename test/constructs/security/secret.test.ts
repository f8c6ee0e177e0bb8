import { DataAwsSecretsmanagerSecret } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { TerraformVariable } from 'cdktf';
import { EncryptionKey } from '../../../constructs/security/encryption-key';
import { ExistingSecret, Secret, SecretProps } from '../../../constructs/security/secret';
import { all, awsRefs, child, configOf, granteeRole, inlinePolicy, ref, statementsOf, synthScope } from '../../support/synth-scope';

const secretIn = (props: Partial<SecretProps> = {}) =>
  synthScope((scope) => {
    const key = new EncryptionKey(scope, 'key', { alias: 'alias/platform', description: 'platform key' });
    const secret = new Secret(scope, 'secret', {
      secretName: 'acme/p-abcdefghijkl/deploy-trigger-token',
      description: 'trigger token',
      encryptionKey: key,
      ...props,
    });
    return { key, secret };
  });

describe('Secret', () => {
  test('is encrypted with the key given and restorable for 7 days by default', () => {
    const { json, built } = secretIn();
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: 'acme/p-abcdefghijkl/deploy-trigger-token',
      description: 'trigger token',
      kms_key_id: ref(built.key.resource, 'arn'),
      recovery_window_in_days: 7,
    });
  });

  test('without a value it is created empty (the grantee of grantWrite puts it), with no resource policy', () => {
    const { json, tf } = secretIn({ recoveryWindowInDays: 0 });
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecret, { recovery_window_in_days: 0 });
    expect(all(tf, 'aws_secretsmanager_secret_version')).toEqual({});
    expect(all(tf, 'aws_secretsmanager_secret_policy')).toEqual({});
  });

  test('a value is written with the write-only argument and its version, so no state holds it', () => {
    const { json, tf, built } = synthScope((scope) => {
      const key = new EncryptionKey(scope, 'key', { alias: 'alias/platform', description: 'platform key' });
      const token = new TerraformVariable(scope, 'token', { type: 'string', sensitive: true });
      return new Secret(scope, 'secret', { secretName: 's', description: 'd', encryptionKey: key, value: { value: token.stringValue, version: 3 } });
    });
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecretVersion, {
      secret_id: ref(built.resource, 'id'),
      secret_string_wo: '${var.token}',
      secret_string_wo_version: 3,
    });
    const version = configOf(tf, child(built, 'value'));
    expect(version.secret_string).toBeUndefined();
    expect(version.secret_binary).toBeUndefined();
  });

  test("resource policy statements become the secret's policy", () => {
    const deny = {
      sid: 'OnlyReaders',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['secretsmanager:GetSecretValue'],
      resources: ['*'],
    };
    const { json, tf, built } = secretIn({ policyStatements: [deny] });
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecretPolicy, { secret_arn: ref(built.secret.resource, 'arn') });
    expect(statementsOf(tf, configOf(tf, child(built.secret, 'policy')).policy)).toEqual([deny]);
  });

  describe('grants carry the key, for this secret only', () => {
    const { tf, built } = synthScope((scope) => {
      const key = new EncryptionKey(scope, 'key', { alias: 'alias/platform', description: 'platform key' });
      const secret = new Secret(scope, 'secret', { secretName: 'acme/p-abcdefghijkl/deploy-trigger-token', description: 'd', encryptionKey: key });
      const reader = granteeRole(scope, 'reader');
      const writer = granteeRole(scope, 'writer');
      secret.grantRead(reader);
      secret.grantWrite(writer);
      return { key, reader, writer };
    });
    const { partition, region, account } = awsRefs(tf);
    const pattern = `arn:${partition}:secretsmanager:${region}:${account}:secret:acme/p-abcdefghijkl/deploy-trigger-token-??????`;
    const keyUse = (actions: string[]) => ({
      effect: 'Allow',
      actions,
      resources: [ref(built.key.resource, 'arn')],
      condition: [
        { test: 'StringEquals', variable: 'kms:ViaService', values: [`secretsmanager.${region}.amazonaws.com`] },
        { test: 'StringLike', variable: 'kms:EncryptionContext:SecretARN', values: [pattern] },
      ],
    });

    test('grantRead: the current value of this secret (its ARN pattern), and decryption for it', () => {
      expect(inlinePolicy(tf, built.reader, 'grants')).toEqual([
        { effect: 'Allow', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [pattern] },
        keyUse(['kms:Decrypt', 'kms:DescribeKey']),
      ]);
    });

    test('grantWrite: putting a new value, and encryption for it; no read of the value', () => {
      expect(inlinePolicy(tf, built.writer, 'grants')).toEqual([
        { effect: 'Allow', actions: ['secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'], resources: [pattern] },
        keyUse(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']),
      ]);
    });
  });
});

describe('ExistingSecret', () => {
  test('is found by name (metadata only, never the value), and grantRead names its ARN and decryption for it alone', () => {
    const { json, tf, built } = synthScope((scope) => {
      const key = new EncryptionKey(scope, 'key', { alias: 'alias/platform', description: 'platform key' });
      const secret = new ExistingSecret(scope, 'namespace-token', 'acme/gitlab/private-token', key);
      const role = granteeRole(scope);
      secret.grantRead(role);
      return { key, secret, role };
    });
    const { region } = awsRefs(tf);
    const arn = ref(child(built.secret, 'secret'), 'arn');
    expect(json).toHaveDataSourceWithProperties(DataAwsSecretsmanagerSecret, { name: 'acme/gitlab/private-token' });
    expect(all(tf, 'aws_secretsmanager_secret_version', 'data')).toEqual({});
    expect(inlinePolicy(tf, built.role, 'grants')).toEqual([
      { effect: 'Allow', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [arn] },
      {
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [ref(built.key.resource, 'arn')],
        condition: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`secretsmanager.${region}.amazonaws.com`] },
          { test: 'StringLike', variable: 'kms:EncryptionContext:SecretARN', values: [arn] },
        ],
      },
    ]);
  });
});
