import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ID_TAG } from '../../../constructs/sagemaker-project/project-permissions';
import { syntheticAbalone } from './support/abalone';
import { BUILD_REPO, callWithStubbedAws, runPython } from './support/seed';

const SCRIPTS = join(BUILD_REPO, 'pipelines', 'scripts');
const TRAIN_MODEL = join(__dirname, 'support', 'train_model.py');

/** Input directory holding `rows` as abalone.csv. */
function inputDir(rows: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'abalone-input-'));
  writeFileSync(join(dir, 'abalone.csv'), rows.join('\n') + '\n');
  return dir;
}

const csvRows = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((line) => line.split(',').map(Number));

function preprocess(rows: string[], ...extra: string[]) {
  const output = mkdtempSync(join(tmpdir(), 'abalone-output-'));
  const run = runPython([join(SCRIPTS, 'preprocess.py'), '--input-dir', inputDir(rows), '--output-dir', output, ...extra]);
  return { ...run, output };
}

describe('preprocessing script', () => {
  const rows = syntheticAbalone(400);
  let result: ReturnType<typeof preprocess>;
  beforeAll(() => {
    result = preprocess(rows);
  });

  test('writes train, validation and test splits of 70/15/15 that together hold every row once', () => {
    expect(result.stderr).not.toContain('ERROR');
    expect(result.code).toBe(0);
    const splits = Object.fromEntries(['train', 'validation', 'test'].map((name) => [name, csvRows(join(result.output, name, `${name}.csv`))]));
    expect(splits.train).toHaveLength(280);
    expect(splits.validation).toHaveLength(60);
    expect(splits.test).toHaveLength(60);
    const written = [...splits.train, ...splits.validation, ...splits.test].map((row) => row.join(',')).sort();
    const expected = rows.map((line) => {
      const [sex, ...numbers] = line.split(',');
      const rings = numbers.pop();
      return [rings, ...numbers, ...['F', 'I', 'M'].map((category) => (category === sex ? 1 : 0))].map(Number).join(',');
    });
    expect(written).toEqual(expected.sort());
  });

  test('puts the target first, then seven measurements and a one-hot sex, with no header', () => {
    const train = readFileSync(join(result.output, 'train', 'train.csv'), 'utf8').split('\n')[0].split(',');
    expect(train).toHaveLength(11);
    expect(train.every((field) => Number.isFinite(Number(field)))).toBe(true);
    const oneHot = train.slice(8).map(Number);
    expect(oneHot.reduce((sum, value) => sum + value, 0)).toBe(1);
  });

  test('the same seed gives the same split, another seed a different one', () => {
    const again = preprocess(rows);
    const reseeded = preprocess(rows, '--seed', '3');
    const test = (output: string) => readFileSync(join(output, 'test', 'test.csv'), 'utf8');
    expect(test(again.output)).toBe(test(result.output));
    expect(test(reseeded.output)).not.toBe(test(result.output));
  });

  test('drops rows with a missing or non-numeric value and says how many', () => {
    const dirty = preprocess([...syntheticAbalone(40), 'M,0.5,,0.1,0.5,0.2,0.1,0.15,9', 'F,0.5,0.4,abc,0.5,0.2,0.1,0.15,9']);
    expect(dirty.code).toBe(0);
    expect(dirty.stderr).toContain('dropped 2 of 42 rows');
    const total = ['train', 'validation', 'test'].reduce((sum, name) => sum + csvRows(join(dirty.output, name, `${name}.csv`)).length, 0);
    expect(total).toBe(40);
  });

  test('rejects an unknown sex, a wrong column count, and too few rows with a message naming the problem', () => {
    const unknownSex = preprocess([...syntheticAbalone(20), 'X,0.5,0.4,0.1,0.5,0.2,0.1,0.15,9']);
    expect(unknownSex.code).toBe(1);
    expect(unknownSex.stderr).toContain("column sex holds ['X']; expected one of ['F', 'I', 'M']");

    const wrongColumns = preprocess(['M,0.5,0.4,0.1,9']);
    expect(wrongColumns.code).toBe(1);
    expect(wrongColumns.stderr).toContain('abalone.csv has 5 columns; expected 9: sex, length, diameter');

    const tooFew = preprocess(syntheticAbalone(3));
    expect(tooFew.code).toBe(1);
    expect(tooFew.stderr).toMatch(/only 3 usable rows: the .*split\(s\) would be empty/);
    expect(readdirSync(tooFew.output)).toEqual([]);
  });

  test('fails clearly when the input directory holds no CSV file', () => {
    const empty = mkdtempSync(join(tmpdir(), 'abalone-empty-'));
    const run = runPython([join(SCRIPTS, 'preprocess.py'), '--input-dir', empty, '--output-dir', empty]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no .csv file in ${empty}: check the pipeline's InputDataUrl`);
  });
});

describe('evaluation script', () => {
  let splitsDir: string;
  let modelDir: string;
  beforeAll(() => {
    splitsDir = preprocess(syntheticAbalone(600)).output;
    modelDir = mkdtempSync(join(tmpdir(), 'abalone-model-'));
    const trained = runPython([TRAIN_MODEL, join(splitsDir, 'train', 'train.csv'), modelDir]);
    expect(trained.stderr).toBe('');
  });

  function evaluate(model = modelDir, test = join(splitsDir, 'test')) {
    const output = mkdtempSync(join(tmpdir(), 'abalone-evaluation-'));
    const run = runPython([join(SCRIPTS, 'evaluate.py'), '--model-dir', model, '--test-dir', test, '--output-dir', output]);
    return { ...run, output };
  }

  test('writes evaluation.json with MSE, RMSE, MAE and R² of a model that learned something', () => {
    const run = evaluate();
    expect(run.code).toBe(0);
    const metrics = JSON.parse(readFileSync(join(run.output, 'evaluation.json'), 'utf8')).regression_metrics;
    expect(Object.keys(metrics).sort()).toEqual(['mae', 'mse', 'r2', 'rmse']);
    expect(metrics.rmse.value).toBeCloseTo(Math.sqrt(metrics.mse.value), 10);
    expect(metrics.mae.value).toBeLessThanOrEqual(metrics.rmse.value);
    const labels = csvRows(join(splitsDir, 'test', 'test.csv')).map((row) => row[0]);
    const mean = labels.reduce((sum, value) => sum + value, 0) / labels.length;
    const variance = labels.reduce((sum, value) => sum + (value - mean) ** 2, 0) / labels.length;
    expect(metrics.mse.value).toBeLessThan(variance / 2);
    expect(metrics.r2.value).toBeCloseTo(1 - metrics.mse.value / variance, 10);
    expect(run.stderr).toMatch(/test rows 90, mse \d+\.\d{4}/);
  });

  test('computes the metrics the condition step compares with the threshold', () => {
    const known = runPython([
      '-c',
      'import json, sys, numpy as np; sys.path.insert(0, sys.argv[1]); import evaluate; ' +
        'print(json.dumps(evaluate.regression_metrics(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 5.0, 2.0]))))',
      SCRIPTS,
    ]);
    const metrics = JSON.parse(known.stdout).regression_metrics;
    expect(metrics.mse.value).toBeCloseTo(2, 12);
    expect(metrics.rmse.value).toBeCloseTo(Math.SQRT2, 12);
    expect(metrics.mae.value).toBeCloseTo(1, 12);
    expect(metrics.r2.value).toBeCloseTo(1 - 2 / 1.25, 12);
  });

  test('fails clearly without a model archive or without test data', () => {
    const noModel = evaluate(mkdtempSync(join(tmpdir(), 'no-model-')));
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/model\.tar\.gz does not exist: the training step wrote no model/);
    const emptyTest = mkdtempSync(join(tmpdir(), 'no-test-'));
    const noTest = evaluate(modelDir, emptyTest);
    expect(noTest.code).toBe(1);
    expect(noTest.stderr).toContain(`no .csv file in ${emptyTest}`);
  });

  test('rejects an archive without the xgboost-model file', () => {
    const badModel = mkdtempSync(join(tmpdir(), 'bad-model-'));
    mkdirSync(join(badModel, 'content'));
    writeFileSync(join(badModel, 'content', 'other-file'), 'x');
    runPython(['-c', 'import sys, tarfile; t = tarfile.open(sys.argv[1], "w:gz"); t.add(sys.argv[2], arcname="other-file"); t.close()', join(badModel, 'model.tar.gz'), join(badModel, 'content', 'other-file')]);
    const run = evaluate(badModel);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('holds no xgboost-model');
  });
});

