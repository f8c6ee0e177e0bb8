import { FakeAws, FAKE_ACCOUNT_ID, useFakeAws } from '../../tools/fake-aws';
import { TerraformWorkspace } from '../../tools/terraform';
import { projectWorkspace } from '../support/project-workspace';
import { synthApp } from '../support/synth';
import { describeWithTerraform } from '../support/terraform';

/** The archive provider cannot be installed offline: its zip is replaced by a stand-in file. */
const ARCHIVE_STAND_INS = {
  standIns: {
    'data.archive_file.tf-code.output_path': 'tf-code-stand-in.zip',
    'data.archive_file.tf-code.output_base64sha256': 'c3RhbmQtaW4tZm9yLXRmLWNvZGUuemlw',
  },
  files: { 'tf-code-stand-in.zip': 'stand-in for the archive provider output' },
};

describeWithTerraform('service-catalog stack with the real aws provider', () => {
  const { serviceCatalog, sagemakerProject, outdir } = synthApp();
  const workspace = TerraformWorkspace.create(serviceCatalog, ARCHIVE_STAND_INS);
  const fakeAws = new FakeAws();
  let plan: any;
  let planOutput = '';

  beforeAll(async () => {
    await workspace.init();
    const endpoint = await fakeAws.start();
    workspace.update((config) => useFakeAws(config, endpoint));
  });
  afterAll(() => fakeAws.stop());

  test('the offline transform removes only the archive provider, and says so', () => {
    expect(workspace.transform.removedProviders).toEqual(['archive']);
    expect(workspace.transform.removedAddresses).toEqual(['data.archive_file.tf-code']);
    expect(workspace.transform.replacedReferences).toEqual([
      'data.archive_file.tf-code.output_base64sha256',
      'data.archive_file.tf-code.output_path',
    ]);
  });

  test('terraform validate accepts the stack', async () => {
    const result = await workspace.validate();
    expect(result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test('the sagemaker-project stack validates too', async () => {
    const project = projectWorkspace(sagemakerProject, outdir);
    await project.init();
    const result = await project.validate();
    expect(result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test('terraform plan (fake credentials) computes names and policies from the account', async () => {
    const result = await workspace.plan({ gitlab_private_token: 'glpat-plan-test-token-0000' });
    if (!result.ok) throw new Error(result.output);
    plan = result.plan;
    planOutput = result.output;
    const planned = (type: string) => plan.resource_changes.filter((change: any) => change.type === type);
    const bucket = planned('aws_s3_bucket')[0];
    expect(bucket.change.actions).toEqual(['create']);
    expect(bucket.change.after.bucket).toBe(`example-dev-mlops-tfstate-${FAKE_ACCOUNT_ID}-us-east-1`);

    // Policies that name only the account and region are fully computed at plan time.
    const logsPolicy = planned('aws_iam_role_policy').find((change: any) => change.change.after.name === 'run-logs');
    const [statement] = JSON.parse(logsPolicy.change.after.policy).Statement;
    expect(statement.Resource).toContain(`arn:aws:logs:us-east-1:${FAKE_ACCOUNT_ID}:log-group:/sagemaker-projects/example-dev-mlops/command-runner`);

    const template = planned('aws_s3_object').find((change: any) => change.change.after.key === 'command-runner/sagemaker-project-template.yaml');
    expect(template.change.after_unknown.content).toBe(true);
    expect(planned('aws_servicecatalog_product')[0].change.after.tags).toEqual({ 'sagemaker:studio-visibility': 'true' });
    expect(fakeAws.requests.map((request) => request.action)).toContain('GetCallerIdentity');
  });

  test('the plan output never shows the GitLab token, and the secret values are sensitive', () => {
    expect(planOutput).toContain('aws_secretsmanager_secret_version');
    expect(planOutput).not.toContain('glpat-plan-test-token-0000');
    const versions = plan.resource_changes.filter((change: any) => change.type === 'aws_secretsmanager_secret_version');
    expect(versions).toHaveLength(2);
    for (const version of versions) expect(version.change.after_sensitive.secret_string).toBe(true);
  });

  test('a token that is not a GitLab token is rejected by validation before anything is planned', async () => {
    const result = await workspace.plan({ gitlab_private_token: 'short' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.output).toContain('gitlab_private_token must be a GitLab access token');
  });
});
