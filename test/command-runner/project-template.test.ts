import { parse } from 'yaml';
import { COMMAND_MAX_BYTES, commandOf, worstCaseCommandBytes } from '../../constructs/command-runner/project-template';
import { PARAMETER_GROUPS, parametersFor } from '../../contract/project-parameters';
import { CUSTOM_RESOURCE_TYPE, FIXED_PROPERTIES } from '../../contract/provisioner';
import { ARTIFACT_KEYS, COMMAND_OUTPUT_FILE, RUNNER_SETTINGS } from '../../contract/runner';
import { byPath, referenced, synthApp, testConfig } from '../support/synth';
import { PSEUDO_PARAMETERS, STANDALONE_TEMPLATE, referencedNames, standaloneTemplate, subReferences, templateOf } from './support';

/** The platform values the original sample let a Studio user type, and a security review showed could redirect a project. */
const FORMER_PLATFORM_PARAMETERS = [
  'GitlabURL',
  'GitUserName',
  'MLOpsS3Bucket',
  'TerraformStateLockTable',
  'CommandRunnerIAMInstanceProfile',
  'CommandRunnerCWLogGrp',
  'SecretsManagerGitlabPrivateToken',
  'SecretsManagerGitlabUserSecretARN',
  'SecretsManagerGitlabIAMAccessKey',
  'SecretsManagerGitlabIAMSecretKey',
  'GitLabCIRoleArn',
  'TerraformInitAction',
];

/** The resource a rendered Terraform reference (`<aws_x.name.attribute>`, as templateOf shows them) points at. */
const resourceOf = (stack: any, rendered: string) => referenced(stack, rendered.replace(/^<(.*)>$/, '$${$1}'));

/** CloudFormation refuses a stack whose parameters name one the template does not declare (CreateStack, Service Catalog ProvisionProduct). */
const undeclared = (document: any, given: Record<string, string>) => Object.keys(given).filter((name) => !(name in document.Parameters));

