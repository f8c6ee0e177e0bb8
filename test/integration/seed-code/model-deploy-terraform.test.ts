import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeAws, useFakeAws } from '../../harness/fake-aws';
import { runTerraform, TerraformWorkdir } from '../../harness/terraform';
import { describedPackage, GROUP, packageArn } from './support/model-packages';
import { callWithStubbedAws, DEPLOY_REPO } from './support/seed';

const MODULE = join(DEPLOY_REPO, 'terraform');

// Each plan starts the 700 MB aws provider; on a shared 2-core machine one takes 5-30 s.
jest.setTimeout(300_000);

/** What the build job writes for a stage (terraform/variables.tf), with environment-variable values. */
const sampleVariables = (overrides: Record<string, string> = {}): Record<string, string> => ({
  region: 'us-east-1',
  sagemaker_project_name: 'abalone-demo',
  sagemaker_project_id: 'p-abcdefghijkl',
  stage: 'staging',
  artifact_bucket: 'example-dev-mlops-p-abcdefghijkl',
  model_package_arn: packageArn(7),
  execution_role_arn: 'arn:aws:iam::123456789012:role/service-role/AmazonSageMakerServiceCatalogProductsUseRole',
  instance_type: 'ml.m5.large',
  instance_count: '1',
  data_capture_sampling_percentage: '100',
  ...overrides,
});

/**
 * The module with two override files: a local backend instead of the partial S3 one (which
 * needs AWS at init), and the aws provider pointed at the fake endpoint with fake credentials.
 */
function planWorkdir(fakeAws: FakeAws, files: Record<string, string> = {}): TerraformWorkdir {
  const provider = { provider: { aws: [{}] } };
  useFakeAws(provider, fakeAws);
  return TerraformWorkdir.fromDirectory(MODULE, { overrides: { backend: { terraform: { backend: { local: {} } } }, provider }, files });
}

const planned = (plan: any, type: string) => {
  const changes = plan.resource_changes.filter((change: any) => change.type === type);
  expect(changes).toHaveLength(1);
  expect(changes[0].change.actions).toEqual(['create']);
  return changes[0].change.after;
};

