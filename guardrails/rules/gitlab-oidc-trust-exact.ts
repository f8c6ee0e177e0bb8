import { Condition, statementViolations, writtenWildcard } from '../policies';
import { Rule } from '../rule';

/** A condition on the `sub` claim of an OIDC provider (`<issuer host>:sub`). */
const isSubjectCondition = (condition: Condition) => /:sub$/i.test(condition.variable);

/**
 * Roles that GitLab CI assumes with ID tokens trust exact subjects: StringEquals on the `sub` claim
 * (`project_path:<namespace>/<project>:ref_type:branch:ref:<branch>`), never a wildcard, so no other
 * project of the namespace (nor a project a group Developer creates later, nor another branch) can
 * assume them. checkov has no such check.
 */
export const GitLabOidcTrustExact: Rule = {
  id: 'SMP_OIDC_TRUST_EXACT',
  name: 'GitLabOidcTrustExact',
  checkov: [],
  fix: 'Trust each project path and branch with StringEquals on <host>:sub (gitlabSubject() of project-identities.ts), and the audience with StringEquals on <host>:aud.',
  check: (stack) =>
    statementViolations(stack, ['trust'], (statement) => {
      if (statement.effect !== 'Allow' || !statement.actions.some((action) => /^sts:AssumeRoleWithWebIdentity$/i.test(action))) return undefined;
      const subjects = statement.conditions.filter(isSubjectCondition);
      if (subjects.length === 0) return 'trusts web identities without a condition on the sub claim: any project of the issuer could assume the role.';
      const loose = subjects.filter((condition) => !/^StringEquals$/i.test(condition.test) || condition.values.some(writtenWildcard));
      return loose.length > 0
        ? `trusts the sub claim with ${loose.map((condition) => `${condition.test} ${JSON.stringify(condition.values)}`).join(', ')}: a wildcard or pattern admits other projects or branches.`
        : undefined;
    }),
};
