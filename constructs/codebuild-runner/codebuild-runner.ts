import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { DEAD_LETTER_QUEUE_SUFFIX } from '../../config/names';
import { PROJECT_KEYS, PROVISIONER_SETTINGS } from '../../contract/provisioner';
import { ArtifactBucketOnDelete, RUNNER_SETTINGS, STATE_KEY_PREFIX } from '../../contract/runner';
import { BUILD_STATE_CHANGE } from '../../lambda/provision-project/events';
import { FINISHED_STATUSES } from '../../lambda/provision-project/decide';
import { AwsContext } from '../aws-context';
import { IGrantable, serviceTrust } from '../iam/policy';
import { IEncryptionKey } from '../security/encryption-key';
import { Role } from '../iam/role';
import { bundleLambda } from '../sagemaker-project/lambda-bundle';
import { invokeFromRule, ProjectFunction } from '../sagemaker-project/project-function';
import { runnerBuildspec } from './buildspec';
import { terraformLiteral } from '../terraform/literal';

/** Handler of the provisioning function. */
export const PROVISION_PROJECT_ENTRY = `${__dirname}/../../lambda/provision-project/handler.ts`;

/**
 * CodeBuild's Amazon Linux 2023 standard image, pinned to its major version: CodeBuild keeps the
 * current image of a major version cached on its hosts (a patch-pinned tag is pulled at provisioning).
 */
export const AL2023_STANDARD_IMAGE = 'aws/codebuild/amazonlinux-x86_64-standard:5.0';

/** Seconds between the build's own timeouts and CloudFormation's: provisioning, the event, the answer. */
const ANSWER_MARGIN_SECONDS = 300;

/** CloudFormation's limit on a custom resource's ServiceTimeout. */
const SERVICE_TIMEOUT_MAX_SECONDS = 3600;

/** Prefix of the CodeBuild cache (the providers terraform init downloaded) in the platform bucket. */
export const CODEBUILD_CACHE_PREFIX = 'codebuild-runner-cache';

/** The runner role's inline policy that grantRunner writes. */
const RUNNER_POLICY = 'codebuild';

export interface CodeBuildRunnerProps {
  /** Name of the CodeBuild project (≤ 150 characters). */
  readonly projectName: string;
  /** Name of the provisioning function (≤ 64 characters); also names its role and log group. */
  readonly functionName: string;
  /** Name of the EventBridge rule on the project's finished builds (≤ 64 characters). */
  readonly ruleName: string;
  /** Name of the queue of failed invocations and undelivered events (≤ 80 characters); its dead-letter queue adds DEAD_LETTER_QUEUE_SUFFIX (`-dlq`), as config/names.ts checks. */
  readonly failureQueueName: string;
  /** ARN of the role builds run as: the runner role, under the platform's permissions boundary. */
  readonly runnerRoleArn: string;
  /** Platform bucket: runner script, tf-code.zip, the projects' state, and the build cache under `cachePrefix`. */
  readonly bucketName: string;
  /** Prefix of the CodeBuild cache in the bucket. @default CODEBUILD_CACHE_PREFIX */
  readonly cachePrefix?: string;
  /** ARN of the KMS key CodeBuild encrypts the cache and logs with; also the state's key unless `stateKmsKeyArn` says otherwise. */
  readonly kmsKeyArn: string;
  /** Log group (existing) the builds write to. */
  readonly logGroupName: string;
  /** DynamoDB table locking the projects' state. */
  readonly lockTableName: string;
  /** KMS key ARN of the state objects. @default kmsKeyArn */
  readonly stateKmsKeyArn?: string;
  /** Terraform version the runner installs, and the SHA-256 of its linux_amd64 release archive. */
  readonly terraformVersion: string;
  readonly terraformSha256: string;
  /** What Delete does with the project's artifact bucket: `empty` it with the rest, or `keep` it with its data. */
  readonly artifactBucketOnDelete: ArtifactBucketOnDelete;
  /** Retention of the function's log group, in days. */
  readonly logRetentionDays: number;
  /** Build image. @default AL2023_STANDARD_IMAGE */
  readonly image?: string;
  /** Compute type of builds. @default BUILD_GENERAL1_SMALL (3 GB, 2 vCPUs) */
  readonly computeType?: string;
  /** Minutes a build may run (5-480). @default 20 */
  readonly buildTimeoutMinutes?: number;
  /** Minutes a build may wait in the queue (5-480). @default 5 */
  readonly queuedTimeoutMinutes?: number;
}

