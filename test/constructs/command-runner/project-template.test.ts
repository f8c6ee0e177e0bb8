import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { parse } from 'yaml';
import {
  COMMAND_MAX_BYTES,
  commandOf,
  ProjectTemplate,
  ProjectTemplateProps,
  TemplateEngine,
  worstCaseCommandBytes,
} from '../../../constructs/command-runner/project-template';
import { PARAMETER_GROUPS, parametersFor } from '../../../contract/project-parameters';
import { CUSTOM_RESOURCE_TYPE, FIXED_PROPERTIES } from '../../../contract/provisioner';
import { ARTIFACT_KEYS, COMMAND_OUTPUT_FILE, RUNNER_SETTINGS } from '../../../contract/runner';
import { PSEUDO_PARAMETERS, referencedNames, renderTerraform, STANDALONE_TEMPLATE } from '../../support/command-runner';
import { addressOf, configOf, synthScope } from '../../support/synth-scope';

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

const { runner } = STANDALONE_TEMPLATE;
const COMMAND_RUNNER = (STANDALONE_TEMPLATE.engine as Extract<TemplateEngine, { kind: 'commandrunner' }>).commandRunner;

/** A ProjectTemplate synthesized alone (uploaded after a stand-in for the bucket policy), and its body as Terraform uploads it. */
function templateIn(props: Partial<ProjectTemplateProps> = {}) {
  const synth = synthScope((scope) => {
    const policy = new S3Object(scope, 'bucket-policy-stand-in', { bucket: runner.bucket, key: 'k', content: 'x' });
    return { policy, template: new ProjectTemplate(scope, 'project-template', { ...STANDALONE_TEMPLATE, dependsOn: [policy], ...props }) };
  });
  const object = configOf(synth.tf, synth.built.template.object);
  const body = renderTerraform(object.content);
  return { ...synth, object, body, document: parse(body) };
}

/** CloudFormation refuses a stack whose parameters name one the template does not declare (CreateStack, Service Catalog ProvisionProduct). */
const undeclared = (document: any, given: Record<string, string>) => Object.keys(given).filter((name) => !(name in document.Parameters));

