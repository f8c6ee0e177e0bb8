import { LambdaFunction, LambdaFunctionConfig } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { isCurrentRuntime, LambdaRuntimeCurrent } from '../../guardrails/rules/lambda-runtime-current';
import { LambdaAsyncFailuresCaptured } from '../../guardrails/rules/lambda-async-failures-captured';
import { LambdaTimeoutAndMemorySet } from '../../guardrails/rules/lambda-timeout-and-memory-set';
import { TerraformStack } from 'cdktf';
import { findings } from './support';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:failed-events';
const fn = (stack: TerraformStack, props: Partial<LambdaFunctionConfig> = {}) =>
  new LambdaFunction(stack, 'fn', {
    functionName: 'deploy-trigger',
    role: 'arn:aws:iam::123456789012:role/fn',
    runtime: 'nodejs22.x',
    timeout: 30,
    memorySize: 256,
    deadLetterConfig: { targetArn: QUEUE_ARN },
    ...props,
  });

describe('CKV_AWS_363 LambdaRuntimeCurrent', () => {
  test('current runtimes and newer ones pass, deprecated ones do not', () => {
    expect(
      ['nodejs22.x', 'nodejs24.x', 'python3.12', 'python3.14', 'java21', 'provided.al2023', 'ruby3.4'].filter((runtime) => !isCurrentRuntime(runtime)),
    ).toEqual([]);
    expect(['nodejs20.x', 'nodejs18.x', 'python3.11', 'python3.9', 'java17', 'go1.x', 'provided.al2', 'dotnet8', 'ruby3.2'].filter(isCurrentRuntime)).toEqual(
      [],
    );
  });

  test('a function on nodejs22.x complies; one on nodejs20.x is named', () => {
    expect(findings(LambdaRuntimeCurrent, (stack) => fn(stack))).toEqual([]);
    expect(findings(LambdaRuntimeCurrent, (stack) => fn(stack, { runtime: 'nodejs20.x' }))).toEqual([
      { path: 'test/fn', problem: 'runtime nodejs20.x is deprecated or about to be.' },
    ]);
  });

  test('container image functions have no runtime and are not applicable', () => {
    expect(findings(LambdaRuntimeCurrent, (stack) => fn(stack, { runtime: undefined, packageType: 'Image', imageUri: 'x' }))).toEqual([]);
  });
});

describe('SMP_LAMBDA_LIMITS_SET', () => {
  test('explicit timeout and memory comply; missing ones are named', () => {
    expect(findings(LambdaTimeoutAndMemorySet, (stack) => fn(stack))).toEqual([]);
    expect(findings(LambdaTimeoutAndMemorySet, (stack) => fn(stack, { timeout: undefined, memorySize: undefined }))).toEqual([
      { path: 'test/fn', problem: 'timeout and memory_size not set (Lambda defaults to 3 s and 128 MB).' },
    ]);
  });
});

describe('CKV_AWS_116 LambdaAsyncFailuresCaptured', () => {
  test('a dead-letter queue complies', () => {
    expect(findings(LambdaAsyncFailuresCaptured, (stack) => fn(stack))).toEqual([]);
  });

  test('an on-failure destination of an event invoke config pointing at the function complies', () => {
    const result = findings(LambdaAsyncFailuresCaptured, (stack) => {
      const created = fn(stack, { deadLetterConfig: undefined });
      new LambdaFunctionEventInvokeConfig(stack, 'invoke', {
        functionName: created.functionName,
        destinationConfig: { onFailure: { destination: QUEUE_ARN } },
      });
    });
    expect(result).toEqual([]);
  });

  test('a function without either is named; an invoke config of another function does not help', () => {
    const result = findings(LambdaAsyncFailuresCaptured, (stack) => {
      fn(stack, { deadLetterConfig: undefined });
      new LambdaFunctionEventInvokeConfig(stack, 'invoke', { functionName: 'another-function', destinationConfig: { onFailure: { destination: QUEUE_ARN } } });
    });
    expect(result).toEqual([{ path: 'test/fn', problem: 'failed asynchronous invocations are dropped: no dead-letter queue and no on-failure destination.' }]);
  });
});
