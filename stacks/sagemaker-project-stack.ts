import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SagemakerModelPackageGroup } from '@cdktf/provider-aws/lib/sagemaker-model-package-group';
import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { PlatformConfig } from '../config/load';
import { CI_VARIABLES } from '../contract/ci-variables';
import { AwsContext } from '../constructs/aws-context';
import { GitLabConnection } from '../constructs/gitlab/gitlab-connection';
import { GitLabNamespace } from '../constructs/gitlab/gitlab-namespace';
import { GitLabRepository } from '../constructs/gitlab/gitlab-repository';
import { CommonCiValues, ProjectCiVariables } from '../constructs/gitlab/project-ci-variables';
import { OBJECT_ACTIONS, SecureBucket } from '../constructs/storage/secure-bucket';
import { CodeRepository } from '../constructs/sagemaker-project/code-repository';
import { DeployRecordsTable } from '../constructs/sagemaker-project/deploy-records-table';
import { DeployTrigger } from '../constructs/sagemaker-project/deploy-trigger';
import { nameWithinLimit } from '../constructs/sagemaker-project/name-limit';
import { NAME_LIMITS, platformName, projectNames } from '../constructs/sagemaker-project/names';
import { ProjectIdentities } from '../constructs/sagemaker-project/project-identities';
import { sagemakerResources } from '../constructs/sagemaker-project/project-permissions';
import { ProjectVariables, STACK_ID_VARIABLE } from '../constructs/sagemaker-project/project-variables';
import { RepositorySeeding } from '../constructs/sagemaker-project/repository-seeding';
import { ExistingKey, IEncryptionKey } from '../constructs/security/encryption-key';
import { IGrantable } from '../constructs/iam/policy';
import { ExistingSecret, Secret } from '../constructs/security/secret';
import { PartialS3Backend } from '../constructs/terraform/partial-s3-backend';

/** Directory name of the synthesized stack, zipped into tf-code.zip. */
export const SAGEMAKER_PROJECT_STACK = 'sagemaker-project';

/** Where the seed code lives in this repository. */
export const DEFAULT_SEED_CODE_DIR = join(__dirname, '..', 'seed-code');

/**
 * The platform's values the project stack is synthesized with: the same for every project of the
 * platform, written into the stack, never variables a form could set.
 */
export interface SageMakerProjectStackProps {
  /** `<org>-<env>-<role>-`: start of every AWS name of a project (`<prefix><project id>...`). */
  readonly resourcePrefix: string;
  /** IAM path of the project's roles and users. */
  readonly iamPath: string;
  /** Name of the permissions boundary policy every project role and user carries. */
  readonly permissionsBoundaryName: string;
  /** Alias of the platform's KMS key (the project's bucket, table and secret use it, each for its own data). */
  readonly platformKeyAlias: string;
  /** Name of the platform's runner role: the only principal besides the project's own in its bucket policy. */
  readonly runnerRoleName: string;
  readonly gitlab: {
    /** Base URL of the platform's GitLab (https, no trailing slash). */
    readonly url: string;
    /** Group path every project's GitLab projects are created in. */
    readonly namespace: string;
    /** Default branch: seeded, protected, the only one the CI role trusts. */
    readonly defaultBranch: string;
    readonly ciAuthMode: 'oidc' | 'access-keys';
    /** ARN of the IAM OIDC provider of the GitLab host; empty = the one the platform stack creates. */
    readonly oidcProviderArn: string;
    /** Name of the secret holding the namespace token. */
    readonly tokenSecretName: string;
  };
  /** Retention of the functions' log groups, in days. */
  readonly logRetentionDays: number;
  /** Folder holding `model-build/` and `model-deploy/`. @default DEFAULT_SEED_CODE_DIR */
  readonly seedCodeDir?: string;
}

