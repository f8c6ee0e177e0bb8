import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { DEPLOY_TRIGGER_SETTINGS, MODEL_PACKAGE_STATE_CHANGE } from '../../contract/function-settings';
import { Role } from '../iam/role';
import { bundleLambda } from './lambda-bundle';
import { nameWithinLimit } from './name-limit';
import { NAME_LIMITS } from './names';
import { invokeFromRule, ProjectFunction } from './project-function';

/** Handler of the deploy-trigger function. */
export const DEPLOY_TRIGGER_ENTRY = `${__dirname}/../../lambda/deploy-trigger/handler.ts`;

/** How long, and how often, a failed delivery or invocation is retried before it goes to the queue. */
export const DEPLOY_TRIGGER_RETRIES = { eventAgeSeconds: 3600, eventBridgeAttempts: 8, lambdaAttempts: 2 } as const;

export interface DeployTriggerProps {
  /** Name of the function (≤ 64 characters). */
  readonly functionName: string;
  /** Name of the EventBridge rule (≤ 64 characters). */
  readonly ruleName: string;
  /** Name of the queue keeping events that could not be delivered or handled (≤ 80 characters). */
  readonly failureQueueName: string;
  /** Model package group whose approvals start a deploy. */
  readonly modelPackageGroupName: string;
  /** The function's own role; the trigger grants it sending to its failure queue. */
  readonly role: Role;
  /** Base URL of the platform's GitLab. */
  readonly gitlabUrl: string;
  /** ARN of the project's secret holding the deploy project's pipeline trigger token. */
  readonly triggerTokenSecretArn: string;
  /** The project's deploy records table (one deploy per approved model package version). */
  readonly deployRecordsTableName: string;
  /** GitLab project id of the deploy repository. */
  readonly deployProjectId: string;
  /** Branch whose pipeline is started. */
  readonly deployBranch: string;
  /** SageMaker project id (logged with every line). */
  readonly sagemakerProjectId: string;
  /** Retention of the function's log group, in days. */
  readonly logRetentionDays: number;
}

/**
 * Model approval -> deploy pipeline: an EventBridge rule on approvals of the project's model package
 * group invokes a function that starts the deploy repository's pipeline. An event that cannot be
 * delivered (EventBridge retries) or handled (Lambda retries) ends in an encrypted queue, not lost.
 */
export class DeployTrigger extends Construct {
  readonly function: ProjectFunction;
  readonly rule: CloudwatchEventRule;
  readonly failureQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: DeployTriggerProps) {
    super(scope, id);
    this.failureQueue = new SqsQueue(this, 'failures', {
      name: props.failureQueueName,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
      lifecycle: { precondition: [nameWithinLimit(props.failureQueueName, NAME_LIMITS.sqsQueue, 'SQS queue name')] },
    });

    this.function = new ProjectFunction(this, 'function', {
      functionName: props.functionName,
      description: `Starts the deploy pipeline when a model of ${props.modelPackageGroupName} is approved`,
      code: bundleLambda(DEPLOY_TRIGGER_ENTRY),
      role: props.role,
      timeoutSeconds: 60,
      logRetentionDays: props.logRetentionDays,
      environment: {
        [DEPLOY_TRIGGER_SETTINGS.gitlabUrl]: props.gitlabUrl,
        [DEPLOY_TRIGGER_SETTINGS.triggerTokenSecretArn]: props.triggerTokenSecretArn,
        [DEPLOY_TRIGGER_SETTINGS.deployProjectId]: props.deployProjectId,
        [DEPLOY_TRIGGER_SETTINGS.deployBranch]: props.deployBranch,
        [DEPLOY_TRIGGER_SETTINGS.modelPackageGroupName]: props.modelPackageGroupName,
        [DEPLOY_TRIGGER_SETTINGS.projectId]: props.sagemakerProjectId,
        [DEPLOY_TRIGGER_SETTINGS.deployRecordsTable]: props.deployRecordsTableName,
      },
    });

    this.rule = new CloudwatchEventRule(this, 'model-approved', {
      name: props.ruleName,
      description: `Approved models of ${props.modelPackageGroupName} start the deploy pipeline`,
      eventPattern: Fn.jsonencode({
        source: ['aws.sagemaker'],
        'detail-type': [MODEL_PACKAGE_STATE_CHANGE],
        detail: { ModelPackageGroupName: [props.modelPackageGroupName], ModelApprovalStatus: ['Approved'] },
      }),
      lifecycle: { precondition: [nameWithinLimit(props.ruleName, NAME_LIMITS.eventRule, 'EventBridge rule name')] },
    });
    invokeFromRule(this, this.rule, this.function, {
      statementId: 'InvokeFromModelApprovedRule',
      retryPolicy: { maximumEventAgeInSeconds: DEPLOY_TRIGGER_RETRIES.eventAgeSeconds, maximumRetryAttempts: DEPLOY_TRIGGER_RETRIES.eventBridgeAttempts },
      deadLetterQueue: this.failureQueue,
      deadLetterSid: 'UndeliverableApprovalEvents',
    });
    // Lambda hands events that failed every retry to the queue with the function's own role.
    const failureQueueArn = AwsContext.of(this).arn('sqs', props.failureQueueName);
    props.role.addToPolicy('failure-queue', [{ sid: 'SendFailedApprovalEvents', effect: 'Allow', actions: ['sqs:SendMessage'], resources: [failureQueueArn] }]);
    new LambdaFunctionEventInvokeConfig(this, 'async-invocation', {
      functionName: this.function.functionName,
      maximumEventAgeInSeconds: DEPLOY_TRIGGER_RETRIES.eventAgeSeconds,
      maximumRetryAttempts: DEPLOY_TRIGGER_RETRIES.lambdaAttempts,
      destinationConfig: { onFailure: { destination: this.failureQueue.arn } },
    });
  }
}
