import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { runnerBuildspec } from '../../../constructs/codebuild-runner/buildspec';
import {
  AL2023_STANDARD_IMAGE,
  CODEBUILD_CACHE_PREFIX,
  CodeBuildRunner,
  CodeBuildRunnerProps,
  PROVISION_PROJECT_ENTRY,
} from '../../../constructs/codebuild-runner/codebuild-runner';
import { bundleLambda } from '../../../constructs/sagemaker-project/lambda-bundle';
import { evaluate } from '../../../guardrails/evaluate';
import { formatFinding } from '../../../guardrails/rule';
import { SECURITY_PACK } from '../../../guardrails/security-pack';
import { SynthesizedStack } from '../../../guardrails/synthesized-stack';
import { ExistingKey } from '../../../constructs/security/encryption-key';
import { renderTerraform } from '../../support/command-runner';
import { addressOf, awsRefs, child, configOf, granteeRole, inlinePolicy, inlinePolicyNames, ref, statementsOf, synthScope } from '../../support/synth-scope';

import { CODEBUILD_RUNNER_PROPS as PROPS } from '../../support/codebuild-runner';

jest.mock('../../../constructs/sagemaker-project/lambda-bundle', () => require('../../support/fake-lambda-bundle').lambdaBundleModule());

/** The runner alone, with a launch role it grants invoke to. */
const runnerIn = (props: Partial<CodeBuildRunnerProps> = {}) =>
  synthScope((scope) => {
    const runner = new CodeBuildRunner(scope, 'codebuild-runner', { ...PROPS, ...props });
    const launchRole = granteeRole(scope, 'launch');
    runner.grantInvoke(launchRole);
    return { runner, launchRole, stack: TerraformStack.of(scope) };
  });

const { json, tf, built } = runnerIn();
const { runner } = built;
const project = configOf(tf, runner.project);
const queueArn = ref(runner.failureQueue, 'arn');

describe('CodeBuildRunner: the CodeBuild project', () => {
  test('runs the inline buildspec on the pinned Amazon Linux 2023 image, as the runner role, with no source and no artifacts', () => {
    expect(json).toHaveResourceWithProperties(CodebuildProject, {
      name: PROPS.projectName,
      service_role: PROPS.runnerRoleArn,
      encryption_key: PROPS.kmsKeyArn,
      artifacts: { type: 'NO_ARTIFACTS' },
    });
    expect(project.source.type).toBe('NO_SOURCE');
    expect(project.environment).toMatchObject({
      type: 'LINUX_CONTAINER',
      image: AL2023_STANDARD_IMAGE,
      compute_type: 'BUILD_GENERAL1_SMALL',
      image_pull_credentials_type: 'CODEBUILD',
      privileged_mode: false,
    });
    // What CodeBuild receives once Terraform renders the escaped `${...}`: exactly the generated buildspec.
    expect(parse(renderTerraform(project.source.buildspec))).toEqual(runnerBuildspec().document);
  });

  test("times out below the custom resource's ServiceTimeout, caches in the platform bucket and logs to the given group", () => {
    expect(json).toHaveResourceWithProperties(CodebuildProject, {
      build_timeout: 20,
      queued_timeout: 5,
      cache: { type: 'S3', location: `${PROPS.bucketName}/codebuild-runner-cache` },
      logs_config: { cloudwatch_logs: { status: 'ENABLED', group_name: PROPS.logGroupName }, s3_logs: { status: 'DISABLED' } },
    });
    expect(runner.cachePrefix).toBe(CODEBUILD_CACHE_PREFIX);
    expect(runner.serviceTimeoutSeconds).toBe((20 + 5) * 60 + 300);
    expect(runner.serviceTimeoutSeconds).toBeLessThan(3600);
  });

  test('carries the platform keys of the parameters file, fixed at synth', () => {
    expect(project.environment.environment_variable).toEqual([
      { name: 'TF_STATE_BUCKET', value: PROPS.bucketName, type: 'PLAINTEXT' },
      { name: 'TF_STATE_LOCK_TABLE', value: PROPS.lockTableName, type: 'PLAINTEXT' },
      { name: 'TF_STATE_KEY_PREFIX', value: 'sagemaker-projects', type: 'PLAINTEXT' },
      { name: 'TF_STATE_KMS_KEY_ARN', value: PROPS.kmsKeyArn, type: 'PLAINTEXT' },
      { name: 'TERRAFORM_VERSION', value: '1.11.4', type: 'PLAINTEXT' },
      { name: 'TERRAFORM_SHA256', value: PROPS.terraformSha256, type: 'PLAINTEXT' },
      { name: 'ARTIFACT_BUCKET_ON_DELETE', value: 'empty', type: 'PLAINTEXT' },
    ]);
  });

  test('a separate state key, image, compute type and cache prefix can be given', () => {
    const other = runnerIn({
      stateKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/other',
      image: 'aws/codebuild/custom:1',
      computeType: 'BUILD_GENERAL1_MEDIUM',
      cachePrefix: 'cache',
    });
    expect(other.built.runner.cachePrefix).toBe('cache');
    expect(other.json).toHaveResourceWithProperties(CodebuildProject, {
      encryption_key: PROPS.kmsKeyArn,
      cache: { type: 'S3', location: `${PROPS.bucketName}/cache` },
      environment: expect.objectContaining({
        image: 'aws/codebuild/custom:1',
        compute_type: 'BUILD_GENERAL1_MEDIUM',
        environment_variable: expect.arrayContaining([
          { name: 'TF_STATE_KMS_KEY_ARN', value: 'arn:aws:kms:us-east-1:123456789012:key/other', type: 'PLAINTEXT' },
        ]),
      }),
    });
  });

  test('build timeouts that CloudFormation could not wait for are refused at synth', () => {
    expect(() => runnerIn({ buildTimeoutMinutes: 60 })).toThrow(
      "CodeBuildRunner stack/codebuild-runner: buildTimeoutMinutes (60) + queuedTimeoutMinutes (5) + 5 minutes to answer exceed CloudFormation's custom resource ServiceTimeout of at most 60 minutes; lower the build timeouts.",
    );
  });
});

