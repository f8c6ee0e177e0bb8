import { parse } from 'yaml';
import {
  ARTIFACT_KEYS,
  COMMAND_MAX_BYTES,
  COMMAND_OUTPUT_FILE,
  commandOf,
  worstCaseCommandBytes,
} from '../../constructs/command-runner/project-template';
import { PARAMETER_GROUPS, PROJECT_PARAMETERS } from '../../constructs/command-runner/project-parameters';
import { byPath, referenced, synthApp, testConfig } from '../support/synth';
import { PSEUDO_PARAMETERS, STANDALONE_TEMPLATE, referencedNames, standaloneTemplate, subReferences, templateOf } from './support';

/** DESIGN.md section 2, plus TerraformStateLockTable and GitLabCIRoleArn (runner and oidc mode). */
const CONTRACT_PARAMETERS = [
  'SageMakerProjectName',
  'SageMakerProjectId',
  'GitlabURL',
  'GitBuildRepoName',
  'GitDeployRepoName',
  'GitUserName',
  'MLOpsS3Bucket',
  'CommandRunnerIAMInstanceProfile',
  'CommandRunnerCWLogGrp',
  'SecretsManagerGitlabPrivateToken',
  'SecretsManagerGitlabUserSecretARN',
  'SecretsManagerGitlabIAMAccessKey',
  'SecretsManagerGitlabIAMSecretKey',
  'TerraformAction',
  'TerraformInitAction',
  'TerraformStateLockTable',
  'GitLabCIRoleArn',
];

