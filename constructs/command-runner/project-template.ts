import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { terraformLiteral } from '../terraform/literal';
import { PARAMETER_GROUPS, PROJECT_PARAMETERS, ProjectParameter } from './project-parameters';

/** Where the service-catalog stack puts what CommandRunner fetches, relative to the MLOps bucket. */
export const ARTIFACT_KEYS = {
  template: 'command-runner/sagemaker-project-template.yaml',
  runnerScript: 'command-runner/run-terraform.sh',
  terraformCode: 'command-runner/tf-code.zip',
} as const;

export interface CommandRunnerSettings {
  /** Seconds CloudFormation waits for the Terraform run before failing the resource (max 43200). */
  readonly timeoutSeconds: number;
  /** EC2 instance type of the runner. */
  readonly instanceType: string;
  /** Subnet with outbound internet access for the runner; empty = the default VPC. */
  readonly subnetId: string;
  /** Security group of the runner (requires `subnetId`); empty = one CommandRunner creates. */
  readonly securityGroupId: string;
}

export interface ProjectTemplateProps {
  /** Bucket (name) the template is uploaded to. */
  readonly bucket: string;
  /** Default of each CloudFormation parameter that the platform knows (may be Terraform references). */
  readonly defaults: Partial<Record<string, string>>;
  readonly commandRunner: CommandRunnerSettings;
}

type CfnValue = string | number | boolean | CfnValue[] | { [key: string]: CfnValue };

/**
 * The CloudFormation template of the Service Catalog product: the Studio form (parameters, grouped
 * and labelled, pre-filled with this platform's values) and one CommandRunner resource whose inline
 * command fetches and runs the real runner script in a child shell.
 */
export class ProjectTemplate extends Construct {
  /** The template as a JSON-compatible object (cdktf tokens where values come from resources). */
  readonly document: Record<string, CfnValue>;
  /** The template as uploaded (YAML). */
  readonly body: string;
  readonly object: S3Object;
  /** Key of the template in the bucket. */
  readonly key: string = ARTIFACT_KEYS.template;

  constructor(scope: Construct, id: string, props: ProjectTemplateProps) {
    super(scope, id);
    this.document = buildTemplate(props);
    this.body = terraformLiteral(stringify(this.document, { lineWidth: 0 }));
    this.object = new S3Object(this, 'object', {
      bucket: props.bucket,
      key: this.key,
      content: this.body,
      contentType: 'application/x-yaml',
    });
  }
}

function parameterDefinition(parameter: ProjectParameter, defaults: ProjectTemplateProps['defaults']): Record<string, CfnValue> {
  const definition: Record<string, CfnValue> = { Type: 'String', Description: parameter.description };
  const fallback = parameter.allowedValues ? parameter.allowedValues[0] : defaults[parameter.name];
  if (fallback !== undefined) definition.Default = fallback;
  if (parameter.allowedValues) definition.AllowedValues = [...parameter.allowedValues];
  if (parameter.allowedPattern) definition.AllowedPattern = parameter.allowedPattern;
  if (parameter.maxLength) definition.MaxLength = parameter.maxLength;
  if (parameter.constraintDescription) definition.ConstraintDescription = parameter.constraintDescription;
  if (parameter.noEcho) definition.NoEcho = true;
  return definition;
}

/**
 * `KEY=value` lines for the runner, base64-encoded by CloudFormation: values reach the script
 * byte for byte (spaces, quotes, `$`) without ever being parsed by a shell.
 */
function runnerParameters(): CfnValue {
  const lines = PROJECT_PARAMETERS.filter((parameter) => parameter.variable || parameter.runner).map((parameter) =>
    parameter.variable ? `TF_VAR_${parameter.variable}=\${${parameter.name}}` : `${parameter.runner}=\${${parameter.name}}`,
  );
  lines.push('AWS_REGION=${AWS::Region}');
  return { 'Fn::Base64': { 'Fn::Sub': `${lines.join('\n')}\n` } };
}

/**
 * The inline command. CommandRunner pastes it into the instance's user data and then always signals
 * with the content of /command-output.txt; so this command never exits or aborts: it runs the script
 * in a child shell, and only the script writes the output file, after a successful run.
 */
const BOOTSTRAP_COMMAND = [
  'rm -f /command-output.txt',
  'SMP_DIR=$(mktemp -d /tmp/sagemaker-project.XXXXXX)',
  'echo "${RunnerParameters}" | base64 -d > "$SMP_DIR/parameters.env"',
  `if aws s3 cp "s3://\${MLOpsS3Bucket}/${ARTIFACT_KEYS.runnerScript}" "$SMP_DIR/run-terraform.sh" --region "\${AWS::Region}" --only-show-errors; then bash "$SMP_DIR/run-terraform.sh" "$SMP_DIR/parameters.env"; else echo "could not download s3://\${MLOpsS3Bucket}/${ARTIFACT_KEYS.runnerScript}"; fi`,
].join('\n');

function buildTemplate(props: ProjectTemplateProps): Record<string, CfnValue> {
  const parameters: Record<string, CfnValue> = {};
  for (const parameter of PROJECT_PARAMETERS) parameters[parameter.name] = parameterDefinition(parameter, props.defaults);

  const groups = (Object.keys(PARAMETER_GROUPS) as Array<ProjectParameter['group']>).map((group) => ({
    Label: { default: PARAMETER_GROUPS[group] },
    Parameters: PROJECT_PARAMETERS.filter((parameter) => parameter.group === group).map((parameter) => parameter.name),
  }));
  const labels: Record<string, CfnValue> = {};
  for (const parameter of PROJECT_PARAMETERS) labels[parameter.name] = { default: parameter.label };

  const runnerProperties: Record<string, CfnValue> = {
    Command: { 'Fn::Sub': [BOOTSTRAP_COMMAND, { RunnerParameters: runnerParameters() }] },
    Role: { Ref: 'CommandRunnerIAMInstanceProfile' },
    LogGroup: { Ref: 'CommandRunnerCWLogGrp' },
    Timeout: String(props.commandRunner.timeoutSeconds),
    InstanceType: props.commandRunner.instanceType,
  };
  if (props.commandRunner.subnetId) runnerProperties.SubnetId = props.commandRunner.subnetId;
  if (props.commandRunner.securityGroupId) runnerProperties.SecurityGroupId = props.commandRunner.securityGroupId;

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'SageMaker project backed by Terraform and GitLab: runs the sagemaker-project Terraform stack with CommandRunner',
    Metadata: { 'AWS::CloudFormation::Interface': { ParameterGroups: groups, ParameterLabels: labels } },
    Parameters: parameters,
    Resources: {
      TerraformRun: { Type: 'AWSUtility::CloudFormation::CommandRunner', Properties: runnerProperties },
    },
    Outputs: {
      TerraformResult: {
        Description: 'What the Terraform run did (applied or destroyed)',
        Value: { 'Fn::GetAtt': ['TerraformRun', 'Output'] },
      },
    },
  };
}
