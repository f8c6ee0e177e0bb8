import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SagemakerModelPackageGroup } from '@cdktf/provider-aws/lib/sagemaker-model-package-group';
import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { PlatformConfig } from '../config/load';
import { AwsContext } from '../constructs/aws-context';
import { GitLabConnection } from '../constructs/gitlab/gitlab-connection';
import { ExistingRole } from '../constructs/iam/role';
import { GitLabNamespace } from '../constructs/gitlab/gitlab-namespace';
import { GitLabRepository, GitLabRepositoryProps } from '../constructs/gitlab/gitlab-repository';
import { CiAwsIdentity, CommonCiValues, ProjectCiVariables } from '../constructs/gitlab/project-ci-variables';
import { CodeRepository } from '../constructs/sagemaker-project/code-repository';
import { DeployTrigger } from '../constructs/sagemaker-project/deploy-trigger';
import { nameWithinLimit } from '../constructs/sagemaker-project/name-limit';
import { NAME_LIMITS, projectNames } from '../constructs/sagemaker-project/names';
import { ProjectVariables } from '../constructs/sagemaker-project/project-variables';
import { RepositorySeeding } from '../constructs/sagemaker-project/repository-seeding';
import { SecureBucket } from '../constructs/storage/secure-bucket';
import { PartialS3Backend } from '../constructs/terraform/partial-s3-backend';

/** Directory name of the synthesized stack, zipped into tf-code.zip. */
export const SAGEMAKER_PROJECT_STACK = 'sagemaker-project';

/** Where the seed code lives in this repository. */
export const DEFAULT_SEED_CODE_DIR = join(__dirname, '..', 'seed-code');

/** Platform settings the project stack is synthesized with (the same for every project of the platform). */
export interface SageMakerProjectStackProps {
  /** IAM role (path included) the project's functions run as and its SageMaker pipelines use. */
  readonly productsUseRoleName: string;
  /** Default branch of the GitLab projects: seeded, protected, trusted by the CI role. */
  readonly defaultBranch: string;
  /** Namespace the CI role trusts (oidc mode): projects must be created under it. */
  readonly ciTrustedNamespace: string;
  /** Retention of the functions' log groups, in days. */
  readonly logRetentionDays: number;
  /** Folder holding `model-build/` and `model-deploy/`. @default DEFAULT_SEED_CODE_DIR */
  readonly seedCodeDir?: string;
}

/** The project stack's settings from the platform configuration. */
export function projectStackProps(config: PlatformConfig, seedCodeDir?: string): SageMakerProjectStackProps {
  return {
    productsUseRoleName: config.sagemaker.productsUseRoleName,
    defaultBranch: config.gitlab.defaultBranch,
    ciTrustedNamespace: config.gitlab.namespace,
    logRetentionDays: config.logs.retentionDays,
    seedCodeDir,
  };
}

/**
 * What CommandRunner applies for every SageMaker project: one synthesized artifact, parameterised
 * only by Terraform variables, with a state key per project given at `terraform init`.
 */
export class SageMakerProjectStack extends TerraformStack {
  readonly variables: ProjectVariables;