/**
 * The CodeBuild engine of SageMaker projects: one platform-owned CodeBuild project that runs
 * run-terraform.sh (inline buildspec, no source), the provisioning function whose ARN is the custom
 * resource's service token, the EventBridge rule that brings it the project's finished builds, and the
 * failure path (Lambda's on-failure records and undeliverable events go to a queue the function reads,
 * so a crashed invocation still answers CloudFormation).
 */
export class CodeBuildRunner extends Construct {
  readonly project: CodebuildProject;
  readonly function: ProjectFunction;
  readonly functionRole: Role;
  readonly rule: CloudwatchEventRule;
  readonly failureQueue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  /** The service token of the template's custom resource: the function's ARN. */
  readonly serviceToken: string;
  /** The custom resource's ServiceTimeout: the build's queue and run timeouts plus a margin, under an hour. */
  readonly serviceTimeoutSeconds: number;
  /** Prefix of the CodeBuild cache in the bucket: code the runner executes, which only the runner may write (PlatformStateStore.reserveForRunner). */
  readonly cachePrefix: string;
  /** Where the CodeBuild cache lives: `<bucket>/<prefix>`. */
  readonly cacheLocation: string;
  private readonly props: CodeBuildRunnerProps;

  constructor(scope: Construct, id: string, props: CodeBuildRunnerProps) {
    super(scope, id);
    this.props = props;
    const buildTimeout = props.buildTimeoutMinutes ?? 20;
    const queuedTimeout = props.queuedTimeoutMinutes ?? 5;
    this.serviceTimeoutSeconds = (buildTimeout + queuedTimeout) * 60 + ANSWER_MARGIN_SECONDS;
    if (this.serviceTimeoutSeconds > SERVICE_TIMEOUT_MAX_SECONDS) {
      throw new Error(
        `CodeBuildRunner ${this.node.path}: buildTimeoutMinutes (${buildTimeout}) + queuedTimeoutMinutes (${queuedTimeout}) + ${ANSWER_MARGIN_SECONDS / 60} minutes to answer exceed CloudFormation's custom resource ServiceTimeout of at most ${SERVICE_TIMEOUT_MAX_SECONDS / 60} minutes; lower the build timeouts.`,
      );
    }
    this.cachePrefix = props.cachePrefix ?? CODEBUILD_CACHE_PREFIX;
    this.cacheLocation = `${props.bucketName}/${this.cachePrefix}`;

    // Typed from PROJECT_KEYS, which the buildspec writes into the parameters file: a key missing here fails to compile.
    const platformKeys: Record<(typeof PROJECT_KEYS)[number], string> = {
      [RUNNER_SETTINGS.stateBucket]: props.bucketName,
      [RUNNER_SETTINGS.lockTable]: props.lockTableName,
      [RUNNER_SETTINGS.stateKeyPrefix]: STATE_KEY_PREFIX,
      [RUNNER_SETTINGS.stateKmsKeyArn]: props.stateKmsKeyArn ?? props.kmsKeyArn,
      [RUNNER_SETTINGS.terraformVersion]: props.terraformVersion,
      [RUNNER_SETTINGS.terraformSha256]: props.terraformSha256,
      [RUNNER_SETTINGS.artifactBucketOnDelete]: props.artifactBucketOnDelete,
    };
    this.project = new CodebuildProject(this, 'project', {
      name: props.projectName,
      description: 'Runs run-terraform.sh for SageMaker projects (CodeBuild engine): apply on Create and Update, destroy on Delete',
      serviceRole: props.runnerRoleArn,
      encryptionKey: props.kmsKeyArn,
      buildTimeout,
      queuedTimeout,
      source: { type: 'NO_SOURCE', buildspec: terraformLiteral(runnerBuildspec().yaml) },
      artifacts: { type: 'NO_ARTIFACTS' },
      cache: { type: 'S3', location: this.cacheLocation },
      environment: {
        type: 'LINUX_CONTAINER',
        image: props.image ?? AL2023_STANDARD_IMAGE,
        computeType: props.computeType ?? 'BUILD_GENERAL1_SMALL',
        imagePullCredentialsType: 'CODEBUILD',
        privilegedMode: false,
        environmentVariable: PROJECT_KEYS.map((name) => ({ name, value: platformKeys[name], type: 'PLAINTEXT' })),
      },
      logsConfig: { cloudwatchLogs: { status: 'ENABLED', groupName: props.logGroupName }, s3Logs: { status: 'DISABLED' } },
    });

    this.deadLetterQueue = new SqsQueue(this, 'dead-letters', {
      name: `${props.failureQueueName}${DEAD_LETTER_QUEUE_SUFFIX}`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });
    this.failureQueue = new SqsQueue(this, 'failures', {
      name: props.failureQueueName,
      sqsManagedSseEnabled: true,
      // Longer than the function may run, so a message being handled is not handed out twice.
      visibilityTimeoutSeconds: 6 * 60,
      messageRetentionSeconds: 4 * 24 * 3600,
      redrivePolicy: Fn.jsonencode({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: 3 }),
    });

    this.functionRole = new Role(this, 'function-role', {
      roleName: props.functionName,
      description: 'Provisioning function of the SageMaker project custom resource: starts and reads builds of one CodeBuild project',
      trust: [serviceTrust('lambda.amazonaws.com')],
    });
    this.function = new ProjectFunction(this, 'function', {
      functionName: props.functionName,
      description: 'Custom resource of SageMaker projects: runs terraform in CodeBuild and answers CloudFormation when the build ends',
      code: bundleLambda(PROVISION_PROJECT_ENTRY),
      role: this.functionRole,
      timeoutSeconds: 60,
      logRetentionDays: props.logRetentionDays,
      environment: { [PROVISIONER_SETTINGS.runnerProject]: props.projectName },
    });
    this.functionRole.addToPolicy('provision-project', [
      {
        sid: 'RunnerBuilds',
        effect: 'Allow',
        actions: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'],
        resources: [this.project.arn],
      },
      {
        // Lambda sends failed invocations here with the function's role; the event source mapping reads them back.
        sid: 'FailureQueue',
        effect: 'Allow',
        actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.failureQueue.arn],
      },
    ]);
    // A failed asynchronous invocation is never retried (a retry of a CloudFormation request could race
    // its own build); its record goes to the failure queue, which the function reads to answer FAILED.
    new LambdaFunctionEventInvokeConfig(this, 'async-invocation', {
      functionName: this.function.functionName,
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 600,
      destinationConfig: { onFailure: { destination: this.failureQueue.arn } },
    });
    new LambdaEventSourceMapping(this, 'failure-queue-source', {
      functionName: this.function.functionArn,
      eventSourceArn: this.failureQueue.arn,
      batchSize: 1,
    });

