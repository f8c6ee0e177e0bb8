import { Rule, Violation } from '../rule';

/** Every Lambda function states its timeout and memory instead of inheriting 3 seconds and 128 MB. */
export const LambdaTimeoutAndMemorySet: Rule = {
  id: 'SMP_LAMBDA_LIMITS_SET',
  name: 'LambdaTimeoutAndMemorySet',
  checkov: [],
  fix: 'Set timeout (seconds) and memory_size (MB) on the function, sized for its slowest expected run.',
  check: (stack) =>
    stack.ofType('aws_lambda_function').flatMap((fn): Violation[] => {
      const missing = ['timeout', 'memory_size'].filter((setting) => fn.config[setting] === undefined);
      return missing.length === 0 ? [] : [{ element: fn, problem: `${missing.join(' and ')} not set (Lambda defaults to 3 s and 128 MB).` }];
    }),
};
