import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { DEPLOY_TRIGGER_ENTRY, DeployTrigger, DeployTriggerProps } from '../../../constructs/sagemaker-project/deploy-trigger';
import { bundleLambda } from '../../../constructs/sagemaker-project/lambda-bundle';
import { awsRefs, child, configOf, granteeRole, inlinePolicy, ref, statementsOf, synthScope } from '../../support/synth-scope';

jest.mock('../../../constructs/sagemaker-project/lambda-bundle', () => require('../../support/fake-lambda-bundle').lambdaBundleModule());

const PROPS: Omit<DeployTriggerProps, 'role'> = {
  functionName: 'acme-p-abcdefghijkl-deploy-trigger',
  ruleName: 'acme-p-abcdefghijkl-model-approved',
  failureQueueName: 'acme-p-abcdefghijkl-deploy-trigger-failures',
  modelPackageGroupName: 'churn-p-abcdefghijkl',
  gitlabUrl: 'https://gitlab.acme.io',
  triggerTokenSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:acme/p-abcdefghijkl/deploy-trigger-token-AbCdEf',
  deployRecordsTableName: 'acme-p-abcdefghijkl-deploys',
  deployProjectId: '18',
  deployBranch: 'main',
  sagemakerProjectId: 'p-abcdefghijkl',
  logRetentionDays: 30,
};

const { json, tf, built } = synthScope((scope) => {
  const role = granteeRole(scope, 'deploy-trigger-role');
  return { role, trigger: new DeployTrigger(scope, 'deploy-trigger', { ...PROPS, role }) };
});
const { trigger } = built;
const queueArn = ref(trigger.failureQueue, 'arn');

describe('DeployTrigger: the rule', () => {
  test("matches approvals of the project's model package group only", () => {
    expect(json).toHaveResourceWithProperties(CloudwatchEventRule, { name: PROPS.ruleName });
    expect(configOf(tf, trigger.rule).event_pattern).toBe(
      '${jsonencode({"source" = ["aws.sagemaker"], "detail-type" = ["SageMaker Model Package State Change"], "detail" = {"ModelPackageGroupName" = ["churn-p-abcdefghijkl"], "ModelApprovalStatus" = ["Approved"]}})}',
    );
  });

  test('invokes the function (and only it may), retrying for an hour, then keeps the event in the failure queue', () => {
    expect(json).toHaveResourceWithProperties(LambdaPermission, {
      statement_id: 'InvokeFromModelApprovedRule',
      principal: 'events.amazonaws.com',
      source_arn: ref(trigger.rule, 'arn'),
    });
    expect(json).toHaveResourceWithProperties(CloudwatchEventTarget, {
      arn: ref(trigger.function.resource, 'arn'),
      retry_policy: { maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 8 },
      dead_letter_config: { arn: queueArn },
    });
  });
});

describe('DeployTrigger: the function', () => {
  test("is the bundled deploy-trigger handler, running as the role given, with the trigger token's secret and the deploy records, not the namespace token", () => {
    expect(jest.mocked(bundleLambda)).toHaveBeenCalledWith(DEPLOY_TRIGGER_ENTRY);
    expect(json).toHaveResourceWithProperties(LambdaFunction, {
      function_name: PROPS.functionName,
      role: ref(built.role.resource, 'arn'),
      timeout: 60,
      environment: {
        variables: {
          GITLAB_URL: 'https://gitlab.acme.io',
          DEPLOY_TRIGGER_TOKEN_SECRET_ARN: PROPS.triggerTokenSecretArn,
          DEPLOY_GITLAB_PROJECT_ID: '18',
          DEPLOY_BRANCH: 'main',
          MODEL_PACKAGE_GROUP_NAME: 'churn-p-abcdefghijkl',
          SAGEMAKER_PROJECT_ID: 'p-abcdefghijkl',
          DEPLOY_RECORDS_TABLE: 'acme-p-abcdefghijkl-deploys',
        },
      },
    });
  });

  test("a failed invocation is retried twice within the hour, then goes to the failure queue, which the function's role may send to", () => {
    const { partition, region, account } = awsRefs(tf);
    expect(json).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 3600,
      destination_config: { on_failure: { destination: queueArn } },
    });
    expect(inlinePolicy(tf, built.role, 'failure-queue')).toEqual([
      {
        sid: 'SendFailedApprovalEvents',
        effect: 'Allow',
        actions: ['sqs:SendMessage'],
        resources: [`arn:${partition}:sqs:${region}:${account}:acme-p-abcdefghijkl-deploy-trigger-failures`],
      },
    ]);
  });
});

describe('DeployTrigger: the failure queue', () => {
  test('is encrypted and keeps events for 14 days', () => {
    expect(json).toHaveResourceWithProperties(SqsQueue, { name: PROPS.failureQueueName, sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
  });

  test('only the rule may send to it, only over TLS', () => {
    const policy = statementsOf(tf, configOf(tf, child(trigger, 'failures-policy')).policy);
    expect(policy.map((statement) => statement.sid)).toEqual(['UndeliverableApprovalEvents', 'DenyInsecureTransport']);
    expect(policy[0].condition).toEqual([{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [ref(trigger.rule, 'arn')] }]);
  });
});

describe('DeployTrigger: names from Studio input', () => {
  test('the queue and rule names are checked against their limits at plan', () => {
    expect(configOf(tf, trigger.failureQueue).lifecycle.precondition).toEqual([
      {
        condition: `\${(length("${PROPS.failureQueueName}") <= 80)}`,
        error_message: `The SQS queue name "${PROPS.failureQueueName}" is longer than 80 characters: choose a shorter SageMaker project name.`,
      },
    ]);
    expect(configOf(tf, trigger.rule).lifecycle.precondition).toEqual([
      {
        condition: `\${(length("${PROPS.ruleName}") <= 64)}`,
        error_message: `The EventBridge rule name "${PROPS.ruleName}" is longer than 64 characters: choose a shorter SageMaker project name.`,
      },
    ]);
  });
});
