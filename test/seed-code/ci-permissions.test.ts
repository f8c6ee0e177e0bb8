import { resources, synthApp, testConfig } from '../support/synth';

/**
 * The GitLab CI identity's policy, as synthesized, against the AWS calls the seed code's CI jobs
 * make: every call is allowed, nothing else the jobs could be tricked into doing is, and no
 * permission goes unused.
 */

const ACCOUNT = '123456789012';
const PROJECT_ID = 'p-abcdefghijkl';
const PIPELINE = `abalone-demo-${PROJECT_ID}`;
const BUCKET = `arn:aws:s3:::sagemaker-project-${PROJECT_ID}`;
const PIPELINE_ROLE = `arn:aws:iam::${ACCOUNT}:role/service-role/AmazonSageMakerServiceCatalogProductsUseRole`;
const sagemaker = (resource: string, region = 'us-east-1') => `arn:aws:sagemaker:${region}:${ACCOUNT}:${resource}`;
const PASSED_TO_SAGEMAKER = { 'iam:PassedToService': 'sagemaker.amazonaws.com' };

interface Call {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
}

const on = (resource: string, actions: string[], context?: Record<string, string>): Call[] => actions.map((action) => ({ action, resource, context }));

/** Every AWS call of the seed code's CI jobs, by who makes it. */
const CALLS: Record<string, Call[]> = {
  // model-build run-pipeline: PipelineSession(default_bucket=ARTIFACT_BUCKET) checks the bucket
  // (HeadBucket) and uploads the step scripts to <pipeline>/code/<hash>/; Pipeline.upsert creates,
  // or updates and re-tags; start describes then starts; the waiter polls and lists failed steps.
  'SageMaker Python SDK': [
    ...on(BUCKET, ['s3:ListBucket']),
    ...on(`${BUCKET}/${PIPELINE}/code/3f2a9c/preprocess.py`, ['s3:PutObject']),
    ...on(`${BUCKET}/${PIPELINE}/code/8b1d0e/evaluate.py`, ['s3:PutObject']),
    ...on(sagemaker(`pipeline/${PIPELINE}`), ['sagemaker:CreatePipeline', 'sagemaker:UpdatePipeline', 'sagemaker:DescribePipeline', 'sagemaker:ListTags', 'sagemaker:AddTags', 'sagemaker:StartPipelineExecution']),
    ...on(PIPELINE_ROLE, ['iam:PassRole'], PASSED_TO_SAGEMAKER),
  ],
  'pipelines/execution.py': on(sagemaker(`pipeline/${PIPELINE}/execution/k3lk5m6n7o8p`), ['sagemaker:DescribePipelineExecution', 'sagemaker:ListPipelineExecutionSteps']),
  // model-deploy build-stage-variables.
  'scripts/build_stage_variables.py': [
    ...on('*', ['sagemaker:ListModelPackages']),
    ...on(sagemaker(`model-package/${PIPELINE}/7`), ['sagemaker:DescribeModelPackage']),
  ],
  // model-deploy deploy-staging / deploy-prod: S3 backend with use_lockfile, then the aws provider.
  terraform: [
    ...on(BUCKET, ['s3:ListBucket']),
    ...on(`${BUCKET}/model-deploy/staging/terraform.tfstate`, ['s3:GetObject', 's3:PutObject']),
    ...on(`${BUCKET}/model-deploy/prod/terraform.tfstate.tflock`, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']),
    ...on(sagemaker('model/abalone-demo-staging-v7-1a2b3c4d'), ['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:DeleteModel', 'sagemaker:AddTags', 'sagemaker:ListTags', 'sagemaker:DeleteTags']),
    ...on(sagemaker('endpoint-config/abalone-demo-staging-5e6f7a8b'), ['sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DeleteEndpointConfig', 'sagemaker:AddTags', 'sagemaker:ListTags']),
    ...on(sagemaker('endpoint/abalone-demo-prod'), ['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint', 'sagemaker:AddTags', 'sagemaker:ListTags', 'sagemaker:DeleteTags']),
    ...on(PIPELINE_ROLE, ['iam:PassRole'], PASSED_TO_SAGEMAKER),
  ],
  'scripts/check_endpoint.py': on(sagemaker('endpoint/abalone-demo-staging'), ['sagemaker:InvokeEndpoint']),
};

/** What a CI job must never be able to do, whatever its code says. */
const FORBIDDEN: Array<[string, Call]> = [
  ['approve its own model', { action: 'sagemaker:UpdateModelPackage', resource: sagemaker(`model-package/${PIPELINE}/7`) }],
  ['register models itself', { action: 'sagemaker:CreateModelPackage', resource: sagemaker(`model-package/${PIPELINE}/8`) }],
  ['delete registered models', { action: 'sagemaker:DeleteModelPackage', resource: sagemaker(`model-package/${PIPELINE}/7`) }],
  ['overwrite model artifacts the pipeline wrote', { action: 's3:PutObject', resource: `${BUCKET}/${PIPELINE}/models/pipelines-k3lk5m6n7o8p/output/model.tar.gz` }],
  ['read the training data', { action: 's3:GetObject', resource: `${BUCKET}/${PIPELINE}/k3lk5m6n7o8p/PreprocessAbaloneData/output/train/train.csv` }],
  ['delete pipeline code', { action: 's3:DeleteObject', resource: `${BUCKET}/${PIPELINE}/code/3f2a9c/preprocess.py` }],
  ['write another bucket', { action: 's3:PutObject', resource: 'arn:aws:s3:::company-data/model-deploy/x' }],
  ['pass the pipeline role to another service', { action: 'iam:PassRole', resource: PIPELINE_ROLE, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } }],
  ['pass another role', { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/admin`, context: PASSED_TO_SAGEMAKER }],
  ['run pipelines in another region', { action: 'sagemaker:StartPipelineExecution', resource: sagemaker(`pipeline/${PIPELINE}`, 'eu-west-1') }],
  ['delete pipelines', { action: 'sagemaker:DeletePipeline', resource: sagemaker(`pipeline/${PIPELINE}`) }],
  ['start training jobs directly', { action: 'sagemaker:CreateTrainingJob', resource: sagemaker('training-job/x') }],
];

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
const glob = (pattern: string, flags = '') => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, flags);

function allows(statement: any, call: Call): boolean {
  if (statement.effect !== 'Allow') return false;
  if (!statement.actions.some((action: string) => glob(action, 'i').test(call.action))) return false;
  if (!statement.resources.some((resource: string) => glob(resource).test(call.resource))) return false;
  return (statement.condition ?? []).every((condition: any) => {
    const value = call.context?.[condition.variable];
    if (value === undefined) return false;
    if (condition.test === 'StringEquals') return condition.values.includes(value);
    if (condition.test === 'StringLike') return condition.values.some((pattern: string) => glob(pattern).test(value));
    throw new Error(`condition operator ${condition.test} is not modelled here`);
  });
}

/** The synthesized statements of the CI identity, with account, partition, region and the role made concrete. */
function ciStatements(mode: 'oidc' | 'access-keys'): any[] {
  const { serviceCatalog } = synthApp(testConfig({ SMP_GITLAB_CI_AUTH_MODE: mode }));
  const documents = Object.values(resources(serviceCatalog, 'aws_iam_policy_document', 'data')).filter((document: any) =>
    (document.statement ?? []).some((statement: any) => statement.sid === 'RunModelBuildPipeline'),
  );
  expect(documents).toHaveLength(1);
  const concrete = JSON.stringify((documents[0] as any).statement)
    .replace(/\$\{data\.aws_partition\.[^}]+\.partition\}/g, 'aws')
    .replace(/\$\{data\.aws_region\.[^}]+\.name\}/g, 'us-east-1')
    .replace(/\$\{data\.aws_caller_identity\.[^}]+\.account_id\}/g, ACCOUNT)
    .replace(/\$\{data\.aws_iam_role\.[^}]+\.arn\}/g, PIPELINE_ROLE);
  expect(concrete).not.toContain('${');
  return JSON.parse(concrete);
}

describe.each(['oidc', 'access-keys'] as const)('GitLab CI identity (%s mode)', (mode) => {
  const statements = ciStatements(mode);
  const allowed = (call: Call) => statements.some((statement) => allows(statement, call));

  test.each(Object.entries(CALLS))('allows every call of %s', (_who, calls) => {
    expect(calls.filter((call) => !allowed(call))).toEqual([]);
  });

  test.each(FORBIDDEN)('does not let a job %s', (_what, call) => {
    expect(allowed(call)).toBe(false);
  });

  test('grants no action the seed code does not call', () => {
    const called = new Set(Object.values(CALLS).flat().map((call) => call.action));
    const granted = statements.flatMap((statement) => statement.actions);
    expect(granted.filter((action: string) => !called.has(action))).toEqual([]);
  });

  test('allows writes only on named resource patterns, never on every resource', () => {
    for (const statement of statements.filter((candidate) => candidate.resources.includes('*'))) {
      expect(statement.actions).toEqual(['sagemaker:ListModelPackages']);
    }
  });
});