/** The project stack's settings from the platform configuration. */
export function projectStackProps(config: PlatformConfig, seedCodeDir?: string): SageMakerProjectStackProps {
  const { names } = config;
  return {
    resourcePrefix: names.projectResourcePrefix,
    iamPath: names.projectIamPath,
    permissionsBoundaryName: names.projectBoundary,
    platformKeyAlias: names.kmsAlias,
    runnerRoleName: names.runnerRole,
    gitlab: {
      url: config.gitlab.url,
      namespace: config.gitlab.namespace,
      defaultBranch: config.gitlab.defaultBranch,
      ciAuthMode: config.gitlab.ciAuthMode,
      oidcProviderArn: config.gitlab.oidcProviderArn,
      tokenSecretName: names.gitlabTokenSecret,
    },
    logRetentionDays: config.logs.retentionDays,
    seedCodeDir,
  };
}

/**
 * What the runner applies for every SageMaker project: one synthesized artifact, parameterised only
 * by the form's per-project values, with a state key per project given at `terraform init`.
 */
export class SageMakerProjectStack extends TerraformStack {
  readonly variables: ProjectVariables;

  constructor(scope: Construct, id: string, props: SageMakerProjectStackProps) {
    super(scope, id);
    new PartialS3Backend(this);
    const variables = (this.variables = new ProjectVariables(this, 'variables'));
    const projectName = variables.value('sagemaker_project_name');
    const projectId = variables.value('sagemaker_project_id');
    const projectTags = { 'sagemaker:project-name': projectName, 'sagemaker:project-id': projectId };

    // Region and credentials come from the runner's environment (AWS_REGION, its role).
    new AwsProvider(this, 'aws', { defaultTags: [{ tags: { ...projectTags, 'sagemaker-projects:platform': platformName(props.resourcePrefix) } }] });
    const aws = AwsContext.of(this);
    new GitLabConnection(this, 'gitlab', { gitlabUrl: props.gitlab.url, tokenSecretId: props.gitlab.tokenSecretName });
    const platformKey = new ExistingKey(this, 'platform-key', props.platformKeyAlias);
    const namespaceToken = new ExistingSecret(this, 'namespace-token', props.gitlab.tokenSecretName, platformKey);
    const runnerRoleArn = aws.arn('iam', `role/${props.runnerRoleName}`, { region: '' });

    const names = projectNames(props.resourcePrefix, projectName, projectId, {
      build: variables.value('git_build_repo_name'),
      deploy: variables.value('git_deploy_repo_name'),
    });
    const sagemaker = sagemakerResources(aws, names, (name) => Fn.lower(name));

    const namespace = new GitLabNamespace(this, 'gitlab-namespace', { path: props.gitlab.namespace });
    const repository = (id: string, name: string, holds: string, pipelineVariablesMinimumRole: 'no_one_allowed' | 'owner') =>
      new GitLabRepository(this, id, {
        name,
        description: `${holds} of SageMaker project ${projectName} (${projectId})`,
        namespaceId: namespace.namespaceId,
        defaultBranch: props.gitlab.defaultBranch,
        pipelineVariablesMinimumRole,
      });
    // Build pipelines take no pipeline variables. Deploy pipelines take MODEL_PACKAGE_ARN and
    // DEPLOY_REQUEST_ID from the deploy trigger, whose trigger token acts as the namespace token's owner
    // (an Owner); project maintainers cannot pass variables, so none can override the project's.
    const build = repository(
      'build-repository',
      names.buildRepository,
      'Model build code: the SageMaker pipeline that trains and registers models',
      'no_one_allowed',
    );
    const deploy = repository(
      'deploy-repository',
      names.deployRepository,
      'Model deploy code: the Terraform that deploys approved models to endpoints',
      'owner',
    );

    const identities = new ProjectIdentities(this, 'identities', {
      names,
      path: props.iamPath,
      permissionsBoundaryArn: aws.arn('iam', `policy${props.iamPath}${props.permissionsBoundaryName}`, { region: '' }),
      oidc: props.gitlab.ciAuthMode === 'oidc' ? oidcTrust(aws, props, [build.pathWithNamespace, deploy.pathWithNamespace]) : undefined,
      sagemaker,
      tags: projectTags,
    });

    const artifactBucket = projectArtifactBucket(this, names.artifactBucket, platformKey, [identities.ci, identities.pipelineRole], runnerRoleArn);

    const modelPackageGroup = new SagemakerModelPackageGroup(this, 'model-package-group', {
      modelPackageGroupName: names.modelPackageGroup,
      modelPackageGroupDescription: `Models of SageMaker project ${projectName}, registered by its build pipeline`,
      lifecycle: { precondition: [nameWithinLimit(names.modelPackageGroup, NAME_LIMITS.modelPackageGroup, 'model package group name')] },
    });

    const deployRecords = new DeployRecordsTable(this, 'deploy-records', { tableName: names.deployRecordsTable, encryptionKey: platformKey });
    deployRecords.grantItems(identities.ci, ['GetItem', 'UpdateItem']);
    deployRecords.grantItems(identities.deployTriggerRole, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);

    const triggerToken = new Secret(this, 'deploy-trigger-token', {
      secretName: names.triggerTokenSecret,
      description: `Pipeline trigger token of the deploy repository of SageMaker project ${projectName}: starts that project's pipelines only`,
      encryptionKey: platformKey,
      recoveryWindowInDays: 0,
    });
    triggerToken.grantWrite(identities.seedRole);
    triggerToken.grantRead(identities.deployTriggerRole);
    namespaceToken.grantRead(identities.seedRole);
    if (identities.ciUserName) identities.grantCiKeyRotation(identities.seedRole);

    const ciValues: CommonCiValues = {
      SAGEMAKER_PROJECT_NAME: projectName,
      SAGEMAKER_PROJECT_ID: projectId,
      // SageMaker writes resource names in ARNs in lowercase.
      SAGEMAKER_PROJECT_ARN: aws.arn('sagemaker', `project/${Fn.lower(projectName)}`),
      AWS_REGION: aws.region,
      ARTIFACT_BUCKET: artifactBucket.bucketName,
      MODEL_PACKAGE_GROUP_NAME: modelPackageGroup.modelPackageGroupName,
      SAGEMAKER_PIPELINE_ROLE_ARN: identities.pipelineRole.roleArn,
    };
    const [deployRecordsVariable] = CI_VARIABLES.deploy;
    const buildVariables = new ProjectCiVariables(this, 'build-ci-variables', { projectId: build.projectId, values: ciValues, roleArn: identities.ciRoleArn });
    const deployVariables = new ProjectCiVariables(this, 'deploy-ci-variables', {
      projectId: deploy.projectId,
      values: { ...ciValues, [deployRecordsVariable]: deployRecords.tableName },
      roleArn: identities.ciRoleArn,
    });

    new CodeRepository(this, 'build-code-repository', { name: names.buildCodeRepository, cloneUrl: build.httpCloneUrl, branch: props.gitlab.defaultBranch });
    new CodeRepository(this, 'deploy-code-repository', { name: names.deployCodeRepository, cloneUrl: deploy.httpCloneUrl, branch: props.gitlab.defaultBranch });

    const seeding = new RepositorySeeding(this, 'seeding', {
      functionName: names.seedFunction,
      role: identities.seedRole,
      gitlabUrl: props.gitlab.url,
      tokenSecretArn: namespaceToken.secretArn,
      sagemakerProjectName: projectName,
      sagemakerProjectId: projectId,
      buildProjectId: build.projectId,
      deployProjectId: deploy.projectId,
      defaultBranch: props.gitlab.defaultBranch,
      triggerTokenSecretArn: triggerToken.secretArn,
      ciAuthMode: props.gitlab.ciAuthMode,
      ciUserName: identities.ciUserName,
      seedCodeDir: props.seedCodeDir ?? DEFAULT_SEED_CODE_DIR,
      after: [...buildVariables.variables, ...deployVariables.variables, build.defaultBranchProtection, deploy.defaultBranchProtection],
      logRetentionDays: props.logRetentionDays,
    });

    new DeployTrigger(this, 'deploy-trigger', {
      functionName: names.deployTriggerFunction,
      ruleName: names.approvalRule,
      failureQueueName: names.deployFailureQueue,
      modelPackageGroupName: modelPackageGroup.modelPackageGroupName,
      role: identities.deployTriggerRole,
      gitlabUrl: props.gitlab.url,
      triggerTokenSecretArn: triggerToken.secretArn,
      deployRecordsTableName: deployRecords.tableName,
      deployProjectId: deploy.projectId,
      deployBranch: props.gitlab.defaultBranch,
      sagemakerProjectId: projectId,
      logRetentionDays: props.logRetentionDays,
    });

    projectOutputs(this, {
      artifact_bucket: artifactBucket.bucketName,
      model_package_group: modelPackageGroup.modelPackageGroupName,
      build_repository_url: build.webUrl,
      deploy_repository_url: deploy.webUrl,
      seeding_result: seeding.invocation.result,
      [STACK_ID_VARIABLE]: variables.stackId,
    });
  }
}