describe('CodeBuildRunner: the provisioning function', () => {
  test('is the bundled provision-project handler on Node.js 22, told its one project; its ARN is the service token', () => {
    expect(jest.mocked(bundleLambda)).toHaveBeenCalledWith(PROVISION_PROJECT_ENTRY);
    expect(json).toHaveResourceWithProperties(LambdaFunction, {
      function_name: PROPS.functionName,
      runtime: 'nodejs22.x',
      timeout: 60,
      environment: { variables: { RUNNER_PROJECT_NAME: PROPS.projectName } },
    });
    expect(runner.serviceToken).toBe(runner.function.functionArn);
  });

  test('its role may start and read builds of that one project, use its failure queue and write its own logs: nothing else', () => {
    const { partition, region, account } = awsRefs(tf);
    expect(inlinePolicyNames(tf, runner.functionRole).sort()).toEqual(['function-logs', 'provision-project']);
    expect(inlinePolicy(tf, runner.functionRole, 'provision-project')).toEqual([
      { sid: 'RunnerBuilds', effect: 'Allow', actions: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'], resources: [ref(runner.project, 'arn')] },
      {
        sid: 'FailureQueue',
        effect: 'Allow',
        actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [queueArn],
      },
    ]);
    expect(inlinePolicy(tf, runner.functionRole, 'function-logs')).toEqual([
      {
        sid: 'WriteOwnLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`arn:${partition}:logs:${region}:${account}:log-group:/aws/lambda/example-dev-mlops-provision-project:*`],
      },
    ]);
    expect(statementsOf(tf, configOf(tf, runner.functionRole.resource).assume_role_policy)).toEqual([
      { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] },
    ]);
  });

  test('failed asynchronous invocations are never retried and go to the failure queue, which the function reads', () => {
    expect(json).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
      maximum_retry_attempts: 0,
      maximum_event_age_in_seconds: 600,
      destination_config: { on_failure: { destination: queueArn } },
    });
    expect(json).toHaveResourceWithProperties(LambdaEventSourceMapping, {
      function_name: ref(runner.function.resource, 'arn'),
      event_source_arn: queueArn,
      batch_size: 1,
    });
  });

  test('the failure queue is encrypted, outlives a handled message, and hands poison messages to its dead-letter queue after 3 tries', () => {
    expect(json).toHaveResourceWithProperties(SqsQueue, { name: PROPS.failureQueueName, sqs_managed_sse_enabled: true, visibility_timeout_seconds: 360 });
    expect(json).toHaveResourceWithProperties(SqsQueue, {
      name: `${PROPS.failureQueueName}-dlq`,
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1209600,
    });
    expect(configOf(tf, runner.failureQueue).redrive_policy).toBe(
      `\${jsonencode({"deadLetterTargetArn" = ${addressOf(runner.deadLetterQueue)}.arn, "maxReceiveCount" = 3})}`,
    );
  });

  test('finished builds of the project, and only those, reach the function through EventBridge, retried, then kept in the failure queue', () => {
    expect(json).toHaveResourceWithProperties(CloudwatchEventRule, { name: PROPS.ruleName });
    expect(configOf(tf, runner.rule).event_pattern).toBe(
      '${jsonencode({"source" = ["aws.codebuild"], "detail-type" = ["CodeBuild Build State Change"], "detail" = {"project-name" = ["example-dev-mlops-terraform-runner"], "build-status" = ["SUCCEEDED", "FAILED", "FAULT", "STOPPED", "TIMED_OUT"]}})}',
    );
    expect(json).toHaveResourceWithProperties(LambdaPermission, {
      statement_id: 'InvokeFromFinishedBuildsRule',
      principal: 'events.amazonaws.com',
      source_arn: ref(runner.rule, 'arn'),
    });
    expect(json).toHaveResourceWithProperties(CloudwatchEventTarget, {
      rule: ref(runner.rule, 'name'),
      arn: ref(runner.function.resource, 'arn'),
      retry_policy: { maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 8 },
      dead_letter_config: { arn: queueArn },
    });
  });

  test('only that rule may send undeliverable events to the failure queue', () => {
    const policy = statementsOf(tf, configOf(tf, child(runner, 'failures-policy')).policy);
    expect(policy[0]).toMatchObject({
      sid: 'UndeliverableBuildEvents',
      resources: [queueArn],
      condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [ref(runner.rule, 'arn')] }],
    });
    expect(policy[1].sid).toBe('DenyInsecureTransport');
  });
});