describe('deploy Terraform package', () => {
  const fakeAws = new FakeAws();
  let workdir: TerraformWorkdir;

  const plans = new Map<string, any>();

  /**
   * The module's variables and naming locals alone (variables.tf, names.tf), with outputs exposing
   * the names: validation and naming run in real terraform without starting a provider.
   */
  let providerFree: TerraformWorkdir;

  beforeAll(async () => {
    await fakeAws.start();
    workdir = planWorkdir(fakeAws);
    const namesOnly = mkdtempSync(join(tmpdir(), 'deploy-names-'));
    for (const file of ['variables.tf', 'names.tf']) copyFileSync(join(MODULE, file), join(namesOnly, file));
    providerFree = TerraformWorkdir.fromDirectory(namesOnly, {
      files: {
        'names_outputs.tf.json': JSON.stringify({
          output: Object.fromEntries(['model_name', 'endpoint_configuration_name', 'endpoint_name'].map((name) => [name, { value: `\${local.${name}}` }])),
        }),
      },
    });
    await Promise.all([workdir.init(), providerFree.init()]);
  });
  afterAll(() => fakeAws.stop());

  /** The plan for the sample variables with these overrides (each distinct plan runs once: plans take seconds). */
  async function successfulPlan(overrides: Record<string, string>): Promise<any> {
    const key = JSON.stringify(sampleVariables(overrides));
    if (!plans.has(key)) {
      const result = await workdir.plan(sampleVariables(overrides));
      if (!result.ok) throw new Error(result.output);
      plans.set(key, result.plan);
    }
    return plans.get(key);
  }

  test('passes terraform init -backend=false and validate with the real aws provider', async () => {
    const module = TerraformWorkdir.fromDirectory(MODULE);
    await module.init({ backend: false });
    const report = await module.validate();
    expect(report.diagnostics).toEqual([]);
    expect(report.valid).toBe(true);
  });

  test('is formatted as terraform fmt writes it', async () => {
    const result = await runTerraform(['fmt', '-check', '-diff', '-recursive', MODULE], tmpdir());
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });

  test('plans the model from the package, the endpoint configuration capturing to the artifact bucket, and the endpoint', async () => {
    const plan = await successfulPlan({});
    const model = planned(plan, 'aws_sagemaker_model');
    const configuration = planned(plan, 'aws_sagemaker_endpoint_configuration');
    const sagemakerEndpoint = planned(plan, 'aws_sagemaker_endpoint');

    expect(model.name).toMatch(/^p-abcdefghijkl-staging-v7-[0-9a-f]{8}$/);
    expect(model.execution_role_arn).toBe(sampleVariables().execution_role_arn);
    expect(model.primary_container).toEqual([expect.objectContaining({ model_package_name: packageArn(7) })]);

    expect(configuration.name).toMatch(/^p-abcdefghijkl-staging-[0-9a-f]{8}$/);
    expect(configuration.production_variants).toEqual([
      expect.objectContaining({ model_name: model.name, instance_type: 'ml.m5.large', initial_instance_count: 1, variant_name: 'AllTraffic' }),
    ]);
    const [capture] = configuration.data_capture_config;
    expect(capture).toMatchObject({
      enable_capture: true,
      initial_sampling_percentage: 100,
      destination_s3_uri: 's3://example-dev-mlops-p-abcdefghijkl/data-capture/p-abcdefghijkl-staging',
    });
    expect(capture.capture_options.map((option: any) => option.capture_mode).sort()).toEqual(['Input', 'Output']);

    expect(sagemakerEndpoint).toMatchObject({ name: 'p-abcdefghijkl-staging', endpoint_config_name: configuration.name });
    for (const resource of [model, configuration, sagemakerEndpoint]) {
      expect(resource.tags_all).toEqual({ 'sagemaker:project-name': 'abalone-demo', 'sagemaker:project-id': 'p-abcdefghijkl', 'model-deploy:stage': 'staging' });
    }
    expect(plan.planned_values.outputs.data_capture_uri.value).toBe(capture.destination_s3_uri);
  });

  /** Names of the model, endpoint configuration and endpoint a plan creates. */
  const namesIn = (plan: any): string[] => ['aws_sagemaker_model', 'aws_sagemaker_endpoint_configuration', 'aws_sagemaker_endpoint'].map((type) => planned(plan, type).name);
  /** Those names for these variables. */
  const plannedNames = async (variables: Record<string, string>): Promise<string[]> => namesIn(await successfulPlan(variables));

  test('staging and prod never share a name, so deploying one never replaces the other', async () => {
    const staging = await plannedNames({});
    const { plan } = await prodPlanFromBuild();
    const prod = namesIn(plan);
    for (const name of staging) expect(prod).not.toContain(name);
    expect(prod[2]).toBe('p-abcdefghijkl-prod');
  });

  /** Model, endpoint configuration and endpoint names for these variables, from names.tf alone. */
  async function derivedNames(overrides: Record<string, string>): Promise<string[]> {
    const result = await providerFree.plan(sampleVariables(overrides));
    if (!result.ok) throw new Error(result.output);
    return ['model_name', 'endpoint_configuration_name', 'endpoint_name'].map((name) => result.plan.planned_values.outputs[name].value);
  }

  test('the names the full plan gives are those names.tf derives, so names can be checked without a provider', async () => {
    expect(await derivedNames({})).toEqual(await plannedNames({}));
  });

  test('a new model version or new settings get new model and configuration names behind the same endpoint', async () => {
    const v7 = await derivedNames({});
    const v8 = await derivedNames({ model_package_arn: packageArn(8) });
    const bigger = await derivedNames({ instance_count: '2' });
    expect(v8[0]).toMatch(/-v8-/);
    expect(v8[0]).not.toBe(v7[0]);
    expect(v8[1]).not.toBe(v7[1]);
    expect(bigger[0]).toBe(v7[0]);
    expect(bigger[1]).not.toBe(v7[1]);
    expect(new Set([v7[2], v8[2], bigger[2]])).toEqual(new Set(['p-abcdefghijkl-staging']));
  });

  describe('rejects every invalid variable, naming it, before anything is created', () => {
    const invalid: Array<[string, string, string]> = [
      ['stage', 'qa', 'stage must be staging or prod'],
      ['sagemaker_project_name', 'a'.repeat(33), 'sagemaker_project_name must be 1-32 letters'],
      ['sagemaker_project_id', 'p-ABC', 'sagemaker_project_id must look like p-abcdefghijkl'],
      ['artifact_bucket', 'example-dev-mlops-p-zzzzzzzzzzzz', "artifact_bucket must be the project's bucket"],
      ['model_package_arn', `arn:aws:sagemaker:us-east-1:123456789012:model-package-group/${GROUP}`, 'model_package_arn must be a versioned model package ARN'],
      ['execution_role_arn', 'AmazonSageMakerServiceCatalogProductsUseRole', 'execution_role_arn must be an IAM role ARN'],
      ['instance_type', 'm5.large', 'instance_type must be a SageMaker instance type'],
      ['instance_count', '0', 'instance_count must be a whole number from 1 to 10'],
      ['data_capture_sampling_percentage', '0', 'data_capture_sampling_percentage must be a whole number from 1 to 100'],
    ];
    // Terraform reports every failed validation of a plan, but skips a check that refers to an
    // invalid variable (artifact_bucket's refers to sagemaker_project_id): two plans cover all.
    // Validation needs no provider: they run on the provider-free workdir.
    let output = '';
    beforeAll(async () => {
      const bucketCheck = invalid.filter(([name]) => name === 'artifact_bucket');
      for (const wrong of [invalid.filter((entry) => !bucketCheck.includes(entry)), bucketCheck]) {
        const result = await providerFree.plan(sampleVariables(Object.fromEntries(wrong.map(([name, value]) => [name, value]))));
        expect(result.ok).toBe(false);
        output += result.output.replace(/\s+/g, ' ');
      }
    });

    test.each(invalid)('%s = %j', (_name, _value, message) => {
      expect(output).toContain(message);
    });
  });

  /** The prod plan of exactly the variables file the build job writes (planned once). */
  let prodFromBuild: Promise<{ plan: any; output: string }> | undefined;
  function prodPlanFromBuild(): Promise<{ plan: any; output: string }> {
    prodFromBuild ??= (async () => {
      const output = mkdtempSync(join(tmpdir(), 'build-'));
      const variables = sampleVariables();
      const argv = [
        '--region', variables.region,
        '--model-package-group', GROUP,
        '--model-package-arn', packageArn(7),
        '--project-name', variables.sagemaker_project_name,
        '--project-id', variables.sagemaker_project_id,
        '--artifact-bucket', variables.artifact_bucket,
        '--execution-role-arn', variables.execution_role_arn,
        '--output-dir', output,
        'prod',
      ];
      const built = callWithStubbedAws({ sysPath: [join(DEPLOY_REPO, 'scripts')], module: 'build_stage_variables', function: 'main', args: [argv], stubs: { sagemaker: [describedPackage(7)] } });
      expect(built.result).toBe(0);
      const fromBuild = planWorkdir(fakeAws, { 'build.auto.tfvars.json': readFileSync(join(output, 'prod.tfvars.json'), 'utf8') });
      await fromBuild.init();
      const result = await fromBuild.plan({});
      if (!result.ok) throw new Error(result.output);
      return { plan: result.plan, output: result.output };
    })();
    return prodFromBuild;
  }

  test('plans exactly the variables file the build job writes', async () => {
    const { plan, output } = await prodPlanFromBuild();
    expect(output).not.toMatch(/undeclared variable/i);
    expect(planned(plan, 'aws_sagemaker_endpoint').name).toBe('p-abcdefghijkl-prod');
    expect(planned(plan, 'aws_sagemaker_endpoint_configuration').production_variants[0].initial_instance_count).toBe(
      JSON.parse(readFileSync(join(DEPLOY_REPO, 'prod-config.json'), 'utf8')).instance_count,
    );
  });

});
