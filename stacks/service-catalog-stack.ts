import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { PlatformConfig } from '../config/load';
import { AwsContext } from '../constructs/aws-context';
import { CommandRunnerType } from '../constructs/command-runner/command-runner-type';
import { ProjectArtifacts, ProjectCode } from '../constructs/command-runner/project-artifacts';
import { ProjectTemplate, TemplateEngine } from '../constructs/command-runner/project-template';
import { CodeBuildRunner } from '../constructs/codebuild-runner/codebuild-runner';
import { RunnerIdentity } from '../constructs/command-runner/runner-identity';
import { S3ProjectTemplate } from '../constructs/command-runner/s3-project-template';
import { GitLabOidcProvider } from '../constructs/gitlab/gitlab-oidc-provider';
import { GitLabToken } from '../constructs/gitlab/gitlab-token';
import { ProjectBoundary } from '../constructs/sagemaker-project/project-boundary';
import { projectPatterns } from '../constructs/sagemaker-project/provisioning-permissions';
import { EncryptionKey } from '../constructs/security/encryption-key';
import { LaunchRole } from '../constructs/service-catalog/launch-role';
import { SageMakerProjectsPortfolio } from '../constructs/service-catalog/sagemaker-projects-portfolio';
import { PlatformStateStore } from '../constructs/storage/platform-state-store';
import { ARTIFACT_KEYS } from '../contract/runner';

export interface ServiceCatalogStackProps {
  readonly config: PlatformConfig;
  /** The synthesized sagemaker-project stack (tf-code.zip), packaged at synth (stacks/project-code.ts). */
  readonly projectCode: ProjectCode;
}

/**
 * The platform team's one-time deployment per account and region: what SageMaker projects share (state,
 * key, log group, the GitLab token), the identities that bound them (the runner, the projects'
 * permissions boundary), the code the runner executes, and the Service Catalog product Studio shows.
 */
