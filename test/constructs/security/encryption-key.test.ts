import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { EncryptionKey, ExistingKey, keyUseStatement } from '../../../constructs/security/encryption-key';
import { awsRefs, child, configOf, granteeRole, inlinePolicy, ref, statementsOf, synthScope } from '../../support/synth-scope';

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('EncryptionKey', () => {
  test('rotates yearly, waits 30 days before deletion, and carries its alias', () => {
    const { json, built } = synthScope((scope) => new EncryptionKey(scope, 'key', { alias: 'alias/acme-platform', description: 'Encrypts state' }));
    expect(json).toHaveResourceWithProperties(KmsKey, { description: 'Encrypts state', enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(json).toHaveResourceWithProperties(KmsAlias, { name: 'alias/acme-platform', target_key_id: ref(built.resource, 'key_id') });
  });

  test('its policy only delegates to IAM policies (the account root), so every use is granted by an identity policy', () => {
    const { tf, built } = synthScope((scope) => new EncryptionKey(scope, 'key', { alias: 'alias/k', description: 'k' }));
    const { partition, account } = awsRefs(tf);
    expect(statementsOf(tf, configOf(tf, built.resource).policy)).toEqual([
      {
        sid: 'DelegateToIamPolicies',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [`arn:${partition}:iam::${account}:root`] }],
        actions: ['kms:*'],
        resources: ['*'],
      },
    ]);
  });

  test('CloudWatch Logs may use it only for the log groups named', () => {
    const groups = ['arn:aws:logs:us-east-1:123456789012:log-group:/acme/runs', 'arn:aws:logs:us-east-1:123456789012:log-group:/acme/type'];
    const { tf, built } = synthScope((scope) => new EncryptionKey(scope, 'key', { alias: 'alias/k', description: 'k', logGroupArns: groups }));
    const { region } = awsRefs(tf);
    expect(statementsOf(tf, configOf(tf, built.resource).policy)[1]).toEqual({
      sid: 'CloudWatchLogsEncryption',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: [`logs.${region}.amazonaws.com`] }],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      condition: [{ test: 'ArnLike', variable: 'kms:EncryptionContext:aws:logs:arn', values: groups }],
    });
  });

  test('grantUse adds the key statement to the grantee: through the services named, for the encryption context named', () => {
    const { tf, built } = synthScope((scope) => {
      const key = new EncryptionKey(scope, 'key', { alias: 'alias/k', description: 'k' });
      const role = granteeRole(scope);
      key.grantUse(role, { via: ['s3', 'dynamodb'], mode: 'decrypt', context: { key: 'aws:s3:arn', values: ['arn:aws:s3:::b/*'] } });
      key.grantUse(role, { via: ['dynamodb'], mode: 'create-grants' }, 'platform-key');
      return { key, role };
    });
    const { region } = awsRefs(tf);
    expect(inlinePolicy(tf, built.role, 'grants')).toEqual([
      {
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [ref(built.key.resource, 'arn')],
        condition: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${region}.amazonaws.com`, `dynamodb.${region}.amazonaws.com`] },
          { test: 'StringLike', variable: 'kms:EncryptionContext:aws:s3:arn', values: ['arn:aws:s3:::b/*'] },
        ],
      },
    ]);
    expect(inlinePolicy(tf, built.role, 'platform-key')).toEqual([
      {
        effect: 'Allow',
        actions: ['kms:CreateGrant', 'kms:DescribeKey', 'kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [ref(built.key.resource, 'arn')],
        condition: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`dynamodb.${region}.amazonaws.com`] },
          { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] },
        ],
      },
    ]);
  });
});

describe('keyUseStatement', () => {
  test('each mode allows its actions and no more', () => {
    const actions = (mode: 'decrypt' | 'encrypt-decrypt' | 'create-grants') => keyUseStatement(KEY_ARN, 'eu-west-1', { via: ['s3'], mode }).actions;
    expect(actions('decrypt')).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(actions('encrypt-decrypt')).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(actions('create-grants')).toEqual(['kms:CreateGrant', 'kms:DescribeKey', 'kms:Decrypt', 'kms:GenerateDataKey']);
  });

  test('without a context the only condition is the service', () => {
    expect(keyUseStatement(KEY_ARN, 'eu-west-1', { via: ['secretsmanager'], mode: 'decrypt' }).condition).toEqual([
      { test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.eu-west-1.amazonaws.com'] },
    ]);
  });
});

describe('ExistingKey', () => {
  test('is found by its alias at plan, and grants like a key created here', () => {
    const { json, tf, built } = synthScope((scope) => {
      const key = new ExistingKey(scope, 'platform-key', 'alias/acme-platform');
      const role = granteeRole(scope);
      key.grantUse(role, { via: ['dynamodb'], mode: 'encrypt-decrypt', context: { key: 'aws:dynamodb:tableName', values: ['t'] } });
      return { key, role };
    });
    const { region } = awsRefs(tf);
    expect(json).toHaveDataSourceWithProperties(DataAwsKmsKey, { key_id: 'alias/acme-platform' });
    expect(inlinePolicy(tf, built.role, 'grants')).toEqual([
      {
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [ref(child(built.key, 'key'), 'arn')],
        condition: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`dynamodb.${region}.amazonaws.com`] },
          { test: 'StringLike', variable: 'kms:EncryptionContext:aws:dynamodb:tableName', values: ['t'] },
        ],
      },
    ]);
  });
});
