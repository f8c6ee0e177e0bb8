import { Rule } from '../rule';
import { blocks, StackElement, SynthesizedStack } from '../synthesized-stack';

function failuresCaptured(stack: SynthesizedStack, fn: StackElement): boolean {
  if (blocks(fn.config.dead_letter_config).some((dlq) => typeof dlq.target_arn === 'string' && dlq.target_arn !== '')) return true;
  return stack
    .attachedTo(fn, 'aws_lambda_function_event_invoke_config', 'function_name', 'function_name')
    .some((invokeConfig) =>
      blocks(invokeConfig.config.destination_config).some((destinations) =>
        blocks(destinations.on_failure).some((onFailure) => typeof onFailure.destination === 'string' && onFailure.destination !== ''),
      ),
    );
}

/**
 * Every Lambda function keeps the events of failed asynchronous invocations (EventBridge, S3, SNS
 * invoke asynchronously): a dead-letter queue or an on-failure destination.
 */
export const LambdaAsyncFailuresCaptured: Rule = {
  id: 'CKV_AWS_116',
  name: 'LambdaAsyncFailuresCaptured',
  checkov: ['CKV_AWS_116'],
  fix:
    'Give the function a dead_letter_config or an aws_lambda_function_event_invoke_config with an on_failure destination; ' +
    'if it is only ever invoked synchronously (e.g. by aws_lambda_invocation), suppress this rule on it saying so.',
  check: (stack) =>
    stack
      .ofType('aws_lambda_function')
      .filter((fn) => !failuresCaptured(stack, fn))
      .map((fn) => ({ element: fn, problem: 'failed asynchronous invocations are dropped: no dead-letter queue and no on-failure destination.' })),
};
