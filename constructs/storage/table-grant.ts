import { IGrantable } from '../iam/policy';
import { IEncryptionKey } from '../security/encryption-key';

/**
 * Lets `grantee` call `actions` (e.g. GetItem, without the `dynamodb:` prefix) on `table`, and use
 * `key`, which encrypts it, through DynamoDB for this table only (the key also encrypts other data).
 */
export function grantTableActions(
  grantee: IGrantable,
  table: { readonly tableName: string; readonly tableArn: string },
  key: IEncryptionKey,
  actions: string[],
  policyName: string,
): void {
  grantee.addToPolicy(policyName, [{ effect: 'Allow', actions: actions.map((action) => `dynamodb:${action}`), resources: [table.tableArn] }]);
  key.grantUse(grantee, { via: ['dynamodb'], mode: 'encrypt-decrypt', context: { key: 'aws:dynamodb:tableName', values: [table.tableName] } }, policyName);
}
