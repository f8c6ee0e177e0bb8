import { createHash } from 'node:crypto';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { DefaultTokenResolver, StringConcat, TerraformStack, Tokenization } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { terraformLiteral } from '../terraform/literal';
import { PARAMETER_GROUPS, PROJECT_PARAMETERS, ProjectParameter } from './project-parameters';

/** Where the service-catalog stack puts what CommandRunner fetches, relative to the MLOps bucket. */
export const ARTIFACT_KEYS = {
  /** Prefix of the template versions (`<prefix><version>.yaml`). */
  templatePrefix: 'command-runner/templates/sagemaker-project-',
  runnerScript: 'command-runner/run-terraform.sh',
  terraformCode: 'command-runner/tf-code.zip',
} as const;

/** Key prefix of the projects' Terraform state: `<prefix>/<project id>/terraform.tfstate`. */
export const STATE_KEY_PREFIX = 'sagemaker-projects';

/** The file CommandRunner sends back to CloudFormation after the command (its resource's Output). */
export const COMMAND_OUTPUT_FILE = '/command-output.txt';

/** CloudFormation's limit on a parameter value, which is how CommandRunner passes `Command`. */
export const COMMAND_MAX_BYTES = 4096;

/**
 * Longest KMS key ARN: `arn:aws-iso-b:kms:us-isob-east-1:<12 digits>:key/<36 characters>` is 86
 * characters; 90 leaves room for a longer region name.
 */
const KMS_KEY_ARN_MAX_LENGTH = 90;

/** Longest value of each pseudo parameter the command uses (`AWS::Region`: e.g. ap-southeast-5). */
const PSEUDO_PARAMETER_MAX_LENGTH: Record<string, number> = { 'AWS::Region': 20 };

export interface CommandRunnerSettings {
  /** Seconds CloudFormation waits for the Terraform run before failing the resource (600-43200). */
  readonly timeoutSeconds: number;
  /** EC2 instance type of the runner (x86_64). */
  readonly instanceType: string;
  /** Subnet with outbound internet access for the runner; empty = the default VPC. */
  readonly subnetId: string;
  /** Security group of the runner (requires `subnetId`); empty = one CommandRunner creates. */
  readonly securityGroupId: string;
}

/** What the runner script installs, and how it keeps state; the same for every project. */
export interface RunnerSettings {
  /** Terraform version the runner installs (linux_amd64). */
  readonly terraformVersion: string;
  /** SHA-256 of terraform_<version>_linux_amd64.zip; the runner refuses any other archive. */
  readonly terraformSha256: string;
  /** ARN of the KMS key the state objects are encrypted with (the MLOps bucket's key). */
  readonly stateKmsKeyArn: string;
}

export interface ProjectTemplateProps {
  /** Bucket (name) the template is uploaded to. */
  readonly bucket: string;
  /** Default of each CloudFormation parameter that the platform knows (may be Terraform references). */
  readonly defaults: Partial<Record<string, string>>;
  /** How CommandRunner runs: timeout, instance type, network. */
  readonly commandRunner: CommandRunnerSettings;
  /** Pinned Terraform and state encryption, passed to the runner script. */
  readonly runner: RunnerSettings;
}

type CfnValue = string | number | boolean | CfnValue[] | { [key: string]: CfnValue };

/**
 * The CloudFormation template of the Service Catalog product: the Studio form (parameters, grouped
 * and labelled, pre-filled with this platform's values) and one CommandRunner resource whose inline
 * command fetches and runs the real runner script in a child shell.
 *
 * Each distinct template is a version: it is uploaded under a key named by its content hash, so a
 * changed template never overwrites the one an existing product version was created from.
 */
export class ProjectTemplate extends Construct {
  /** The template as a JSON-compatible object (cdktf tokens where values come from resources). */
  readonly document: Record<string, CfnValue>;
  /** The template as uploaded (YAML, with Terraform template sequences escaped). */
  readonly body: string;
  /** First 12 hex digits of the SHA-256 of the template as Terraform sees it: the product version. */
  readonly version: string;
  /** Key of the template in the bucket. */
  readonly key: string;
  readonly object: S3Object;

