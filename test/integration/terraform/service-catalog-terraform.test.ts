/**
 * The service-catalog stack through real terraform with the hashicorp/aws provider: `validate` (the
 * template body's escaping, every attribute of the new resources), the CodeBuild engine's `plan` with
 * the checks `npm run verify` makes of the default engine's, and `plan` against a prior state to show
 * that a template change adds a product version and never replaces the product.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FakeAws, FAKE_ACCOUNT_ID, useFakeAws } from '../../harness/fake-aws';
import { OfflineTransformResult } from '../../harness/offline-transform';
import { checkPlan, STACK_SPECS } from '../../harness/plan-specs';
import { plannedResources, TerraformWorkspace } from '../../harness/terraform';
import { SERVICE_CATALOG_STACK } from '../../../main';
import { resources, synthApp, Synthesized, testConfig } from '../../support/synth';

/**
 * Puts another synthesized stack (made installable offline the same way) into an initialised
 * workspace, so one `terraform init` serves several stacks with the same providers.
 */
function load(workspace: TerraformWorkspace, app: SynthesizedApp, files: Record<string, string> = {}): OfflineTransformResult {
  // From the synthesized file, so the stack's assets (Lambda archives) come along.
  const prepared = TerraformWorkspace.create(stackFile(app), { files });
  rmSync(join(workspace.dir, 'terraform.tfstate'), { force: true });
  rmSync(join(workspace.dir, 'assets'), { recursive: true, force: true });
  cpSync(prepared.dir, workspace.dir, { recursive: true });
  rmSync(prepared.dir, { recursive: true, force: true });
  return prepared.transform;
}

type SynthesizedApp = ReturnType<typeof synthApp>;
const stackFile = (app: SynthesizedApp) => join(app.outdir, 'stacks', SERVICE_CATALOG_STACK, 'cdk.tf.json');

/** One initialised workspace serves every test of this file (each loads its stack first). */
let workspace: TerraformWorkspace;
beforeAll(async () => {
  workspace = TerraformWorkspace.create(stackFile(synthApp()));
  await workspace.init();
});