    this.rule = new CloudwatchEventRule(this, 'finished-builds', {
      name: props.ruleName,
      description: `Finished builds of ${props.projectName} answer their CloudFormation request`,
      eventPattern: Fn.jsonencode({
        source: ['aws.codebuild'],
        'detail-type': [BUILD_STATE_CHANGE],
        detail: { 'project-name': [props.projectName], 'build-status': FINISHED_STATUSES },
      }),
    });
    invokeFromRule(this, this.rule, this.function, {
      statementId: 'InvokeFromFinishedBuildsRule',
      retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 8 },
      deadLetterQueue: this.failureQueue,
      deadLetterSid: 'UndeliverableBuildEvents',
    });
    this.serviceToken = this.function.functionArn;
  }

  /** Lets `grantee` (the Service Catalog launch role, which CloudFormation invokes custom resources as) call the function. */
  grantInvoke(grantee: IGrantable): void {
    grantee.addToPolicy('invoke-provision-project', [
      { sid: 'InvokeProvisionProject', effect: 'Allow', actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] },
    ]);
  }

  /**
   * Lets `grantee` (the runner role) do what CodeBuild itself does as that role, beside what
   * run-terraform.sh needs: write the build's logs and read and write the build cache under its
   * prefix of `cache.bucketArn`, whose objects `cache.key` encrypts (used through S3, for objects of
   * that bucket only).
   */
  grantRunner(grantee: IGrantable, cache: { readonly key: IEncryptionKey; readonly bucketArn: string }): void {
    const aws = AwsContext.of(this);
    const logGroupArn = aws.arn('logs', `log-group:${this.props.logGroupName}`);
    grantee.addToPolicy(RUNNER_POLICY, [
      { sid: 'RunnerBuildLogs', effect: 'Allow', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroupArn}:log-stream:*`] },
      {
        sid: 'RunnerBuildCache',
        effect: 'Allow',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [`arn:${aws.partition}:s3:::${this.cacheLocation}/*`],
      },
    ]);
    cache.key.grantUse(
      grantee,
      { via: ['s3'], mode: 'encrypt-decrypt', context: { key: 'aws:s3:arn', values: [cache.bucketArn, `${cache.bucketArn}/*`] } },
      RUNNER_POLICY,
    );
  }
}