describe('CodeBuildRunner: grants', () => {
  test('grantInvoke lets the launch role call the function, and nothing more', () => {
    expect(inlinePolicy(tf, built.launchRole, 'invoke-provision-project')).toEqual([
      { sid: 'InvokeProvisionProject', effect: 'Allow', actions: ['lambda:InvokeFunction'], resources: [ref(runner.function.resource, 'arn')] },
    ]);
  });

  test("grantRunner gives the runner role the build log group, the cache prefix, and the key for that bucket's objects only", () => {
    const cacheBucketArn = 'arn:aws:s3:::example-dev-mlops-tfstate-123456789012-us-east-1';
    const { tf: probe, built: probeBuilt } = synthScope((scope) => {
      const codeBuild = new CodeBuildRunner(scope, 'codebuild-runner', PROPS);
      const key = new ExistingKey(scope, 'platform-key', 'alias/example-dev-mlops');
      const role = granteeRole(scope, 'runner');
      codeBuild.grantRunner(role, { key, bucketArn: cacheBucketArn });
      return { role, key };
    });
    const { partition, region, account } = awsRefs(probe);
    expect(inlinePolicyNames(probe, probeBuilt.role)).toEqual(['codebuild']);
    expect(inlinePolicy(probe, probeBuilt.role, 'codebuild')).toEqual([
      {
        sid: 'RunnerBuildLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`arn:${partition}:logs:${region}:${account}:log-group:/example-dev-mlops/terraform-runs:log-stream:*`],
      },
      {
        sid: 'RunnerBuildCache',
        effect: 'Allow',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [`arn:${partition}:s3:::example-dev-mlops-tfstate-123456789012-us-east-1/codebuild-runner-cache/*`],
      },
      {
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [ref(child(probeBuilt.key, 'key'), 'arn')],
        condition: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${region}.amazonaws.com`] },
          { test: 'StringLike', variable: 'kms:EncryptionContext:aws:s3:arn', values: [cacheBucketArn, `${cacheBucketArn}/*`] },
        ],
      },
    ]);
  });
});

describe('CodeBuildRunner: guardrails', () => {
  test('passes the security pack with no finding and no suppression', () => {
    const findings = evaluate(new SynthesizedStack('runner', built.stack.toTerraform()), SECURITY_PACK).findings.map(formatFinding);
    expect(findings).toEqual([]);
    expect(JSON.stringify(built.stack.toTerraform())).not.toContain('guardrails:suppression');
  });
});