  constructor(scope: Construct, id: string, props: ProjectTemplateProps) {
    super(scope, id);
    this.document = buildTemplate(props);
    checkCommandSize(this.document);
    this.body = terraformLiteral(stringify(this.document, { lineWidth: 0 }));
    // Tokens resolve to Terraform expressions named after construct paths, stable across syntheses.
    const resolved: string = Tokenization.resolve(this.body, {
      scope: TerraformStack.of(this),
      resolver: new DefaultTokenResolver(new StringConcat()),
    });
    this.version = createHash('sha256').update(resolved).digest('hex').slice(0, 12);
    this.key = `${ARTIFACT_KEYS.templatePrefix}${this.version}.yaml`;
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
 * `KEY=value` lines for the runner script: each contract parameter as `TF_VAR_<variable>` or its
 * runner variable, then the platform's constants. `${...}` are Fn::Sub references.
 */
function runnerParameterLines(runner: RunnerSettings): string[] {
  const lines = PROJECT_PARAMETERS.filter((parameter) => parameter.variable || parameter.runner).map((parameter) =>
    parameter.variable ? `TF_VAR_${parameter.variable}=\${${parameter.name}}` : `${parameter.runner}=\${${parameter.name}}`,
  );
  lines.push(
    'AWS_REGION=${AWS::Region}',
    `TERRAFORM_VERSION=${runner.terraformVersion}`,
    `TERRAFORM_SHA256=${runner.terraformSha256}`,
    `TF_CODE_KEY=${ARTIFACT_KEYS.terraformCode}`,
    `TF_STATE_KEY_PREFIX=${STATE_KEY_PREFIX}`,
    `TF_STATE_KMS_KEY_ARN=${runner.stateKmsKeyArn}`,
  );
  return lines;
}

/** Delimiter of the here-document; a parameter line (`KEY=value`) can never equal it. */
const PARAMETERS_END = 'SMP_PARAMETERS_END';

/**
 * The inline command. CommandRunner pastes it into the instance's user data and then always signals
 * with the content of the output file; so this command never exits or aborts: it writes the
 * parameters with a quoted here-document (no expansion: values arrive byte for byte), runs the
 * script in a child shell, and only the script writes the output file, after a successful run.
 */
function bootstrapCommand(runner: RunnerSettings): string {
  const script = `s3://\${MLOpsS3Bucket}/${ARTIFACT_KEYS.runnerScript}`;
  return [
    `rm -f ${COMMAND_OUTPUT_FILE}`,
    'SMP_DIR=$(mktemp -d -t sagemaker-project.XXXXXX)',
    `cat > "$SMP_DIR/parameters.env" <<'${PARAMETERS_END}'`,
    ...runnerParameterLines(runner),
    PARAMETERS_END,
    `if aws s3 cp "${script}" "$SMP_DIR/run-terraform.sh" --region \${AWS::Region} --only-show-errors; then bash "$SMP_DIR/run-terraform.sh" "$SMP_DIR/parameters.env"; else echo "run-terraform: cannot download ${script}"; fi`,
  ].join('\n');
}

/** Longest value a parameter can take: its MaxLength, or its longest allowed value. */
function maxLengthOf(parameter: ProjectParameter): number {
  if (parameter.allowedValues) return Math.max(...parameter.allowedValues.map((value) => Buffer.byteLength(value)));
  if (parameter.maxLength === undefined) throw new Error(`Parameter ${parameter.name} is used in the CommandRunner command but has no MaxLength`);
  return parameter.maxLength;
}

/**
 * The command's size in bytes when every parameter it uses is at its longest: what CloudFormation
 * checks against its 4,096-byte parameter limit when it passes `Command` to CommandRunner.
 */
export function worstCaseCommandBytes(command: string): number {
  const withTokens = command.replace(/\$\{TfToken\[[^\]]+\]\}/g, () => 'x'.repeat(KMS_KEY_ARN_MAX_LENGTH));
  return Buffer.byteLength(
    withTokens.replace(/\$\{(?!!)([^}]+)\}/g, (_whole, name: string) => {
      const pseudo = PSEUDO_PARAMETER_MAX_LENGTH[name];
      if (pseudo !== undefined) return 'x'.repeat(pseudo);
      const parameter = PROJECT_PARAMETERS.find((candidate) => candidate.name === name);
      if (!parameter) throw new Error(`The CommandRunner command references \${${name}}, which is not a template parameter`);
      return 'x'.repeat(maxLengthOf(parameter));
    }),
  );
}

/** The inline command of the template's CommandRunner resource, as an Fn::Sub string. */
export function commandOf(document: Record<string, CfnValue>): string {
  const resources = document.Resources as Record<string, { Properties: { Command: { 'Fn::Sub': string } } }>;
  return resources.TerraformRun.Properties.Command['Fn::Sub'];
}

function checkCommandSize(document: Record<string, CfnValue>): void {
  const bytes = worstCaseCommandBytes(commandOf(document));
  if (bytes > COMMAND_MAX_BYTES) {
    throw new Error(
      `The CommandRunner command can reach ${bytes} bytes with every parameter at its MaxLength; CloudFormation passes it as a parameter value, limited to ${COMMAND_MAX_BYTES} bytes. Lower a MaxLength in project-parameters.ts or shorten the bootstrap command.`,
    );
  }
}

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
    Command: { 'Fn::Sub': bootstrapCommand(props.runner) },
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