describe('waiting for the pipeline execution', () => {
  const executionArn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/abalone-demo-p-abcdefghijkl/execution/k3lk5m6n7o8p';
  const described = (status: string, extra: Record<string, unknown> = {}) => ({
    method: 'describe_pipeline_execution',
    expected: { PipelineExecutionArn: executionArn },
    response: { PipelineExecutionArn: executionArn, PipelineExecutionStatus: status, ...extra },
  });
  const wait = (calls: any[], timeoutSeconds = 600) =>
    callWithStubbedAws({
      sysPath: [BUILD_REPO],
      module: 'pipelines.execution',
      function: 'wait_for_execution',
      args: [{ $client: 'sagemaker' }, executionArn],
      kwargs: { timeout_seconds: timeoutSeconds, poll_seconds: 0 },
      stubs: { sagemaker: calls },
    });

  test('polls until the execution succeeds', () => {
    const outcome = wait([described('Executing'), described('Executing'), described('Succeeded')]);
    expect(outcome.error).toBeNull();
    expect(outcome.pending).toEqual([]);
    expect(outcome.result).toEqual({ execution_arn: executionArn, status: 'Succeeded', failure_reason: '', failed_steps: [] });
    expect(outcome.log.match(/execution status: Executing/g)).toHaveLength(1);
  });

  test('a failed execution reports every failed step with its reason, across result pages', () => {
    const outcome = wait([
      described('Executing'),
      described('Failed', { FailureReason: 'Step failure: One or multiple steps failed.' }),
      {
        method: 'list_pipeline_execution_steps',
        expected: { PipelineExecutionArn: executionArn },
        response: {
          PipelineExecutionSteps: [
            { StepName: 'PreprocessAbaloneData', StepStatus: 'Succeeded' },
            { StepName: 'CheckAbaloneModelMse', StepStatus: 'Succeeded' },
          ],
          NextToken: 'page-2',
        },
      },
      {
        method: 'list_pipeline_execution_steps',
        expected: { PipelineExecutionArn: executionArn, NextToken: 'page-2' },
        response: { PipelineExecutionSteps: [{ StepName: 'RejectAbaloneModel', StepStatus: 'Failed', FailureReason: 'test MSE 7.2 is above the threshold 6.0' }] },
      },
    ]);
    expect(outcome.pending).toEqual([]);
    expect(outcome.result).toEqual({
      execution_arn: executionArn,
      status: 'Failed',
      failure_reason: 'Step failure: One or multiple steps failed.',
      failed_steps: [{ name: 'RejectAbaloneModel', status: 'Failed', reason: 'test MSE 7.2 is above the threshold 6.0' }],
    });
  });

  test('a stopped execution is not a success', () => {
    const outcome = wait([
      described('Stopped'),
      { method: 'list_pipeline_execution_steps', expected: { PipelineExecutionArn: executionArn }, response: { PipelineExecutionSteps: [{ StepName: 'TrainAbaloneModel', StepStatus: 'Stopped' }] } },
    ]);
    expect(outcome.result.status).toBe('Stopped');
    expect(outcome.result.failed_steps).toEqual([{ name: 'TrainAbaloneModel', status: 'Stopped', reason: '' }]);
  });

  test('gives up after the timeout and says the execution keeps running', () => {
    const outcome = wait([described('Executing')], 0);
    expect(outcome.error).toEqual({ type: 'ExecutionTimeout', message: `${executionArn} is still Executing after 0 s; it keeps running in SageMaker` });
  });

  test('an error from SageMaker is not mistaken for an outcome', () => {
    const outcome = wait([{ method: 'describe_pipeline_execution', error: { code: 'AccessDeniedException', message: 'not authorized' } }]);
    expect(outcome.error?.type).toBe('ClientError');
    expect(outcome.error?.message).toContain('AccessDeniedException');
  });

  test('the job log names the failed step and its reason', () => {
    const run = runPython([
      '-c',
      'import sys; sys.path.insert(0, sys.argv[1]); from pipelines.execution import *; ' +
        'print("\\n".join(describe_outcome(ExecutionOutcome("arn:x", "Failed", "", (StepFailure("RejectAbaloneModel", "Failed", "MSE too high"),)))))',
      BUILD_REPO,
    ]);
    expect(run.stdout.trim().split('\n')).toEqual(['execution arn:x ended Failed: no reason given', '  step RejectAbaloneModel Failed: MSE too high']);
  });
});

