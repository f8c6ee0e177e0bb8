import { Rule } from '../rule';

/**
 * Every role and user a stack creates carries a permissions boundary. Applied to the project stack,
 * whose identities the runner creates for a tenant: the boundary caps whatever policy they get.
 */
export const IdentitiesCarryBoundary: Rule = {
  id: 'SMP_IDENTITIES_BOUNDED',
  name: 'IdentitiesCarryBoundary',
  checkov: [],
  fix: "Give the role or user permissions_boundary = the platform's project boundary (ProjectIdentities passes it to every Role and User).",
  check: (stack) =>
    ['aws_iam_role', 'aws_iam_user'].flatMap((type) =>
      stack
        .ofType(type)
        .filter((identity) => typeof identity.config.permissions_boundary !== 'string' || identity.config.permissions_boundary === '')
        .map((identity) => ({ element: identity, problem: `the ${type === 'aws_iam_role' ? 'role' : 'user'} has no permissions boundary.` })),
    ),
};
