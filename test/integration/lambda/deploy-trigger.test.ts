import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { DEPLOY_RECORDS } from '../../../contract/deploy-records';
import { deployTriggerDescription } from '../../../contract/function-settings';
import { decideDeployment, ModelPackageStateChange } from '../../../lambda/deploy-trigger/decide';
import { decideOnRecord, DeployRecord } from '../../../lambda/deploy-trigger/records';
import { FakePipeline } from '../../support/fake-gitlab';
import {
  BundledHandler,
  bundledDeployTrigger,
  capturingLogs,
  contextWith,
  DEPLOY_PROJECT,
  LambdaHarness,
  PROJECT_ID,
  startLambdaHarness,
  TRIGGER_SECRET,
} from '../../support/lambda-harness';
import { DEPLOY_REPO, runPythonAsync } from '../seed-code/support/seed';

const GROUP = `churn-${PROJECT_ID}`;
const MODEL_PACKAGE_ARN = `arn:aws:sagemaker:us-east-1:123456789012:model-package/${GROUP}/3`;
const TRIGGER_PATH = /^\/projects\/42\/trigger\/pipeline$/;

let eventNumber = 0;
const approval = (overrides: Partial<NonNullable<ModelPackageStateChange['detail']>> = {}): ModelPackageStateChange => ({
  id: `event-${++eventNumber}`,
  source: 'aws.sagemaker',
  'detail-type': 'SageMaker Model Package State Change',
  detail: { ModelPackageGroupName: GROUP, ModelPackageArn: MODEL_PACKAGE_ARN, ModelApprovalStatus: 'Approved', ...overrides },
});

