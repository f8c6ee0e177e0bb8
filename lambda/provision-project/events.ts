import { REQUEST_TYPES } from '../../contract/provisioner';
import { CloudFormationRequest } from './decide';

/** The EventBridge event CodeBuild sends when a build changes state. */
export interface BuildStateChange {
  readonly source: 'aws.codebuild';
  readonly 'detail-type': 'CodeBuild Build State Change';
  readonly detail: { readonly 'build-id': string; readonly 'build-status': string; readonly 'project-name': string };
}

/** What Lambda sends an on-failure destination when an asynchronous invocation failed for good. */
export interface InvocationRecord {
  readonly requestContext: { readonly condition?: string; readonly requestId?: string };
  readonly requestPayload: unknown;
  readonly responsePayload?: { readonly errorType?: string; readonly errorMessage?: string } | null;
}

/** An SQS event (the failure queue's messages). */
export interface QueueEvent {
  readonly Records: ReadonlyArray<{ readonly eventSource: 'aws:sqs'; readonly messageId: string; readonly body: string }>;
}

export const BUILD_STATE_CHANGE = 'CodeBuild Build State Change';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';

/** The build id (`<project>:<uuid>`) of the event's build ARN (`arn:...:codebuild:<region>:<account>:build/<project>:<uuid>`). */
export const buildIdOf = (event: BuildStateChange): string => event.detail['build-id'].replace(/^arn:[^:]+:codebuild:[^:]*:[^:]*:build\//, '');

export function isCloudFormationRequest(event: unknown): event is CloudFormationRequest {
  return (
    isObject(event) &&
    (REQUEST_TYPES as readonly unknown[]).includes(event.RequestType) &&
    [event.ResponseURL, event.StackId, event.RequestId, event.LogicalResourceId].every(isString)
  );
}

export function isBuildStateChange(event: unknown): event is BuildStateChange {
  return (
    isObject(event) &&
    event.source === 'aws.codebuild' &&
    event['detail-type'] === BUILD_STATE_CHANGE &&
    isObject(event.detail) &&
    [event.detail['build-id'], event.detail['build-status'], event.detail['project-name']].every(isString)
  );
}

export function isQueueEvent(event: unknown): event is QueueEvent {
  return (
    isObject(event) &&
    Array.isArray(event.Records) &&
    event.Records.every((record) => isObject(record) && record.eventSource === 'aws:sqs' && isString(record.body))
  );
}

export function isInvocationRecord(value: unknown): value is InvocationRecord {
  return isObject(value) && isObject(value.requestContext) && 'requestPayload' in value;
}

/** `<errorType>: <errorMessage>` of a failed invocation, or the condition Lambda gave up on. */
export function invocationError(record: InvocationRecord): string {
  const response = record.responsePayload;
  if (response && (response.errorType || response.errorMessage)) return `${response.errorType ?? 'Error'}: ${response.errorMessage ?? ''}`.trim();
  return record.requestContext.condition ?? 'the invocation failed';
}
