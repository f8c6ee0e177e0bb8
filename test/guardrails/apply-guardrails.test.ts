import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { App, TerraformStack, Testing } from 'cdktf';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceTrust } from '../../constructs/iam/policy';
import { Role } from '../../constructs/iam/role';
import { applyGuardrails } from '../../guardrails/apply-guardrails';
import { evaluate, SUPPRESSION_RULE_ID } from '../../guardrails/evaluate';
import { LambdaAsyncFailuresCaptured } from '../../guardrails/rules/lambda-async-failures-captured';
import { IamNoWriteOnWildcardResource } from '../../guardrails/rules/iam-no-write-on-wildcard-resource';
import { SECURITY_PACK } from '../../guardrails/security-pack';
import { suppress } from '../../guardrails/suppressions';
import { SynthesizedStack } from '../../guardrails/synthesized-stack';
import { buildApp } from '../../main';
import { SAGEMAKER_PROJECT_STACK } from '../../stacks/sagemaker-project-stack';
import { testConfig } from '../support/synth';

const outdir = () => mkdtempSync(join(tmpdir(), 'guardrails-'));
const REASON = 'invoked only synchronously, by aws_lambda_invocation while terraform applies';

/** The synthesized JSON cdktf wrote for a stack. */
const written = (app: App, stack: string) => JSON.parse(readFileSync(join(app.outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));

/** Synthesizes and returns the error message, or fails when synth passes. */
function synthFailure(app: App): string {
  try {
    app.synth();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('synth passed');
}

/** An app with one stack holding what `build` adds, guarded by the security pack. */
function guardedApp(build: (stack: TerraformStack) => void): App {
  const app = Testing.app({ outdir: outdir() });
  const stack = new TerraformStack(app, 'guarded');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  build(stack);
  applyGuardrails(app, SECURITY_PACK);
  return app;
}

const lambda = (stack: TerraformStack) =>
  new LambdaFunction(stack, 'seed', { functionName: 'seed', role: 'arn:aws:iam::123456789012:role/seed', runtime: 'nodejs22.x', timeout: 60, memorySize: 256 });

describe('the security pack applied to the app', () => {
  /** Configurations that switch optional constructs on: each must pass the pack too. */
  const variants: Array<[string, Record<string, string>]> = [
    ['defaults (oidc)', {}],
    [
      'access keys, CommandRunner type registration, S3 project template, own subnet and security group',
      {
        SMP_GITLAB_CI_AUTH_MODE: 'access-keys',
        SMP_COMMAND_RUNNER_TYPE_RELEASE_PACKAGE: 's3://platform-artifacts/awsutility-cloudformation-commandrunner.zip',
        SMP_S3_PROJECT_TEMPLATE_ENABLED: 'true',
        SMP_COMMAND_RUNNER_SUBNET_ID: 'subnet-0123456789abcdef0',
        SMP_COMMAND_RUNNER_SECURITY_GROUP_ID: 'sg-0123456789abcdef0',
      },
    ],
  ];

  test.each(variants)('%s: every stack passes, and the pack had resources of each kind to check', (_name, env) => {
    const app = buildApp(testConfig(env), { outdir: outdir() });
    app.synth();
    const stacks = [SAGEMAKER_PROJECT_STACK, 'service-catalog'].map((name) => new SynthesizedStack(name, written(app, name)));
    for (const stack of stacks) expect(evaluate(stack, SECURITY_PACK).findings).toEqual([]);
    const types = new Set(stacks.flatMap((stack) => stack.elements.map((element) => element.type)));
    for (const type of [
      'aws_s3_bucket',
      'aws_dynamodb_table',
      'aws_cloudwatch_log_group',
      'aws_secretsmanager_secret',
      'aws_kms_key',
      'aws_iam_role_policy',
      'output',
    ]) {
      expect(types).toContain(type);
    }
  });

  test('every suppression in the app is listed with its reason (review them when they change)', () => {
    const app = buildApp(testConfig(variants[1][1]), { outdir: outdir() });
    app.synth();
    const suppressed = [SAGEMAKER_PROJECT_STACK, 'service-catalog'].flatMap(
      (name) => evaluate(new SynthesizedStack(name, written(app, name)), SECURITY_PACK).suppressed,
    );
    const jobMetrics =
      "cloudwatch:PutMetricData supports no resource-level permissions; the cloudwatch:namespace condition limits it to SageMaker's /aws/sagemaker/ namespaces";
    const boundaryPassRole =
      "a boundary caps every project at once: it admits passing the roles under the project IAM path (each created with this boundary) to SageMaker; each role's own policy names its one pipeline role";
    expect(suppressed.map(({ ruleId, path, subject, reason }) => ({ ruleId, path, subject, reason }))).toEqual([
      {
        ruleId: 'CKV_AWS_116',
        path: 'sagemaker-project/seeding/function/function',
        subject: undefined,
        reason: 'invoked only synchronously, by aws_lambda_invocation while terraform applies; a failure fails the apply',
      },
      { ruleId: 'CKV_AWS_111', path: 'sagemaker-project/identities/pipeline-role/policy-sagemaker-document', subject: 'JobMetrics', reason: jobMetrics },
      { ruleId: 'CKV_AWS_111', path: 'service-catalog/project-boundary/document', subject: 'PipelineJobMetrics', reason: jobMetrics },
      {
        ruleId: 'CKV_AWS_111',
        path: 'service-catalog/command-runner-type/execution-role/policy-command-runner-handler-document',
        subject: 'HandlerMetrics',
        reason: "cloudwatch:PutMetricData supports no resource-level permissions; the cloudwatch:namespace condition limits it to the handler's namespace",
      },
      {
        ruleId: 'SMP_IAM_PASSROLE_SCOPED',
        path: 'service-catalog/command-runner/role/managed-provisioning-document',
        subject: 'PassProjectFunctionRoles',
        reason:
          'the runner passes the function roles it creates per project, which cannot be named here: only roles under the project IAM path (each created with the project boundary), only to Lambda',
      },
      { ruleId: 'SMP_IAM_PASSROLE_SCOPED', path: 'service-catalog/project-boundary/document', subject: 'CiPassPipelineRole', reason: boundaryPassRole },
      { ruleId: 'SMP_IAM_PASSROLE_SCOPED', path: 'service-catalog/project-boundary/document', subject: 'PipelinePassRoleToOwnJobs', reason: boundaryPassRole },
    ]);
  });

  test('a finding fails synth with the list: rule, construct path, address, problem and fix, one line each', () => {
    const app = buildApp(testConfig(), { outdir: outdir() });
    const stack = app.node.findChild(SAGEMAKER_PROJECT_STACK) as TerraformStack;
    new S3Bucket(stack, 'loose', { bucket: 'loose' });
    lambda(stack);
    const message = synthFailure(app);
    const lines = message.split('\n').filter((line) => line.startsWith(`  [${SAGEMAKER_PROJECT_STACK}]`));
    expect(lines).toHaveLength(5);
    expect(message).toContain(
      'CKV_AWS_21 S3BucketVersioningEnabled at sagemaker-project/loose (aws_s3_bucket.loose): versioning is not enabled. Fix: Add an aws_s3_bucket_versioning',
    );
    expect(message).toContain('CKV_AWS_116 LambdaAsyncFailuresCaptured at sagemaker-project/seed (aws_lambda_function.seed)');
  });

  test('the failing stack is not written', () => {
    const app = guardedApp((stack) => new S3Bucket(stack, 'loose', { bucket: 'loose' }));
    synthFailure(app);
    expect(() => written(app, 'guarded')).toThrow(/ENOENT/);
  });

  test('guardrails cannot be skipped with skipValidation', () => {
    const app = new App({ outdir: outdir(), skipValidation: true });
    new TerraformStack(app, 'skipped');
    expect(() => applyGuardrails(app, SECURITY_PACK)).toThrow('suppress findings with suppress() instead');
  });
});

describe('suppressions', () => {
  test('a suppression with a reason accepts the finding and lands in the synthesized metadata', () => {
    const app = guardedApp((stack) => suppress(lambda(stack), LambdaAsyncFailuresCaptured.id, REASON));
    app.synth();
    const json = written(app, 'guarded');
    expect(json.resource.aws_lambda_function.seed['//'].guardrails.suppressions).toEqual([{ rule: 'CKV_AWS_116', reason: REASON }]);
    expect(evaluate(new SynthesizedStack('guarded', json), SECURITY_PACK).suppressed).toEqual([
      expect.objectContaining({ ruleId: 'CKV_AWS_116', path: 'guarded/seed', reason: REASON }),
    ]);
  });

  test('a suppression on a construct covers what is under it, and appliesTo limits it to the named statements', () => {
    const app = guardedApp((stack) => {
      const role = new Role(stack, 'role', { roleName: 'r', description: 'r', trust: [serviceTrust('lambda.amazonaws.com')] });
      role.addToPolicy('p', [
        { sid: 'NoResourceLevel', effect: 'Allow', actions: ['ecr:GetAuthorizationToken', 'cloudwatch:PutMetricData'], resources: ['*'] },
        { sid: 'Careless', effect: 'Allow', actions: ['s3:PutObject'], resources: ['*'] },
      ]);
      suppress(role, IamNoWriteOnWildcardResource.id, 'cloudwatch:PutMetricData supports no resource-level permissions', { appliesTo: ['NoResourceLevel'] });
    });
    const message = synthFailure(app);
    expect(message).toContain(
      'CKV_AWS_111 IamNoWriteOnWildcardResource at guarded/role/policy-p-document (data.aws_iam_policy_document.role_policy-p-document_',
    );
    expect(message).toContain('statement Careless: allows s3:PutObject on every resource.');
    expect(message).not.toContain('NoResourceLevel');
  });

  test('a suppression needs a reason a reviewer can judge', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    expect(() => suppress(stack, 'CKV_AWS_116', '')).toThrow('Suppression of CKV_AWS_116 at stack is rejected: its reason must say why');
    expect(() => suppress(stack, 'CKV_AWS_116', 'sync only')).toThrow('at least 20 characters');
    expect(() => suppress(stack, 'CKV_AWS_116', REASON, { appliesTo: [] })).toThrow('appliesTo must list at least one subject');
  });

  test('a suppression written around the API, or naming no rule of the pack, is itself a finding', () => {
    const app = guardedApp((stack) => {
      lambda(stack).addOverride('//.guardrails.suppressions', [{ rule: 'CKV_AWS_116', reason: '' }]);
      suppress(new S3Bucket(stack, 'b', { bucket: 'b' }), 'CKV_AWS_999', REASON);
    });
    const message = synthFailure(app);
    expect(message).toContain(
      `${SUPPRESSION_RULE_ID} SuppressionsNameARuleAndAReason at guarded/seed (aws_lambda_function.seed): a suppression of "CKV_AWS_116" is not accepted`,
    );
    expect(message).toContain('CKV_AWS_116 LambdaAsyncFailuresCaptured at guarded/seed');
    expect(message).toContain('a suppression of "CKV_AWS_999" is not accepted: it names CKV_AWS_999, which is not a rule of the applied pack.');
  });
});
