import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
// Types of the matchers Testing.setupJest() installs (test/setup.ts); they compare snake_case keys.
import type {} from 'cdktf/lib/testing/adapters/jest';
import { parse } from 'yaml';
import { runnerBuildspec } from '../../constructs/codebuild-runner/buildspec';
import { AL2023_STANDARD_IMAGE } from '../../constructs/codebuild-runner/codebuild-runner';
import { terraformRunResource } from '../../constructs/codebuild-runner/template-resource';
import { checkProperties } from '../../lambda/provision-project/properties';
import { evaluate } from '../../guardrails/evaluate';
import { formatFinding } from '../../guardrails/rule';
import { SECURITY_PACK } from '../../guardrails/security-pack';
import { SynthesizedStack } from '../../guardrails/synthesized-stack';
import { byPath, refTo, rolePolicy, statementsOf } from '../support/synth';
import { renderTerraform } from '../command-runner/support';
import { PROPS, synthRunner } from './support';

const { runner, stack, json, synthesized } = synthRunner();

describe('CodeBuildRunner: the CodeBuild project', () => {
  test('runs the inline buildspec on the pinned Amazon Linux 2023 image, as the runner role, with no source and no artifacts', () => {
    expect(json).toHaveResourceWithProperties(CodebuildProject, {
      name: PROPS.projectName,
      service_role: PROPS.runnerRoleArn,
      encryption_key: PROPS.kmsKeyArn,
      artifacts: { type: 'NO_ARTIFACTS' },
    });
    const project = byPath(synthesized, 'aws_codebuild_project', 'codebuild-runner/project');
    expect(project.source.type).toBe('NO_SOURCE');
    expect(project.environment).toMatchObject({ type: 'LINUX_CONTAINER', image: AL2023_STANDARD_IMAGE, compute_type: 'BUILD_GENERAL1_SMALL', image_pull_credentials_type: 'CODEBUILD', privileged_mode: false });
    // What CodeBuild receives once Terraform renders the escaped `${...}`: exactly the generated buildspec.
    expect(parse(renderTerraform(project.source.buildspec))).toEqual(runnerBuildspec().document);
  });

  test('times out below the custom resource\'s ServiceTimeout, caches in the platform bucket and logs to the given group', () => {
    expect(json).toHaveResourceWithProperties(CodebuildProject, {
      build_timeout: 20,
      queued_timeout: 5,
      cache: { type: 'S3', location: `${PROPS.bucketName}/codebuild-runner-cache` },
      logs_config: { cloudwatch_logs: { status: 'ENABLED', group_name: PROPS.logGroupName }, s3_logs: { status: 'DISABLED' } },
    });
    expect(runner.serviceTimeoutSeconds).toBe((20 + 5) * 60 + 300);
    expect(runner.serviceTimeoutSeconds).toBeLessThan(3600);
  });

  test('carries the platform keys of the parameters file, fixed at synth', () => {
    const project = byPath(synthesized, 'aws_codebuild_project', 'codebuild-runner/project');
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

  test('build timeouts that CloudFormation could not wait for are refused at synth', () => {
    expect(() => synthRunner({ buildTimeoutMinutes: 60 })).toThrow(/exceed CloudFormation's custom resource ServiceTimeout of at most 60 minutes/);
  });
});

describe('CodeBuildRunner: the provisioning function', () => {
  test('is a Node.js 22 function told its one project', () => {
    expect(json).toHaveResourceWithProperties(LambdaFunction, {
      function_name: PROPS.functionName,
      runtime: 'nodejs22.x',
      timeout: 60,
      environment: { variables: { RUNNER_PROJECT_NAME: PROPS.projectName } },
    });
  });

  test('its role may start and read builds of that one project, use its failure queue and write its own logs: nothing else', () => {
    const statements = rolePolicy(synthesized, 'codebuild-runner/function-role', 'provision-project');
    const projectArn = refTo(synthesized, 'aws_codebuild_project', 'codebuild-runner/project', 'arn');
    const queueArn = refTo(synthesized, 'aws_sqs_queue', 'codebuild-runner/failures', 'arn');
    expect(statements).toEqual([
      { sid: 'RunnerBuilds', effect: 'Allow', actions: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'], resources: [projectArn] },
      { sid: 'FailureQueue', effect: 'Allow', actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], resources: [queueArn] },
    ]);
    expect(rolePolicy(synthesized, 'codebuild-runner/function-role', 'function-logs')).toEqual([
      { sid: 'WriteOwnLogs', effect: 'Allow', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [expect.stringMatching(/:log-group:\/aws\/lambda\/example-dev-mlops-provision-project:\*$/)] },
    ]);
    const trust = statementsOf(synthesized, byPath(synthesized, 'aws_iam_role', 'codebuild-runner/function-role/role').assume_role_policy);
    expect(trust).toEqual([{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] }]);
  });

  test('failed asynchronous invocations are never retried and go to the failure queue, which the function reads', () => {
    const queueArn = refTo(synthesized, 'aws_sqs_queue', 'codebuild-runner/failures', 'arn');
    expect(json).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, { maximum_retry_attempts: 0, destination_config: { on_failure: { destination: queueArn } } });
    const mapping = byPath(synthesized, 'aws_lambda_event_source_mapping', 'codebuild-runner/failure-queue-source');
    expect(mapping).toMatchObject({ event_source_arn: queueArn, batch_size: 1 });
    const queue = byPath(synthesized, 'aws_sqs_queue', 'codebuild-runner/failures');
    const deadLetters = refTo(synthesized, 'aws_sqs_queue', 'codebuild-runner/dead-letters', 'arn').slice(2, -1);
    expect(queue.redrive_policy).toBe(`\${jsonencode({"deadLetterTargetArn" = ${deadLetters}, "maxReceiveCount" = 3})}`);
  });

  test('finished builds of the project, and only those, reach the function through EventBridge', () => {
    const rule = byPath(synthesized, 'aws_cloudwatch_event_rule', 'codebuild-runner/finished-builds');
    expect(json).toHaveResourceWithProperties(CloudwatchEventRule, { name: PROPS.ruleName });
    expect(rule.event_pattern).toBe(
      '${jsonencode({"source" = ["aws.codebuild"], "detail-type" = ["CodeBuild Build State Change"], "detail" = {"project-name" = ["example-dev-mlops-terraform-runner"], "build-status" = ["SUCCEEDED", "FAILED", "FAULT", "STOPPED", "TIMED_OUT"]}})}',
    );
    const permission = byPath(synthesized, 'aws_lambda_permission', 'codebuild-runner/invoke-from-rule');
    expect(permission).toMatchObject({ principal: 'events.amazonaws.com', source_arn: refTo(synthesized, 'aws_cloudwatch_event_rule', 'codebuild-runner/finished-builds', 'arn') });
  });

  test('the launch role may invoke the function, and nothing more through this grant', () => {
    expect(rolePolicy(synthesized, 'launch-role', 'invoke-provision-project')).toEqual([
      { sid: 'InvokeProvisionProject', effect: 'Allow', actions: ['lambda:InvokeFunction'], resources: [refTo(synthesized, 'aws_lambda_function', 'codebuild-runner/function/function', 'arn')] },
    ]);
  });

  test('the runner role\'s CodeBuild statements name only the build log group and the cache prefix', () => {
    const statements = runner.runnerStatements();
    expect(statements.map((statement) => statement.actions)).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents'], ['s3:GetObject', 's3:PutObject']]);
    expect(statements[1].resources![0]).toMatch(/:s3:::example-dev-mlops-tfstate-123456789012-us-east-1\/codebuild-runner-cache\/\*$/);
  });

  test('passes the security pack with no finding and no suppression', () => {
    const findings = evaluate(new SynthesizedStack('runner', stack.toTerraform()), SECURITY_PACK).findings.map(formatFinding);
    expect(findings).toEqual([]);
    expect(json).not.toContain('guardrails:suppression');
  });
});

describe('the template\'s custom resource', () => {
  test('carries the service token, the timeout, the form parameters as Refs and the fixed checksums, and nothing the function would refuse', () => {
    const resource = terraformRunResource({ serviceToken: 'arn:aws:lambda:us-east-1:123456789012:function:f', serviceTimeoutSeconds: 1800, terraformCodeSha256: 'a'.repeat(64), runnerScriptSha256: 'b'.repeat(64) });
    expect(resource).toEqual({
      Type: 'Custom::SageMakerProjectTerraform',
      Properties: {
        ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:f',
        ServiceTimeout: 1800,
        SageMakerProjectName: { Ref: 'SageMakerProjectName' },
        SageMakerProjectId: { Ref: 'SageMakerProjectId' },
        GitBuildRepoName: { Ref: 'GitBuildRepoName' },
        GitDeployRepoName: { Ref: 'GitDeployRepoName' },
        TerraformCodeSha256: 'a'.repeat(64),
        RunnerScriptSha256: 'b'.repeat(64),
      },
    });
    // As CloudFormation sends it: Refs resolved to form values, numbers as strings.
    const sent = { ...resource.Properties, ServiceTimeout: '1800', SageMakerProjectName: 'churn', SageMakerProjectId: 'p-abcdefghijkl', GitBuildRepoName: '', GitDeployRepoName: '' };
    expect(checkProperties(sent).ok).toBe(true);
  });
});