describe('project template (oidc mode, defaults)', () => {
  const { serviceCatalog } = synthApp();
  const { object, body, document } = templateOf(serviceCatalog);
  const parameters: Record<string, any> = document.Parameters;
  const runner = document.Resources.TerraformRun;
  const command: string = runner.Properties.Command['Fn::Sub'];

  test('parses as YAML into a CloudFormation template with one CommandRunner resource and its output', () => {
    expect(() => parse(body)).not.toThrow();
    expect(document.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(Object.keys(document.Resources)).toEqual(['TerraformRun']);
    expect(runner.Type).toBe('AWSUtility::CloudFormation::CommandRunner');
    expect(document.Outputs.TerraformResult.Value).toEqual({ 'Fn::GetAtt': ['TerraformRun', 'Output'] });
  });

  test('parameter names are the contract of DESIGN.md section 2', () => {
    expect(Object.keys(parameters).sort()).toEqual([...CONTRACT_PARAMETERS].sort());
  });

  test('every Ref and Fn::Sub variable names a declared parameter or pseudo parameter', () => {
    const names = referencedNames(document.Resources).concat(referencedNames(document.Outputs));
    expect(names.length).toBeGreaterThan(CONTRACT_PARAMETERS.length);
    const undeclared = names.filter((name) => !(name in parameters) && !PSEUDO_PARAMETERS.has(name));
    expect(undeclared).toEqual([]);
  });

  test('every parameter is used by the CommandRunner resource', () => {
    const used = new Set(referencedNames(document.Resources));
    expect(Object.keys(parameters).filter((name) => !used.has(name))).toEqual([]);
  });

  test('Terraform interpolates only references to this stack\'s resources; every CloudFormation ${...} is escaped', () => {
    const raw = object.content as string;
    const interpolated = [...raw.matchAll(/(?<!\$)\$\{([^}]+)\}/g)].map((match) => `\${${match[1]}}`);
    expect(interpolated.length).toBeGreaterThanOrEqual(8);
    for (const reference of interpolated) expect(() => referenced(serviceCatalog, reference)).not.toThrow();
    // Once Terraform renders the body, CloudFormation sees its own references.
    expect(subReferences(command)).toEqual(expect.arrayContaining(['MLOpsS3Bucket', 'SageMakerProjectId', 'AWS::Region']));
    expect(body).not.toContain('$${');
  });

  test('SageMaker supplies the project name and id: no defaults, the id is NoEcho', () => {
    expect(parameters.SageMakerProjectName.Default).toBeUndefined();
    expect(parameters.SageMakerProjectId.Default).toBeUndefined();
    expect(parameters.SageMakerProjectId.NoEcho).toBe(true);
    expect(parameters.SageMakerProjectId.AllowedPattern).toBe('^p-[a-z0-9]{12}$');
  });

  test('TerraformAction and TerraformInitAction offer only their allowed values, apply and init first', () => {
    expect(parameters.TerraformAction.AllowedValues).toEqual(['apply', 'destroy']);
    expect(parameters.TerraformAction.Default).toBe('apply');
    expect(parameters.TerraformInitAction.AllowedValues).toEqual(['init', 'init -reconfigure']);
    expect(parameters.TerraformInitAction.Default).toBe('init');
  });

  test('every free-text parameter has a pattern and a length bound', () => {
    for (const [name, definition] of Object.entries(parameters)) {
      if (definition.AllowedValues) continue;
      expect([name, typeof definition.AllowedPattern]).toEqual([name, 'string']);
      expect([name, typeof definition.MaxLength]).toEqual([name, 'number']);
    }
  });

  test('the platform parameters are pre-filled from this stack\'s own resources', () => {
    const raw = object.content as string;
    const defaultOf = (name: string) => new RegExp(`\\n  ${name}:\\n(?:    .*\\n)*?    Default: "?([^"\\n]*)"?\\n`).exec(raw)?.[1];
    const resourceAt = (name: string) => referenced(serviceCatalog, defaultOf(name)!);
    expect(resourceAt('MLOpsS3Bucket')).toBe(byPath(serviceCatalog, 'aws_s3_bucket', 'mlops-bucket/bucket'));
    expect(resourceAt('TerraformStateLockTable')).toBe(byPath(serviceCatalog, 'aws_dynamodb_table', 'lock-table/table'));
    expect(resourceAt('CommandRunnerIAMInstanceProfile')).toBe(byPath(serviceCatalog, 'aws_iam_instance_profile', 'command-runner/instance-profile'));
    expect(resourceAt('CommandRunnerCWLogGrp')).toBe(byPath(serviceCatalog, 'aws_cloudwatch_log_group', 'command-runner-logs'));
    expect(resourceAt('SecretsManagerGitlabPrivateToken')).toBe(byPath(serviceCatalog, 'aws_secretsmanager_secret', 'gitlab-secrets/private-token/secret'));
    expect(resourceAt('SecretsManagerGitlabUserSecretARN')).toBe(byPath(serviceCatalog, 'aws_secretsmanager_secret', 'gitlab-secrets/user-credentials/secret'));
    expect(resourceAt('GitLabCIRoleArn')).toBe(byPath(serviceCatalog, 'aws_iam_role', 'gitlab-ci-identity/role/role'));
    expect(defaultOf('MLOpsS3Bucket')).toMatch(/\.bucket\}$/);
    expect(defaultOf('SecretsManagerGitlabUserSecretARN')).toMatch(/\.arn\}$/);
  });

  test('GitLab settings are pre-filled from the configuration; repository names may stay empty', () => {
    expect(parameters.GitlabURL.Default).toBe('https://gitlab.example.com');
    expect(parameters.GitUserName.Default).toBe('ml-team');
    expect(parameters.GitBuildRepoName.Default).toBe('');
    expect(parameters.GitDeployRepoName.Default).toBe('');
    expect(parameters.SecretsManagerGitlabIAMAccessKey.Default).toBe('');
    expect(parameters.SecretsManagerGitlabIAMSecretKey.Default).toBe('');
  });

  test('the Studio form groups and labels every parameter exactly once', () => {
    const interface_ = document.Metadata['AWS::CloudFormation::Interface'];
    const grouped = interface_.ParameterGroups.flatMap((group: any) => group.Parameters);
    expect([...grouped].sort()).toEqual(Object.keys(parameters).sort());
    expect(new Set(grouped).size).toBe(grouped.length);
    expect(interface_.ParameterGroups.map((group: any) => group.Label.default)).toEqual(Object.values(PARAMETER_GROUPS));
    expect(Object.keys(interface_.ParameterLabels).sort()).toEqual(Object.keys(parameters).sort());
  });

  test('CommandRunner runs as the instance profile, logs to the log group, with the configured timeout and instance type', () => {
    expect(runner.Properties.Role).toEqual({ Ref: 'CommandRunnerIAMInstanceProfile' });
    expect(runner.Properties.LogGroup).toEqual({ Ref: 'CommandRunnerCWLogGrp' });
    expect(runner.Properties.Timeout).toBe('3600');
    expect(runner.Properties.InstanceType).toBe('t3.medium');
    expect(runner.Properties.SubnetId).toBeUndefined();
    expect(runner.Properties.SecurityGroupId).toBeUndefined();
  });

  test('the bootstrap command passes every contract value to the runner and fetches the uploaded script', () => {
    for (const parameter of PROJECT_PARAMETERS.filter((candidate) => candidate.variable)) {
      expect(command).toContain(`\nTF_VAR_${parameter.variable}=\${${parameter.name}}\n`);
    }
    for (const parameter of PROJECT_PARAMETERS.filter((candidate) => candidate.runner)) {
      expect(command).toContain(`\n${parameter.runner}=\${${parameter.name}}\n`);
    }
    expect(command).toContain('\nTERRAFORM_VERSION=1.11.4\n');
    expect(command).toContain('\nTERRAFORM_SHA256=1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc\n');
    expect(command).toContain(`\nTF_CODE_KEY=${ARTIFACT_KEYS.terraformCode}\n`);
    expect(command).toContain(`s3://\${MLOpsS3Bucket}/${ARTIFACT_KEYS.runnerScript}`);
    expect(command.startsWith(`rm -f ${COMMAND_OUTPUT_FILE}\n`)).toBe(true);
  });

  test('the bootstrap command never exits: it runs the script in a child shell and only the script writes the output file', () => {
    expect(command).not.toMatch(/\bexit\b|set -e/);
    expect(command).toMatch(/then bash "\$SMP_DIR\/run-terraform\.sh" "\$SMP_DIR\/parameters\.env"; else echo /);
    expect(command.match(new RegExp(COMMAND_OUTPUT_FILE.replace(/\./g, '\\.'), 'g'))).toHaveLength(1);
  });

  test(`the inline command stays under ${COMMAND_MAX_BYTES} bytes with every parameter at its MaxLength`, () => {
    const bytes = worstCaseCommandBytes(command);
    expect(bytes).toBeLessThanOrEqual(COMMAND_MAX_BYTES);
    // The bound is real: it counts every parameter the command uses at its longest.
    expect(bytes).toBeGreaterThan(Buffer.byteLength(command) + 2000);
  });

  test('the template is uploaded under a key named by its version, a hash of its content', () => {
    expect(object.key).toMatch(/^command-runner\/templates\/sagemaker-project-[0-9a-f]{12}\.yaml$/);
    expect(object.content_type).toBe('application/x-yaml');
  });
});

