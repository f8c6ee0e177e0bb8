import { grants, Statement, writtenWildcard, statementViolations } from '../policies';
import { Rule } from '../rule';

/** A role ARN (or an expression giving one) naming one role: no wildcard written in it. */
const namesOneRole = (resource: string): boolean =>
  !writtenWildcard(resource) && (resource.trim().startsWith('${') || /^arn:[^:]+:iam::[^:]*:role\/.+/.test(resource.trim()));

const limitsService = (statement: Statement): boolean =>
  statement.conditions.some((condition) => condition.variable.toLowerCase() === 'iam:passedtoservice' && condition.values.length > 0);

/** Why a statement's iam:PassRole is not scoped, or undefined when it is (or the statement does not grant it). */
function passRoleProblem(statement: Statement): string | undefined {
  if (!grants(statement, 'iam:PassRole')) return undefined;
  const problems: string[] = [];
  if (statement.notResources.length > 0) problems.push('uses NotResource');
  const unnamed = statement.resources.filter((resource) => !namesOneRole(resource));
  if (unnamed.length > 0) problems.push(`passes ${unnamed.join(', ')}, which is not one named role`);
  if (!limitsService(statement)) problems.push('has no iam:PassedToService condition');
  return problems.length === 0 ? undefined : `allows iam:PassRole but ${problems.join(' and ')}.`;
}

/** iam:PassRole is granted only for named roles and only to the services named in iam:PassedToService. */
export const IamPassRoleScoped: Rule = {
  id: 'SMP_IAM_PASSROLE_SCOPED',
  name: 'IamPassRoleScoped',
  checkov: ['CKV_AWS_110', 'CKV_AWS_286'],
  fix: 'Grant iam:PassRole in a statement of its own, on the role ARNs to pass, with condition StringEquals iam:PassedToService = <service>.',
  check: (stack) => statementViolations(stack, ['identity'], passRoleProblem),
};
