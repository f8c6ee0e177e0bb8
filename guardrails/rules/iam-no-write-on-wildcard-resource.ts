import { isEveryResource, isReadOnlyAction, Statement, statementViolations } from '../policies';
import { Rule } from '../rule';

/** Write actions an identity policy statement allows on every resource. */
function writesOnEveryResource(statement: Statement): string[] {
  if (statement.effect !== 'Allow') return [];
  const unscoped = statement.notResources.length > 0 || statement.resources.some(isEveryResource);
  if (!unscoped) return [];
  if (statement.notActions.length > 0) return [`every action but ${statement.notActions.join(', ')}`];
  return statement.actions.filter((action) => !isReadOnlyAction(action));
}

/**
 * No identity policy allows a write action on every resource. Actions count as writes unless
 * their verb only reads (Get, List, Describe, ...). Some actions support no resource-level
 * permissions at all: for those, suppress the statement with that reason.
 */
export const IamNoWriteOnWildcardResource: Rule = {
  id: 'CKV_AWS_111',
  name: 'IamNoWriteOnWildcardResource',
  checkov: ['CKV_AWS_111', 'CKV_AWS_290', 'CKV_AWS_355'],
  fix:
    'Name the resources (ARNs, references, or name prefixes). If the actions support no resource-level permissions, ' +
    'suppress this rule for the statement (appliesTo its sid) saying so.',
  check: (stack) =>
    statementViolations(stack, ['identity'], (statement) => {
      const writes = writesOnEveryResource(statement);
      return writes.length === 0 ? undefined : `allows ${writes.join(', ')} on every resource.`;
    }),
};
