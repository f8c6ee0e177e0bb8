import { Rule, Violation } from '../rule';
import { blocks, StackElement, SynthesizedStack } from '../synthesized-stack';

/** References that evaluate to a secret value. */
function secretValuePattern(stack: SynthesizedStack): RegExp {
  const sensitiveVariables = stack.sensitiveVariables().map(({ name }) => name.replace(/[-]/g, '\\-'));
  const alternatives = [
    '(data\\.)?aws_secretsmanager_secret_version\\.[\\w-]+(\\.(secret_string|secret_binary))?(?![\\w.-])',
    'aws_iam_access_key\\.[\\w-]+\\.(secret|ses_smtp_password_v4)\\b',
    ...(sensitiveVariables.length > 0 ? [`var\\.(${sensitiveVariables.join('|')})(?![\\w-])`] : []),
  ];
  return new RegExp(`(^|[^\\w.])(${alternatives.join('|')})`);
}

/** Places a value can leak from, and whether the element protects it there. */
function exposures(stack: SynthesizedStack): Array<{ element: StackElement; where: string; value: unknown; protectedBy: boolean; fix: string }> {
  return [
    ...stack.outputs().map((output) => ({
      element: output,
      where: 'the output value',
      value: output.config.value,
      protectedBy: output.config.sensitive === true,
      fix: "Output the secret's name or ARN instead; if the value itself must be an output, mark it sensitive.",
    })),
    ...stack.ofType('aws_lambda_function').map((fn) => ({
      element: fn,
      where: 'an environment variable',
      value: blocks(fn.config.environment).map((environment) => environment.variables),
      protectedBy: false,
      fix: "Pass the secret's name or ARN and read the value at run time (the function's role gets readStatements()).",
    })),
    ...['gitlab_project_variable', 'gitlab_group_variable'].flatMap((type) =>
      stack.ofType(type).map((variable) => ({
        element: variable,
        where: 'the CI/CD variable value',
        value: variable.config.value,
        protectedBy: variable.config.masked === true && variable.config.protected === true,
        fix: 'Set masked = true and protected = true on the variable.',
      })),
    ),
  ];
}

/**
 * Secret values (secret versions, IAM secret access keys, sensitive variables) do not leave
 * Secrets Manager in clear: outputs holding them are sensitive, Lambda environments never hold
 * them, GitLab CI variables holding them are masked and protected.
 */
export const SecretValuesNotExposed: Rule = {
  id: 'SMP_SECRET_VALUES_NOT_EXPOSED',
  name: 'SecretValuesNotExposed',
  checkov: ['CKV_AWS_45'],
  fix: 'Keep secret values in Secrets Manager and pass names or ARNs.',
  check: (stack) => {
    const secretValue = secretValuePattern(stack);
    return exposures(stack).flatMap((exposure): Violation[] => {
      const match = exposure.protectedBy ? null : JSON.stringify(exposure.value ?? null).match(secretValue);
      return match ? [{ element: exposure.element, problem: `${exposure.where} holds a secret value (${match[2]}).`, fix: exposure.fix }] : [];
    });
  },
};