describe('pipeline CLI arguments', () => {
  const valid = {
    '--region': 'us-east-1',
    '--role-arn': 'arn:aws:iam::123456789012:role/service-role/AmazonSageMakerServiceCatalogProductsUseRole',
    '--artifact-bucket': 'example-dev-mlops-p-abcdefghijkl',
    '--project-name': 'abalone-demo',
    '--project-id': 'p-abcdefghijkl',
  };
  const parse = (overrides: Record<string, string>) =>
    callWithStubbedAws({
      sysPath: [BUILD_REPO],
      module: 'pipelines.run_pipeline',
      function: 'parse_args',
      args: [Object.entries({ ...valid, ...overrides }).flat()],
    });

  test('accepts the values the project stack sets', () => {
    const parsed = parse({});
    expect(parsed.exit).toBeNull();
    expect(parsed.result).toMatchObject({ region: 'us-east-1', project_id: 'p-abcdefghijkl', timeout_minutes: 150 });
  });

  test.each([
    ['--role-arn', '', 'SAGEMAKER_PIPELINE_ROLE_ARN'],
    ['--project-id', 'abcdefghijkl', 'SAGEMAKER_PROJECT_ID'],
    ['--project-name', 'a'.repeat(33), 'SAGEMAKER_PROJECT_NAME'],
    ['--artifact-bucket', 'Not_A_Bucket', 'ARTIFACT_BUCKET'],
    ['--region', 'mars-1', 'AWS_REGION'],
  ])('rejects %s %j, naming the CI/CD variable %s to fix', (flag, value, variable) => {
    const parsed = parse({ [flag]: value });
    expect(parsed.exit).toBe(2);
    expect(parsed.log).toContain(`argument ${flag}: ${JSON.stringify(value).replace(/"/g, "'")} does not match`);
    expect(parsed.log).toContain(`check the CI/CD variable ${variable}`);
  });
});