const idOf = (stack: Synthesized, type: string, prefix: string) => {
  const ids = Object.keys(resources(stack, type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${ids.join(', ')}`);
  return ids[0];
};

describe('service-catalog stack, validated by terraform', () => {
  // The defaults (oidc mode) are validated by `npm run verify` (test/integration/commands/verify.test.ts).
  test.each([
    [
      'access keys, type registration, S3 project template, retained version',
      {
        SMP_GITLAB_CI_AUTH_MODE: 'access-keys',
        SMP_COMMAND_RUNNER_TYPE_RELEASE_PACKAGE: 's3://platform-artifacts/awsutility-cloudformation-commandrunner.zip',
        SMP_S3_PROJECT_TEMPLATE_ENABLED: 'true',
        SMP_SERVICE_CATALOG_RETAINED_TEMPLATE_VERSIONS: '0123456789ab',
        SMP_COMMAND_RUNNER_SUBNET_ID: 'subnet-0123456789abcdef0',
      },
    ],
  ])('%s: terraform validate passes, and no provider is removed', async (_name, env) => {
    const transform = load(workspace, synthApp(testConfig(env)));
    expect(transform.removedProviders).toEqual([]);
    expect(transform.removedAddresses).toEqual([]);
    const report = await workspace.validate();
    expect(report.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
    expect(report.valid).toBe(true);
  });
});

describe('service-catalog stack with the CodeBuild engine, planned by terraform', () => {
  // The default engine is planned by `npm run verify` (test/integration/commands/verify.test.ts).
  const fake = new FakeAws();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  test("with an existing OIDC provider: validate passes, and the plan passes every check npm run verify makes of this stack's plan", async () => {
    const config = testConfig({ SMP_RUNNER_ENGINE: 'codebuild', SMP_GITLAB_OIDC_PROVIDER_ARN: 'arn:aws:iam::123456789012:oidc-provider/gitlab.example.com' });
    const app = synthApp(config);
    const transform = load(workspace, app);
    expect(transform.removedProviders).toEqual([]);
    const report = await workspace.validate();
    expect(report.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);

    const spec = STACK_SPECS[SERVICE_CATALOG_STACK];
    const variables = spec.variables(config);
    workspace.update((stack) => useFakeAws(stack, fake, config.region));
    const planned = await workspace.plan(variables);
    if (!planned.ok) throw new Error(planned.output);
    const resourcesPlanned = plannedResources(planned.plan);
    const context = {
      stack: SERVICE_CATALOG_STACK,
      config,
      synthesized: app.serviceCatalog,
      variables,
      plan: planned.plan,
      planOutput: planned.output,
      resources: resourcesPlanned,
    };
    expect(checkPlan(spec, context).problems).toEqual([]);

    // What only this engine plans: its CodeBuild project, the function the template's custom resource calls, and no instance profile.
    const names = config.names.codeBuildRunner;
    expect(resourcesPlanned.filter((resource) => resource.type === 'aws_codebuild_project').map((resource) => resource.values.name)).toEqual([names.project]);
    expect(resourcesPlanned.filter((resource) => resource.type === 'aws_lambda_function').map((resource) => resource.values.function_name)).toEqual([
      names.function,
    ]);
    expect(resourcesPlanned.filter((resource) => resource.type === 'aws_iam_instance_profile')).toEqual([]);
    // The runner role's CodeBuild grant (its statements name the key and bucket created here, known after apply: see its construct test).
    expect(resourcesPlanned.filter((resource) => resource.type === 'aws_iam_role_policy' && resource.values.name === 'codebuild')).toHaveLength(1);
  });
});

describe('product versions, planned by terraform against an existing product', () => {
  const OLD_VERSION = '0123456789ab';
  const RETAINED_VERSION = 'abcdef012345';
  const PRODUCT_ID = 'prod-existing0001';
  const fake = new FakeAws();

  beforeAll(async () => {
    await fake.start();
  });
  afterAll(() => fake.stop());

  /**
   * Suffix of a copy of the product resource without its lifecycle block, planned beside the real
   * one from the same prior state: what the plan would do to the product without ignore_changes.
   */
  const UNGUARDED = '_without_ignore_changes';

  /**
   * State of a deployment that has published the templates `versions` before: the product (created
   * with the first of them), its unguarded copy, and one product version per template.
   */
  function priorState(stack: Synthesized, versions: string[]): object {
    const productId = idOf(stack, 'aws_servicecatalog_product', 'portfolio_product');
    const product = resources(stack, 'aws_servicecatalog_product')[productId];
    const templateUrl = (version: string) =>
      `https://example-dev-mlops-tfstate-${FAKE_ACCOUNT_ID}-us-east-1.s3.us-east-1.amazonaws.com/command-runner/templates/sagemaker-project-${version}.yaml`;
    const provider = 'provider["registry.terraform.io/hashicorp/aws"]';
    const tags = { ...product.tags };
    const tagsAll = { ...tags, 'sagemaker-projects:platform': 'example-dev-mlops', 'managed-by': 'cdktf' };
    return {
      version: 4,
      terraform_version: '1.11.4',
      serial: 1,
      lineage: randomUUID(),
      outputs: {},
      resources: [
        ...[productId, `${productId}${UNGUARDED}`].map((name) => ({
          mode: 'managed',
          type: 'aws_servicecatalog_product',
          name,
          provider,
          instances: [
            {
              schema_version: 0,
              attributes: {
                id: PRODUCT_ID,
                arn: `arn:aws:catalog:us-east-1:${FAKE_ACCOUNT_ID}:product/${PRODUCT_ID}`,
                accept_language: 'en',
                created_time: '2026-01-01T00:00:00Z',
                description: product.description,
                distributor: '',
                has_default_path: false,
                name: product.name,
                owner: product.owner,
                provisioning_artifact_parameters: [
                  {
                    description: product.provisioning_artifact_parameters.description,
                    disable_template_validation: false,
                    name: 'initial',
                    template_physical_id: '',
                    template_url: templateUrl(versions[0]),
                    type: 'CLOUD_FORMATION_TEMPLATE',
                  },
                ],
                status: 'CREATED',
                support_description: '',
                support_email: '',
                support_url: '',
                tags,
                tags_all: tagsAll,
                timeouts: null,
                type: 'CLOUD_FORMATION_TEMPLATE',
              },
              sensitive_attributes: [],
            },
          ],
        })),
        ...versions.map((version) => ({
          mode: 'managed',
          type: 'aws_servicecatalog_provisioning_artifact',
          // The address a ProductVersions construct gives this version.
          name: retainedIds[version],
          provider,
          instances: [
            {
              schema_version: 0,
              attributes: {
                id: `pa-${version}:${PRODUCT_ID}`,
                accept_language: 'en',
                active: true,
                created_time: '2026-01-01T00:00:00Z',
                description: `Template ${version}`,
                disable_template_validation: false,
                guidance: 'DEFAULT',
                name: version,
                product_id: PRODUCT_ID,
                provisioning_artifact_id: `pa-${version}`,
                template_physical_id: null,
                template_url: templateUrl(version),
                timeouts: null,
                type: 'CLOUD_FORMATION_TEMPLATE',
              },
              sensitive_attributes: [],
            },
          ],
        })),
      ],
    };
  }

  /** The logical id cdktf gives the version construct of each old version (synthesized once with them retained). */
  let retainedIds: Record<string, string> = {};

  async function planAgainstPriorState(app: SynthesizedApp) {
    const stack = app.serviceCatalog;
    load(workspace, app, { 'terraform.tfstate': JSON.stringify(priorState(stack, [OLD_VERSION, RETAINED_VERSION])) });
    workspace.update((config) => {
      useFakeAws(config, fake);
      const products = config.resource.aws_servicecatalog_product;
      const productId = idOf(stack, 'aws_servicecatalog_product', 'portfolio_product');
      const { lifecycle, ...unguarded } = products[productId];
      expect(lifecycle).toEqual({ ignore_changes: expect.arrayContaining(['provisioning_artifact_parameters']) });
      products[`${productId}${UNGUARDED}`] = unguarded;
    });
    const result = await workspace.plan({ gitlab_private_token: 'glpat-plan-verifier-0123456789' });
    if (!result.ok) throw new Error(result.output);
    const changes: Array<{ address: string; change: any }> = result.plan.resource_changes;
    const actions = (address: string) => changes.find((change) => change.address === address)?.change.actions;
    return { changes, actions };
  }

  /** The plan of today's template over a deployment of OLD_VERSION and RETAINED_VERSION, the latter retained (planned once). */
  let upgrade: Awaited<ReturnType<typeof planAgainstPriorState>>;
  let serviceCatalog: Synthesized;
  let product: string;

  beforeAll(async () => {
    const withBothRetained = synthApp(testConfig({ SMP_SERVICE_CATALOG_RETAINED_TEMPLATE_VERSIONS: `${OLD_VERSION},${RETAINED_VERSION}` })).serviceCatalog;
    retainedIds = Object.fromEntries(
      [OLD_VERSION, RETAINED_VERSION].map((version) => [
        version,
        idOf(withBothRetained, 'aws_servicecatalog_provisioning_artifact', `portfolio_versions_version-${version}_`),
      ]),
    );
    const app = synthApp(testConfig({ SMP_SERVICE_CATALOG_RETAINED_TEMPLATE_VERSIONS: RETAINED_VERSION }));
    serviceCatalog = app.serviceCatalog;
    product = `aws_servicecatalog_product.${idOf(serviceCatalog, 'aws_servicecatalog_product', 'portfolio_product')}`;
    upgrade = await planAgainstPriorState(app);
  });

  test('a changed template adds a version, deletes the unretained old one, and never replaces the product', () => {
    const [current] = Object.keys(resources(serviceCatalog, 'aws_servicecatalog_provisioning_artifact')).filter(
      (id) => !Object.values(retainedIds).includes(id),
    );
    const { actions } = upgrade;
    expect(actions(product)).toEqual(['no-op']);
    expect(actions(`aws_servicecatalog_provisioning_artifact.${current}`)).toEqual(['create']);
    expect(actions(`aws_servicecatalog_provisioning_artifact.${retainedIds[OLD_VERSION]}`)).toEqual(['delete']);
  });

  test('without ignore_changes the same plan would replace the product (the guard is what prevents it)', () => {
    const { actions } = upgrade;
    expect(actions(`${product}${UNGUARDED}`)).toEqual(['delete', 'create']);
    expect(actions(product)).toEqual(['no-op']);
  });

  test('a retained old version is kept and marked DEPRECATED in place', () => {
    const old = `aws_servicecatalog_provisioning_artifact.${retainedIds[RETAINED_VERSION]}`;
    const { changes, actions } = upgrade;
    expect(actions(old)).toEqual(['update']);
    const change: any = changes.find((candidate) => candidate.address === old)!.change;
    expect([change.before.guidance, change.after.guidance]).toEqual(['DEFAULT', 'DEPRECATED']);
    expect(change.after.template_url).toBe(change.before.template_url);
  });
});
