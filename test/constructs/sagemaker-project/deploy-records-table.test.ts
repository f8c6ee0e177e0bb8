import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { ExistingKey } from '../../../constructs/security/encryption-key';
import { DeployRecordsTable } from '../../../constructs/sagemaker-project/deploy-records-table';
import { awsRefs, child, granteeRole, inlinePolicy, ref, synthScope } from '../../support/synth-scope';

const { json, tf, built } = synthScope((scope) => {
  const key = new ExistingKey(scope, 'platform-key', 'alias/acme-platform');
  const table = new DeployRecordsTable(scope, 'deploy-records', { tableName: 'acme-p-abcdefghijkl-deploys', encryptionKey: key });
  const trigger = granteeRole(scope, 'deploy-trigger');
  table.grantItems(trigger, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);
  const ci = granteeRole(scope, 'ci');
  table.grantItems(ci, ['GetItem', 'UpdateItem']);
  return { key, table, trigger, ci };
});
const { partition, region, account } = awsRefs(tf);
const tableArn = `arn:${partition}:dynamodb:${region}:${account}:table/acme-p-abcdefghijkl-deploys`;

describe('DeployRecordsTable', () => {
  test('keyed by model package ARN, expired by TTL, on demand, with point-in-time recovery and the platform key', () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      name: 'acme-p-abcdefghijkl-deploys',
      hash_key: 'ModelPackageArn',
      attribute: [{ name: 'ModelPackageArn', type: 'S' }],
      billing_mode: 'PAY_PER_REQUEST',
      ttl: { enabled: true, attribute_name: 'ExpiresAt' },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: ref(child(built.key, 'key'), 'arn') },
    });
  });

  test('grantItems gives exactly the item actions named, and the key for this table only', () => {
    const keyUse = {
      effect: 'Allow',
      actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
      resources: [ref(child(built.key, 'key'), 'arn')],
      condition: [
        { test: 'StringEquals', variable: 'kms:ViaService', values: [`dynamodb.${region}.amazonaws.com`] },
        { test: 'StringLike', variable: 'kms:EncryptionContext:aws:dynamodb:tableName', values: ['acme-p-abcdefghijkl-deploys'] },
      ],
    };
    expect(inlinePolicy(tf, built.trigger, 'grants')).toEqual([
      { effect: 'Allow', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], resources: [tableArn] },
      keyUse,
    ]);
    expect(inlinePolicy(tf, built.ci, 'grants')).toEqual([
      { effect: 'Allow', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [tableArn] },
      keyUse,
    ]);
  });

  test('its name is the configured one, so policies and settings naming it resolve at plan', () => {
    expect(built.table.tableName).toBe('acme-p-abcdefghijkl-deploys');
  });
});
