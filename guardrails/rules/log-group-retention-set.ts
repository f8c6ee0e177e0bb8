import { Rule } from '../rule';

/** A positive number of days, or an expression (a variable) whose value Terraform validates. */
const expires = (retention: unknown): boolean =>
  (typeof retention === 'number' && retention > 0) || (typeof retention === 'string' && retention.startsWith('${'));

/** Every CloudWatch log group expires its events: logs are neither kept forever nor paid for forever. */
export const LogGroupRetentionSet: Rule = {
  id: 'CKV_AWS_66',
  name: 'LogGroupRetentionSet',
  checkov: ['CKV_AWS_66'],
  fix: 'Set retention_in_days on the log group (a value CloudWatch accepts, e.g. config logs.retentionDays).',
  check: (stack) =>
    stack
      .ofType('aws_cloudwatch_log_group')
      .filter((group) => !expires(group.config.retention_in_days))
      .map((group) => ({ element: group, problem: 'retention_in_days is not set, so events are kept forever.' })),
};
