import { createDeployTriggerHandler } from '../../lambda/deploy-trigger/handler';
import { decideDeployment, ModelPackageStateChange } from '../../lambda/deploy-trigger/decide';
import { FAST_RETRY, startLambdaHarness, TOKEN, TOKEN_SECRET } from '../support/lambda-harness';

const DEPLOY_PROJECT = 42;
const GROUP = 'churn-p-abcdefghijkl';
const MODEL_PACKAGE_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-p-abcdefghijkl/3';

const approval = (overrides: Partial<NonNullable<ModelPackageStateChange['detail']>> = {}): ModelPackageStateChange => ({
  source: 'aws.sagemaker',
  'detail-type': 'SageMaker Model Package State Change',
  detail: { ModelPackageGroupName: GROUP, ModelPackageArn: MODEL_PACKAGE_ARN, ModelApprovalStatus: 'Approved', ...overrides },
});

describe('deploy decision', () => {
  test('an approval of this group\'s package starts a deploy with its ARN', () => {
    expect(decideDeployment(approval(), GROUP)).toEqual({ action: 'start-deploy-pipeline', modelPackageArn: MODEL_PACKAGE_ARN });
  });

  test.each([
    ['another group', approval({ ModelPackageGroupName: 'other-p-000000000000' }), /model package group other-p-000000000000 is not this project's/],
    ['a rejection', approval({ ModelApprovalStatus: 'Rejected' }), /approval status is Rejected/],
    ['pending approval', approval({ ModelApprovalStatus: 'PendingManualApproval' }), /approval status is PendingManualApproval/],
    ['another event type', { ...approval(), 'detail-type': 'SageMaker Model State Change' }, /not a SageMaker Model Package State Change event/],
    ['no ARN', approval({ ModelPackageArn: undefined }), /no model package ARN/],
  ])('%s is ignored', (_, event, reason) => {
    const decision = decideDeployment(event, GROUP);
    expect(decision.action).toBe('ignore');
    expect(decision.action === 'ignore' && decision.reason).toMatch(reason);
  });
});

describe('deploy-trigger handler against a local GitLab', () => {
  let harness: Awaited<ReturnType<typeof startLambdaHarness>>;

  beforeEach(async () => {
    harness = await startLambdaHarness();
    harness.gitlab.addProject(DEPLOY_PROJECT, 'ml-team/churn-model-deploy');
  });

  afterEach(() => harness.stop());

  const trigger = (event: ModelPackageStateChange, env: Record<string, string> = {}) =>
    createDeployTriggerHandler({
      secrets: harness.secretsClient,
      retryPolicy: FAST_RETRY,
      write: harness.write,
      env: {
        GITLAB_URL: harness.gitlab.url,
        GITLAB_TOKEN_SECRET_NAME: TOKEN_SECRET,
        DEPLOY_GITLAB_PROJECT_ID: String(DEPLOY_PROJECT),
        DEPLOY_BRANCH: 'main',
        MODEL_PACKAGE_GROUP_NAME: GROUP,
        SAGEMAKER_PROJECT_ID: 'p-abcdefghijkl',
        ...env,
      },
    })(event);

  test('an approval event starts exactly one pipeline on the default branch with MODEL_PACKAGE_ARN', async () => {
    const result = await trigger(approval());
    const pipelines = harness.gitlab.pipelines(DEPLOY_PROJECT);
    expect(pipelines).toHaveLength(1);
    expect(pipelines[0].ref).toBe('main');
    expect(pipelines[0].variables).toEqual([{ key: 'MODEL_PACKAGE_ARN', value: MODEL_PACKAGE_ARN, variable_type: 'env_var' }]);
    expect(result).toEqual({ status: 'started', pipelineId: pipelines[0].id, pipelineUrl: expect.stringContaining('/ml-team/churn-model-deploy/-/pipelines/') });
    expect(harness.gitlab.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /projects/42/pipeline']);
  });

  test('an approval event for another model group does nothing: no secret read, no GitLab call', async () => {
    const result = await trigger(approval({ ModelPackageGroupName: 'other-p-000000000000' }));
    expect(result.status).toBe('ignored');
    expect(harness.gitlab.requests).toHaveLength(0);
    expect(harness.aws.requests).toHaveLength(0);
    expect(JSON.parse(harness.logLines[0])).toMatchObject({ level: 'INFO', message: expect.stringContaining('Event ignored') });
  });

  test('5xx twice then 201 starts one pipeline', async () => {
    harness.gitlab.failNext('POST', /\/pipeline$/, 500, 503);
    await trigger(approval());
    expect(harness.gitlab.requestsTo('POST', /\/pipeline$/)).toHaveLength(3);
    expect(harness.gitlab.pipelines(DEPLOY_PROJECT)).toHaveLength(1);
  });

  test('5xx forever fails after the retry budget, so Lambda retries and then hands the event to the failure queue', async () => {
    harness.gitlab.failAlways('POST', /\/pipeline$/, 503);
    await expect(trigger(approval())).rejects.toThrow(/^POST \/projects\/42\/pipeline: GitLab answered 503 .* \(gave up after 4 attempts\)$/);
    expect(harness.gitlab.pipelines(DEPLOY_PROJECT)).toHaveLength(0);
  });

  test('401 fails at once with an error naming the token secret', async () => {
    harness.gitlab.failAlways('POST', /\/pipeline$/, 401);
    await expect(trigger(approval())).rejects.toThrow(`GitLab rejected the token from secret "${TOKEN_SECRET}" (401 Unauthorized)`);
    expect(harness.gitlab.requestsTo('POST', /\/pipeline$/)).toHaveLength(1);
  });

  test('a missing deploy project fails naming the 404', async () => {
    await expect(trigger(approval(), { DEPLOY_GITLAB_PROJECT_ID: '999' })).rejects.toThrow('POST /projects/999/pipeline: GitLab answered 404 Not Found: the project does not exist or the token owner cannot see it.');
  });

  test('a missing secret fails naming it', async () => {
    await harness.stop();
    harness = await startLambdaHarness({});
    await expect(trigger(approval())).rejects.toThrow(`Secrets Manager has no secret "${TOKEN_SECRET}"`);
    expect(harness.gitlab.requests).toHaveLength(0);
  });

  test('the token appears in no log line', async () => {
    await trigger(approval());
    harness.gitlab.failAlways('POST', /\/pipeline$/, 403);
    await trigger(approval()).catch(() => undefined);
    expect(harness.logLines.length).toBeGreaterThanOrEqual(2);
    for (const line of harness.logLines) expect(line).not.toContain(TOKEN);
  });
});
