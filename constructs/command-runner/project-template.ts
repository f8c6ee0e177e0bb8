import { createHash } from 'node:crypto';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { DefaultTokenResolver, ITerraformDependable, StringConcat, TerraformStack, Tokenization } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { PARAMETER_GROUPS, parametersFor, ProjectParameter, runnerKeyOf, RunnerEngine } from '../../contract/project-parameters';
import { ARTIFACT_KEYS, ArtifactBucketOnDelete, COMMAND_OUTPUT_FILE, RUNNER_SETTINGS, STATE_KEY_PREFIX } from '../../contract/runner';
import { terraformRunResource } from '../codebuild-runner/template-resource';
import { keptObjectDownloadCommand } from './kept-object-download';
import { terraformLiteral } from '../terraform/literal';

/** CloudFormation's limit on a parameter value, which is how CommandRunner passes `Command`. */
export const COMMAND_MAX_BYTES = 4096;

/**
 * Longest value a Terraform reference in the command resolves to: a KMS key ARN
 * (`arn:aws-iso-b:kms:us-isob-east-1:<12 digits>:key/<36 characters>` is 86 characters; 90 leaves room
 * for a longer region name), longer than the bucket (63) and table names the command also holds.
 */
const REFERENCE_MAX_LENGTH = 90;

/** Longest value of each pseudo parameter the command uses. */
const PSEUDO_PARAMETER_MAX_LENGTH: Record<string, number> = {
  'AWS::Region': 20,
  // arn:<partition>:cloudformation:<region>:<account>:stack/<name ≤ 128>/<uuid>
  'AWS::StackId': 220,
};

export interface CommandRunnerSettings {
  /** Seconds CloudFormation waits for the Terraform run before failing the resource (600-43200). */
  readonly timeoutSeconds: number;
  /** EC2 instance type of the runner (x86_64). */
  readonly instanceType: string;
  /** Subnet with outbound internet access for the runner; empty = the default VPC. */
  readonly subnetId: string;
  /** Security group of the runner (requires `subnetId`); empty = one CommandRunner creates. */
  readonly securityGroupId: string;
  /** Instance profile of the runner (CommandRunner's `Role`). */
  readonly instanceProfileName: string;
  /** Log group the runs write to. */
  readonly logGroupName: string;
}

/** A content-addressed artifact in the platform bucket: its key and the SHA-256 the runner checks. */
export interface VerifiedArtifact {
  readonly key: string;
  readonly sha256: string;
}

/** What every run of the product version is pinned to: written into the template, never a form field. */
export interface RunnerSettings {
  /** Platform bucket: artifacts and state. */
  readonly bucket: string;
  /** DynamoDB lock table of the state. */
  readonly lockTable: string;
  /** ARN of the KMS key the state objects are encrypted with. */
  readonly stateKmsKeyArn: string;
  /** Terraform version the runner installs (linux_amd64), and the archive's SHA-256. */
  readonly terraformVersion: string;
  readonly terraformSha256: string;
  /** What a destroy does with the project's artifact bucket. */
  readonly artifactBucketOnDelete: ArtifactBucketOnDelete;
  /** The runner script and the synthesized project stack (tf-code.zip) this version runs. */
  readonly runnerScript: VerifiedArtifact;
  readonly terraformCode: VerifiedArtifact;
}

/** How a template runs Terraform: a CommandRunner resource, or the CodeBuild engine's custom resource. */
export type TemplateEngine =
  | { readonly kind: 'commandrunner'; readonly commandRunner: CommandRunnerSettings }
  | {
      readonly kind: 'codebuild';
      /** The provisioning function's ARN (written at synth, never a form field). */
      readonly serviceToken: string;
      /** Seconds CloudFormation waits for the function's answer. */
      readonly serviceTimeoutSeconds: number;
    };

export interface ProjectTemplateProps {
  /** What must exist before the template is uploaded (the bucket policy naming who may write). @default none */
  readonly dependsOn?: ITerraformDependable[];
  readonly engine: TemplateEngine;
  readonly runner: RunnerSettings;
}

type CfnValue = string | number | boolean | CfnValue[] | { [key: string]: CfnValue };