export class ServiceCatalogStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ServiceCatalogStackProps) {
    super(scope, id);
    const { config } = props;
    const { names } = config;
    if (config.platformState.bucket) {
      new S3Backend(this, {
        bucket: config.platformState.bucket,
        key: config.platformState.key,
        region: config.platformState.region || config.region,
        encrypt: true,
      });
      // cdktf's S3Backend predates the S3 lock file (Terraform 1.11): locking without a DynamoDB table.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    }
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { ...config.tags, 'sagemaker-projects:platform': names.prefix, 'managed-by': 'cdktf' } }],
    });
    const aws = AwsContext.of(this);
    const engine = config.runner.engine;

    const logGroupArn = aws.arn('logs', `log-group:${names.logGroup}`);
    const registersCommandRunner = engine === 'commandrunner' && config.commandRunner.typeReleasePackage !== '';
    const key = new EncryptionKey(this, 'encryption-key', {
      alias: names.kmsAlias,
      description: `Encrypts the Terraform state, lock table, secrets and logs of SageMaker projects (${names.prefix}), each principal for its own data`,
      logGroupArns: registersCommandRunner ? [logGroupArn, aws.arn('logs', `log-group:${names.commandRunnerTypeLogGroup}`)] : [logGroupArn],
    });
    const logGroup = new CloudwatchLogGroup(this, 'command-runner-logs', {
      name: names.logGroup,
      retentionInDays: config.logs.retentionDays,
      kmsKeyId: key.keyArn,
    });

    const runner = new RunnerIdentity(this, 'command-runner', { name: names.runnerRole, engine, logGroupArn });
    const state = new PlatformStateStore(this, 'platform-state', {
      bucketName: names.stateBucket(aws.accountId),
      lockTableName: names.lockTable,
      encryptionKey: key,
      runnerRoleArn: runner.role.principalArn,
    });
    state.grantRunner(runner.role);

    const token = new GitLabToken(this, 'gitlab-token', {
      secretName: names.gitlabTokenSecret,
      encryptionKey: key,
      readerArnPatterns: [runner.role.principalArn, projectPatterns(aws, names.projectResourcePrefix, names.projectIamPath).seedRoles],
    });
    token.grantRead(runner.role);
    const oidcProvider =
      config.gitlab.ciAuthMode === 'oidc' && !config.gitlab.oidcProviderArn
        ? new GitLabOidcProvider(this, 'gitlab-oidc', { gitlabUrl: config.gitlab.url })
        : undefined;

    const boundary = new ProjectBoundary(this, 'project-boundary', {
      policyName: names.projectBoundary,
      iamPath: names.projectIamPath,
      resourcePrefix: names.projectResourcePrefix,
      tokenSecretName: names.gitlabTokenSecret,
      platformKey: key,
    });
    runner.grantProvisioning({ resourcePrefix: names.projectResourcePrefix, iamPath: names.projectIamPath, boundaryArn: boundary.policyArn }, key);

    const artifacts = new ProjectArtifacts(this, 'project-artifacts', {
      bucket: state.bucket.bucketName,
      terraformCode: props.projectCode,
      dependsOn: [state.bucket.policy],
    });
    const launchRole = new LaunchRole(this, 'launch-role', { roleName: names.launchRole });
    const template = new ProjectTemplate(this, 'project-template', {
      dependsOn: [state.bucket.policy],
      engine: templateEngine(this, config, runner, logGroup.name, state, key, launchRole),
      runner: {
        bucket: state.bucket.bucketName,
        lockTable: state.lockTable.tableName,
        stateKmsKeyArn: key.keyArn,
        terraformVersion: config.runner.terraformVersion,
        terraformSha256: config.runner.terraformSha256,
        artifactBucketOnDelete: config.runner.artifactBucketOnDelete,
        runnerScript: artifacts.runnerScript,
        terraformCode: artifacts.terraformCode,
      },
    });
    const templateUrl = (version: string) =>
      `https://${state.bucket.bucketName}.s3.${config.region}.amazonaws.com/${ARTIFACT_KEYS.templatePrefix}${version}.yaml`;

    const portfolio = new SageMakerProjectsPortfolio(this, 'portfolio', {
      portfolioName: names.portfolio,
      portfolioOwner: config.serviceCatalog.portfolioOwner,
      productName: names.product,
      productOwner: config.serviceCatalog.productOwner,
      template: { version: template.version, templateUrl: templateUrl(template.version) },
      templateObject: template.object,
      retainedVersions: config.serviceCatalog.retainedTemplateVersions.map((version) => ({ version, templateUrl: templateUrl(version) })),
      launchRole: launchRole.role,
      principalArns: config.serviceCatalog.studioPrincipalArns,
    });

    if (registersCommandRunner && runner.instanceProfileArn) {
      new CommandRunnerType(this, 'command-runner-type', {
        releasePackage: config.commandRunner.typeReleasePackage,
        roleName: names.commandRunnerTypeRole,
        logGroupName: names.commandRunnerTypeLogGroup,
        logRetentionDays: config.logs.retentionDays,
        kmsKeyArn: key.keyArn,
        instanceProfileArn: runner.instanceProfileArn,
        instanceRoleArn: runner.role.roleArn,
        subnetId: config.commandRunner.subnetId,
        usesOwnSecurityGroup: config.commandRunner.securityGroupId !== '',
      });
    }
    const s3ProjectTemplate = config.s3ProjectTemplate.enabled
      ? new S3ProjectTemplate(this, 's3-project-template', {
          bucketName: names.projectTemplateBucket(aws.accountId),
          body: template.body,
          fileName: `${names.product}.yaml`,
          readerArnPatterns: config.serviceCatalog.studioPrincipalArns,
        })
      : undefined;

    platformOutputs(this, {
      runner,
      state,
      token,
      portfolio,
      logGroupName: logGroup.name,
      boundaryArn: boundary.policyArn,
      oidcProviderArn: config.gitlab.oidcProviderArn || (oidcProvider?.arn ?? ''),
      templateVersion: template.version,
      s3TemplatesLocation: s3ProjectTemplate?.location ?? '',
    });
  }
}

/**
 * What runs Terraform for the template: CommandRunner (its instance profile and log group), or the
 * CodeBuild engine (its project and provisioning function, the runner role's build permissions, and
 * the launch role's right to call the function).
 */
