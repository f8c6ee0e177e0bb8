import { Rule } from '../rule';
import { blocks } from '../synthesized-stack';

/** Every DynamoDB table is encrypted with a KMS key the account controls, not the AWS owned key. */
export const DynamoDbEncryptedWithKms: Rule = {
  id: 'CKV_AWS_119',
  name: 'DynamoDbEncryptedWithKms',
  checkov: ['CKV_AWS_119'],
  fix: 'Set server_side_encryption { enabled = true, kms_key_arn = <key> } on the table (LockTable does this).',
  check: (stack) =>
    stack
      .ofType('aws_dynamodb_table')
      .filter((table) => !blocks(table.config.server_side_encryption).some((encryption) => encryption.enabled === true))
      .map((table) => ({ element: table, problem: 'server-side encryption with KMS is not enabled (the table uses the AWS owned key).' })),
};