describe('starting the pipeline version the job upserted', () => {
  /** Runs `code` with a fake SageMaker client recording its calls (the Debian boto3 predates PipelineVersionId, so botocore's Stubber cannot check these requests). */
  const withFakeClient = (code: string, knowsVersions = true) =>
    runPython([
      '-c',
      [
        'import json, sys, types',
        `sys.path.insert(0, ${JSON.stringify(BUILD_REPO)})`,
        'from pipelines.execution import *',
        'calls = []',
        `members = {"PipelineName": 1${knowsVersions ? ', "PipelineVersionId": 1' : ''}}`,
        'class Client:',
        '    meta = types.SimpleNamespace(service_model=types.SimpleNamespace(operation_model=lambda name: types.SimpleNamespace(input_shape=types.SimpleNamespace(members=members))))',
        '    def list_pipeline_versions(self, **kwargs):',
        '        calls.append(["list_pipeline_versions", kwargs]); return {"PipelineVersionSummaries": [{"PipelineVersionId": 1}]}',
        '    def start_pipeline_execution(self, **kwargs):',
        '        calls.append(["start_pipeline_execution", kwargs]); return {"PipelineExecutionArn": "arn:execution"}',
        'client = Client()',
        'try:',
        ...code.split('\n').map((line) => `    ${line}`),
        'except PipelineVersionUnknown as error:',
        '    print(json.dumps({"error": str(error)})); sys.exit(0)',
        'print(json.dumps({"result": result, "calls": calls}))',
      ].join('\n'),
    ]);
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/abalone-demo-p-abcdefghijkl';

  test('an update names its version: that one is started, with the parameters and names of the CI run', () => {
    const run = withFakeClient(`result = start_version(client, "abalone", upserted_version(client, "abalone", {"PipelineArn": "${arn}", "PipelineVersionId": 7}), {"InputDataUrl": "s3://b/k"}, "gitlab-42", "commit abc")`);
    expect(JSON.parse(run.stdout)).toEqual({
      result: 'arn:execution',
      calls: [
        [
          'start_pipeline_execution',
          { PipelineName: 'abalone', PipelineVersionId: 7, PipelineParameters: [{ Name: 'InputDataUrl', Value: 's3://b/k' }], PipelineExecutionDisplayName: 'gitlab-42', PipelineExecutionDescription: 'commit abc' },
        ],
      ],
    });
  });

  test('a creation names none: the pipeline\'s first (only) version is started', () => {
    const run = withFakeClient(`result = upserted_version(client, "abalone", {"PipelineArn": "${arn}"})`);
    expect(JSON.parse(run.stdout)).toEqual({ result: 1, calls: [['list_pipeline_versions', { PipelineArn: arn, SortOrder: 'Ascending', MaxResults: 1 }]] });
  });

  test('a boto3 too old to start a given version says so instead of starting the latest', () => {
    const run = withFakeClient(`result = upserted_version(client, "abalone", {"PipelineArn": "${arn}"})`, false);
    expect(JSON.parse(run.stdout).error).toContain('this boto3 cannot start a given pipeline version');
  });
});

