import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { join } from 'node:path';
import { DEPLOY_RECORDS } from '../../../contract/deploy-records';
import { DeployRecords } from '../../../lambda/deploy-trigger/records';
import { Budget } from '../../../lambda/shared/retry';
import { startDynalite } from '../../support/dynalite';
import { DEPLOY_REPO, runPython, runPythonAsync } from './support/seed';

const SCRIPT = join(DEPLOY_REPO, 'scripts', 'claim_deploy.py');
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/abalone-demo-p-abcdefghijkl/7';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('the deploy pipeline claim (claim_deploy.py) against dynalite', () => {
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  let table: string;
  let records: DeployRecords;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(() => dynamo.stop());
  beforeEach(async () => {
    table = await dynamo.deployRecordsTable();
    // Records written by the deploy-trigger function's own module: the claim reads what it writes.
    records = new DeployRecords(dynamo.client, table, { policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, requestTimeoutMs: 5000 }, budget: new Budget(Date.now() + 60000), log: silent });
  });

  const claim = (requestId: string | undefined, pipelineId: number, extra: Record<string, string> = {}) =>
    runPythonAsync([SCRIPT], {
      DEPLOY_RECORDS_TABLE: table,
      MODEL_PACKAGE_ARN: ARN,
      ...(requestId === undefined ? {} : { DEPLOY_REQUEST_ID: requestId }),
      CI_PIPELINE_ID: String(pipelineId),
      CI_PIPELINE_URL: `https://gitlab.example.com/ml/deploy/-/pipelines/${pipelineId}`,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIACLAIMTEST0000000',
      AWS_SECRET_ACCESS_KEY: 'claim-test',
      ...extra,
    });
  const item = async () => (await dynamo.client.send(new GetItemCommand({ TableName: table, Key: { [DEPLOY_RECORDS.partitionKey]: { S: ARN } }, ConsistentRead: true }))).Item;

  test('the script names the attributes the contract defines', () => {
    const names = runPython(['-c', `import sys, json; sys.path.insert(0, ${JSON.stringify(join(DEPLOY_REPO, 'scripts'))}); import claim_deploy as c; print(json.dumps([c.PARTITION_KEY, c.REQUEST_ID, c.SUPERSEDED_REQUEST_IDS, c.PIPELINE_ID, c.PIPELINE_URL, c.CLAIMED_PIPELINE_ID, c.CLAIMED_AT]))`]);
    const a = DEPLOY_RECORDS.attributes;
    expect(JSON.parse(names.stdout)).toEqual([DEPLOY_RECORDS.partitionKey, a.requestId, a.supersededRequestIds, a.pipelineId, a.pipelineUrl, a.claimedPipelineId, a.claimedAt]);
  });

  test('the pipeline holding the current request claims the record, and may claim it again (a retried job)', async () => {
    await records.begin(ARN, 'request-1', Date.now() + 60000, 'event-1');
    const first = await claim('request-1', 501);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`pipeline 501 claimed the approval of ${ARN} (request request-1)`);
    expect(await item()).toMatchObject({ ClaimedPipelineId: { N: '501' }, PipelineId: { N: '501' }, PipelineUrl: { S: 'https://gitlab.example.com/ml/deploy/-/pipelines/501' } });
    expect((await claim('request-1', 501)).code).toBe(0);
  });

  test('a second pipeline with the same request is refused: it names the pipeline that deploys', async () => {
    await records.begin(ARN, 'request-1', Date.now() + 60000, 'event-1');
    await claim('request-1', 501);
    const second = await claim('request-1', 502);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('pipeline 501 already claimed this approval (https://gitlab.example.com/ml/deploy/-/pipelines/501)');
  });

  test('a superseded request is refused, naming the request that replaced it', async () => {
    await records.begin(ARN, 'request-1', Date.now() + 60000, 'event-1');
    await records.markUncertain(ARN, 'request-1', 'GitLab answered 502');
    const current = await records.read(ARN);
    await records.supersede(current!, 'request-2', Date.now() + 60000, 'event-2');
    const outcome = await claim('request-1', 501);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('request request-1 was superseded by request request-2');
    expect((await item())?.ClaimedPipelineId).toBeUndefined();
  });

  test('no record (released after a failure, or expired): refused, deploying nothing', async () => {
    const outcome = await claim('request-1', 501);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('there is no deploy record for this model package');
  });

  test('a pipeline a person started (no DEPLOY_REQUEST_ID) goes on without a claim, saying so', async () => {
    const outcome = await claim(undefined, 601, { DEPLOY_RECORDS_TABLE: '' });
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toContain('started by a person (Run pipeline)');
    expect(await item()).toBeUndefined();
  });

  test('a request id without the table or the package fails naming the variables', async () => {
    const outcome = await claim('request-1', 501, { DEPLOY_RECORDS_TABLE: '', MODEL_PACKAGE_ARN: '' });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('DEPLOY_REQUEST_ID is set but DEPLOY_RECORDS_TABLE, MODEL_PACKAGE_ARN are not');
  });

  test('an AWS error fails the job with the table name and AWS\'s message', async () => {
    const outcome = await claim('request-1', 501, { DEPLOY_RECORDS_TABLE: 'no-such-table' });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('could not claim the deploy record in no-such-table');
    expect(outcome.stderr).toContain('ResourceNotFoundException');
  });
});
