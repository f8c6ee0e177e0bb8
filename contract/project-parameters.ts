/**
 * The contract between the Studio form, the runner and the sagemaker-project stack,
 * in one table. A row is one value a data science lead (or SageMaker) supplies for one
 * project: its CloudFormation parameter (the Studio form field, or the custom resource property of
 * the CodeBuild engine), the Terraform variable it becomes with its validation, and the key the runner
 * reads it under.
 *
 * Only per-project values are here. Everything the platform knows (GitLab host and namespace, buckets,
 * instance profile, log group, secrets, roles) is written into the template and the project stack at
 * synth, so no form value can point a project at another host, bucket or secret.
 */

/** How the CloudFormation stack of a project runs Terraform. */
export const RUNNER_ENGINES = ['commandrunner', 'codebuild'] as const;
export type RunnerEngine = (typeof RUNNER_ENGINES)[number];

/** A check of the value, written once and rendered for CloudFormation, Terraform and the runner. */
export interface ValueRule {
  /** Regular expression the whole value must match (RE2 and ECMAScript compatible). */
  readonly pattern: string;
  /** What a valid value looks like, in the words of the field (`1-32 letters, digits and hyphens ...`). */
  readonly expected: string;
}

export interface ProjectParameter {
  /** CloudFormation parameter (and custom resource property) name. */
  readonly name: string;
  /** Label in the Studio form. */
  readonly label: string;
  readonly description: string;
  /** Group in the Studio form (`AWS::CloudFormation::Interface`). */
  readonly group: 'project' | 'gitlab' | 'terraform';
  /** Engines whose template carries the parameter. */
  readonly engines: readonly RunnerEngine[];
  /** The value's rule: CloudFormation AllowedPattern, Terraform validation, runner check. */
  readonly rule: ValueRule;
  /** CloudFormation MaxLength (also bounds the CommandRunner command, limited to 4,096 bytes). */
  readonly maxLength: number;
  /** CloudFormation AllowedValues, when the value is one of a list. */
  readonly allowedValues?: readonly string[];
  /** CloudFormation Default; a parameter without one must be given. */
  readonly default?: string;
  readonly noEcho?: boolean;
  /** Terraform variable of the sagemaker-project stack fed from this parameter (as `TF_VAR_<variable>`). */
  readonly variable?: string;
  /** Environment key the runner reads, for parameters that steer the run rather than Terraform. */
  readonly runnerKey?: string;
}

export const PROJECT_NAME_RULE: ValueRule = {
  pattern: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$',
  expected: '1-32 letters, digits and hyphens, starting and ending with a letter or digit',
};
export const PROJECT_ID_RULE: ValueRule = { pattern: '^p-[a-z0-9]{12}$', expected: 'a SageMaker project id such as p-abcdefghijkl' };
export const REPO_NAME_RULE: ValueRule = {
  pattern: '^([a-zA-Z0-9][a-zA-Z0-9_.-]{0,99})?$',
  expected: 'empty, or up to 100 letters, digits, "_", "." and "-", starting with a letter or digit (no spaces)',
};
export const TERRAFORM_ACTION_RULE: ValueRule = { pattern: '^(apply|destroy)$', expected: 'apply or destroy' };

export const PROJECT_PARAMETERS = [
  {
    name: 'SageMakerProjectName',
    label: 'SageMaker project name',
    description: 'Name of the SageMaker project (supplied by SageMaker)',
    group: 'project',
    engines: ['commandrunner', 'codebuild'],
    rule: PROJECT_NAME_RULE,
    maxLength: 32,
    variable: 'sagemaker_project_name',
  },
  {
    name: 'SageMakerProjectId',
    label: 'SageMaker project id',
    description: 'Id of the SageMaker project (supplied by SageMaker)',
    group: 'project',
    engines: ['commandrunner', 'codebuild'],
    rule: PROJECT_ID_RULE,
    maxLength: 14,
    noEcho: true,
    variable: 'sagemaker_project_id',
  },
  {
    name: 'GitBuildRepoName',
    label: 'Model build repository',
    description: 'Name of the new GitLab project for the model build code; empty = <project name>-model-build',
    group: 'gitlab',
    engines: ['commandrunner', 'codebuild'],
    rule: REPO_NAME_RULE,
    maxLength: 100,
    default: '',
    variable: 'git_build_repo_name',
  },
  {
    name: 'GitDeployRepoName',
    label: 'Model deploy repository',
    description: 'Name of the new GitLab project for the model deploy code; empty = <project name>-model-deploy',
    group: 'gitlab',
    engines: ['commandrunner', 'codebuild'],
    rule: REPO_NAME_RULE,
    maxLength: 100,
    default: '',
    variable: 'git_deploy_repo_name',
  },
  {
    // CommandRunner runs nothing when its resource is deleted: destroying is a run of its own. The
    // CodeBuild engine destroys when CloudFormation deletes the resource, so it has no such field.
    name: 'TerraformAction',
    label: 'Terraform action',
    description: "apply creates or updates the project's resources; destroy removes them (GitLab projects are archived, never deleted)",
    group: 'terraform',
    engines: ['commandrunner'],
    rule: TERRAFORM_ACTION_RULE,
    maxLength: 7,
    allowedValues: ['apply', 'destroy'],
    default: 'apply',
    runnerKey: 'TERRAFORM_ACTION',
  },
] as const satisfies readonly ProjectParameter[];

type Row = (typeof PROJECT_PARAMETERS)[number];

/** The Terraform variables of the sagemaker-project stack that come from the form. */
export type ProjectVariableName = Extract<Row, { variable: string }>['variable'];

/** The parameters a template of `engine` carries, in form order. */
export function parametersFor(engine: RunnerEngine): readonly ProjectParameter[] {
  return PROJECT_PARAMETERS.filter((parameter) => (parameter.engines as readonly RunnerEngine[]).includes(engine));
}

/** The runner key of a parameter: `TF_VAR_<variable>` for Terraform variables. */
export function runnerKeyOf(parameter: ProjectParameter): string {
  if (parameter.variable) return `TF_VAR_${parameter.variable}`;
  if (parameter.runnerKey) return parameter.runnerKey;
  throw new Error(`Parameter ${parameter.name} reaches neither Terraform nor the runner`);
}

/** Form groups, in the order Studio shows them. */
export const PARAMETER_GROUPS: Record<ProjectParameter['group'], string> = {
  project: 'SageMaker project (filled by SageMaker)',
  gitlab: 'GitLab repositories',
  terraform: 'Terraform run',
};
