import { Rule } from '../rule';

/**
 * A secret's value never enters Terraform state or a plan: it is read through the ephemeral
 * `aws_secretsmanager_secret_version` (never the data source, whose value is stored in state), and
 * written with `secret_string_wo` (never `secret_string`). checkov has no such check.
 */
export const SecretsNotInState: Rule = {
  id: 'SMP_SECRETS_NOT_IN_STATE',
  name: 'SecretsNotInState',
  checkov: [],
  fix: 'Read secrets with an ephemeral aws_secretsmanager_secret_version (EphemeralResource) and write them with secret_string_wo and secret_string_wo_version (Secret with value).',
  check: (stack) => [
    ...stack.ofType('aws_secretsmanager_secret_version', 'data').map((read) => ({
      element: read,
      problem: 'reads a secret through a data source, which keeps its value in the state and the plan.',
    })),
    ...stack
      .ofType('aws_secretsmanager_secret_version')
      .filter((version) => version.config.secret_string !== undefined || version.config.secret_binary !== undefined)
      .map((version) => ({
        element: version,
        problem: 'writes the secret with secret_string or secret_binary, which keep the value in the state and the plan.',
      })),
  ],
};
