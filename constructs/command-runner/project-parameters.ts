/**
 * The contract between the Studio form, the CloudFormation template, the CommandRunner script and
 * the sagemaker-project stack (DESIGN.md section 2): one row per CloudFormation parameter.
 *
 * `variable` is the Terraform variable the value reaches as `TF_VAR_<variable>`; `runner` is the
 * environment variable the CommandRunner script reads for parameters that steer the run itself.
 */
export interface ProjectParameter {
  /** CloudFormation parameter name (the seed's names). */
  readonly name: string;
  /** Terraform variable of the sagemaker-project stack fed from this parameter. */
  readonly variable?: string;
  /** Environment variable the runner script reads (parameters that are not Terraform variables). */
  readonly runner?: string;
  /** Label in the Studio form. */
  readonly label: string;
  readonly description: string;
  /** Group in the Studio form (`AWS::CloudFormation::Interface`). */
  readonly group: 'project' | 'gitlab' | 'platform' | 'terraform';
  readonly noEcho?: boolean;
  readonly allowedValues?: readonly string[];
  readonly allowedPattern?: string;
  readonly constraintDescription?: string;
  readonly maxLength?: number;
}

export const PROJECT_NAME_PATTERN = '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$';
export const PROJECT_ID_PATTERN = '^p-[a-z0-9]{12}$';
/** A GitLab project name we create: letters, digits, `_`, `-`, `.`; empty = derived from the project name. */
export const REPO_NAME_PATTERN = '^([a-zA-Z0-9][a-zA-Z0-9_.-]{0,99})?$';
export const HTTPS_URL_PATTERN = '^https://[a-zA-Z0-9.-]+(:[0-9]+)?(/[a-zA-Z0-9_.~-]+)*$';
export const NAMESPACE_PATTERN = '^[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*$';
/**
 * Length bounds of the values that reach the CommandRunner command: CloudFormation passes the
 * command as one parameter value, at most 4,096 bytes, so the bounds must fit together (the
 * template construct checks the sum). Secrets Manager allows 512-character names; 256 is ample for
 * the platform's names (`<prefix>/gitlab/...`), and ARNs are bounded by the name they contain.
 */
export const SECRET_NAME_MAX_LENGTH = 256;
export const SECRET_ARN_MAX_LENGTH = 350;
export const ROLE_ARN_MAX_LENGTH = 300;
export const SECRET_NAME_PATTERN = `^[a-zA-Z0-9/_+=.@-]{0,${SECRET_NAME_MAX_LENGTH}}$`;
export const SECRET_ARN_PATTERN = '^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[a-zA-Z0-9/_+=.@-]+)?$';
export const ROLE_ARN_PATTERN = '^(arn:aws[a-z-]*:iam::[0-9]{12}:role/[a-zA-Z0-9/_+=,.@-]+)?$';

