/**
 * Every project is a tenant: two projects planned in one account by real terraform (the aws provider of
 * the mirror, a fake AWS endpoint), their identities and resource policies read from the plans, the
 * platform's boundary and policies from the synthesized platform stack, and every request decided by an
 * IAM policy simulator. No identity of project A may act on project B; none but the seeding functions
 * (and the runner) may read the namespace token; nobody's CI can approve a model.
 */
import { join } from 'node:path';
import { FAKE_ACCOUNT_ID, FakeAws, kms, secretsManager, useFakeAws } from '../../harness/fake-aws';
import { gitlabProjectStandIns } from '../../harness/offline-transform';
import { plannedResources, TerraformWorkspace } from '../../harness/terraform';
import { VERIFY_GITLAB_TOKEN, VERIFY_KEY_ID } from '../../harness/plan-specs';
import { PROJECT_ID_TAG } from '../../../constructs/sagemaker-project/project-permissions';
import { SAGEMAKER_PROJECT_STACK } from '../../../stacks/sagemaker-project-stack';
import { concretePolicy, decide, PolicyDocument, SimulatedPrincipal, SimulatedRequest } from '../../support/iam-simulation';
import { writeSeedFixture } from '../../support/seed-fixture';
import { byPath, resources, statementsOf, synthApp, Synthesized, testConfig } from '../../support/synth';

const ACCOUNT = FAKE_ACCOUNT_ID;
const REQUEST_TAG = `aws:RequestTag/${PROJECT_ID_TAG}`;
const RESOURCE_TAG = `aws:ResourceTag/${PROJECT_ID_TAG}`;
const REGION = 'us-east-1';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${VERIFY_KEY_ID}`;
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/platform-admin`;
const PREFIX = 'example-dev-mlops';
const TOKEN_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${PREFIX}/gitlab/private-token-AbCdEf`;
const STATE_BUCKET = `${PREFIX}-tfstate-${ACCOUNT}-${REGION}`;

interface Project {
  readonly name: string;
  readonly id: string;
}
/** B's name starts with A's: a name-prefix scope would leak from A to B. */
const A: Project = { name: 'churn', id: 'p-aaaaaaaaaaaa' };
const B: Project = { name: 'churn-v2', id: 'p-bbbbbbbbbbbb' };

const variablesOf = (project: Project) => ({
  sagemaker_project_name: project.name,
  sagemaker_project_id: project.id,
  git_build_repo_name: '',
  git_deploy_repo_name: '',
  cloudformation_stack_id: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/SC-${ACCOUNT}-pp-${project.id.slice(2)}/0a1b2c3d-1111-2222-3333-444455556666`,
});

/** The platform's references, made concrete as the deployed account would resolve them. */
const PLATFORM_VALUES: Array<[RegExp, string]> = [
  [/\$\{data\.aws_partition\.[^}]+\.partition\}/g, 'aws'],
  [/\$\{data\.aws_region\.[^}]+\.name\}/g, REGION],
  [/\$\{data\.aws_caller_identity\.[^}]+\.account_id\}/g, ACCOUNT],
  [/\$\{aws_kms_key\.[^}]+\.arn\}/g, KEY_ARN],
  [/\$\{data\.aws_iam_session_context\.[^}]+\.issuer_arn\}/g, DEPLOYER],
];

const platformPolicy = (stack: Synthesized, documentPath: string): PolicyDocument =>
  concretePolicy(byPath(stack, 'aws_iam_policy_document', documentPath, 'data').statement, PLATFORM_VALUES);

/** A project's identities as one plan creates them: ARN, inline policies and permissions boundary. */
function identitiesOf(plan: any, boundary: PolicyDocument): Map<string, SimulatedPrincipal> {
  const planned = plannedResources(plan);
  const identities = new Map<string, SimulatedPrincipal>();
  for (const [type, policyType, key] of [
    ['aws_iam_role', 'aws_iam_role_policy', 'role'],
    ['aws_iam_user', 'aws_iam_user_policy', 'user'],
  ] as const) {
    for (const identity of planned.filter((resource) => resource.type === type)) {
      const { name, path } = identity.values;
      const policies = planned
        .filter((resource) => resource.type === policyType && resource.values[key] === name)
        .map((policy) => JSON.parse(policy.values.policy));
      if (policies.length === 0) throw new Error(`no policy of ${name} is resolved in the plan`);
      const kind = type === 'aws_iam_role' ? 'role' : 'user';
      identities.set(`${kind}:${String(name).split('-').slice(5).join('-')}`, { arn: `arn:aws:iam::${ACCOUNT}:${kind}${path}${name}`, policies, boundary });
    }
  }
  return identities;
}