/**
 * The CloudFormation template of the Service Catalog product: the Studio form (only the per-project
 * parameters of contract/project-parameters.ts, grouped and labelled) and one resource that runs
 * Terraform. Every platform value (bucket, lock table, key, instance profile, log group, the code and
 * its SHA-256) is written into it at synth: nothing a user types can point a project elsewhere.
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
    this.body = terraformLiteral(stringify(this.document, { lineWidth: 0 }));
    // Tokens resolve to Terraform expressions named after construct paths, stable across syntheses.
    const resolved: string = Tokenization.resolve(this.body, {
      scope: TerraformStack.of(this),
      resolver: new DefaultTokenResolver(new StringConcat()),
    });
    this.version = createHash('sha256').update(resolved).digest('hex').slice(0, 12);
    this.key = `${ARTIFACT_KEYS.templatePrefix}${this.version}.yaml`;
    this.object = new S3Object(this, 'object', {
      bucket: props.runner.bucket,
      key: this.key,
      content: this.body,
      contentType: 'application/x-yaml',
      dependsOn: props.dependsOn,
    });
  }
}

function parameterDefinition(parameter: ProjectParameter): Record<string, CfnValue> {
  const definition: Record<string, CfnValue> = { Type: 'String', Description: parameter.description };
  if (parameter.default !== undefined) definition.Default = parameter.default;
  if (parameter.allowedValues) definition.AllowedValues = [...parameter.allowedValues];
  else definition.AllowedPattern = parameter.rule.pattern;
  definition.MaxLength = parameter.maxLength;
  definition.ConstraintDescription = `must be ${parameter.rule.expected}`;
  if (parameter.noEcho) definition.NoEcho = true;
  return definition;
}

/**
 * `KEY=value` lines of the runner's parameters file: each form parameter under its runner key, then
 * the run's context and the platform's values, literal. `${...}` are Fn::Sub references.
 */
export function runnerParameterLines(engine: RunnerEngine, runner: RunnerSettings): string[] {
  return [
    ...parametersFor(engine).map((parameter) => `${runnerKeyOf(parameter)}=\${${parameter.name}}`),
    `${RUNNER_SETTINGS.region}=\${AWS::Region}`,
    `${RUNNER_SETTINGS.stackId}=\${AWS::StackId}`,
    `${RUNNER_SETTINGS.stateBucket}=${runner.bucket}`,
    `${RUNNER_SETTINGS.lockTable}=${runner.lockTable}`,
    `${RUNNER_SETTINGS.stateKeyPrefix}=${STATE_KEY_PREFIX}`,
    `${RUNNER_SETTINGS.stateKmsKeyArn}=${runner.stateKmsKeyArn}`,
    `${RUNNER_SETTINGS.codeKey}=${runner.terraformCode.key}`,
    `${RUNNER_SETTINGS.codeSha256}=${runner.terraformCode.sha256}`,
    `${RUNNER_SETTINGS.terraformVersion}=${runner.terraformVersion}`,
    `${RUNNER_SETTINGS.terraformSha256}=${runner.terraformSha256}`,
    `${RUNNER_SETTINGS.artifactBucketOnDelete}=${runner.artifactBucketOnDelete}`,
  ];
}

/** Delimiter of the here-document; a parameter line (`KEY=value`) can never equal it. */
const PARAMETERS_END = 'SMP_PARAMETERS_END';

/**
 * The inline command. CommandRunner pastes it into the instance's user data and then always signals
 * with the content of the output file; so this command never exits or aborts: it writes the
 * parameters with a quoted here-document (no expansion: values arrive byte for byte), downloads the
 * runner script of this version (if a later deployment deleted it, the bucket's versioning still holds
 * it), runs it in a child shell only when its SHA-256 is the one written here, and only the script
 * writes the output file, after a successful run.
 */
function bootstrapCommand(runner: RunnerSettings): string {
  const { key, sha256 } = runner.runnerScript;
  const location = `s3://${runner.bucket}/${key}`;
  return [
    `rm -f ${COMMAND_OUTPUT_FILE}`,
    'SMP_DIR=$(mktemp -d -t sagemaker-project.XXXXXX)',
    `cat > "$SMP_DIR/parameters.env" <<'${PARAMETERS_END}'`,
    ...runnerParameterLines('commandrunner', runner),
    PARAMETERS_END,
    'SMP_SCRIPT="$SMP_DIR/run-terraform.sh"',
    keptObjectDownloadCommand({ bucket: runner.bucket, key, target: '$SMP_SCRIPT', region: '${AWS::Region}' }),
    `if echo "${sha256}  $SMP_SCRIPT" | sha256sum --check --status; then bash "$SMP_SCRIPT" "$SMP_DIR/parameters.env"; else echo "run-terraform: ${location} is missing or is not the script this product version was published with (SHA-256 ${sha256}); nothing was run"; fi`,
  ].join('\n');
}

/** Longest value a parameter of the CommandRunner template can take: its MaxLength. */
function maxLengthOf(name: string): number {
  const pseudo = PSEUDO_PARAMETER_MAX_LENGTH[name];
  if (pseudo !== undefined) return pseudo;
  const parameter = parametersFor('commandrunner').find((candidate) => candidate.name === name);
  if (!parameter) throw new Error(`The CommandRunner command references \${${name}}, which is not a template parameter`);
  return parameter.maxLength;
}

