import { Rule } from '../rule';
import { blocks } from '../synthesized-stack';

/** Every DynamoDB table can be restored to any second of the last 35 days. */
export const DynamoDbPointInTimeRecoveryEnabled: Rule = {
  id: 'CKV_AWS_28',
  name: 'DynamoDbPointInTimeRecoveryEnabled',
  checkov: ['CKV_AWS_28'],
  fix: 'Set point_in_time_recovery { enabled = true } on the table (LockTable does this).',
  check: (stack) =>
    stack
      .ofType('aws_dynamodb_table')
      .filter((table) => !blocks(table.config.point_in_time_recovery).some((recovery) => recovery.enabled === true))
      .map((table) => ({ element: table, problem: 'point-in-time recovery is not enabled.' })),
};