describe('deploy decision', () => {
  test("an approval of this group's package starts a deploy with its ARN", () => {
    expect(decideDeployment(approval(), GROUP)).toEqual({ action: 'start-deploy-pipeline', modelPackageArn: MODEL_PACKAGE_ARN });
  });

  test.each([
    ['another group', approval({ ModelPackageGroupName: 'other-p-000000000000' }), /model package group other-p-000000000000 is not this project's/],
    ['a rejection', approval({ ModelApprovalStatus: 'Rejected' }), /approval status is Rejected/],
    ['pending approval', approval({ ModelApprovalStatus: 'PendingManualApproval' }), /approval status is PendingManualApproval/],
    ['another event type', { ...approval(), 'detail-type': 'SageMaker Model State Change' }, /not a SageMaker Model Package State Change event/],
  ])('%s is ignored', (_, event, reason) => {
    const decision = decideDeployment(event, GROUP);
    expect(decision.action).toBe('ignore');
    expect(decision.action === 'ignore' && decision.reason).toMatch(reason);
  });

  test('an approval without a usable ARN is rejected, not ignored: it names the way to deploy by hand', () => {
    for (const arn of [undefined, 'not-an-arn']) {
      const decision = decideDeployment(approval({ ModelPackageArn: arn }), GROUP);
      expect(decision.action).toBe('reject');
      expect(decision.action === 'reject' && decision.reason).toContain('Run pipeline');
    }
  });

  test("an approval of this group whose ARN is another group's package, or of another account or region than the event's, is rejected", () => {
    const fromEvent = { account: '123456789012', region: 'us-east-1' };
    expect(decideDeployment({ ...approval(), ...fromEvent }, GROUP)).toEqual({ action: 'start-deploy-pipeline', modelPackageArn: MODEL_PACKAGE_ARN });
    const upperCased = approval({ ModelPackageGroupName: GROUP.toUpperCase() });
    expect(decideDeployment(upperCased, GROUP.toUpperCase())).toEqual({ action: 'start-deploy-pipeline', modelPackageArn: MODEL_PACKAGE_ARN });
    const other = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/other-p-000000000000/3';
    for (const [event, problem] of [
      [approval({ ModelPackageArn: other }), `a ModelPackageArn of another model package group (${other})`],
      [approval({ ModelPackageArn: `${MODEL_PACKAGE_ARN.replace(GROUP, `${GROUP}x`)}` }), 'a ModelPackageArn of another model package group'],
      [approval({ ModelPackageArn: `${MODEL_PACKAGE_ARN}/extra` }), 'no valid model package ARN'],
      [{ ...approval(), ...fromEvent, account: '210987654321' }, "a ModelPackageArn of account 123456789012, not the event's 210987654321"],
      [{ ...approval(), ...fromEvent, region: 'eu-west-1' }, "a ModelPackageArn of region us-east-1, not the event's eu-west-1"],
    ] as const) {
      const decision = decideDeployment(event, GROUP);
      expect(decision.action).toBe('reject');
      expect(decision.action === 'reject' && decision.reason).toContain(`an Approved event of ${GROUP} carries ${problem}`);
      expect(decision.action === 'reject' && decision.reason).toContain('Run pipeline');
    }
  });
});

describe('deploy record decision', () => {
  const record = (fields: Partial<DeployRecord>): DeployRecord => ({
    modelPackageArn: MODEL_PACKAGE_ARN,
    requestId: 'r1',
    state: 'IN_PROGRESS',
    attempts: 1,
    ...fields,
  });
  const now = 1_000_000;

  test('a claimed record is done, whatever its state', () => {
    for (const state of ['IN_PROGRESS', 'UNCERTAIN', 'TRIGGERED'] as const) {
      expect(decideOnRecord(record({ state, claimedPipelineId: 7, pipelineUrl: 'u', leaseExpiresAt: now + 1 }), now)).toMatchObject({
        action: 'done',
        pipeline: { id: 7 },
      });
    }
  });

  test('a triggered record is done; an attempt within its lease is left to run; an expired or uncertain one is taken over', () => {
    expect(decideOnRecord(record({ state: 'TRIGGERED', pipelineId: 5 }), now)).toMatchObject({ action: 'done', pipeline: { id: 5 } });
    expect(decideOnRecord(record({ leaseExpiresAt: now + 1 }), now).action).toBe('wait');
    expect(decideOnRecord(record({ leaseExpiresAt: now }), now).action).toBe('take-over');
    expect(decideOnRecord(record({ state: 'UNCERTAIN' }), now)).toMatchObject({ action: 'take-over', reason: expect.stringContaining('none has claimed') });
  });
});

describe('the bundled deploy-trigger against dynalite and a fake GitLab', () => {
  let harness: LambdaHarness;
  let handler: BundledHandler;
  let triggerToken: string;

  beforeAll(async () => {
    harness = await startLambdaHarness();
    handler = bundledDeployTrigger();
  });
  afterAll(() => harness.stop());

  beforeEach(async () => {
    await harness.reset();
    triggerToken = harness.gitlab.addTrigger(DEPLOY_PROJECT, deployTriggerDescription(PROJECT_ID)).token;
    harness.secrets[TRIGGER_SECRET] = triggerToken;
  });

  const invoke = (event: ModelPackageStateChange = approval(), timeLeftMs = 60000) => capturingLogs(() => handler(event, contextWith(timeLeftMs)));
  const pipelines = () => harness.gitlab.pipelines(DEPLOY_PROJECT);
  const triggerPosts = () => harness.gitlab.requestsTo('POST', TRIGGER_PATH);
  const record = async () =>
    (
      await harness.dynamo.client.send(
        new GetItemCommand({ TableName: harness.table, Key: { [DEPLOY_RECORDS.partitionKey]: { S: MODEL_PACKAGE_ARN } }, ConsistentRead: true }),
      )
    ).Item;

  /** The deploy pipeline's claim job (seed-code/model-deploy/scripts/claim_deploy.py), run for `pipeline`. */
  const claim = (pipeline: FakePipeline) =>
    runPythonAsync([join(DEPLOY_REPO, 'scripts', 'claim_deploy.py')], {
      DEPLOY_RECORDS_TABLE: harness.table,
      MODEL_PACKAGE_ARN: pipeline.variables.MODEL_PACKAGE_ARN,
      DEPLOY_REQUEST_ID: pipeline.variables.DEPLOY_REQUEST_ID,
      CI_PIPELINE_ID: String(pipeline.id),
      CI_PIPELINE_URL: pipeline.webUrl,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: harness.dynamo.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIACLAIMTEST0000000',
      AWS_SECRET_ACCESS_KEY: 'claim-test',
    });

  test('an approval starts one pipeline on the default branch through the trigger token, with the package and a request marker', async () => {
    const { result } = await invoke();
    expect(pipelines()).toHaveLength(1);
    const [pipeline] = pipelines();
    expect(pipeline.ref).toBe('main');
    expect(pipeline.variables).toEqual({ MODEL_PACKAGE_ARN, DEPLOY_REQUEST_ID: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const [post] = triggerPosts();
    expect(post.body.token).toBe(triggerToken);
    expect(post.headers['private-token']).toBeUndefined();
    expect(result).toEqual({
      status: 'started',
      modelPackageArn: MODEL_PACKAGE_ARN,
      requestId: pipeline.variables.DEPLOY_REQUEST_ID,
      pipelineId: pipeline.id,
      pipelineUrl: pipeline.webUrl,
    });
    expect(await record()).toMatchObject({
      State: { S: 'TRIGGERED' },
      RequestId: { S: pipeline.variables.DEPLOY_REQUEST_ID },
      PipelineId: { N: String(pipeline.id) },
      PipelineUrl: { S: pipeline.webUrl },
    });
  });

  test('the same event delivered twice starts one pipeline; the second delivery reports it', async () => {
    const event = approval();
    await invoke(event);
    const { result } = await invoke(event);
    expect(triggerPosts()).toHaveLength(1);
    expect(result).toMatchObject({ status: 'already-started', pipelineId: pipelines()[0].id });
  });

  test('two deliveries at the same moment start one pipeline', async () => {
    const event = approval();
    const { result } = await capturingLogs(() => Promise.all([handler(event, contextWith(60000)), handler(event, contextWith(60000))]));
    expect(triggerPosts()).toHaveLength(1);
    expect(pipelines()).toHaveLength(1);
    const statuses = result!.map((outcome) => outcome.status);
    expect(statuses.filter((status) => status === 'started')).toHaveLength(1);
    expect(statuses.filter((status) => status !== 'started')).toEqual([expect.stringMatching(/^(in-progress|already-started)$/)]);
  });

  test('two different Approved events for the same package start one pipeline', async () => {
    await invoke(approval());
    const { result } = await invoke(approval({ ModelApprovalStatus: 'Approved' }));
    expect(triggerPosts()).toHaveLength(1);
    expect(result.status).toBe('already-started');
  });

  test('500 after GitLab started the pipeline: the invocation fails as uncertain; its retry finds the claim and starts nothing', async () => {
    harness.gitlab.failNextAfterHandling('POST', TRIGGER_PATH, 500);
    const first = await invoke();
    expect(first.error?.name).toBe('DeployUncertainError');
    expect(first.error?.message).toContain('may or may not have worked');
    expect(pipelines()).toHaveLength(1);
    expect(await record()).toMatchObject({ State: { S: 'UNCERTAIN' } });

    const claimed = await claim(pipelines()[0]);
    expect(claimed.code).toBe(0);
    const retry = await invoke();
    expect(retry.result).toMatchObject({ status: 'already-started', pipelineId: pipelines()[0].id });
    expect(triggerPosts()).toHaveLength(1);
    expect(await record()).toMatchObject({ ClaimedPipelineId: { N: String(pipelines()[0].id) } });
  });

  test('502 after create, retried before the pipeline claimed: a second pipeline starts, and only it deploys', async () => {
    harness.gitlab.failNextAfterHandling('POST', TRIGGER_PATH, 502);
    expect((await invoke()).error?.name).toBe('DeployUncertainError');
    const retry = await invoke();
    expect(retry.result.status).toBe('started');
    expect(pipelines()).toHaveLength(2);
    const [first, second] = pipelines();
    expect(first.variables.DEPLOY_REQUEST_ID).not.toBe(second.variables.DEPLOY_REQUEST_ID);

    const [firstClaim, secondClaim] = [await claim(first), await claim(second)];
    expect(firstClaim.code).toBe(1);
    expect(firstClaim.stderr).toContain(`request ${first.variables.DEPLOY_REQUEST_ID} was superseded by request ${second.variables.DEPLOY_REQUEST_ID}`);
    expect(secondClaim.code).toBe(0);
    expect(await record()).toMatchObject({ ClaimedPipelineId: { N: String(second.id) }, Attempts: { N: '2' } });
    // A third delivery after the claim changes nothing.
    expect((await invoke()).result.status).toBe('already-started');
    expect(pipelines()).toHaveLength(2);
  });

  test('a GitLab that never answers: a clear, logged error well before the time runs out; one request, the record left uncertain', async () => {
    harness.gitlab.failAlways('POST', TRIGGER_PATH, 'hang');
    const started = Date.now();
    // 7 s left: 2 s of safety margin and 4 s kept for the record leave GitLab about a second.
    const { error, lines } = await invoke(approval(), 7000);
    const elapsed = Date.now() - started;
    expect(error?.message).toMatch(/POST \/projects\/42\/trigger\/pipeline: GitLab did not answer within \d+ ms/);
    expect(elapsed).toBeLessThan(7000);
    expect(triggerPosts()).toHaveLength(1);
    expect(lines.filter((line) => line.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: expect.stringContaining('did not answer'), sagemakerProjectId: PROJECT_ID }),
    ]);
    expect(await record()).toMatchObject({ State: { S: 'UNCERTAIN' } });
  });

  test('429 with Retry-After: 1 is honoured: the second request comes a second later and starts the pipeline', async () => {
    harness.gitlab.answerNext('POST', TRIGGER_PATH, 429, { 'Retry-After': '1' });
    const { result, lines } = await invoke();
    expect(result.status).toBe('started');
    const [first, second] = triggerPosts();
    expect(second.at - first.at).toBeGreaterThanOrEqual(1000);
    expect(second.at - first.at).toBeLessThan(3000);
    expect(lines.find((line) => line.advice === 'retry')).toMatchObject({ attempt: 1, status: 429, delayMs: 1000 });
    expect(pipelines()).toHaveLength(1);
  });

  test('429 asking for more time than is left: gives up at once, releases the record, and a replay starts the pipeline', async () => {
    harness.gitlab.answerNext('POST', TRIGGER_PATH, 429, { 'Retry-After': '120' });
    const { error } = await invoke();
    expect(error?.message).toMatch(/gave up: the server asked to wait 120 s \(Retry-After\), but only \d+ s remain/);
    expect(triggerPosts()).toHaveLength(1);
    expect(await record()).toBeUndefined();
    expect((await invoke()).result.status).toBe('started');
  });

  test('an unknown trigger token (404) fails naming the secret and the fix, and releases the record', async () => {
    harness.secrets[TRIGGER_SECRET] = 'glptt-revoked0000000000';
    const { error } = await invoke();
    expect(error?.message).toContain(`GitLab does not know the trigger token in secret ${harness.env().DEPLOY_TRIGGER_TOKEN_SECRET_ARN} for project 42`);
    expect(error?.message).toContain('apply the SageMaker project again');
    expect(await record()).toBeUndefined();
  });

  test('pipeline variables refused: the error says the trigger owner must be an Owner of the group', async () => {
    harness.gitlab.refusePipelineVariables(DEPLOY_PROJECT);
    const { error } = await invoke();
    expect(error?.message).toContain('Insufficient permissions to set pipeline variables');
    expect(error?.message).toContain('Owner of the namespace group');
  });

  test('an attempt that ran out of time is taken over: its request id is superseded and a pipeline starts', async () => {
    await harness.dynamo.client.send(
      new PutItemCommand({
        TableName: harness.table,
        Item: {
          ModelPackageArn: { S: MODEL_PACKAGE_ARN },
          RequestId: { S: 'crashed-request' },
          State: { S: 'IN_PROGRESS' },
          LeaseExpiresAt: { N: String(Date.now() - 1) },
          Attempts: { N: '1' },
        },
      }),
    );
    const { result } = await invoke();
    expect(result.status).toBe('started');
    expect(await record()).toMatchObject({ SupersededRequestIds: { SS: ['crashed-request'] }, Attempts: { N: '2' }, State: { S: 'TRIGGERED' } });
  });

  test('an attempt still within its time is left alone: no second pipeline', async () => {
    await harness.dynamo.client.send(
      new PutItemCommand({
        TableName: harness.table,
        Item: {
          ModelPackageArn: { S: MODEL_PACKAGE_ARN },
          RequestId: { S: 'running-request' },
          State: { S: 'IN_PROGRESS' },
          LeaseExpiresAt: { N: String(Date.now() + 60000) },
          Attempts: { N: '1' },
        },
      }),
    );
    const { result } = await invoke();
    expect(result.status).toBe('in-progress');
    expect(triggerPosts()).toHaveLength(0);
  });

  test('an Approved event without an ARN is logged as an error and thrown, so it reaches the failure queue', async () => {
    const { error, lines } = await invoke(approval({ ModelPackageArn: undefined }));
    expect(error?.message).toContain('carries no valid model package ARN');
    expect(lines).toEqual([expect.objectContaining({ level: 'ERROR', message: expect.stringContaining('Event rejected') })]);
    expect(harness.gitlab.requests).toHaveLength(0);
  });

  test('an event of another group does nothing: no secret read, no record, no GitLab call', async () => {
    const { result } = await invoke(approval({ ModelPackageGroupName: 'other-p-000000000000' }));
    expect(result.status).toBe('ignored');
    expect(harness.gitlab.requests).toHaveLength(0);
    expect(harness.aws.requests).toHaveLength(0);
    expect(await record()).toBeUndefined();
  });

  test.each([
    ['has no value yet', undefined, 'does not exist or has no current value: the seeding function stores it', 'missing'],
    ['holds JSON', '{"token": "glptt-x"}', 'holds JSON; it must hold the value itself as plain text', 'json'],
  ])('a trigger secret that %s fails naming the secret and the fix, before any record or GitLab call', async (_case, value, message, problem) => {
    harness.setSecret(TRIGGER_SECRET, value);
    const { error } = await invoke();
    expect(error?.message).toContain(TRIGGER_SECRET);
    expect(error?.message).toContain(message);
    expect(error).toMatchObject({ name: 'SecretUnavailableError', problem });
    expect(harness.gitlab.requests).toHaveLength(0);
    expect(await record()).toBeUndefined();
  });

  test('no error property at any depth, and no log line, holds the trigger token', async () => {
    const failures: Array<() => void> = [
      () => harness.gitlab.failNextAfterHandling('POST', TRIGGER_PATH, 502),
      () => harness.gitlab.answerNext('POST', TRIGGER_PATH, 429, { 'Retry-After': '600' }),
      () => harness.gitlab.failNext('POST', TRIGGER_PATH, 400),
    ];
    for (const inject of failures) {
      await harness.reset();
      harness.gitlab.addTrigger(DEPLOY_PROJECT, deployTriggerDescription(PROJECT_ID));
      triggerToken = harness.gitlab.triggers(DEPLOY_PROJECT)[0].token;
      harness.secrets[TRIGGER_SECRET] = triggerToken;
      inject();
      const { error, raw } = await invoke();
      expect(error).toBeInstanceOf(Error);
      expect(inspect(error, { depth: Infinity })).not.toContain(triggerToken);
      for (const line of raw) expect(line).not.toContain(triggerToken);
    }
  });
});