export const PROJECT_PARAMETERS: readonly ProjectParameter[] = [
  {
    name: 'SageMakerProjectName',
    variable: 'sagemaker_project_name',
    label: 'SageMaker project name',
    description: 'Name of the SageMaker project (supplied by SageMaker)',
    group: 'project',
    allowedPattern: PROJECT_NAME_PATTERN,
    maxLength: 32,
    constraintDescription: '1-32 letters, digits and hyphens, starting and ending with a letter or digit',
  },
  {
    name: 'SageMakerProjectId',
    variable: 'sagemaker_project_id',
    label: 'SageMaker project id',
    description: 'Id of the SageMaker project (supplied by SageMaker)',
    group: 'project',
    noEcho: true,
    allowedPattern: PROJECT_ID_PATTERN,
    maxLength: 14,
    constraintDescription: 'a SageMaker project id such as p-abcdefghijkl',
  },
  {
    name: 'GitBuildRepoName',
    variable: 'git_build_repo_name',
    label: 'Model build repository',
    description: 'Name of the new GitLab project for the model build code; empty = <project name>-model-build',
    group: 'gitlab',
    allowedPattern: REPO_NAME_PATTERN,
    maxLength: 100,
    constraintDescription: 'empty, or up to 100 letters, digits, _ . - starting with a letter or digit',
  },
  {
    name: 'GitDeployRepoName',
    variable: 'git_deploy_repo_name',
    label: 'Model deploy repository',
    description: 'Name of the new GitLab project for the model deploy code; empty = <project name>-model-deploy',
    group: 'gitlab',
    allowedPattern: REPO_NAME_PATTERN,
    maxLength: 100,
    constraintDescription: 'empty, or up to 100 letters, digits, _ . - starting with a letter or digit',
  },
  {
    name: 'GitlabURL',
    variable: 'gitlab_url',
    label: 'GitLab URL',
    description: 'Base URL of the GitLab instance (https, no trailing slash)',
    group: 'gitlab',
    allowedPattern: HTTPS_URL_PATTERN,
    maxLength: 200,
    constraintDescription: 'an https URL without a trailing slash, e.g. https://gitlab.com',
  },
  {
    name: 'GitUserName',
    variable: 'git_user_name',
    label: 'GitLab namespace',
    description: 'GitLab user or group path that will hold the repositories',
    group: 'gitlab',
    allowedPattern: NAMESPACE_PATTERN,
    maxLength: 200,
    constraintDescription: 'a GitLab user or group path such as ml-team or ml-team/projects',
  },
  {
    name: 'SecretsManagerGitlabPrivateToken',
    variable: 'secrets_manager_gitlab_secret_name',
    label: 'GitLab token secret',
    description: 'Name of the Secrets Manager secret holding the GitLab access token',
    group: 'platform',
    allowedPattern: SECRET_NAME_PATTERN.replace('{0,', '{1,'),
    maxLength: SECRET_NAME_MAX_LENGTH,
    constraintDescription: `a Secrets Manager secret name (at most ${SECRET_NAME_MAX_LENGTH} characters)`,
  },
  {
    name: 'SecretsManagerGitlabUserSecretARN',
    variable: 'secrets_manager_gitlab_user_secret_arn',
    label: 'GitLab credentials secret ARN',
    description: 'ARN of the Secrets Manager secret {"username","password"} used by SageMaker code repositories',
    group: 'platform',
    allowedPattern: SECRET_ARN_PATTERN,
    maxLength: SECRET_ARN_MAX_LENGTH,
    constraintDescription: `a Secrets Manager secret ARN (at most ${SECRET_ARN_MAX_LENGTH} characters)`,
  },
  {
    name: 'GitLabCIRoleArn',
    variable: 'gitlab_ci_role_arn',
    label: 'GitLab CI role ARN (oidc)',
    description: 'IAM role GitLab CI assumes with ID tokens; empty when CI uses access keys',
    group: 'platform',
    allowedPattern: ROLE_ARN_PATTERN,
    maxLength: ROLE_ARN_MAX_LENGTH,
    constraintDescription: 'empty or an IAM role ARN',
  },
  {
    name: 'SecretsManagerGitlabIAMAccessKey',
    variable: 'secrets_manager_gitlab_iam_access_key',
    label: 'CI access key id secret (access keys)',
    description: 'Name of the secret holding the GitLab CI access key id; empty when CI uses OIDC',
    group: 'platform',
    allowedPattern: SECRET_NAME_PATTERN,
    maxLength: SECRET_NAME_MAX_LENGTH,
    constraintDescription: `empty or a Secrets Manager secret name (at most ${SECRET_NAME_MAX_LENGTH} characters)`,
  },
  {
    name: 'SecretsManagerGitlabIAMSecretKey',
    variable: 'secrets_manager_gitlab_iam_secret_key',
    label: 'CI secret access key secret (access keys)',
    description: 'Name of the secret holding the GitLab CI secret access key; empty when CI uses OIDC',
    group: 'platform',
    allowedPattern: SECRET_NAME_PATTERN,
    maxLength: SECRET_NAME_MAX_LENGTH,
    constraintDescription: `empty or a Secrets Manager secret name (at most ${SECRET_NAME_MAX_LENGTH} characters)`,
  },
  {
    name: 'MLOpsS3Bucket',
    runner: 'MLOPS_S3_BUCKET',
    label: 'MLOps bucket',
    description: 'Bucket holding the Terraform code, the runner script and the projects\' Terraform state',
    group: 'platform',
    allowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    maxLength: 63,
    constraintDescription: 'an S3 bucket name',
  },
  {
    name: 'TerraformStateLockTable',
    runner: 'TF_STATE_LOCK_TABLE',
    label: 'Terraform lock table',
    description: 'DynamoDB table that locks the projects\' Terraform state',
    group: 'platform',
    allowedPattern: '^[a-zA-Z0-9_.-]{3,255}$',
    maxLength: 255,
    constraintDescription: 'a DynamoDB table name',
  },
  {
    name: 'CommandRunnerIAMInstanceProfile',
    label: 'CommandRunner instance profile',
    description: 'Instance profile of the EC2 instance that runs Terraform',
    group: 'platform',
    allowedPattern: '^[a-zA-Z0-9+=,.@_-]{1,128}$',
    maxLength: 128,
    constraintDescription: 'an IAM instance profile name',
  },
  {
    name: 'CommandRunnerCWLogGrp',
    label: 'CommandRunner log group',
    description: 'CloudWatch log group that receives the Terraform run logs',
    group: 'platform',
    allowedPattern: '^[a-zA-Z0-9_./#-]{1,512}$',
    maxLength: 512,
    constraintDescription: 'a CloudWatch log group name',
  },
  {
    name: 'TerraformAction',
    runner: 'TERRAFORM_ACTION',
    label: 'Terraform action',
    description: 'apply creates or updates the project\'s resources; destroy removes them (GitLab projects are archived, never deleted)',
    group: 'terraform',
    allowedValues: ['apply', 'destroy'],
  },
  {
    name: 'TerraformInitAction',
    runner: 'TERRAFORM_INIT_ACTION',
    label: 'Terraform init action',
    description: 'init normally; init -reconfigure after the backend settings changed',
    group: 'terraform',
    allowedValues: ['init', 'init -reconfigure'],
  },
];

/** Form groups, in the order Studio shows them. */
export const PARAMETER_GROUPS: Record<ProjectParameter['group'], string> = {
  project: 'SageMaker project (filled by SageMaker)',
  gitlab: 'GitLab repositories',
  platform: 'Platform settings (pre-filled by the platform team)',
  terraform: 'Terraform run',
};
