import { attachedPolicies } from '../policies';
import { Rule } from '../rule';

/**
 * Every policy can be read by the pack: an aws_iam_policy_document of the stack, JSON, or
 * jsonencode({...}). A policy the pack cannot read would pass every IAM rule unchecked.
 */
export const PoliciesReadable: Rule = {
  id: 'SMP_POLICY_READABLE',
  name: 'PoliciesReadable',
  checkov: [],
  fix: 'Build the policy with policyDocument() (constructs/iam/policy.ts); if it must come from elsewhere, suppress this rule saying where it is reviewed.',
  check: (stack) =>
    attachedPolicies(stack)
      .filter((policy) => policy.unreadable !== undefined)
      .map((policy) => ({ element: policy.attachment, problem: `${policy.attribute}: ${policy.unreadable}` })),
};
