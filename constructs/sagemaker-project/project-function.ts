import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { LAMBDA_RUNTIME, LambdaPackage } from './lambda-bundle';
import { nameLimitChecks } from './name-limit';
import { NAME_LIMITS } from './names';

export interface ProjectFunctionProps {
  /** Function name (≤ 64 characters, checked at plan). */
  readonly functionName: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /** The bundled handler (and any files it reads), zipped. */
  readonly code: LambdaPackage;
  /** Execution role ARN. */
  readonly roleArn: string;
  /** Environment variables: settings and secret names, never secret values. */
  readonly environment: Record<string, string>;
  /** Seconds before Lambda stops an invocation. */
  readonly timeoutSeconds: number;
  /** Memory in MB. @default 256 */
  readonly memoryMb?: number;
  /** Retention of the function's log group, in days. */
  readonly logRetentionDays: number;
}

/**
 * A Node.js Lambda function of a SageMaker project, packaged from a bundle folder, with its own log
 * group (created first, so retention applies from the first line) and JSON logs.
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
    this.resource = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: props.roleArn,
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
