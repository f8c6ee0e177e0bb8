import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  HTTPS_URL_PATTERN,
  NAMESPACE_PATTERN,
  PROJECT_ID_PATTERN,
  PROJECT_NAME_PATTERN,
  PROJECT_PARAMETERS,
  REPO_NAME_PATTERN,
  ROLE_ARN_PATTERN,
  SECRET_ARN_PATTERN,
  SECRET_NAME_PATTERN,
} from '../command-runner/project-parameters';

/** Terraform regex test: `can(regex("<pattern>", var.<name>))`. */
const canMatch = (name: string, pattern: string) => `can(regex("${pattern}", var.${name}))`;
/** A validation condition that is the regex test alone. */
const matches = (name: string, pattern: string) => `\${${canMatch(name, pattern)}}`;

interface VariableSpec {
  readonly default?: string;
  readonly validation: Array<{ condition: string; errorMessage: string }>;
}

/** Validation of every variable of the contract; messages name the CloudFormation parameter to fix. */
const SPECS: Record<string, VariableSpec> = {
  sagemaker_project_name: {
    validation: [
      {
        condition: matches('sagemaker_project_name', PROJECT_NAME_PATTERN),
        errorMessage: 'SageMakerProjectName must be 1-32 letters, digits and hyphens, starting and ending with a letter or digit.',
      },
      {
        // The pattern alone admits any number of hyphens; the names derived from it need the bound.
        condition: '${length(var.sagemaker_project_name) <= 32}',
        errorMessage: 'SageMakerProjectName must be at most 32 characters: it is part of the model package group and code repository names.',
      },
    ],
  },
  sagemaker_project_id: {
    validation: [
      { condition: matches('sagemaker_project_id', PROJECT_ID_PATTERN), errorMessage: 'SageMakerProjectId must look like p-abcdefghijkl.' },
    ],
  },
  git_build_repo_name: {
    default: '',
    validation: [
      {
        condition: matches('git_build_repo_name', REPO_NAME_PATTERN),
        errorMessage: 'GitBuildRepoName must be empty or up to 100 letters, digits, "_", "." and "-", starting with a letter or digit (no spaces).',
      },
    ],
  },
  git_deploy_repo_name: {
    default: '',
    validation: [
      {
        condition: matches('git_deploy_repo_name', REPO_NAME_PATTERN),
        errorMessage: 'GitDeployRepoName must be empty or up to 100 letters, digits, "_", "." and "-", starting with a letter or digit (no spaces).',
      },
    ],
  },
  gitlab_url: {
    validation: [
      { condition: matches('gitlab_url', HTTPS_URL_PATTERN), errorMessage: 'GitlabURL must be an https:// URL without a trailing slash, e.g. https://gitlab.com.' },
    ],
  },
  git_user_name: {
    validation: [
      {
        condition: `\${var.git_user_name == "" || ${canMatch('git_user_name', NAMESPACE_PATTERN)}}`,
        errorMessage: 'GitUserName must be empty (the token owner\'s namespace), the token owner\'s username, or a GitLab group path such as ml-team or ml-team/projects.',
      },
    ],
  },
  secrets_manager_gitlab_secret_name: {
    validation: [
      {
        condition: `\${length(var.secrets_manager_gitlab_secret_name) > 0 && can(regex("${SECRET_NAME_PATTERN}", var.secrets_manager_gitlab_secret_name))}`,
        errorMessage: 'SecretsManagerGitlabPrivateToken must be the name of the Secrets Manager secret holding the GitLab token.',
      },
    ],
  },
  secrets_manager_gitlab_user_secret_arn: {
    validation: [
      {
        condition: `\${length(var.secrets_manager_gitlab_user_secret_arn) > 0 && can(regex("${SECRET_ARN_PATTERN}", var.secrets_manager_gitlab_user_secret_arn))}`,
        errorMessage: 'SecretsManagerGitlabUserSecretARN must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>).',
      },
    ],
  },
  gitlab_ci_role_arn: {
    default: '',
    validation: [
      { condition: matches('gitlab_ci_role_arn', ROLE_ARN_PATTERN), errorMessage: 'GitLabCIRoleArn must be empty or an IAM role ARN.' },
      {
        condition:
          '${(var.gitlab_ci_role_arn != "") != (var.secrets_manager_gitlab_iam_access_key != "" && var.secrets_manager_gitlab_iam_secret_key != "")}',
        errorMessage:
          'Set either GitLabCIRoleArn (oidc) or both SecretsManagerGitlabIAMAccessKey and SecretsManagerGitlabIAMSecretKey (access keys), not both and not neither.',
      },
    ],
  },
  secrets_manager_gitlab_iam_access_key: {
    default: '',
    validation: [
      { condition: matches('secrets_manager_gitlab_iam_access_key', SECRET_NAME_PATTERN), errorMessage: 'SecretsManagerGitlabIAMAccessKey must be empty or a secret name.' },
    ],
  },
  secrets_manager_gitlab_iam_secret_key: {
    default: '',
    validation: [
      { condition: matches('secrets_manager_gitlab_iam_secret_key', SECRET_NAME_PATTERN), errorMessage: 'SecretsManagerGitlabIAMSecretKey must be empty or a secret name.' },
    ],
  },
};

export interface ProjectVariablesProps {
  /** Namespace whose projects' pipelines the GitLab CI role trusts (oidc mode). */
  readonly ciTrustedNamespace: string;
}

/**
 * In oidc mode the CI role trusts only pipelines of projects under one namespace: a project created
 * elsewhere would get repositories whose pipelines cannot reach AWS, found out only at the first job.
 */
function trustedNamespaceRule(namespace: string): VariableSpec['validation'][number] {
  return {
    condition: `\${var.gitlab_ci_role_arn == "" || var.git_user_name == "${namespace}" || startswith(var.git_user_name, "${namespace}/")}`,
    errorMessage: `GitUserName must be ${namespace} or a group under it (${namespace}/...): the GitLab CI role (GitLabCIRoleArn) trusts only pipelines of projects there.`,
  };
}

/**
 * The Terraform variables of the sagemaker-project stack: exactly the contract's variables
 * (DESIGN.md section 2), each typed, described and validated, so bad Studio input fails at plan,
 * before anything is created.
 */
export class ProjectVariables extends Construct {
  private readonly variables = new Map<string, TerraformVariable>();

  constructor(scope: Construct, id: string, props: ProjectVariablesProps) {
    super(scope, id);
    for (const parameter of PROJECT_PARAMETERS) {
      if (!parameter.variable) continue;
      const spec = SPECS[parameter.variable];
      if (!spec) throw new Error(`No validation for variable ${parameter.variable} (parameter ${parameter.name})`);
      const extra = parameter.variable === 'git_user_name' ? [trustedNamespaceRule(props.ciTrustedNamespace)] : [];
      const variable = new TerraformVariable(this, parameter.variable, {
        type: 'string',
        description: `${parameter.description} (CloudFormation parameter ${parameter.name}).`,
        default: spec.default,
        nullable: false,
        validation: [...spec.validation, ...extra],
      });
      // The runner sets it as TF_VAR_<name>: the name must not carry a construct path.
      variable.overrideLogicalId(parameter.variable);
      this.variables.set(parameter.variable, variable);
    }
  }

  /** Value of the variable `name` (a Terraform expression). */
  value(name: string): string {
    const variable = this.variables.get(name);
    if (!variable) throw new Error(`Unknown project variable ${name}`);
    return variable.stringValue;
  }
}
