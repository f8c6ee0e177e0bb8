import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy';
import { ProjectVariable } from '@cdktf/provider-gitlab/lib/project-variable';
import { TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { policyDocument } from '../../constructs/iam/policy';
import { Role } from '../../constructs/iam/role';
import { EncryptionKey } from '../../constructs/security/encryption-key';
import { Secret } from '../../constructs/security/secret';
import { KmsKeyRotationEnabled } from '../../guardrails/rules/kms-key-rotation-enabled';
import { SecretValuesNotExposed } from '../../guardrails/rules/secret-values-not-exposed';
import { SecretsEncryptedWithKms } from '../../guardrails/rules/secrets-encrypted-with-kms';
import { SecretsReadableByNamedPrincipals } from '../../guardrails/rules/secrets-readable-by-named-principals';
import { findings } from './support';

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
const tokenVariable = (stack: TerraformStack) => new TerraformVariable(stack, 'token', { type: 'string', sensitive: true });
const secret = (stack: TerraformStack) =>
  new Secret(stack, 'secret', {
    secretName: 'acme/gitlab/token',
    description: 'token',
    encryptionKey: new EncryptionKey(stack, 'secret-key', { alias: 'alias/secrets', description: 'secrets' }),
    value: { value: tokenVariable(stack).stringValue, version: 1 },
  });
const readerRole = (stack: TerraformStack) => new Role(stack, 'reader', { roleName: 'reader', description: 'reads', trust: [] });

describe('SMP_SECRET_VALUES_NOT_EXPOSED', () => {
  test('outputs of secret names and ARNs comply; a sensitive output of the value complies', () => {
    const result = findings(SecretValuesNotExposed, (stack) => {
      const created = secret(stack);
      new TerraformOutput(stack, 'name', { value: created.secretName });
      new TerraformOutput(stack, 'arn', { value: created.secretArn });
      const read = new DataAwsSecretsmanagerSecretVersion(stack, 'read', { secretId: created.secretArn });
      new TerraformOutput(stack, 'value', { value: read.secretString, sensitive: true });
    });
    expect(result).toEqual([]);
  });

  test('an output of a secret value that is not sensitive is named with what it holds', () => {
    const result = findings(SecretValuesNotExposed, (stack) => {
      const read = new DataAwsSecretsmanagerSecretVersion(stack, 'read', { secretId: 'acme/gitlab/token' });
      new TerraformOutput(stack, 'token_value', { value: read.secretString });
      new TerraformOutput(stack, 'token_variable', { value: tokenVariable(stack).stringValue });
    });
    expect(result).toEqual([
      { path: 'test/token_value', problem: 'the output value holds a secret value (data.aws_secretsmanager_secret_version.read.secret_string).' },
      { path: 'test/token_variable', problem: 'the output value holds a secret value (var.token).' },
    ]);
  });

  test('a secret access key in a Lambda environment is a finding', () => {
    const result = findings(SecretValuesNotExposed, (stack) => {
      const key = new IamAccessKey(stack, 'key', { user: 'ci' });
      new LambdaFunction(stack, 'fn', { functionName: 'f', role: 'arn:aws:iam::123456789012:role/f', environment: { variables: { KEY: key.secret } } });
    });
    expect(result).toEqual([{ path: 'test/fn', problem: 'an environment variable holds a secret value (aws_iam_access_key.key.secret).' }]);
  });

  test('GitLab CI variables holding a secret value must be masked and protected', () => {
    const variable = (masked: boolean, isProtected: boolean) =>
      findings(SecretValuesNotExposed, (stack) => {
        const read = new DataAwsSecretsmanagerSecretVersion(stack, 'read', { secretId: 'acme/ci-key' });
        new ProjectVariable(stack, 'ci-key', { project: '1', key: 'AWS_SECRET_ACCESS_KEY', value: read.secretString, masked, protected: isProtected });
      });
    expect(variable(true, true)).toEqual([]);
    const counted = findings(SecretValuesNotExposed, (stack) => {
      const read = new DataAwsSecretsmanagerSecretVersion(stack, 'read', { secretId: 'acme/ci-key', count: 1 });
      new ProjectVariable(stack, 'ci-key', { project: '1', key: 'AWS_SECRET_ACCESS_KEY', value: `\${${read.fqn}[0].secret_string}` });
    });
    expect(counted).toEqual([{ path: 'test/ci-key', problem: 'the CI/CD variable value holds a secret value (data.aws_secretsmanager_secret_version.read).' }]);
    expect(variable(true, false)).toEqual([
      { path: 'test/ci-key', problem: 'the CI/CD variable value holds a secret value (data.aws_secretsmanager_secret_version.read.secret_string).' },
    ]);
    expect(variable(false, true)).toHaveLength(1);
  });
});

describe('SMP_SECRETS_NAMED_READERS', () => {
  test('grantRead() of a Secret names its ARN: complies', () => {
    const result = findings(SecretsReadableByNamedPrincipals, (stack) => {
      secret(stack).grantRead(readerRole(stack));
    });
    expect(result).toEqual([]);
  });

  test('a name prefix complies; "*" and every secret of the account are findings', () => {
    const result = findings(SecretsReadableByNamedPrincipals, (stack) => {
      readerRole(stack).addToPolicy('read', [
        {
          sid: 'Prefix',
          effect: 'Allow',
          actions: ['secretsmanager:GetSecretValue'],
          resources: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:acme/gitlab/*'],
        },
        { sid: 'Anything', effect: 'Allow', actions: ['secretsmanager:Get*'], resources: ['*'] },
        {
          sid: 'AllSecrets',
          effect: 'Allow',
          actions: ['secretsmanager:GetSecretValue'],
          resources: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:*'],
        },
      ]);
    });
    expect(result).toEqual([
      { path: 'test/reader/policy-read-document', subject: 'Anything', problem: 'allows secretsmanager:GetSecretValue on *, not on named secrets.' },
      {
        path: 'test/reader/policy-read-document',
        subject: 'AllSecrets',
        problem: 'allows secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-east-1:123456789012:secret:*, not on named secrets.',
      },
    ]);
  });

  test('a secret policy that allows anyone is a finding', () => {
    const result = findings(SecretsReadableByNamedPrincipals, (stack) => {
      const created = new SecretsmanagerSecret(stack, 'open', { name: 'open', kmsKeyId: KEY_ARN });
      new SecretsmanagerSecretPolicy(stack, 'open-policy', {
        secretArn: created.arn,
        policy: policyDocument(stack, 'open-doc', [
          { sid: 'Everyone', effect: 'Allow', actions: ['secretsmanager:GetSecretValue'], resources: ['*'], principals: [{ type: '*', identifiers: ['*'] }] },
        ]).json,
      });
    });
    expect(result).toEqual([{ path: 'test/open-doc', subject: 'Everyone', problem: 'the secret policy allows anyone ("*").' }]);
  });
});

describe('CKV_AWS_149 and CKV_AWS_7', () => {
  test('Secret and EncryptionKey comply', () => {
    const build = (stack: TerraformStack) => {
      secret(stack);
      new EncryptionKey(stack, 'key', { alias: 'alias/x', description: 'x' });
    };
    expect(findings(SecretsEncryptedWithKms, build)).toEqual([]);
    expect(findings(KmsKeyRotationEnabled, build)).toEqual([]);
  });

  test('a secret on the AWS managed key and a key without rotation are findings', () => {
    expect(findings(SecretsEncryptedWithKms, (stack) => new SecretsmanagerSecret(stack, 'plain', { name: 'plain' }))).toEqual([
      { path: 'test/plain', problem: 'the secret is encrypted with the AWS managed key, not a customer managed key.' },
    ]);
    expect(findings(KmsKeyRotationEnabled, (stack) => new KmsKey(stack, 'key', {}))).toEqual([{ path: 'test/key', problem: 'key rotation is not enabled.' }]);
  });
});