describe('project template variations', () => {
  test('a subnet and security group from the configuration reach CommandRunner', () => {
    const { serviceCatalog } = synthApp(
      testConfig({ SMP_COMMAND_RUNNER_SUBNET_ID: 'subnet-0123456789abcdef0', SMP_COMMAND_RUNNER_SECURITY_GROUP_ID: 'sg-0123456789abcdef0', SMP_COMMAND_RUNNER_TIMEOUT_SECONDS: '5400', SMP_COMMAND_RUNNER_INSTANCE_TYPE: 'm5.large' }),
    );
    const properties = templateOf(serviceCatalog).document.Resources.TerraformRun.Properties;
    expect(properties.SubnetId).toBe('subnet-0123456789abcdef0');
    expect(properties.SecurityGroupId).toBe('sg-0123456789abcdef0');
    expect(properties.Timeout).toBe('5400');
    expect(properties.InstanceType).toBe('m5.large');
  });

  test('access-keys mode pre-fills the key secrets and leaves the CI role empty', () => {
    const { serviceCatalog } = synthApp(testConfig({ SMP_GITLAB_CI_AUTH_MODE: 'access-keys' }));
    const raw = templateOf(serviceCatalog).object.content as string;
    const document = parse(raw);
    expect(document.Parameters.GitLabCIRoleArn.Default).toBe('');
    expect(referenced(serviceCatalog, document.Parameters.SecretsManagerGitlabIAMAccessKey.Default)).toBe(
      byPath(serviceCatalog, 'aws_secretsmanager_secret', 'gitlab-ci-identity/access-key-id/secret'),
    );
    expect(referenced(serviceCatalog, document.Parameters.SecretsManagerGitlabIAMSecretKey.Default)).toBe(
      byPath(serviceCatalog, 'aws_secretsmanager_secret', 'gitlab-ci-identity/secret-access-key/secret'),
    );
  });

  test('the version is deterministic and changes with the template content', () => {
    const first = standaloneTemplate();
    const again = standaloneTemplate();
    const longer = standaloneTemplate({ commandRunner: { ...STANDALONE_TEMPLATE.commandRunner, timeoutSeconds: 7200 } });
    expect(again.version).toBe(first.version);
    expect(longer.version).not.toBe(first.version);
    expect(first.key).toBe(`${ARTIFACT_KEYS.templatePrefix}${first.version}.yaml`);
  });

  test('a command that could exceed the 4,096-byte parameter limit is refused at synth, naming the fix', () => {
    const tooLong = { terraformVersion: '1'.repeat(1500), terraformSha256: 'a'.repeat(64), stateKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/x' };
    expect(() => standaloneTemplate({ runner: tooLong })).toThrow(/can reach \d+ bytes with every parameter at its MaxLength.*limited to 4096 bytes\. Lower a MaxLength/);
  });

  test('the worst-case size counts parameters at their MaxLength and the longest allowed value', () => {
    const command = commandOf(standaloneTemplate().document);
    expect(worstCaseCommandBytes('${SageMakerProjectName}')).toBe(32);
    expect(worstCaseCommandBytes('${TerraformInitAction}')).toBe('init -reconfigure'.length);
    expect(worstCaseCommandBytes('${!Literal}')).toBe('${!Literal}'.length);
    expect(() => worstCaseCommandBytes('${Unknown}')).toThrow('references ${Unknown}, which is not a template parameter');
    expect(worstCaseCommandBytes(command)).toBeLessThanOrEqual(COMMAND_MAX_BYTES);
  });
});
