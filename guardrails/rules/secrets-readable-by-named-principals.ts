import { grants, isAnyone, isEveryResource, Statement, statementViolations } from '../policies';
import { Rule } from '../rule';

const SECRET_TYPES = ['aws_secretsmanager_secret', 'aws_secretsmanager_secret_policy'];

/** `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>` -> `<name>` (may hold interpolations). */
const secretNamePart = (resource: string): string | undefined => /^arn:[^:]*:secretsmanager:[^:]*:[^:]*:secret:(.*)$/.exec(resource.trim())?.[1];

/** `*`, `arn:...:secret:*`: any secret, rather than a named secret or name prefix. */
function meansAnySecret(resource: string): boolean {
  if (isEveryResource(resource)) return true;
  const name = secretNamePart(resource);
  return name !== undefined && (name === '' || name.startsWith('*') || name.startsWith('?'));
}

/** Why an identity statement reads secrets without naming them, if it does. */
function unnamedSecretReadProblem(statement: Statement): string | undefined {
  if (!grants(statement, 'secretsmanager:GetSecretValue')) return undefined;
  if (statement.notResources.length > 0) return 'allows secretsmanager:GetSecretValue on every secret but some (NotResource).';
  const unnamed = statement.resources.filter(meansAnySecret);
  return unnamed.length > 0 ? `allows secretsmanager:GetSecretValue on ${unnamed.join(', ')}, not on named secrets.` : undefined;
}

/**
 * A secret's value can be read only by principals that were given it by name: identity policies
 * that allow secretsmanager:GetSecretValue list secret ARNs (or name prefixes), never `*`, and no
 * secret's resource policy allows anyone (`*`).
 */
export const SecretsReadableByNamedPrincipals: Rule = {
  id: 'SMP_SECRETS_NAMED_READERS',
  name: 'SecretsReadableByNamedPrincipals',
  checkov: [],
  fix: "Grant secretsmanager:GetSecretValue on the secrets' ARNs (Secret.readStatements() does), and name the principals in secret policies.",
  check: (stack) => [
    ...statementViolations(stack, ['identity'], unnamedSecretReadProblem),
    ...statementViolations(stack, ['resource'], (statement, policy) =>
      SECRET_TYPES.includes(policy.attachment.type) && statement.effect === 'Allow' && statement.principals.some(isAnyone)
        ? 'the secret policy allows anyone ("*").'
        : undefined,
    ),
  ],
};
