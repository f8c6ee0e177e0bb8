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
  },
  terraformBackend: {
    /** Prefix of the DynamoDB lock table name (`<prefix>-<org>-<env>-<role>`). */
    tablePrefix: 'terraform-lock',
  },
  commandRunner: {
    /** IAM role (and instance profile) name of the CommandRunner EC2 instance; empty = `<org>-<env>-<role>-command-runner`. */
    roleName: '',
  },
  gitlab: {
    /** Base URL of the GitLab instance: https, no trailing slash. */
    url: 'https://gitlab.example.com',
    /** Namespace (user or group path) that holds the projects' repositories. */
    namespace: 'ml-team',
    /** How GitLab CI authenticates to AWS: `oidc` (recommended, no long-lived key) or `access-keys`. */
    ciAuthMode: 'oidc',
    /** Branch the OIDC role trusts (the default branch of the project repositories). */
    defaultBranch: 'main',
  },
  sagemaker: {
    /** Role that SageMaker projects' Lambdas, pipelines and models run as (path included). */
    productsUseRoleName: 'service-role/AmazonSageMakerServiceCatalogProductsUseRole',
  },
  logs: {
    /** Retention of the CommandRunner log group, in days (a value CloudWatch accepts). */
    retentionDays: 90,
  },
};

export type RawConfig = typeof DEFAULT_CONFIG;
