import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describedPackage, GROUP, latestApproved, packageArn } from './support/model-packages';
import { callWithStubbedAws, DEPLOY_REPO, StubbedCall } from './support/seed';

const SCRIPTS = join(DEPLOY_REPO, 'scripts');
const resolve = (requestedArn: string, calls: StubbedCall[]) =>
  callWithStubbedAws({
    sysPath: [SCRIPTS],
    module: 'build_stage_variables',
    function: 'resolve_model_package',
    args: [{ $client: 'sagemaker' }, 'us-east-1', GROUP, requestedArn],
    stubs: { sagemaker: calls },
  });

describe('resolving the model package to deploy', () => {
  test('takes the package the deploy trigger passed, once it is approved and in this project group', () => {
    const resolved = resolve(packageArn(7), [describedPackage(7)]);
    expect(resolved.pending).toEqual([]);
    expect(resolved.result).toEqual({
      arn: packageArn(7),
      group: GROUP,
      version: 7,
      supported_instance_types: ['ml.t2.medium', 'ml.m5.large', 'ml.m5.xlarge'],
    });
  });

  test('without MODEL_PACKAGE_ARN, takes the latest approved package of the group', () => {
    const resolved = resolve('', [latestApproved([12]), describedPackage(12)]);
    expect(resolved.pending).toEqual([]);
    expect(resolved.result.arn).toBe(packageArn(12));
  });

  test('without any approved package, says to approve one', () => {
    const resolved = resolve('', [latestApproved([])]);
    expect(resolved.error).toEqual({
      type: 'DeployInputError',
      message: `model group ${GROUP} has no approved model package: approve one in Studio (Models > Model registry), or run this pipeline with MODEL_PACKAGE_ARN`,
    });
  });

  test('refuses a package that is not approved', () => {
    const resolved = resolve(packageArn(8), [describedPackage(8, { ModelApprovalStatus: 'PendingManualApproval' })]);
    expect(resolved.error?.message).toBe(`model package ${packageArn(8)} is PendingManualApproval: approve it in Studio before deploying it`);
  });

  test.each([
    ['another project group', packageArn(3, 'other-project-p-zzzzzzzzzzzz'), `belongs to model group other-project-p-zzzzzzzzzzzz, not to this project's ${GROUP}`],
    ['another region', packageArn(3, GROUP, 'eu-west-1'), 'is in eu-west-1; this project deploys in us-east-1'],
    ['a malformed ARN', 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/x', 'is not a versioned model package ARN'],
  ])('refuses a package from %s before asking AWS', (_case, arn, message) => {
    const resolved = resolve(arn, []);
    expect(resolved.error?.type).toBe('DeployInputError');
    expect(resolved.error?.message).toContain(message);
  });
});

describe('writing the stage variables', () => {
  const common = {
    '--region': 'us-east-1',
    '--model-package-group': GROUP,
    '--project-name': 'abalone-demo',
    '--project-id': 'p-abcdefghijkl',
    '--artifact-bucket': 'example-dev-mlops-p-abcdefghijkl',
    '--execution-role-arn': 'arn:aws:iam::123456789012:role/service-role/AmazonSageMakerServiceCatalogProductsUseRole',
  };

  function build(calls: StubbedCall[], options: { arn?: string; configDir?: string } = {}) {
    const output = mkdtempSync(join(tmpdir(), 'stage-variables-'));
    const argv = [...Object.entries(common).flat(), '--model-package-arn', options.arn ?? '', '--output-dir', output];
    if (options.configDir) argv.push('--config-dir', options.configDir);
    const outcome = callWithStubbedAws({
      sysPath: [SCRIPTS],
      module: 'build_stage_variables',
      function: 'main',
      args: [[...argv, 'staging', 'prod']],
      stubs: { sagemaker: calls },
    });
    const read = (stage: string) => JSON.parse(readFileSync(join(output, `${stage}.tfvars.json`), 'utf8'));
    return { ...outcome, read };
  }

  function configDir(configs: Record<string, unknown>): string {
    const dir = mkdtempSync(join(tmpdir(), 'stage-configs-'));
    for (const [stage, config] of Object.entries(configs)) writeFileSync(join(dir, `${stage}-config.json`), JSON.stringify(config));
    return dir;
  }

  test('staging and prod get the same model package and their own config file settings', () => {
    const built = build([describedPackage(7)], { arn: packageArn(7) });
    expect(built.result).toBe(0);
    const shared = {
      region: 'us-east-1',
      sagemaker_project_name: 'abalone-demo',
      sagemaker_project_id: 'p-abcdefghijkl',
      artifact_bucket: 'example-dev-mlops-p-abcdefghijkl',
      model_package_arn: packageArn(7),
      execution_role_arn: common['--execution-role-arn'],
    };
    const config = (stage: string) => JSON.parse(readFileSync(join(DEPLOY_REPO, `${stage}-config.json`), 'utf8'));
    expect(built.read('staging')).toEqual({ ...shared, stage: 'staging', ...config('staging') });
    expect(built.read('prod')).toEqual({ ...shared, stage: 'prod', ...config('prod') });
    expect(built.log).toContain(`deploying ${packageArn(7)} (version 7 of ${GROUP})`);
  });

  test('an instance type the model package does not support fails the build, naming the file and the choices', () => {
    const dir = configDir({
      staging: { instance_type: 'ml.m5.large', instance_count: 1, data_capture_sampling_percentage: 100 },
      prod: { instance_type: 'ml.c5.large', instance_count: 2, data_capture_sampling_percentage: 10 },
    });
    const built = build([describedPackage(7)], { arn: packageArn(7), configDir: dir });
    expect(built.result).toBe(1);
    expect(built.log).toContain(`prod-config.json instance_type ml.c5.large is not supported by ${packageArn(7)}; pick one of ml.t2.medium, ml.m5.large, ml.m5.xlarge`);
  });

  test('every problem of a config file is named, before AWS is asked anything', () => {
    const dir = configDir({
      staging: { instance_type: 'm5.large', instance_count: 0, data_capture_sampling_percentage: true, colour: 'blue' },
      prod: { instance_type: 'ml.m5.large', instance_count: 2, data_capture_sampling_percentage: 10 },
    });
    const built = build([], { configDir: dir });
    expect(built.result).toBe(1);
    expect(built.pending).toEqual([]);
    expect(built.log).toContain(
      "staging-config.json: unknown key 'colour'; instance_type = \"m5.large\" must be a SageMaker instance type such as ml.m5.large; " +
        'instance_count = 0 must be a whole number from 1 to 10; data_capture_sampling_percentage = true must be a whole number from 1 to 100',
    );
  });

  test('a missing file and a broken file are both named in one run', () => {
    const dir = configDir({});
    writeFileSync(join(dir, 'prod-config.json'), '{ "instance_type": ');
    const built = build([], { configDir: dir });
    expect(built.result).toBe(1);
    expect(built.log).toContain('staging-config.json is missing: every stage needs its <stage>-config.json');
    expect(built.log).toContain('prod-config.json is not valid JSON');
  });

  test('an AWS error fails the build with AWS\'s message', () => {
    const built = build([{ method: 'list_model_packages', error: { code: 'AccessDeniedException', message: 'not authorized to perform sagemaker:ListModelPackages' } }]);
    expect(built.result).toBe(1);
    expect(built.log).toContain('AWS refused to describe the model package');
    expect(built.log).toContain('not authorized to perform sagemaker:ListModelPackages');
  });
});

describe('checking the staging endpoint', () => {
  const outputsFile = (content: unknown) => {
    const path = join(mkdtempSync(join(tmpdir(), 'tf-outputs-')), 'staging-outputs.json');
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  const outputs = { endpoint_name: { sensitive: false, type: 'string', value: 'abalone-demo-staging' } };
  const sample = readFileSync(join(SCRIPTS, 'sample-records.csv'), 'utf8').trim().split('\n');
  const invoked = (response: Record<string, unknown>): StubbedCall => ({
    method: 'invoke_endpoint',
    expected: { EndpointName: 'abalone-demo-staging', ContentType: 'text/csv', Accept: 'text/csv', Body: { $bytes: sample.join('\n') } },
    response: { ContentType: 'text/csv', ...response },
  });
  const check = (calls: StubbedCall[], outputsPath = outputsFile(outputs)) =>
    callWithStubbedAws({
      sysPath: [SCRIPTS],
      module: 'check_endpoint',
      function: 'main',
      args: [['--region', 'us-east-1', '--terraform-outputs', outputsPath]],
      stubs: { 'sagemaker-runtime': calls },
    });

  test('sends the sample records and passes when every record gets a number', () => {
    const checked = check([invoked({ Body: '9.81,10.02\n7.5' })]);
    expect(checked.pending).toEqual([]);
    expect(checked.result).toBe(0);
    expect(checked.log).toContain('abalone-demo-staging answered all 3 records');
  });

  test.each([
    ['an error answer', { Body: 'Unable to evaluate payload provided' }, "not numbers"],
    ['too few predictions', { Body: '9.8' }, 'answered 1 predictions for 3 records'],
    ['a non-finite prediction', { Body: '1.0,nan,2.0' }, 'non-finite predictions'],
  ])('fails on %s', (_case, response, message) => {
    const checked = check([invoked(response)]);
    expect(checked.result).toBe(1);
    expect(checked.log).toContain(message);
  });

  test('fails when the endpoint cannot be invoked', () => {
    const checked = check([{ method: 'invoke_endpoint', error: { code: 'ModelError', message: 'Received server error (500) from primary', status: 424 } }]);
    expect(checked.result).toBe(1);
    expect(checked.log).toContain('invoking abalone-demo-staging failed');
    expect(checked.log).toContain('Received server error (500)');
  });

  test('fails when the deploy job left no endpoint name', () => {
    const checked = check([], outputsFile({}));
    expect(checked.result).toBe(1);
    expect(checked.log).toMatch(/staging-outputs\.json holds no endpoint_name output .*did the deploy job run\?/);
  });
});
