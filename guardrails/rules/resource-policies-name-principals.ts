import { isAnyone, Statement, statementViolations } from '../policies';
import { Rule } from '../rule';

/** Condition keys that confine a `*` principal to one account, organization, source or endpoint. */
const CONFINING_KEYS = [
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceowner',
  'aws:sourcevpce',
  'aws:sourcevpc',
];

const confined = (statement: Statement): boolean =>
  statement.conditions.some((condition) => CONFINING_KEYS.includes(condition.variable.toLowerCase()) && condition.values.length > 0);

/** Why an Allow statement of a resource or trust policy grants anyone access, if it does. */
function anyonePrincipalProblem(statement: Statement): string | undefined {
  if (statement.effect !== 'Allow') return undefined;
  if (statement.notPrincipals.length > 0) return 'allows everyone but some principals (NotPrincipal).';
  return statement.principals.some(isAnyone) && !confined(statement) ? 'allows anyone ("*") without confining the account or source.' : undefined;
}

/**
 * Resource policies (KMS key, bucket, queue, topic, ...) and role trust policies allow named
 * principals only. Key policies are resource policies: their account-root statement (`kms:*` on
 * `*` for `arn:...:root`) delegates to IAM, whose identity policies the IAM rules check. Secret
 * policies are checked by SecretsReadableByNamedPrincipals.
 */
export const ResourcePoliciesNamePrincipals: Rule = {
  id: 'SMP_RESOURCE_POLICY_PRINCIPALS',
  name: 'ResourcePoliciesNamePrincipals',
  checkov: ['CKV_AWS_33', 'CKV_AWS_70', 'CKV_AWS_168', 'CKV_AWS_169', 'CKV_AWS_60'],
  fix: 'Name the principals (account root, roles, services), or confine "*" with aws:PrincipalAccount, aws:SourceArn or aws:SourceAccount.',
  check: (stack) =>
    statementViolations(stack, ['resource', 'trust'], (statement, policy) =>
      policy.attachment.type.startsWith('aws_secretsmanager_') ? undefined : anyonePrincipalProblem(statement),
    ),
};