/** The CI role's trust: the platform's GitLab as issuer and audience, exactly these projects' default branch. */
function oidcTrust(aws: AwsContext, props: SageMakerProjectStackProps, projectPaths: string[]) {
  const issuerHost = props.gitlab.url.replace(/^https:\/\//, '');
  return {
    providerArn: props.gitlab.oidcProviderArn || aws.arn('iam', `oidc-provider/${issuerHost}`, { region: '' }),
    issuerHost,
    audience: props.gitlab.url,
    projectPaths,
    branch: props.gitlab.defaultBranch,
  };
}

/**
 * The project's artifact bucket (pipeline artifacts, model data, deploy state), SSE-KMS with the
 * platform key: read and written by the project's CI and pipeline role, and by nobody else but the
 * runner, whatever their own policies allow.
 */
function projectArtifactBucket(scope: Construct, bucketName: string, platformKey: IEncryptionKey, users: IGrantable[], runnerRoleArn: string): SecureBucket {
  const bucket = new SecureBucket(scope, 'artifact-bucket', { bucketName, encryptionKey: platformKey, forceDestroy: true });
  bucket.resource.lifecycle = { precondition: [nameWithinLimit(bucketName, NAME_LIMITS.bucket, 'S3 bucket name')] };
  for (const user of users) bucket.grantReadWrite(user, '*');
  bucket.addToResourcePolicy({
    sid: 'OnlyThisProjectAndTheRunner',
    effect: 'Deny',
    principals: [{ type: '*', identifiers: ['*'] }],
    actions: [...OBJECT_ACTIONS, 's3:ListBucket', 's3:ListBucketVersions'],
    resources: [bucket.bucketArn, bucket.objectArn('*')],
    condition: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [...users.map((user) => user.principalArn), runnerRoleArn] }],
  });
  return bucket;
}

/** What a project's outputs say, for the runner's log and whoever reads the state. */
const OUTPUT_DESCRIPTIONS = {
  artifact_bucket: "Bucket of the project's pipeline artifacts, model data and deploy state",
  model_package_group: 'Model package group the build pipeline registers models into',
  build_repository_url: 'GitLab project of the model build code',
  deploy_repository_url: 'GitLab project of the model deploy code',
  seeding_result: 'What seeding did per repository',
  [STACK_ID_VARIABLE]: "CloudFormation stack the project's state belongs to: the runner refuses to apply or destroy it for any other",
};

function projectOutputs(scope: Construct, values: Record<keyof typeof OUTPUT_DESCRIPTIONS, string>): void {
  for (const [name, description] of Object.entries(OUTPUT_DESCRIPTIONS))
    new TerraformOutput(scope, name, { value: values[name as keyof typeof OUTPUT_DESCRIPTIONS], description });
}