describe('project template (CommandRunner engine, defaults)', () => {
  const { serviceCatalog } = synthApp();
  const { object, body, document } = templateOf(serviceCatalog);
  const parameters: Record<string, any> = document.Parameters;
  const runner = document.Resources.TerraformRun;
  const command: string = runner.Properties.Command['Fn::Sub'];
  const line = (key: string) => new RegExp(`\\n${key}=([^\\n]*)\\n`).exec(command)?.[1];

  test('parses as YAML into a CloudFormation template with one CommandRunner resource and its output', () => {
    expect(() => parse(body)).not.toThrow();
    expect(document.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(Object.keys(document.Resources)).toEqual(['TerraformRun']);
    expect(runner.Type).toBe('AWSUtility::CloudFormation::CommandRunner');
    expect(document.Outputs.TerraformResult.Value).toEqual({ 'Fn::GetAtt': ['TerraformRun', 'Output'] });
  });

  test('the form holds only the per-project values of the contract', () => {
    expect(Object.keys(parameters)).toEqual(parametersFor('commandrunner').map((parameter) => parameter.name));
    expect(Object.keys(parameters)).toEqual(['SageMakerProjectName', 'SageMakerProjectId', 'GitBuildRepoName', 'GitDeployRepoName', 'TerraformAction']);
  });

  test.each(FORMER_PLATFORM_PARAMETERS)('a form value for %s (a platform value) is refused: the template has no such parameter', (name) => {
    expect(undeclared(document, { SageMakerProjectName: 'churn', SageMakerProjectId: 'p-abcdefghijkl', [name]: 'https://gitlab-mirror.attacker.example' })).toEqual([name]);
  });

  test('every platform value is written into the command at synth, from this stack\'s own resources and configuration', () => {
    expect(resourceOf(serviceCatalog, line(RUNNER_SETTINGS.stateBucket)!)).toBe(byPath(serviceCatalog, 'aws_s3_bucket', 'platform-state/bucket/bucket'));
    expect(line(RUNNER_SETTINGS.lockTable)).toBe(byPath(serviceCatalog, 'aws_dynamodb_table', 'platform-state/lock-table/table').name);
    expect(resourceOf(serviceCatalog, line(RUNNER_SETTINGS.stateKmsKeyArn)!)).toBe(byPath(serviceCatalog, 'aws_kms_key', 'encryption-key/key'));
    expect(line(RUNNER_SETTINGS.terraformVersion)).toBe('1.11.4');
    expect(line(RUNNER_SETTINGS.terraformSha256)).toBe('1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc');
    expect(line(RUNNER_SETTINGS.artifactBucketOnDelete)).toBe('keep');
    expect(line(RUNNER_SETTINGS.stackId)).toBe('${AWS::StackId}');
    expect(resourceOf(serviceCatalog, runner.Properties.Role)).toBe(byPath(serviceCatalog, 'aws_iam_instance_profile', 'command-runner/instance-profile'));
    expect(resourceOf(serviceCatalog, runner.Properties.LogGroup)).toBe(byPath(serviceCatalog, 'aws_cloudwatch_log_group', 'command-runner-logs'));
  });

  test('the command pins the code it runs: tf-code.zip and the runner script by content-addressed key and SHA-256', () => {
    const codeObject = byPath(serviceCatalog, 'aws_s3_object', 'project-artifacts/terraform-code');
    const scriptObject = byPath(serviceCatalog, 'aws_s3_object', 'project-artifacts/runner-script');
    const codeSha = line(RUNNER_SETTINGS.codeSha256)!;
    expect(line(RUNNER_SETTINGS.codeKey)).toBe(codeObject.key);
    expect(codeObject.key).toBe(`${ARTIFACT_KEYS.terraformCodePrefix}${codeSha}.zip`);
    const scriptSha = scriptObject.key.slice(ARTIFACT_KEYS.runnerScriptPrefix.length, -'.sh'.length);
    expect(scriptSha).toMatch(/^[0-9a-f]{64}$/);
    expect(command).toContain(`--key "${scriptObject.key}"`);
    expect(command).toContain(`echo "${scriptSha}  $SMP_SCRIPT" | sha256sum --check --status`);
  });

  test('every Ref and Fn::Sub variable names a declared parameter or pseudo parameter; every form parameter is used', () => {
    const names = referencedNames(document.Resources).concat(referencedNames(document.Outputs));
    expect(names.filter((name) => !(name in parameters) && !PSEUDO_PARAMETERS.has(name))).toEqual([]);
    expect(Object.keys(parameters).filter((name) => !names.includes(name))).toEqual([]);
  });

  test('Terraform interpolates only references to this stack\'s resources; every CloudFormation ${...} is escaped', () => {
    const raw = object.content as string;
    const interpolated = [...raw.matchAll(/(?<!\$)\$\{([^}]+)\}/g)].map((match) => `\${${match[1]}}`);
    expect(interpolated.length).toBeGreaterThanOrEqual(5);
    for (const reference of interpolated) expect(() => referenced(serviceCatalog, reference)).not.toThrow();
    expect(subReferences(command)).toEqual(expect.arrayContaining(['SageMakerProjectId', 'AWS::Region', 'AWS::StackId']));
    expect(body).not.toContain('$${');
  });

  test('SageMaker supplies the project name and id: no defaults, the id is NoEcho; the action offers apply then destroy', () => {
    expect(parameters.SageMakerProjectName.Default).toBeUndefined();
    expect(parameters.SageMakerProjectId.Default).toBeUndefined();
    expect(parameters.SageMakerProjectId.NoEcho).toBe(true);
    expect(parameters.SageMakerProjectId.AllowedPattern).toBe('^p-[a-z0-9]{12}$');
    expect(parameters.TerraformAction).toMatchObject({ AllowedValues: ['apply', 'destroy'], Default: 'apply' });
    expect(parameters.GitBuildRepoName.Default).toBe('');
  });

  test('every free-text parameter has a pattern and a length bound', () => {
    for (const [name, definition] of Object.entries(parameters)) {
      if (definition.AllowedValues) continue;
      expect([name, typeof definition.AllowedPattern, typeof definition.MaxLength]).toEqual([name, 'string', 'number']);
    }
  });

  test('the Studio form groups and labels every parameter exactly once', () => {
    const interface_ = document.Metadata['AWS::CloudFormation::Interface'];
    const grouped = interface_.ParameterGroups.flatMap((group: any) => group.Parameters);
    expect([...grouped].sort()).toEqual(Object.keys(parameters).sort());
    expect(new Set(grouped).size).toBe(grouped.length);
    expect(interface_.ParameterGroups.map((group: any) => group.Label.default)).toEqual(Object.values(PARAMETER_GROUPS));
    expect(Object.keys(interface_.ParameterLabels).sort()).toEqual(Object.keys(parameters).sort());
  });

  test('CommandRunner runs with the configured timeout and instance type', () => {
    expect(runner.Properties.Timeout).toBe('3600');
    expect(runner.Properties.InstanceType).toBe('t3.medium');
    expect(runner.Properties.SubnetId).toBeUndefined();
    expect(runner.Properties.SecurityGroupId).toBeUndefined();
  });

  test('the bootstrap command never exits: it runs the verified script in a child shell and only the script writes the output file', () => {
    expect(command).not.toMatch(/\bexit\b|set -e/);
    expect(command).toMatch(/then bash "\$SMP_SCRIPT" "\$SMP_DIR\/parameters\.env"; else echo /);
    expect(command.match(new RegExp(COMMAND_OUTPUT_FILE.replace(/\./g, '\\.'), 'g'))).toHaveLength(1);
    expect(command.startsWith(`rm -f ${COMMAND_OUTPUT_FILE}\n`)).toBe(true);
  });

  test(`the inline command stays under ${COMMAND_MAX_BYTES} bytes with every parameter and reference at its longest`, () => {
    const bytes = worstCaseCommandBytes(command);
    expect(bytes).toBeLessThanOrEqual(COMMAND_MAX_BYTES);
    expect(bytes).toBeGreaterThan(Buffer.byteLength(command));
  });

  test('the template is uploaded under a key named by its version, a hash of its content, after the bucket policy', () => {
    expect(object.key).toMatch(/^command-runner\/templates\/sagemaker-project-[0-9a-f]{12}\.yaml$/);
    expect(object.content_type).toBe('application/x-yaml');
    expect(object.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.platform-state_bucket_policy_/)]);
  });
});

