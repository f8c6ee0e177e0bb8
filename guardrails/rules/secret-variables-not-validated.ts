import { Rule } from '../rule';

/**
 * Variables that hold secrets (sensitive or ephemeral) have no `validation` block: Terraform 1.11
 * prints the value of a sensitive variable whose validation fails. Check their shape in a
 * precondition instead, whose message Terraform prints without the value. checkov has no such check.
 */
export const SecretVariablesNotValidated: Rule = {
  id: 'SMP_SECRET_VARIABLES_NOT_VALIDATED',
  name: 'SecretVariablesNotValidated',
  checkov: [],
  fix: "Remove the validation block; check the value's shape with a lifecycle precondition on the resource that uses it (GitLabToken does).",
  check: (stack) =>
    stack
      .sensitiveVariables()
      .filter(({ config }) => Array.isArray(config.validation) && config.validation.length > 0)
      .map((variable) => ({
        element: variable,
        problem: 'is a secret variable with a validation block: Terraform prints its value when the validation fails.',
      })),
};
