import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { invokeFromRule, ProjectFunction, ProjectFunctionProps } from '../../../constructs/sagemaker-project/project-function';
import { fakeBundleLambda } from '../../support/fake-lambda-bundle';
import { all, awsRefs, bySid, configOf, granteeRole, inlinePolicy, ref, statementsOf, synthScope } from '../../support/synth-scope';

const CODE = fakeBundleLambda('lambda/example/handler.ts');

const functionIn = (props: Partial<Omit<ProjectFunctionProps, 'role'>> = {}, build: (scope: Construct, fn: ProjectFunction) => void = () => undefined) =>
  synthScope((scope) => {
    const role = granteeRole(scope, 'function-role');
    const fn = new ProjectFunction(scope, 'function', {
      functionName: 'acme-p-abcdefghijkl-seed-code',
      description: 'Seeds',
      code: CODE,
      role,
      environment: { GITLAB_URL: 'https://gitlab.acme.io' },
      timeoutSeconds: 600,
      logRetentionDays: 30,
      ...props,
    });
    build(scope, fn);
    return { role, fn };
  });

describe('ProjectFunction', () => {
  const { json, tf, built } = functionIn();
  const fn = configOf(tf, built.fn.resource);

  test('runs the package on Node.js 22 (arm64) as the role given, with its settings in the environment', () => {
    expect(json).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'acme-p-abcdefghijkl-seed-code',
      description: 'Seeds',
      role: ref(built.role.resource, 'arn'),
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      timeout: 600,
      memory_size: 256,
      environment: { variables: { GITLAB_URL: 'https://gitlab.acme.io' } },
    });
    expect(fn.filename).toMatch(/^assets\/function_code_[0-9A-F]+\/[0-9A-F]+\/archive\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
  });

  test('logs JSON to a log group of its own, created by Terraform with the retention given', () => {
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/aws/lambda/acme-p-abcdefghijkl-seed-code', retention_in_days: 30 });
    const logGroup = built.fn.logGroup;
    expect(fn.logging_config).toEqual({ log_format: 'JSON', log_group: ref(logGroup, 'name') });
  });

  test('its role may write to that log group and nothing else through it', () => {
    const { partition, region, account } = awsRefs(tf);
    expect(inlinePolicy(tf, built.role, 'function-logs')).toEqual([
      {
        sid: 'WriteOwnLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`arn:${partition}:logs:${region}:${account}:log-group:/aws/lambda/acme-p-abcdefghijkl-seed-code:*`],
      },
    ]);
  });

  test('a name known at synth is checked at once; a name from Terraform values at plan', () => {
    expect(fn.lifecycle).toEqual({ precondition: [] });
    expect(() => functionIn({ functionName: `acme-${'x'.repeat(60)}` })).toThrow(
      /The Lambda function name "acme-x+" is longer than 64 characters: choose a shorter name\./,
    );
    const planned = synthScope((scope) => {
      const id = new TerraformVariable(scope, 'project_id', { type: 'string' });
      return new ProjectFunction(scope, 'function', {
        functionName: `acme-${id.stringValue}-seed-code`,
        description: 'd',
        code: CODE,
        role: granteeRole(scope),
        environment: {},
        timeoutSeconds: 60,
        memoryMb: 512,
        logRetentionDays: 30,
      });
    });
    expect(configOf(planned.tf, planned.built.resource)).toMatchObject({
      memory_size: 512,
      lifecycle: {
        precondition: [
          { condition: '${(length("acme-${var.project_id}-seed-code") <= 64)}', error_message: expect.stringContaining('is longer than 64 characters') },
        ],
      },
    });
  });
});

describe('invokeFromRule', () => {
  let rule: CloudwatchEventRule | undefined;
  const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/failures';
  const { json, tf, built } = functionIn({}, (scope, fn) => {
    rule = new CloudwatchEventRule(scope, 'rule', { name: 'acme-rule', eventPattern: '{}' });
    invokeFromRule(scope, rule, fn, {
      statementId: 'InvokeFromRule',
      retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 8 },
      deadLetterQueue: { arn: 'arn:aws:sqs:us-east-1:123456789012:failures', url: QUEUE_URL },
      deadLetterSid: 'UndeliverableEvents',
    });
  });

  test("lets that rule alone invoke the function, with the rule's retries and dead-letter queue", () => {
    expect(json).toHaveResourceWithProperties(LambdaPermission, {
      statement_id: 'InvokeFromRule',
      action: 'lambda:InvokeFunction',
      function_name: ref(built.fn.resource, 'function_name'),
      principal: 'events.amazonaws.com',
      source_arn: ref(rule!, 'arn'),
    });
    expect(json).toHaveResourceWithProperties(CloudwatchEventTarget, {
      rule: ref(rule!, 'name'),
      arn: ref(built.fn.resource, 'arn'),
      retry_policy: { maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 8 },
      dead_letter_config: { arn: 'arn:aws:sqs:us-east-1:123456789012:failures' },
    });
  });

  test('lets that rule alone send undelivered events to the dead-letter queue, over TLS only', () => {
    const policies = Object.values(all(tf, 'aws_sqs_queue_policy'));
    expect(policies).toHaveLength(1);
    const [policy] = policies;
    expect(policy.queue_url).toBe(QUEUE_URL);
    const statements = statementsOf(tf, policy.policy);
    expect(statements).toHaveLength(2);
    expect(bySid(statements, 'UndeliverableEvents')).toMatchObject({
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
      actions: ['sqs:SendMessage'],
      resources: ['arn:aws:sqs:us-east-1:123456789012:failures'],
      condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [ref(rule!, 'arn')] }],
    });
    expect(bySid(statements, 'DenyInsecureTransport')).toMatchObject({ effect: 'Deny', actions: ['sqs:*'] });
  });
});
