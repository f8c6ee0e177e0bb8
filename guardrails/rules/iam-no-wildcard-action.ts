import { isEveryAction, Statement, statementViolations } from '../policies';
import { Rule } from '../rule';

/** Identity policy statements that allow every action: `*`, or NotAction (everything but a list). */
function everyActionProblem(statement: Statement): string | undefined {
  if (statement.effect !== 'Allow') return undefined;
  if (statement.actions.some(isEveryAction)) return 'allows every action ("*").';
  if (statement.notActions.length > 0) return `allows every action except ${statement.notActions.join(', ')} (NotAction).`;
  return undefined;
}

/** No identity policy allows every action. */
export const IamNoWildcardAction: Rule = {
  id: 'CKV_AWS_49',
  name: 'IamNoWildcardAction',
  checkov: ['CKV_AWS_49', 'CKV_AWS_63', 'CKV_AWS_1', 'CKV_AWS_62'],
  fix: 'List the actions the principal needs.',
  check: (stack) => statementViolations(stack, ['identity'], everyActionProblem),
};