/**
 * The command's size in bytes when every parameter and reference it uses is at its longest: what
 * CloudFormation checks against its 4,096-byte parameter limit when it passes `Command` to CommandRunner.
 */
export function worstCaseCommandBytes(command: string): number {
  const withTokens = command.replace(/\$\{TfToken\[[^\]]+\]\}/g, () => 'x'.repeat(REFERENCE_MAX_LENGTH));
  return Buffer.byteLength(withTokens.replace(/\$\{(?!!)([^}]+)\}/g, (_whole, name: string) => 'x'.repeat(maxLengthOf(name))));
}

/** The inline command of the template's CommandRunner resource, as an Fn::Sub string. */
export function commandOf(document: Record<string, CfnValue>): string {
  const resources = document.Resources as Record<string, { Properties: { Command: { 'Fn::Sub': string } } }>;
  return resources.TerraformRun.Properties.Command['Fn::Sub'];
}

/** Refuses a CommandRunner command that could exceed CloudFormation's parameter limit. */
function checkCommandSize(command: string): void {
  const bytes = worstCaseCommandBytes(command);
  if (bytes > COMMAND_MAX_BYTES) {
    throw new Error(
      `The CommandRunner command can reach ${bytes} bytes with every parameter at its MaxLength; CloudFormation passes it as a parameter value, limited to ${COMMAND_MAX_BYTES} bytes. Lower a MaxLength in contract/project-parameters.ts or shorten the bootstrap command.`,
    );
  }
}

/** The template's one resource, and its outputs, for the engine. */
function terraformRun(
  engine: TemplateEngine,
  runner: RunnerSettings,
): { resource: Record<string, CfnValue>; outputs: Record<string, CfnValue>; description: string } {
  if (engine.kind === 'codebuild') {
    const resource = terraformRunResource({
      serviceToken: engine.serviceToken,
      serviceTimeoutSeconds: engine.serviceTimeoutSeconds,
      terraformCodeSha256: runner.terraformCode.sha256,
      runnerScriptSha256: runner.runnerScript.sha256,
    }) as Record<string, CfnValue>;
    return { resource, outputs: {}, description: "runs the sagemaker-project Terraform stack in the platform's CodeBuild project" };
  }
  const commandRunner = engine.commandRunner;
  const command = bootstrapCommand(runner);
  checkCommandSize(command);
  const properties: Record<string, CfnValue> = {
    Command: { 'Fn::Sub': command },
    Role: commandRunner.instanceProfileName,
    LogGroup: commandRunner.logGroupName,
    Timeout: String(commandRunner.timeoutSeconds),
    InstanceType: commandRunner.instanceType,
  };
  if (commandRunner.subnetId) properties.SubnetId = commandRunner.subnetId;
  if (commandRunner.securityGroupId) properties.SecurityGroupId = commandRunner.securityGroupId;
  return {
    resource: { Type: 'AWSUtility::CloudFormation::CommandRunner', Properties: properties },
    outputs: { TerraformResult: { Description: 'What the Terraform run did (applied or destroyed)', Value: { 'Fn::GetAtt': ['TerraformRun', 'Output'] } } },
    description: 'runs the sagemaker-project Terraform stack with CommandRunner',
  };
}

function buildTemplate(props: ProjectTemplateProps): Record<string, CfnValue> {
  const engine = props.engine.kind;
  const formParameters = parametersFor(engine);
  const parameters: Record<string, CfnValue> = {};
  for (const parameter of formParameters) parameters[parameter.name] = parameterDefinition(parameter);

  const groups = (Object.keys(PARAMETER_GROUPS) as Array<ProjectParameter['group']>)
    .map((group) => ({
      Label: { default: PARAMETER_GROUPS[group] },
      Parameters: formParameters.filter((parameter) => parameter.group === group).map((parameter) => parameter.name),
    }))
    .filter((group) => group.Parameters.length > 0);
  const labels: Record<string, CfnValue> = {};
  for (const parameter of formParameters) labels[parameter.name] = { default: parameter.label };

  const run = terraformRun(props.engine, props.runner);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `SageMaker project backed by Terraform and GitLab: ${run.description}`,
    Metadata: { 'AWS::CloudFormation::Interface': { ParameterGroups: groups, ParameterLabels: labels } },
    Parameters: parameters,
    Resources: { TerraformRun: run.resource },
    ...(Object.keys(run.outputs).length > 0 ? { Outputs: run.outputs } : {}),
  };
}