const bucketPolicyOf = (plan: any): PolicyDocument =>
  JSON.parse(plannedResources(plan).find((resource) => resource.type === 'aws_s3_bucket_policy')!.values.policy);

/** What an identity could try against `target`'s resources, each request as AWS would receive it. */
function attempts(target: Project, bucketPolicy: PolicyDocument, stateBucketPolicy: PolicyDocument): Array<[string, SimulatedRequest]> {
  const sagemaker = (resource: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${resource}`;
  const group = `${target.name}-${target.id}`;
  const bucket = `${PREFIX}-${target.id}`;
  const on = (what: string, action: string, resource: string, extra: Partial<SimulatedRequest> = {}): [string, SimulatedRequest] => [
    `${what}: ${action}`,
    { action, resource, ...extra },
  ];
  return [
    on('pipeline', 'sagemaker:StartPipelineExecution', sagemaker(`pipeline/${group}`)),
    on('pipeline', 'sagemaker:UpdatePipeline', sagemaker(`pipeline/${group}`)),
    on('pipeline', 'sagemaker:DescribePipelineExecution', sagemaker(`pipeline/${group}/execution/abcdef123456`)),
    on('model package group', 'sagemaker:DescribeModelPackageGroup', sagemaker(`model-package-group/${group}`)),
    on('model package', 'sagemaker:DescribeModelPackage', sagemaker(`model-package/${group}/1`)),
    on('model package', 'sagemaker:CreateModelPackage', sagemaker(`model-package/${group}/2`), {
      context: { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' },
    }),
    on('model package', 'sagemaker:UpdateModelPackage', sagemaker(`model-package/${group}/1`), { context: { 'sagemaker:ModelApprovalStatus': 'Approved' } }),
    on('endpoint', 'sagemaker:UpdateEndpoint', sagemaker(`endpoint/${target.id}-staging`)),
    on('endpoint', 'sagemaker:DeleteEndpoint', sagemaker(`endpoint/${target.id}-prod`)),
    on('endpoint', 'sagemaker:InvokeEndpoint', sagemaker(`endpoint/${target.id}-staging`)),
    on('model', 'sagemaker:CreateModel', sagemaker(`model/${target.id}-staging-v1-0a1b2c3d`)),
    on('endpoint configuration', 'sagemaker:CreateEndpointConfig', sagemaker(`endpoint-config/${target.id}-staging-0a1b2c3d`)),
    on('artifact bucket', 's3:ListBucket', `arn:aws:s3:::${bucket}`, { resourcePolicy: bucketPolicy }),
    on('pipeline code', 's3:PutObject', `arn:aws:s3:::${bucket}/${group}/code/abc/preprocess.py`, { resourcePolicy: bucketPolicy }),
    on('model data', 's3:GetObject', `arn:aws:s3:::${bucket}/${group}/models/model.tar.gz`, { resourcePolicy: bucketPolicy }),
    on('deploy state', 's3:PutObject', `arn:aws:s3:::${bucket}/model-deploy/prod/terraform.tfstate`, { resourcePolicy: bucketPolicy }),
    on('project state', 's3:GetObject', `arn:aws:s3:::${STATE_BUCKET}/sagemaker-projects/${target.id}/terraform.tfstate`, {
      resourcePolicy: stateBucketPolicy,
    }),
    on('project state', 's3:PutObject', `arn:aws:s3:::${STATE_BUCKET}/sagemaker-projects/${target.id}/terraform.tfstate`, {
      resourcePolicy: stateBucketPolicy,
    }),
    on(
      'trigger token',
      'secretsmanager:GetSecretValue',
      `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${PREFIX}/${target.id}/deploy-trigger-token-AbCdEf`,
    ),
    on(
      'trigger token',
      'secretsmanager:PutSecretValue',
      `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${PREFIX}/${target.id}/deploy-trigger-token-AbCdEf`,
    ),
    on('deploy records', 'dynamodb:UpdateItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${PREFIX}-${target.id}-deploys`),
    on('deploy records', 'dynamodb:GetItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${PREFIX}-${target.id}-deploys`),
    on('pipeline role', 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/${PREFIX}/${PREFIX}-${target.id}-pipeline`, {
      context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
    }),
    on('CI user key', 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/${PREFIX}/${PREFIX}-${target.id}-ci`),
    // SageMaker names every pipeline's jobs `pipelines-<execution>-...`: only the project tag tells them apart.
    on('pipeline job', 'sagemaker:CreateTrainingJob', sagemaker('training-job/pipelines-0a1b2c3d4e5f-TrainAbaloneModel-x1y2z3'), {
      context: { [REQUEST_TAG]: target.id, 'aws:TagKeys': [PROJECT_ID_TAG] },
    }),
    on('pipeline job', 'sagemaker:DescribeTrainingJob', sagemaker('training-job/pipelines-0a1b2c3d4e5f-TrainAbaloneModel-x1y2z3'), {
      context: { [RESOURCE_TAG]: target.id },
    }),
    on('pipeline job', 'sagemaker:StopProcessingJob', sagemaker('processing-job/pipelines-0a1b2c3d4e5f-PreprocessAbaloneData-x1y2z3'), {
      context: { [RESOURCE_TAG]: target.id },
    }),
    on('pipeline job', 'sagemaker:AddTags', sagemaker('training-job/pipelines-0a1b2c3d4e5f-TrainAbaloneModel-x1y2z3'), {
      // Retagging the job with the other project's id, to take it over.
      context: { [RESOURCE_TAG]: target.id, [REQUEST_TAG]: target.id === A.id ? B.id : A.id, 'aws:TagKeys': [PROJECT_ID_TAG] },
    }),
  ];
}