describe('ProjectTemplate (CommandRunner engine)', () => {
  const { json, object, body, document, built } = templateIn();
  const parameters: Record<string, any> = document.Parameters;
  const run = document.Resources.TerraformRun;
  const command: string = run.Properties.Command['Fn::Sub'];
  const line = (key: string) => new RegExp(`\\n${key}=([^\\n]*)\\n`).exec(command)?.[1];

  test('is a CloudFormation template with one CommandRunner resource and its output, uploaded as the construct built it', () => {
    expect(document.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(Object.keys(document.Resources)).toEqual(['TerraformRun']);
    expect(run.Type).toBe('AWSUtility::CloudFormation::CommandRunner');
    expect(document.Outputs.TerraformResult.Value).toEqual({ 'Fn::GetAtt': ['TerraformRun', 'Output'] });
    expect(document).toEqual(built.template.document);
    expect(body).toBe(renderTerraform(built.template.body));
  });

  test('the form holds only the per-project values of the contract', () => {
    expect(Object.keys(parameters)).toEqual(parametersFor('commandrunner').map((parameter) => parameter.name));
    expect(Object.keys(parameters)).toEqual(['SageMakerProjectName', 'SageMakerProjectId', 'GitBuildRepoName', 'GitDeployRepoName', 'TerraformAction']);
  });

  test.each(FORMER_PLATFORM_PARAMETERS)('a form value for %s (a platform value) is refused: the template has no such parameter', (name) => {
    expect(
      undeclared(document, { SageMakerProjectName: 'churn', SageMakerProjectId: 'p-abcdefghijkl', [name]: 'https://gitlab-mirror.attacker.example' }),
    ).toEqual([name]);
  });

  test('every platform value is written into the command and the resource, never taken from the form', () => {
    expect(line(RUNNER_SETTINGS.stateBucket)).toBe(runner.bucket);
    expect(line(RUNNER_SETTINGS.lockTable)).toBe(runner.lockTable);
    expect(line(RUNNER_SETTINGS.stateKmsKeyArn)).toBe(runner.stateKmsKeyArn);
    expect(line(RUNNER_SETTINGS.stateKeyPrefix)).toBe('sagemaker-projects');
    expect(line(RUNNER_SETTINGS.terraformVersion)).toBe(runner.terraformVersion);
    expect(line(RUNNER_SETTINGS.terraformSha256)).toBe(runner.terraformSha256);
    expect(line(RUNNER_SETTINGS.artifactBucketOnDelete)).toBe('keep');
    expect(line(RUNNER_SETTINGS.stackId)).toBe('${AWS::StackId}');
    expect(line(RUNNER_SETTINGS.region)).toBe('${AWS::Region}');
    expect(run.Properties).toMatchObject({ Role: 'example-dev-mlops-project-runner', LogGroup: '/sagemaker-projects/example-dev-mlops/command-runner' });
  });

  test('the command pins the code it runs: tf-code.zip and the runner script by content-addressed key and SHA-256', () => {
    expect(line(RUNNER_SETTINGS.codeKey)).toBe(runner.terraformCode.key);
    expect(line(RUNNER_SETTINGS.codeSha256)).toBe(runner.terraformCode.sha256);
    expect(command).toContain(`--key "${runner.runnerScript.key}"`);
    expect(command).toContain(`echo "${runner.runnerScript.sha256}  $SMP_SCRIPT" | sha256sum --check --status`);
  });

  test('every Ref and Fn::Sub variable names a declared parameter or pseudo parameter; every form parameter is used', () => {
    const names = referencedNames(document.Resources).concat(referencedNames(document.Outputs));
    expect(names.filter((name) => !(name in parameters) && !PSEUDO_PARAMETERS.has(name))).toEqual([]);
    expect(Object.keys(parameters).filter((name) => !names.includes(name))).toEqual([]);
  });

  test('Terraform interpolates nothing of it: every CloudFormation ${...} is escaped', () => {
    const raw = object.content as string;
    expect([...raw.matchAll(/(?<!\$)\$\{([^}]+)\}/g)]).toEqual([]);
    expect(raw).toContain('$${AWS::StackId}');
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

  test('every free-text parameter has a pattern and a length bound, and says what it expects', () => {
    for (const [name, definition] of Object.entries(parameters)) {
      expect([name, typeof definition.MaxLength, definition.ConstraintDescription]).toEqual([name, 'number', expect.stringMatching(/^must be /)]);
      if (!definition.AllowedValues) expect([name, typeof definition.AllowedPattern]).toEqual([name, 'string']);
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

  test('CommandRunner runs with the timeout and instance type given, in the default VPC unless a subnet is given', () => {
    expect(run.Properties.Timeout).toBe('3600');
    expect(run.Properties.InstanceType).toBe('t3.medium');
    expect(run.Properties.SubnetId).toBeUndefined();
    expect(run.Properties.SecurityGroupId).toBeUndefined();
    const pinned = templateIn({
      engine: {
        kind: 'commandrunner',
        commandRunner: {
          ...COMMAND_RUNNER,
          subnetId: 'subnet-0123456789abcdef0',
          securityGroupId: 'sg-0123456789abcdef0',
          timeoutSeconds: 5400,
          instanceType: 'm5.large',
        },
      },
    });
    expect(pinned.document.Resources.TerraformRun.Properties).toMatchObject({
      SubnetId: 'subnet-0123456789abcdef0',
      SecurityGroupId: 'sg-0123456789abcdef0',
      Timeout: '5400',
      InstanceType: 'm5.large',
    });
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

  test('is uploaded as YAML under a key named by its version, a hash of its content, after what it depends on', () => {
    expect(json).toHaveResourceWithProperties(S3Object, { bucket: runner.bucket, key: built.template.key, content_type: 'application/x-yaml' });
    expect(built.template.key).toBe(`${ARTIFACT_KEYS.templatePrefix}${built.template.version}.yaml`);
    expect(built.template.version).toMatch(/^[0-9a-f]{12}$/);
    expect(object.depends_on).toEqual([addressOf(built.policy)]);
  });
});

describe('ProjectTemplate versions', () => {
  test('the version is deterministic and changes with the template content, the code it pins included', () => {
    const first = templateIn().built.template;
    const again = templateIn().built.template;
    const otherCode = templateIn({
      runner: { ...runner, terraformCode: { key: `${ARTIFACT_KEYS.terraformCodePrefix}${'d'.repeat(64)}.zip`, sha256: 'd'.repeat(64) } },
    }).built.template;
    expect(again.version).toBe(first.version);
    expect(otherCode.version).not.toBe(first.version);
  });

  test('a command that could exceed the 4,096-byte parameter limit is refused at synth, naming the fix', () => {
    expect(() => templateIn({ runner: { ...runner, terraformVersion: '1'.repeat(3500) } })).toThrow(
      /can reach \d+ bytes with every parameter at its MaxLength.*limited to 4096 bytes\. Lower a MaxLength/,
    );
  });

  test("the worst-case size counts parameters at their MaxLength, pseudo parameters at their longest, references at a KMS key ARN's length", () => {
    expect(worstCaseCommandBytes('${SageMakerProjectName}')).toBe(32);
    expect(worstCaseCommandBytes('${TerraformAction}')).toBe('destroy'.length);
    expect(worstCaseCommandBytes('${AWS::StackId}')).toBe(220);
    expect(worstCaseCommandBytes('${!Literal}')).toBe('${!Literal}'.length);
    expect(worstCaseCommandBytes('${TfToken[TOKEN.1]}')).toBe(90);
    expect(() => worstCaseCommandBytes('${Unknown}')).toThrow('references ${Unknown}, which is not a template parameter');
    expect(worstCaseCommandBytes(commandOf(templateIn().document))).toBeLessThanOrEqual(COMMAND_MAX_BYTES);
  });
});

describe('ProjectTemplate (CodeBuild engine)', () => {
  const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:acme-provision-project';
  const { document } = templateIn({ engine: { kind: 'codebuild', serviceToken: SERVICE_TOKEN, serviceTimeoutSeconds: 1800 } });
  const run = document.Resources.TerraformRun;

  test('one custom resource whose service token and timeout are written at synth; no outputs', () => {
    expect(run.Type).toBe(CUSTOM_RESOURCE_TYPE);
    expect(run.Properties.ServiceToken).toBe(SERVICE_TOKEN);
    expect(run.Properties.ServiceTimeout).toBe(1800);
    expect(document.Outputs).toBeUndefined();
  });

  test('the form holds the per-project values (no action: deleting the project destroys it); the code is pinned by SHA-256', () => {
    expect(Object.keys(document.Parameters)).toEqual(['SageMakerProjectName', 'SageMakerProjectId', 'GitBuildRepoName', 'GitDeployRepoName']);
    for (const name of Object.keys(document.Parameters)) expect(run.Properties[name]).toEqual({ Ref: name });
    expect(run.Properties[FIXED_PROPERTIES.terraformCodeSha256]).toBe(runner.terraformCode.sha256);
    expect(run.Properties[FIXED_PROPERTIES.runnerScriptSha256]).toBe(runner.runnerScript.sha256);
  });

  test.each(FORMER_PLATFORM_PARAMETERS)('a form value for %s is refused here too', (name) => {
    expect(undeclared(document, { [name]: 'x' })).toEqual([name]);
  });
});
