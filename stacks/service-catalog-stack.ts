import { ArchiveProvider } from '@cdktf/provider-archive/lib/provider';
import { DataArchiveFile } from '@cdktf/provider-archive/lib/data-archive-file';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { PlatformConfig } from '../config/load';
import { AwsContext } from '../constructs/aws-context';
import { CommandRunnerIdentity } from '../constructs/command-runner/command-runner-identity';
import { CommandRunnerType } from '../constructs/command-runner/command-runner-type';
import { ARTIFACT_KEYS, ProjectTemplate, STATE_KEY_PREFIX } from '../constructs/command-runner/project-template';
import { RunnerScript } from '../constructs/command-runner/runner-script';
import { S3ProjectTemplate } from '../constructs/command-runner/s3-project-template';
import { GitLabCiIdentity } from '../constructs/gitlab/gitlab-ci-identity';
import { GitLabSecrets } from '../constructs/gitlab/gitlab-secrets';
import { serviceTrust } from '../constructs/iam/policy';
import { ExistingRole, Role } from '../constructs/iam/role';
import { projectFunctionStatements, projectProvisioningStatements } from '../constructs/sagemaker-project/provisioning-permissions';
import { EncryptionKey } from '../constructs/security/encryption-key';
import { SageMakerProjectsPortfolio } from '../constructs/service-catalog/sagemaker-projects-portfolio';
import { LockTable } from '../constructs/storage/lock-table';
import { SecureBucket } from '../constructs/storage/secure-bucket';
import { SAGEMAKER_PROJECT_STACK } from './sagemaker-project-stack';

export const SERVICE_CATALOG_STACK = 'service-catalog';

/** Prefix of the per-project state keys: `sagemaker-projects/<project id>/terraform.tfstate`. */
export const PROJECT_STATE_PREFIX = `${STATE_KEY_PREFIX}/`;

/** Files of the synthesized project stack that never belong in tf-code.zip. */
export const TF_CODE_EXCLUDES = ['.terraform/**', '*.tfstate', '*.tfstate.*', '*.tfplan', '.terraform.lock.hcl', 'tf-code.zip'];

/**
 * The platform team's one-time deployment per account and region: everything SageMaker projects
 * share (state bucket and lock table, identities, GitLab secrets, log group) and the Service Catalog
 * product that Studio shows.
 */