  constructor(scope: Construct, props: SageMakerProjectStackProps) {
    super(scope, SAGEMAKER_PROJECT_STACK);
    new PartialS3Backend(this);
    const variables = (this.variables = new ProjectVariables(this, 'variables', { ciTrustedNamespace: props.ciTrustedNamespace }));
    const projectName = variables.value('sagemaker_project_name');
    const projectId = variables.value('sagemaker_project_id');
    const gitlabUrl = variables.value('gitlab_url');
    const tokenSecretName = variables.value('secrets_manager_gitlab_secret_name');

    // Region and credentials come from the runner's environment (AWS_REGION, instance profile).
    new AwsProvider(this, 'aws', {
      defaultTags: [{ tags: { 'sagemaker:project-name': projectName, 'sagemaker:project-id': projectId } }],
    });
    new GitLabConnection(this, 'gitlab', { gitlabUrl, tokenSecretName });
    const aws = AwsContext.of(this);
    const productsUseRoleArn = new ExistingRole(this, 'products-use-role', props.productsUseRoleName).roleArn;

    const names = projectNames(projectName, projectId, {
      build: variables.value('git_build_repo_name'),
      deploy: variables.value('git_deploy_repo_name'),
    });
    const artifactBucket = new SecureBucket(this, 'artifact-bucket', { bucketName: names.artifactBucket });
    artifactBucket.resource.lifecycle = { precondition: [nameWithinLimit(names.artifactBucket, NAME_LIMITS.bucket, 'S3 bucket name')] };
    const modelPackageGroup = new SagemakerModelPackageGroup(this, 'model-package-group', {
      modelPackageGroupName: names.modelPackageGroup,
      modelPackageGroupDescription: `Models of SageMaker project ${projectName}, registered by its build pipeline`,
      lifecycle: { precondition: [nameWithinLimit(names.modelPackageGroup, NAME_LIMITS.modelPackageGroup, 'model package group name')] },
    });

    const namespace = new GitLabNamespace(this, 'gitlab-namespace', { path: variables.value('git_user_name') });
    const repository = (id: string, name: string, holds: string, pipelineVariablesMinimumRole: GitLabRepositoryProps['pipelineVariablesMinimumRole']) =>
      new GitLabRepository(this, id, {
        name,
        description: `${holds} of SageMaker project ${projectName} (${projectId})`,
        namespaceId: namespace.namespaceId,
        defaultBranch: props.defaultBranch,
        pipelineVariablesMinimumRole,
      });
    // Build pipelines need no pipeline variables; deploy pipelines get MODEL_PACKAGE_ARN from the
    // deploy trigger, which acts as the token owner (the projects' owner).
    const build = repository('build-repository', names.buildRepository, 'Model build code: the SageMaker pipeline that trains and registers models', 'no_one_allowed');
    const deploy = repository('deploy-repository', names.deployRepository, 'Model deploy code: the Terraform that deploys approved models to endpoints', 'maintainer');

    const ciIdentity = new CiAwsIdentity(this, 'ci-aws-identity', {
      roleArn: variables.value('gitlab_ci_role_arn'),
      accessKeyIdSecretName: variables.value('secrets_manager_gitlab_iam_access_key'),
      secretAccessKeySecretName: variables.value('secrets_manager_gitlab_iam_secret_key'),
    });
    const ciValues: CommonCiValues = {
      SAGEMAKER_PROJECT_NAME: projectName,
      SAGEMAKER_PROJECT_ID: projectId,
      // SageMaker writes resource names in ARNs in lowercase.
      SAGEMAKER_PROJECT_ARN: aws.arn('sagemaker', `project/${Fn.lower(projectName)}`),
      AWS_REGION: aws.region,
      ARTIFACT_BUCKET: artifactBucket.bucketName,
      MODEL_PACKAGE_GROUP_NAME: modelPackageGroup.modelPackageGroupName,
      SAGEMAKER_PIPELINE_ROLE_ARN: productsUseRoleArn,
    };
    const buildVariables = new ProjectCiVariables(this, 'build-ci-variables', { projectId: build.projectId, values: ciValues, identity: ciIdentity });
    const deployVariables = new ProjectCiVariables(this, 'deploy-ci-variables', { projectId: deploy.projectId, values: ciValues, identity: ciIdentity });

    const userCredentialsArn = variables.value('secrets_manager_gitlab_user_secret_arn');
    new CodeRepository(this, 'build-code-repository', { name: names.buildCodeRepository, cloneUrl: build.httpCloneUrl, branch: props.defaultBranch, credentialsSecretArn: userCredentialsArn });
    new CodeRepository(this, 'deploy-code-repository', { name: names.deployCodeRepository, cloneUrl: deploy.httpCloneUrl, branch: props.defaultBranch, credentialsSecretArn: userCredentialsArn });

    const seeding = new RepositorySeeding(this, 'seeding', {
      functionName: names.seedFunction,
      roleArn: productsUseRoleArn,
      gitlabUrl,
      tokenSecretName,
      sagemakerProjectName: projectName,
      sagemakerProjectId: projectId,
      seedCodeDir: props.seedCodeDir ?? DEFAULT_SEED_CODE_DIR,
      targets: [
        { repository: 'model-build', gitlabProjectId: build.projectId, branch: props.defaultBranch },
        { repository: 'model-deploy', gitlabProjectId: deploy.projectId, branch: props.defaultBranch },
      ],
      after: [...buildVariables.variables, ...deployVariables.variables, build.defaultBranchProtection, deploy.defaultBranchProtection],
      logRetentionDays: props.logRetentionDays,
    });

    new DeployTrigger(this, 'deploy-trigger', {
      functionName: names.deployTriggerFunction,
      ruleName: names.approvalRule,
      failureQueueName: names.deployFailureQueue,
      modelPackageGroupName: modelPackageGroup.modelPackageGroupName,
      roleArn: productsUseRoleArn,
      gitlabUrl,
      tokenSecretName,
      deployProjectId: deploy.projectId,
      deployBranch: props.defaultBranch,
      sagemakerProjectId: projectId,
      logRetentionDays: props.logRetentionDays,
    });

    const outputs: Record<string, { value: string; description: string }> = {
      artifact_bucket: { value: artifactBucket.bucketName, description: 'Bucket of the project\'s pipeline artifacts, model data and deploy state' },
      model_package_group: { value: modelPackageGroup.modelPackageGroupName, description: 'Model package group the build pipeline registers models into' },
      build_repository_url: { value: build.webUrl, description: 'GitLab project of the model build code' },
      deploy_repository_url: { value: deploy.webUrl, description: 'GitLab project of the model deploy code' },
      seeding_result: { value: seeding.invocation.result, description: 'What seeding did per repository (seeded, already-seeded or foreign-content)' },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}
