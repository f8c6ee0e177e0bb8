import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { GitLabToken, TOKEN_VARIABLE, TOKEN_VERSION_VARIABLE } from '../../../constructs/gitlab/gitlab-token';
import { EncryptionKey } from '../../../constructs/security/encryption-key';
import { awsRefs, child, configOf, granteeRole, inlinePolicy, ref, statementsOf, synthScope } from '../../support/synth-scope';

const READERS = ['arn:aws:iam::123456789012:role/acme-project-runner', 'arn:aws:iam::123456789012:role/acme/acme-p-*-seed-code'];

const { json, tf, built } = synthScope((scope) => {
  const key = new EncryptionKey(scope, 'key', { alias: 'alias/platform', description: 'platform key' });
  const token = new GitLabToken(scope, 'gitlab-token', { secretName: 'acme/gitlab/private-token', encryptionKey: key, readerArnPatterns: READERS });
  const runner = granteeRole(scope, 'runner');
  token.grantRead(runner);
  return { key, token, runner };
});
const version = configOf(tf, child(built.token.secret, 'value'));

describe('GitLabToken', () => {
  test('comes from an ephemeral, sensitive variable without default or validation, so no plan, state or error message holds it', () => {
    expect(tf.variable[TOKEN_VARIABLE]).toEqual({
      ephemeral: true,
      sensitive: true,
      nullable: false,
      type: 'string',
      description: expect.stringContaining(`TF_VAR_${TOKEN_VARIABLE}, never in a file`),
    });
  });

  test('a whole-number version variable (1 and up) makes Terraform store a new token', () => {
    expect(tf.variable[TOKEN_VERSION_VARIABLE]).toMatchObject({ type: 'number', default: 1, nullable: false });
    expect(tf.variable[TOKEN_VERSION_VARIABLE].validation).toEqual([
      {
        condition: `\${var.${TOKEN_VERSION_VARIABLE} >= 1 && floor(var.${TOKEN_VERSION_VARIABLE}) == var.${TOKEN_VERSION_VARIABLE}}`,
        error_message: `${TOKEN_VERSION_VARIABLE} must be a whole number, 1 or more.`,
      },
    ]);
  });

  test('is stored encrypted with the key given, written with the write-only argument', () => {
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecret, { name: 'acme/gitlab/private-token', kms_key_id: ref(built.key.resource, 'arn') });
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecretVersion, {
      secret_string_wo: `\${var.${TOKEN_VARIABLE}}`,
      secret_string_wo_version: `\${var.${TOKEN_VERSION_VARIABLE}}`,
    });
    expect(version.secret_string).toBeUndefined();
  });

  test('its shape is checked by a precondition whose message never shows the value', () => {
    expect(version.lifecycle.precondition).toEqual([
      {
        condition: `\${length(var.${TOKEN_VARIABLE}) >= 20 && !can(regex("\\\\s", var.${TOKEN_VARIABLE})) && !startswith(var.${TOKEN_VARIABLE}, "{")}`,
        error_message:
          'gitlab_private_token is not a GitLab access token: it must be the token itself (at least 20 characters, no whitespace, not JSON). Set TF_VAR_gitlab_private_token again; the value is not shown.',
      },
    ]);
  });

  test('only the readers named may read it: its own policy denies everyone else, whatever their identity policies say', () => {
    expect(statementsOf(tf, configOf(tf, child(built.token.secret, 'policy')).policy)).toEqual([
      {
        sid: 'OnlyRunnerAndSeedingFunctionsRead',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['*'],
        condition: [{ test: 'ArnNotLike', variable: 'aws:PrincipalArn', values: READERS }],
      },
    ]);
  });

  test('grantRead gives reading the token and decrypting it, for this secret only', () => {
    const { partition, region, account } = awsRefs(tf);
    const pattern = `arn:${partition}:secretsmanager:${region}:${account}:secret:acme/gitlab/private-token-??????`;
    expect(inlinePolicy(tf, built.runner, 'grants')).toEqual([
      { effect: 'Allow', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [pattern] },
      {
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [ref(built.key.resource, 'arn')],
        condition: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`secretsmanager.${region}.amazonaws.com`] },
          { test: 'StringLike', variable: 'kms:EncryptionContext:SecretARN', values: [pattern] },
        ],
      },
    ]);
  });
});