export class ServiceCatalogStack extends TerraformStack {
  constructor(scope: Construct, config: PlatformConfig) {
    super(scope, SERVICE_CATALOG_STACK);
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
    new ArchiveProvider(this, 'archive');
    const aws = AwsContext.of(this);

    const gitlabToken = new TerraformVariable(this, 'gitlab_private_token', {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: 'GitLab personal access token with the api scope; give it as TF_VAR_gitlab_private_token, never in a file.',
      validation: [
        {
          condition: '${length(var.gitlab_private_token) >= 20 && !can(regex("\\\\s", var.gitlab_private_token))}',
          errorMessage: 'gitlab_private_token must be a GitLab access token (at least 20 characters, no whitespace): set TF_VAR_gitlab_private_token.',
        },
      ],
    });
    const gitlabUsername = new TerraformVariable(this, 'gitlab_username', {
      type: 'string',
      default: 'oauth2',
      nullable: false,
      description: 'Username paired with the token for Git over HTTPS (GitLab accepts oauth2 with any personal access token).',
    });

    const logGroupArn = aws.arn('logs', `log-group:${names.logGroup}`);
    const registersCommandRunner = config.commandRunner.typeReleasePackage !== '';
    const key = new EncryptionKey(this, 'encryption-key', {
      alias: names.kmsAlias,
      description: `Encrypts the Terraform state, lock table, secrets and logs of SageMaker projects (${names.prefix})`,
      logGroupArns: registersCommandRunner ? [logGroupArn, aws.arn('logs', `log-group:${names.commandRunnerTypeLogGroup}`)] : [logGroupArn],
    });

    const bucket = new SecureBucket(this, 'mlops-bucket', { bucketName: names.stateBucket(aws.accountId), kmsKeyArn: key.keyArn });
    const lockTable = new LockTable(this, 'lock-table', { tableName: names.lockTable, kmsKeyArn: key.keyArn });
    const logGroup = new CloudwatchLogGroup(this, 'command-runner-logs', {
      name: names.logGroup,
      retentionInDays: config.logs.retentionDays,
      kmsKeyId: key.keyArn,
    });

    const gitlabSecrets = new GitLabSecrets(this, 'gitlab-secrets', {
      namePrefix: names.secretPrefix,
      kmsKeyArn: key.keyArn,
      privateToken: gitlabToken.stringValue,
      username: gitlabUsername.stringValue,
    });
    const productsUseRole = new ExistingRole(this, 'sagemaker-products-use-role', config.sagemaker.productsUseRoleName);
    const ciIdentity = new GitLabCiIdentity(this, 'gitlab-ci-identity', {
      mode: config.gitlab.ciAuthMode,
      name: names.gitlabCiIdentity,
      gitlabUrl: config.gitlab.url,
      namespace: config.gitlab.namespace,
      branch: config.gitlab.defaultBranch,
      sagemakerRoleArn: productsUseRole.roleArn,
      secretPrefix: names.secretPrefix,
      kmsKeyArn: key.keyArn,
    });
    const ciKeySecrets = [ciIdentity.accessKeyId, ciIdentity.secretAccessKey].filter((secret) => secret !== undefined);

    // The projects' Lambdas run as the SageMaker products use role and read the GitLab token.
    productsUseRole.addPolicy(`${names.prefix}-gitlab-secrets`, [
      ...gitlabSecrets.readStatements(),
      ...key.useStatements(['secretsmanager'], 'decrypt'),
    ]);
    productsUseRole.addPolicy(`${names.prefix}-sagemaker-project-functions`, projectFunctionStatements(aws));

    const commandRunner = new CommandRunnerIdentity(this, 'command-runner', { name: names.commandRunnerRole, logGroupArn });
    commandRunner.role.addPolicy('terraform-state', [
      ...bucket.readWriteStatements(`${PROJECT_STATE_PREFIX}*`),
      ...lockTable.lockStatements(),
      ...key.useStatements(['s3', 'dynamodb'], 'encrypt-decrypt'),
    ]);
    commandRunner.role.addPolicy('terraform-code', bucket.readStatements('command-runner/*'));
    commandRunner.role.addPolicy('gitlab-secrets', [
      ...gitlabSecrets.readStatements(),
      ...ciKeySecrets.flatMap((secret) => secret.readStatements()),
      ...key.useStatements(['secretsmanager'], 'decrypt'),
    ]);
    commandRunner.role.addPolicy('sagemaker-project-resources', projectProvisioningStatements(aws, productsUseRole.roleArn));

    const template = new ProjectTemplate(this, 'project-template', {
      bucket: bucket.bucketName,
      defaults: {
        GitlabURL: config.gitlab.url,
        GitUserName: config.gitlab.namespace,
        GitBuildRepoName: '',
        GitDeployRepoName: '',
        MLOpsS3Bucket: bucket.bucketName,
        TerraformStateLockTable: lockTable.tableName,
        CommandRunnerIAMInstanceProfile: commandRunner.instanceProfileName,
        CommandRunnerCWLogGrp: logGroup.name,
        SecretsManagerGitlabPrivateToken: gitlabSecrets.privateToken.secretName,
        SecretsManagerGitlabUserSecretARN: gitlabSecrets.userCredentials.secretArn,
        GitLabCIRoleArn: ciIdentity.roleArn ?? '',
        SecretsManagerGitlabIAMAccessKey: ciIdentity.accessKeyId?.secretName ?? '',
        SecretsManagerGitlabIAMSecretKey: ciIdentity.secretAccessKey?.secretName ?? '',
      },
      commandRunner: config.commandRunner,
      runner: {
        terraformVersion: config.commandRunner.terraformVersion,
        terraformSha256: config.commandRunner.terraformSha256,
        stateKmsKeyArn: key.keyArn,
      },
    });
    new RunnerScript(this, 'runner-script', { bucket: bucket.bucketName });
    const templateUrl = (version: string) =>
      `https://${bucket.bucketName}.s3.${config.region}.amazonaws.com/${ARTIFACT_KEYS.templatePrefix}${version}.yaml`;

    const tfCode = new DataArchiveFile(this, 'tf-code', {
      type: 'zip',
      sourceDir: `\${path.module}/../${SAGEMAKER_PROJECT_STACK}`,
      outputPath: '${path.module}/tf-code.zip',
      excludes: TF_CODE_EXCLUDES,
    });
    new S3Object(this, 'tf-code-object', {
      bucket: bucket.bucketName,
      key: ARTIFACT_KEYS.terraformCode,
      source: tfCode.outputPath,
      sourceHash: tfCode.outputBase64Sha256,
      contentType: 'application/zip',
    });

    const launchRole = new Role(this, 'launch-role', {
      roleName: names.launchRole,
      description: 'Service Catalog launch role of the SageMaker project product',
      trust: [serviceTrust('servicecatalog.amazonaws.com')],
      // Service Catalog rejects a launch constraint whose role IAM has not propagated yet.
      propagationDelaySeconds: 30,
    });
    launchRole.addPolicy('launch-sagemaker-project', [
      {
        sid: 'ManageProductStacks',
        effect: 'Allow',
        actions: [
          'cloudformation:CreateStack',
          'cloudformation:UpdateStack',
          'cloudformation:DeleteStack',
          'cloudformation:DescribeStacks',
          'cloudformation:DescribeStackEvents',
          'cloudformation:CreateChangeSet',
          'cloudformation:DescribeChangeSet',
          'cloudformation:ExecuteChangeSet',
          'cloudformation:DeleteChangeSet',
        ],
        resources: [aws.arn('cloudformation', 'stack/SC-*')],
      },
      {
        sid: 'ReadTemplates',
        effect: 'Allow',
        actions: ['cloudformation:GetTemplateSummary', 'cloudformation:ValidateTemplate'],
        // These actions do not support resource-level permissions.
        resources: ['*'],
      },
      {
        // Service Catalog launches from its own copy of the template, tagged for its launch roles.
        sid: 'ReadServiceCatalogTemplateCopies',
        effect: 'Allow',
        actions: ['s3:GetObject'],
        resources: ['*'],
        condition: [{ test: 'StringEquals', variable: 's3:ExistingObjectTag/servicecatalog:provisioning', values: ['true'] }],
      },
    ]);

    const portfolio = new SageMakerProjectsPortfolio(this, 'portfolio', {
      portfolioName: names.portfolio,
      portfolioOwner: config.serviceCatalog.portfolioOwner,
      productName: names.product,
      productOwner: config.serviceCatalog.productOwner,
      template: { version: template.version, templateUrl: templateUrl(template.version) },
      templateObject: template.object,
      retainedVersions: config.serviceCatalog.retainedTemplateVersions.map((version) => ({ version, templateUrl: templateUrl(version) })),
      launchRole,
      principalArns: config.serviceCatalog.studioPrincipalArns,
    });

    if (registersCommandRunner) {
      new CommandRunnerType(this, 'command-runner-type', {
        releasePackage: config.commandRunner.typeReleasePackage,
        roleName: names.commandRunnerTypeRole,
        logGroupName: names.commandRunnerTypeLogGroup,
        logRetentionDays: config.logs.retentionDays,
        kmsKeyArn: key.keyArn,
        instanceProfileArn: commandRunner.instanceProfileArn,
        instanceRoleArn: commandRunner.role.roleArn,
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

    const outputs: Record<string, { value: string; description: string; sensitive?: boolean }> = {
      command_runner_instance_profile: { value: commandRunner.instanceProfileName, description: 'Instance profile of the CommandRunner EC2 instance (CommandRunnerIAMInstanceProfile)' },
      s3_bucket_id: { value: bucket.bucketName, description: 'MLOps bucket: Terraform code, runner script, template and project state (MLOpsS3Bucket)' },
      secrets_manager_gitlab_private_token: { value: gitlabSecrets.privateToken.secretName, description: 'Name of the secret holding the GitLab token (SecretsManagerGitlabPrivateToken)' },
      secrets_manager_gitlab_user_creds: { value: gitlabSecrets.userCredentials.secretArn, description: 'ARN of the GitLab username/password secret (SecretsManagerGitlabUserSecretARN)' },
      secrets_manager_gitlab_iam_access_key: { value: ciIdentity.accessKeyId?.secretName ?? '', description: 'Name of the secret holding the CI access key id; empty in oidc mode (SecretsManagerGitlabIAMAccessKey)' },
      secrets_manager_gitlab_iam_secret_key: { value: ciIdentity.secretAccessKey?.secretName ?? '', description: 'Name of the secret holding the CI secret access key; empty in oidc mode (SecretsManagerGitlabIAMSecretKey)' },
      gitlab_ci_role_arn: { value: ciIdentity.roleArn ?? '', description: 'Role GitLab CI assumes with ID tokens; empty in access-keys mode (GitLabCIRoleArn)' },
      service_catalog_product_name: { value: portfolio.product.name, description: 'Service Catalog product to pick in Studio under Organization templates' },
      cw_log_group_name: { value: logGroup.name, description: 'Log group of the CommandRunner Terraform runs (CommandRunnerCWLogGrp)' },
      terraform_lock_table: { value: lockTable.tableName, description: 'DynamoDB table locking the projects\' Terraform state (TerraformStateLockTable)' },
      service_catalog_template_version: {
        value: template.version,
        description: 'Version (template hash) of the product\'s current template; list it in serviceCatalog.retainedTemplateVersions to keep it after a template change',
      },
      s3_project_templates_location: {
        value: s3ProjectTemplate?.location ?? '',
        description: 'Value of the domain tag sagemaker:projectS3TemplatesLocation when the S3 project template is published; empty otherwise',
      },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}