describe('project template (CodeBuild engine)', () => {
  const { serviceCatalog } = synthApp(testConfig({ SMP_RUNNER_ENGINE: 'codebuild' }));
  const { document } = templateOf(serviceCatalog);
  const run = document.Resources.TerraformRun;

  test('one custom resource whose service token is the platform\'s provisioning function, written at synth', () => {
    expect(run.Type).toBe(CUSTOM_RESOURCE_TYPE);
    expect(resourceOf(serviceCatalog, run.Properties.ServiceToken)).toBe(byPath(serviceCatalog, 'aws_lambda_function', 'codebuild-runner/function/function'));
    expect(run.Properties.ServiceTimeout).toBe(1800);
  });

  test('the form holds the per-project values (no action: deleting the project destroys it); the code is pinned by SHA-256', () => {
    expect(Object.keys(document.Parameters)).toEqual(['SageMakerProjectName', 'SageMakerProjectId', 'GitBuildRepoName', 'GitDeployRepoName']);
    for (const name of Object.keys(document.Parameters)) expect(run.Properties[name]).toEqual({ Ref: name });
    const codeObject = byPath(serviceCatalog, 'aws_s3_object', 'project-artifacts/terraform-code');
    expect(`${ARTIFACT_KEYS.terraformCodePrefix}${run.Properties[FIXED_PROPERTIES.terraformCodeSha256]}.zip`).toBe(codeObject.key);
    expect(run.Properties[FIXED_PROPERTIES.runnerScriptSha256]).toMatch(/^[0-9a-f]{64}$/);
  });

  test.each(FORMER_PLATFORM_PARAMETERS)('a form value for %s is refused here too', (name) => {
    expect(undeclared(document, { [name]: 'x' })).toEqual([name]);
  });
});

describe('project template variations', () => {
  test('a subnet and security group from the configuration reach CommandRunner', () => {
    const { serviceCatalog } = synthApp(
      testConfig({ SMP_COMMAND_RUNNER_SUBNET_ID: 'subnet-0123456789abcdef0', SMP_COMMAND_RUNNER_SECURITY_GROUP_ID: 'sg-0123456789abcdef0', SMP_COMMAND_RUNNER_TIMEOUT_SECONDS: '5400', SMP_COMMAND_RUNNER_INSTANCE_TYPE: 'm5.large' }),
    );
    const properties = templateOf(serviceCatalog).document.Resources.TerraformRun.Properties;
    expect(properties).toMatchObject({ SubnetId: 'subnet-0123456789abcdef0', SecurityGroupId: 'sg-0123456789abcdef0', Timeout: '5400', InstanceType: 'm5.large' });
  });

  test('the version is deterministic and changes with the template content, the code it pins included', () => {
    const first = standaloneTemplate();
    const again = standaloneTemplate();
    const otherCode = standaloneTemplate({ runner: { ...STANDALONE_TEMPLATE.runner, terraformCode: { key: `${ARTIFACT_KEYS.terraformCodePrefix}${'d'.repeat(64)}.zip`, sha256: 'd'.repeat(64) } } });
    expect(again.version).toBe(first.version);
    expect(otherCode.version).not.toBe(first.version);
    expect(first.key).toBe(`${ARTIFACT_KEYS.templatePrefix}${first.version}.yaml`);
  });

  test('a command that could exceed the 4,096-byte parameter limit is refused at synth, naming the fix', () => {
    const tooLong = { ...STANDALONE_TEMPLATE.runner, terraformVersion: '1'.repeat(3500) };
    expect(() => standaloneTemplate({ runner: tooLong })).toThrow(/can reach \d+ bytes with every parameter at its MaxLength.*limited to 4096 bytes\. Lower a MaxLength/);
  });

  test('the worst-case size counts parameters at their MaxLength, pseudo parameters at their longest', () => {
    const command = commandOf(standaloneTemplate().document);
    expect(worstCaseCommandBytes('${SageMakerProjectName}')).toBe(32);
    expect(worstCaseCommandBytes('${TerraformAction}')).toBe('destroy'.length);
    expect(worstCaseCommandBytes('${AWS::StackId}')).toBe(220);
    expect(worstCaseCommandBytes('${!Literal}')).toBe('${!Literal}'.length);
    expect(() => worstCaseCommandBytes('${Unknown}')).toThrow('references ${Unknown}, which is not a template parameter');
    expect(worstCaseCommandBytes(command)).toBeLessThanOrEqual(COMMAND_MAX_BYTES);
  });
});
