import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget, CloudwatchEventTargetRetryPolicy } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { policyDocument, ruleDeadLetterStatements } from '../iam/policy';
import { Role } from '../iam/role';
import { LAMBDA_RUNTIME, LambdaPackage } from './lambda-bundle';
import { nameLimitChecks } from './name-limit';
import { NAME_LIMITS } from './names';
import { functionLogStatements } from './project-permissions';

export interface ProjectFunctionProps {
  /** Function name (≤ 64 characters, checked at plan). */
  readonly functionName: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /** The bundled handler (and any files it reads), zipped. */
  readonly code: LambdaPackage;
  /** The function's own role: it gets the function's log writes here; everything else by grants. */
  readonly role: Role;
  /** Environment variables: settings and secret ARNs, never secret values. */
  readonly environment: Record<string, string>;
  /** Seconds before Lambda stops an invocation. */
  readonly timeoutSeconds: number;
  /** Memory in MB. @default 256 */
  readonly memoryMb?: number;
  /** Retention of the function's log group, in days. */
  readonly logRetentionDays: number;
}

/**
 * A Node.js Lambda function of a SageMaker project, packaged from a bundle folder, running as its own
 * role, with its own log group (created first, so retention applies from the first line) and JSON logs.
 */
export class ProjectFunction extends Construct {
  readonly resource: LambdaFunction;
  readonly functionName: string;
  readonly functionArn: string;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    super(scope, id);
    const code = new TerraformAsset(this, 'code', { path: props.code.zipFile, type: AssetType.FILE });
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });
    props.role.addToPolicy('function-logs', functionLogStatements(AwsContext.of(this).arn('logs', `log-group:/aws/lambda/${props.functionName}`)));
    this.resource = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: props.role.roleArn,
      runtime: LAMBDA_RUNTIME,
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      timeout: props.timeoutSeconds,
      memorySize: props.memoryMb ?? 256,
      environment: { variables: props.environment },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      lifecycle: { precondition: nameLimitChecks(props.functionName, NAME_LIMITS.lambdaFunction, 'Lambda function name') },
    });
    this.functionName = this.resource.functionName;
    this.functionArn = this.resource.arn;
  }
}

/**
 * An EventBridge rule invoking a function: the function's permission for that rule alone, and the
 * rule's target with its retries and the queue that keeps what it could not deliver, whose policy lets
 * that rule alone send to it (statement `deadLetterSid`) over TLS.
 */
export function invokeFromRule(
  scope: Construct,
  rule: CloudwatchEventRule,
  fn: ProjectFunction,
  options: {
    statementId: string;
    retryPolicy: CloudwatchEventTargetRetryPolicy;
    deadLetterQueue: { readonly arn: string; readonly url: string };
    deadLetterSid: string;
  },
): void {
  new LambdaPermission(scope, 'invoke-from-rule', {
    statementId: options.statementId,
    action: 'lambda:InvokeFunction',
    functionName: fn.functionName,
    principal: 'events.amazonaws.com',
    sourceArn: rule.arn,
  });
  new CloudwatchEventTarget(scope, 'target', {
    rule: rule.name,
    arn: fn.functionArn,
    retryPolicy: options.retryPolicy,
    deadLetterConfig: { arn: options.deadLetterQueue.arn },
  });
  const queue = options.deadLetterQueue;
  new SqsQueuePolicy(scope, 'failures-policy', {
    queueUrl: queue.url,
    policy: policyDocument(scope, 'failures-policy-document', ruleDeadLetterStatements(queue.arn, rule.arn, options.deadLetterSid)).json,
  });
}