function templateEngine(
  stack: Construct,
  config: PlatformConfig,
  runner: RunnerIdentity,
  logGroupName: string,
  state: PlatformStateStore,
  key: EncryptionKey,
  launchRole: LaunchRole,
): TemplateEngine {
  if (config.runner.engine === 'commandrunner') {
    if (!runner.instanceProfileName) throw new Error("the CommandRunner engine needs the runner's instance profile");
    return { kind: 'commandrunner', commandRunner: { ...config.commandRunner, instanceProfileName: runner.instanceProfileName, logGroupName } };
  }
  const names = config.names.codeBuildRunner;
  const codeBuild = new CodeBuildRunner(stack, 'codebuild-runner', {
    projectName: names.project,
    functionName: names.function,
    ruleName: names.rule,
    failureQueueName: names.failureQueue,
    runnerRoleArn: runner.role.roleArn,
    bucketName: state.bucket.bucketName,
    kmsKeyArn: key.keyArn,
    logGroupName,
    lockTableName: state.lockTable.tableName,
    terraformVersion: config.runner.terraformVersion,
    terraformSha256: config.runner.terraformSha256,
    artifactBucketOnDelete: config.runner.artifactBucketOnDelete,
    logRetentionDays: config.logs.retentionDays,
  });
  codeBuild.grantRunner(runner.role, { key, bucketArn: state.bucket.bucketArn });
  // The cache holds the providers later builds execute as the runner: no one else may plant them.
  state.reserveForRunner(codeBuild.cachePrefix);
  codeBuild.grantInvoke(launchRole.role);
  return { kind: 'codebuild', serviceToken: codeBuild.serviceToken, serviceTimeoutSeconds: codeBuild.serviceTimeoutSeconds };
}

/** What the outputs name: the shared resources a platform team looks up after a deploy. */
interface PlatformOutputParts {
  readonly runner: RunnerIdentity;
  readonly state: PlatformStateStore;
  readonly token: GitLabToken;
  readonly portfolio: SageMakerProjectsPortfolio;
  readonly logGroupName: string;
  readonly boundaryArn: string;
  readonly oidcProviderArn: string;
  readonly templateVersion: string;
  readonly s3TemplatesLocation: string;
}

function platformOutputs(stack: Construct, parts: PlatformOutputParts): void {
  const outputs: Record<string, { value: string; description: string }> = {
    command_runner_instance_profile: {
      value: parts.runner.instanceProfileName ?? '',
      description: 'Instance profile of the CommandRunner EC2 instance (written into the template)',
    },
    s3_bucket_id: {
      value: parts.state.bucket.bucketName,
      description: 'Platform bucket: project state, the runner script, tf-code.zip and the template versions',
    },
    secrets_manager_gitlab_private_token: {
      value: parts.token.secret.secretName,
      description: "Name of the secret holding the GitLab token (readable only by the runner and the projects' seeding functions)",
    },
    service_catalog_product_name: {
      value: parts.portfolio.product.name,
      description: 'Service Catalog product to pick in Studio under Organization templates',
    },
    cw_log_group_name: { value: parts.logGroupName, description: 'Log group of the Terraform runs' },
    terraform_lock_table: { value: parts.state.lockTable.tableName, description: "DynamoDB table locking the projects' Terraform state" },
    runner_role_arn: {
      value: parts.runner.role.roleArn,
      description: 'Role that runs Terraform for projects: the only principal that reads or writes their state',
    },
    project_boundary_policy_arn: { value: parts.boundaryArn, description: 'Permissions boundary of every role and user a project stack creates' },
    gitlab_oidc_provider_arn: {
      value: parts.oidcProviderArn,
      description: "IAM OIDC provider the projects' CI roles trust (oidc mode); empty in access-keys mode",
    },
    service_catalog_template_version: {
      value: parts.templateVersion,
      description:
        "Version (template hash) of the product's current template; list it in serviceCatalog.retainedTemplateVersions to keep it after a template change",
    },
    s3_project_templates_location: {
      value: parts.s3TemplatesLocation,
      description: 'Value of the domain tag sagemaker:projectS3TemplatesLocation when the S3 project template is published; empty otherwise',
    },
  };
  for (const [name, output] of Object.entries(outputs)) new TerraformOutput(stack, name, output);
}
