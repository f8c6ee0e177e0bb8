/**
 * Embedded defaults: `npm run synth` works with no configuration at all.
 *
 * Every field present here can be overridden in `project.config.json` (or the file named by
 * `SMP_CONFIG_FILE`) and by an environment variable derived from its path, e.g.
 * `gitlab.ciAuthMode` -> `SMP_GITLAB_CI_AUTH_MODE` (lists are comma-separated).
 *
 * The GitLab URL defaults to `gitlab.example.com`, a domain reserved by RFC 2606 that can never
 * resolve: a deployment made on defaults trusts no real GitLab until the platform team sets its own.
 */
export const DEFAULT_CONFIG = {
  /** AWS region of both stacks. */
  region: 'us-east-1',
  /** Environment name, a component of every shared resource name. */
  environment: 'dev',
  /** Organization name, a component of every shared resource name. */
  organization: 'example',
  /** Role of the component (the seed's `role`), a component of every shared resource name. */
  role: 'mlops',
  /** Tags added to every AWS resource of the service-catalog stack. */
  tags: {} as Record<string, string>,
  serviceCatalog: {
    /** Portfolio provider name shown in Service Catalog. */
    portfolioOwner: 'Platform team',
    /** Product owner shown in Service Catalog and Studio. */
    productOwner: 'Platform team',
    /** IAM role name of the launch constraint; empty = `<org>-<env>-<role>-sc-launch`. */
    launchRoleName: '',
    /**
     * IAM principals (role ARNs, or IAM_PATTERN ARNs with `*` and no account) that see the product in
     * Studio: the SageMaker Studio execution role(s).
     */
    studioPrincipalArns: ['arn:aws:iam:::role/service-role/AmazonSageMaker-ExecutionRole-*'],
    /**
     * Earlier template versions (the `service_catalog_template_version` output before a template
     * change) kept as DEPRECATED product versions instead of being deleted: projects created from
     * them keep a version to update from.
     */
    retainedTemplateVersions: [] as string[],
  },
  terraformBackend: {
    /** Prefix of the DynamoDB lock table name (`<prefix>-<org>-<env>-<role>`). */
    tablePrefix: 'terraform-lock',
  },
  platformState: {
    /**
     * Existing S3 bucket for the service-catalog stack's own Terraform state (encrypted, S3 lock
     * file); empty = a local state file, terraform.service-catalog.tfstate. That state holds no secret
     * (the GitLab token is written write-only), but it names every shared resource: keep it where only
     * the platform team can write.
     */
    bucket: '',
    /** Key of that state in the bucket. */
    key: 'sagemaker-projects-platform/terraform.tfstate',
    /** Region of that bucket; empty = `region`. */
    region: '',
  },
  runner: {
    /**
     * What runs Terraform for each project: `commandrunner` (AWSUtility::CloudFormation::CommandRunner on
     * EC2, the original sample's engine) or `codebuild` (a platform CodeBuild project: current OS,
     * destroys on delete, faster). The README says when to choose which.
     */
    engine: 'commandrunner',
    /**
     * What destroying a project does with its artifact bucket (models, pipeline data, deploy state):
     * `keep` (the bucket and its data stay; delete them by hand) or `empty` (deleted with every version).
     */
    artifactBucketOnDelete: 'keep',
    /** IAM role that runs Terraform for projects (and, with CommandRunner, its instance profile); empty = `<org>-<env>-<role>-project-runner`. */
    roleName: '',
    /** Terraform version the runner installs (linux_amd64); 1.11 or later, for the S3 lock file and write-only arguments. */
    terraformVersion: '1.11.4',
    /** SHA-256 of terraform_<terraformVersion>_linux_amd64.zip, from HashiCorp's terraform_<version>_SHA256SUMS. */
    terraformSha256: '1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc',
  },
  commandRunner: {
    /** Seconds CloudFormation waits for one Terraform run before failing the project (600-43200). */
    timeoutSeconds: 3600,
    /** EC2 instance type of the runner: x86_64 only (CommandRunner boots Amazon Linux 2 x86_64). */
    instanceType: 't3.medium',
    /** Subnet of the runner, with outbound internet access (GitLab, registry.terraform.io); empty = the default VPC. */
    subnetId: '',
    /** Security group of the runner (needs `subnetId`); empty = one CommandRunner creates, egress only. */
    securityGroupId: '',
    /**
     * S3 location (`s3://bucket/key.zip`) of the CommandRunner release package
     * (awsutility-cloudformation-commandrunner.zip): when set, the stack registers the
     * AWSUtility::CloudFormation::CommandRunner type with its own execution role; empty = registered
     * by hand (README).
     */
    typeReleasePackage: '',
  },
  gitlab: {
    /** Base URL of the GitLab instance: https, no trailing slash. */
    url: 'https://gitlab.example.com',
    /** Group path that holds every project's repositories (fixed: no Studio user can choose another). */
    namespace: 'ml-team',
    /**
     * How GitLab CI authenticates to AWS: `oidc` (recommended: each project's own role, assumed with
     * GitLab ID tokens, no long-lived key) or `access-keys` (each project's own IAM user, whose key
     * the seeding function stores as masked, protected CI variables).
     */
    ciAuthMode: 'oidc',
    /**
     * ARN of an existing IAM OIDC provider for the GitLab host (IAM allows one per URL and account);
     * empty = the stack creates it (oidc mode).
     */
    oidcProviderArn: '',
    /** Default branch of the project repositories: seeded, protected, and the only branch each project's CI role trusts. */
    defaultBranch: 'main',
  },
  s3ProjectTemplate: {
    /**
     * Also publish the template as a SageMaker S3 project template (a bucket Studio reads, object
     * tagged for Studio); the domain still needs the tag described in the README.
     */
    enabled: false,
  },
  logs: {
    /** Retention of the CommandRunner log group, in days (a value CloudWatch accepts). */
    retentionDays: 90,
  },
};

export type RawConfig = typeof DEFAULT_CONFIG;
