import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { EncryptionKey } from '../../../constructs/security/encryption-key';
import { LockTable } from '../../../constructs/storage/lock-table';
import { awsRefs, granteeRole, inlinePolicy, ref, synthScope } from '../../support/synth-scope';

const { json, tf, built } = synthScope((scope) => {
  const key = new EncryptionKey(scope, 'key', { alias: 'alias/platform', description: 'platform key' });
  const table = new LockTable(scope, 'locks', { tableName: 'terraform-lock-acme', encryptionKey: key });
  const runner = granteeRole(scope, 'runner');
  table.grantLock(runner);
  return { key, table, runner };
});

describe('LockTable', () => {
  test('keys on LockID, bills on demand, keeps point-in-time recovery, resists deletion, is encrypted with the key given', () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      name: 'terraform-lock-acme',
      hash_key: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      billing_mode: 'PAY_PER_REQUEST',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: ref(built.key.resource, 'arn') },
      deletion_protection_enabled: true,
    });
  });

  test("grantLock: what Terraform's S3 backend does with the table, and the key's use for this table only", () => {
    const { partition, region, account } = awsRefs(tf);
    expect(inlinePolicy(tf, built.runner, 'grants')).toEqual([
      {
        effect: 'Allow',
        actions: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [`arn:${partition}:dynamodb:${region}:${account}:table/terraform-lock-acme`],
      },
      {
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [ref(built.key.resource, 'arn')],
        condition: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`dynamodb.${region}.amazonaws.com`] },
          { test: 'StringLike', variable: 'kms:EncryptionContext:aws:dynamodb:tableName', values: ['terraform-lock-acme'] },
        ],
      },
    ]);
  });

  test("its name is the configured one, not the resource's attribute, so policies naming it resolve at plan", () => {
    expect(built.table.tableName).toBe('terraform-lock-acme');
  });
});