/** The requests among `tries` that `principal` is allowed. */
async function allowed(principal: SimulatedPrincipal, tries: Array<[string, SimulatedRequest]>): Promise<string[]> {
  const decisions = await Promise.all(tries.map(async ([what, request]) => [what, await decide(ACCOUNT, principal, request)] as const));
  return decisions.filter(([, decision]) => decision === 'Allowed').map(([what]) => what);
}

describe('tenant isolation: two projects in one account, decided by an IAM policy simulator', () => {
  const modes = {} as Record<'oidc' | 'access-keys', { plans: Record<string, any>; platform: Synthesized }>;
  let fakeAws: FakeAws;

  beforeAll(async () => {
    fakeAws = new FakeAws([
      secretsManager({ [`${PREFIX}/gitlab/private-token`]: VERIFY_GITLAB_TOKEN }, REGION),
      kms({ [`alias/${PREFIX}-sagemaker-projects`]: VERIFY_KEY_ID }, REGION),
    ]);
    await fakeAws.start();
    for (const mode of ['oidc', 'access-keys'] as const) {
      const { sagemakerProject, serviceCatalog, outdir } = synthApp(testConfig({ SMP_GITLAB_CI_AUTH_MODE: mode }), writeSeedFixture());
      const workspace = TerraformWorkspace.create(join(outdir, 'stacks', SAGEMAKER_PROJECT_STACK, 'cdk.tf.json'), {
        standIns: gitlabProjectStandIns(sagemakerProject),
      });
      workspace.update((config) => useFakeAws(config, fakeAws));
      await workspace.init();
      const plans: Record<string, any> = {};
      for (const project of mode === 'oidc' ? [A, B] : [A]) {
        const planned = await workspace.plan(variablesOf(project));
        if (!planned.ok) throw new Error(`the plan of ${project.id} failed:\n${planned.output}`);
        plans[project.id] = { ...planned.plan, output: planned.output };
      }
      modes[mode] = { plans, platform: serviceCatalog };
    }
  }, 240_000);

  afterAll(async () => {
    await fakeAws?.stop();
  });

  const boundaryOf = (platform: Synthesized) => platformPolicy(platform, 'project-boundary/document');
  const stateBucketPolicy = (platform: Synthesized) => platformPolicy(platform, 'platform-state/bucket/policy-document');

  test("each project has its four identities (CI, pipeline, seeding, deploy trigger), each with the platform's boundary", () => {
    const { plans, platform } = modes.oidc;
    for (const project of [A, B]) {
      expect([...identitiesOf(plans[project.id], boundaryOf(platform)).keys()].sort()).toEqual([
        'role:ci',
        'role:deploy-trigger',
        'role:pipeline',
        'role:seed-code',
      ]);
      for (const role of plannedResources(plans[project.id]).filter((resource) => resource.type === 'aws_iam_role')) {
        expect(role.values.permissions_boundary).toBe(`arn:aws:iam::${ACCOUNT}:policy/${PREFIX}/${PREFIX}-project-boundary`);
      }
    }
  });

  test.each(['oidc', 'access-keys'] as const)('(%s) no identity of project A is allowed anything on project B', async (mode) => {
    const { plans, platform } = modes[mode];
    const planOfB = modes.oidc.plans[B.id];
    const tries = attempts(B, bucketPolicyOf(planOfB), stateBucketPolicy(platform));
    const leaks: string[] = [];
    for (const [name, principal] of identitiesOf(plans[A.id], boundaryOf(platform)))
      for (const what of await allowed(principal, tries)) leaks.push(`${name} -> ${what}`);
    expect(leaks).toEqual([]);
  });

  test('the test can fail: each identity of A is allowed what its own work on A needs', async () => {
    const { plans, platform } = modes.oidc;
    const identities = identitiesOf(plans[A.id], boundaryOf(platform));
    const own = Object.fromEntries(attempts(A, bucketPolicyOf(plans[A.id]), stateBucketPolicy(platform)));
    const expectations: Record<string, string[]> = {
      'role:ci': [
        'pipeline: sagemaker:StartPipelineExecution',
        'pipeline: sagemaker:UpdatePipeline',
        'model package: sagemaker:DescribeModelPackage',
        'endpoint: sagemaker:UpdateEndpoint',
        'endpoint: sagemaker:InvokeEndpoint',
        'model: sagemaker:CreateModel',
        'pipeline code: s3:PutObject',
        'deploy state: s3:PutObject',
        'deploy records: dynamodb:UpdateItem',
        'pipeline role: iam:PassRole',
      ],
      'role:pipeline': [
        'model package: sagemaker:CreateModelPackage',
        'model data: s3:GetObject',
        'pipeline code: s3:PutObject',
        'pipeline job: sagemaker:CreateTrainingJob',
        'pipeline job: sagemaker:DescribeTrainingJob',
        'pipeline job: sagemaker:StopProcessingJob',
      ],
      'role:deploy-trigger': ['trigger token: secretsmanager:GetSecretValue', 'deploy records: dynamodb:UpdateItem'],
      'role:seed-code': ['trigger token: secretsmanager:PutSecretValue'],
    };
    for (const [name, whats] of Object.entries(expectations)) {
      const principal = identities.get(name)!;
      expect([
        name,
        await allowed(
          principal,
          whats.map((what) => [what, own[what]]),
        ),
      ]).toEqual([name, whats]);
    }
  });

  test("every AWS call the seed code's CI jobs make for A is allowed to A's CI identity (both modes)", async () => {
    const group = `${A.name}-${A.id}`;
    const bucket = `arn:aws:s3:::${PREFIX}-${A.id}`;
    const sagemaker = (resource: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${resource}`;
    const pipelineRole = `arn:aws:iam::${ACCOUNT}:role/${PREFIX}/${PREFIX}-${A.id}-pipeline`;
    const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${PREFIX}-${A.id}-deploys`;
    const calls: Array<[string, SimulatedRequest]> = [
      // model-build run-pipeline: the SDK uploads the step scripts, upserts and tags the pipeline, starts the version it upserted, and waits.
      ...['s3:ListBucket'].map((action): [string, SimulatedRequest] => ['SDK', { action, resource: bucket }]),
      ['SDK', { action: 's3:PutObject', resource: `${bucket}/${group}/code/3f2a9c/preprocess.py` }],
      ...[
        'sagemaker:CreatePipeline',
        'sagemaker:UpdatePipeline',
        'sagemaker:DescribePipeline',
        'sagemaker:ListTags',
        'sagemaker:AddTags',
        'sagemaker:ListPipelineVersions',
        'sagemaker:StartPipelineExecution',
      ].map((action): [string, SimulatedRequest] => ['run_pipeline.py', { action, resource: sagemaker(`pipeline/${group}`) }]),
      ['run_pipeline.py', { action: 'iam:PassRole', resource: pipelineRole, context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } }],
      ['execution.py', { action: 'sagemaker:DescribePipelineExecution', resource: sagemaker(`pipeline/${group}/execution/k3lk5m6n7o8p`) }],
      ['execution.py', { action: 'sagemaker:ListPipelineExecutionSteps', resource: sagemaker(`pipeline/${group}/execution/k3lk5m6n7o8p`) }],
      // model-deploy: the claim, the package, terraform's state and resources, the staging check.
      ['claim_deploy.py', { action: 'dynamodb:UpdateItem', resource: table }],
      ['claim_deploy.py', { action: 'dynamodb:GetItem', resource: table }],
      ['build_stage_variables.py', { action: 'sagemaker:ListModelPackages', resource: '*' }],
      ['build_stage_variables.py', { action: 'sagemaker:DescribeModelPackage', resource: sagemaker(`model-package/${group}/7`) }],
      ['terraform', { action: 's3:GetObject', resource: `${bucket}/model-deploy/staging/terraform.tfstate` }],
      ['terraform', { action: 's3:PutObject', resource: `${bucket}/model-deploy/prod/terraform.tfstate.tflock` }],
      ['terraform', { action: 's3:DeleteObject', resource: `${bucket}/model-deploy/prod/terraform.tfstate.tflock` }],
      ...['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:DeleteModel', 'sagemaker:AddTags', 'sagemaker:ListTags'].map(
        (action): [string, SimulatedRequest] => ['terraform', { action, resource: sagemaker(`model/${A.id}-staging-v7-1a2b3c4d`) }],
      ),
      ...['sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DeleteEndpointConfig'].map((action): [string, SimulatedRequest] => [
        'terraform',
        { action, resource: sagemaker(`endpoint-config/${A.id}-staging-5e6f7a8b`) },
      ]),
      ...['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint'].map(
        (action): [string, SimulatedRequest] => ['terraform', { action, resource: sagemaker(`endpoint/${A.id}-prod`) }],
      ),
      ['terraform', { action: 'iam:PassRole', resource: pipelineRole, context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } }],
      ['check_endpoint.py', { action: 'sagemaker:InvokeEndpoint', resource: sagemaker(`endpoint/${A.id}-staging`) }],
    ];
    for (const mode of ['oidc', 'access-keys'] as const) {
      const { plans, platform } = modes[mode];
      const ci = [...identitiesOf(plans[A.id], boundaryOf(platform)).entries()].find(([name]) => name.endsWith(':ci'))![1];
      const withBucketPolicy = calls.map(([who, request]): [string, SimulatedRequest] => [
        `${who} ${request.action} ${request.resource}`,
        request.resource.startsWith('arn:aws:s3:::') ? { ...request, resourcePolicy: bucketPolicyOf(plans[A.id]) } : request,
      ]);
      const denied = [];
      for (const [what, request] of withBucketPolicy) if ((await decide(ACCOUNT, ci, request)) !== 'Allowed') denied.push(what);
      expect([mode, denied]).toEqual([mode, []]);
    }
  });

  test('no project identity can approve a model, not even its own; nor can it touch project state', async () => {
    const { plans, platform } = modes.oidc;
    const own = Object.fromEntries(attempts(A, bucketPolicyOf(plans[A.id]), stateBucketPolicy(platform)));
    for (const [name, principal] of identitiesOf(plans[A.id], boundaryOf(platform))) {
      const forbidden = ['model package: sagemaker:UpdateModelPackage', 'project state: s3:GetObject', 'project state: s3:PutObject'];
      expect([
        name,
        await allowed(
          principal,
          forbidden.map((what) => [what, own[what]]),
        ),
      ]).toEqual([name, []]);
    }
  });

  test("only the seeding functions (and the runner) may read the namespace token: the secret's own policy decides", async () => {
    const { plans, platform } = modes.oidc;
    const tokenPolicy = platformPolicy(platform, 'gitlab-token/secret/policy-document');
    const readToken: SimulatedRequest = { action: 'secretsmanager:GetSecretValue', resource: TOKEN_SECRET_ARN, resourcePolicy: tokenPolicy };
    const readers: string[] = [];
    for (const project of [A, B]) {
      for (const [name, principal] of identitiesOf(plans[project.id], boundaryOf(platform))) {
        // The seeding role is granted the token by the secret's data source ARN, which the fake resolves to TOKEN_SECRET_ARN.
        if ((await decide(ACCOUNT, principal, readToken)) === 'Allowed') readers.push(`${project.id} ${name}`);
      }
    }
    expect(readers).toEqual([`${A.id} role:seed-code`, `${B.id} role:seed-code`]);
    const runnerPolicies = Object.values(resources(platform, 'aws_iam_role_policy'))
      .filter((policy: any) => String(policy.role).includes('command-runner_role'))
      .map((policy: any) => concretePolicy(statementsOf(platform, policy.policy), PLATFORM_VALUES));
    const runner: SimulatedPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:role/${PREFIX}-project-runner`, policies: runnerPolicies };
    expect(await decide(ACCOUNT, runner, readToken)).toBe('Allowed');
    const outsider: SimulatedPrincipal = {
      arn: `arn:aws:iam::${ACCOUNT}:role/service-role/AmazonSageMakerServiceCatalogProductsUseRole`,
      policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] }],
    };
    expect(await decide(ACCOUNT, outsider, readToken)).toBe('ExplicitlyDenied');
  });

  test('only the runner touches project state; an administrator policy of another role is denied by the bucket', async () => {
    const { platform } = modes.oidc;
    const admin: SimulatedPrincipal = {
      arn: `arn:aws:iam::${ACCOUNT}:role/data-science-admin`,
      policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }],
    };
    const state = {
      action: 's3:GetObject',
      resource: `arn:aws:s3:::${STATE_BUCKET}/sagemaker-projects/${A.id}/terraform.tfstate`,
      resourcePolicy: stateBucketPolicy(platform),
    };
    expect(await decide(ACCOUNT, admin, state)).toBe('ExplicitlyDenied');
    const artifacts = {
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${STATE_BUCKET}/command-runner/tf-code/${'a'.repeat(64)}.zip`,
      resourcePolicy: stateBucketPolicy(platform),
    };
    expect(await decide(ACCOUNT, admin, artifacts)).toBe('ExplicitlyDenied');
    expect(await decide(ACCOUNT, { ...admin, arn: DEPLOYER }, artifacts)).toBe('Allowed');
  });

  test("every use of the shared platform key is bound to the project's own data by its encryption context", () => {
    // The simulator cannot evaluate kms:EncryptionContext:<key> (it reads a key's variable part only after
    // "/"), so these conditions are checked as written: each statement on the key names a service and A's data.
    const { plans, platform } = modes.oidc;
    const contexts: string[] = [];
    for (const [name, principal] of identitiesOf(plans[A.id], boundaryOf(platform))) {
      for (const statement of principal.policies
        .flatMap((policy) => policy.Statement)
        .filter((candidate: any) => [candidate.Resource].flat().includes(KEY_ARN))) {
        expect([name, statement.Condition.StringEquals['kms:ViaService']]).toEqual([
          name,
          expect.stringMatching(/^(s3|dynamodb|secretsmanager)\.us-east-1\.amazonaws\.com$/),
        ]);
        const [[key, values]] = Object.entries(statement.Condition.StringLike) as Array<[string, string | string[]]>;
        for (const value of [values].flat()) contexts.push(`${name} ${key}=${value}`);
      }
    }
    expect(contexts.length).toBeGreaterThanOrEqual(6);
    const seedReadsToken = (context: string) =>
      context.startsWith('role:seed-code kms:EncryptionContext:SecretARN=') && context.includes('gitlab/private-token');
    expect(contexts.filter((context) => !context.includes(A.id) && !seedReadsToken(context))).toEqual([]);
  });

  test("the namespace token is in neither project's plan, nor in anything terraform printed", () => {
    for (const plan of Object.values(modes.oidc.plans)) expect(JSON.stringify(plan)).not.toContain(VERIFY_GITLAB_TOKEN);
    for (const plan of Object.values(modes['access-keys'].plans)) expect(JSON.stringify(plan)).not.toContain(VERIFY_GITLAB_TOKEN);
  });
});