describe('model registration', () => {
  test('registers every model as PendingManualApproval: no pipeline parameter can approve one', () => {
    const source = readFileSync(join(BUILD_REPO, 'pipelines', 'pipeline.py'), 'utf8');
    expect(source).toContain('APPROVAL_STATUS = "PendingManualApproval"');
    expect(source).toContain('approval_status=APPROVAL_STATUS');
    expect(source).not.toMatch(/Parameter\w*\(name="ModelApprovalStatus"/);
  });
});

describe('pipeline jobs', () => {
  test('every job the pipeline starts carries the project id, under the tag the pipeline role\'s policy checks', () => {
    // The SageMaker SDK is not installed here: the definition is read as Python source, not built.
    const finder = join(mkdtempSync(join(tmpdir(), 'job-tags-')), 'job_tags.py');
    writeFileSync(
      finder,
      [
        'import ast, json, sys',
        'tree = ast.parse(open(sys.argv[1]).read())',
        "jobs = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, 'id', None) in ('SKLearnProcessor', 'ScriptProcessor', 'Estimator')]",
        "print(json.dumps([[job.func.id, [ast.unparse(keyword.value) for keyword in job.keywords if keyword.arg == 'tags']] for job in jobs]))",
      ].join('\n'),
    );
    const run = runPython([finder, join(BUILD_REPO, 'pipelines', 'pipeline.py')]);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).sort()).toEqual([
      ['Estimator', ['project.job_tags']],
      ['SKLearnProcessor', ['project.job_tags']],
      ['ScriptProcessor', ['project.job_tags']],
    ]);
    const source = readFileSync(join(BUILD_REPO, 'pipelines', 'pipeline.py'), 'utf8');
    expect(source).toContain(`return [{"Key": "${PROJECT_ID_TAG}", "Value": self.project_id}]`);
    expect(readFileSync(join(BUILD_REPO, 'pipelines', 'run_pipeline.py'), 'utf8')).toContain('project_id=args.project_id,');
  });
});

