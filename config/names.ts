import type { ValidatedConfig } from './schema';

/**
 * Names of the shared resources, derived once from the configuration.
 *
 * `accountId` is a Terraform expression at synth time; limits are checked with a 12-digit stand-in,
 * the length every AWS account id has.
 */
export interface SharedNames {
  /** `<organization>-<environment>-<role>`: the prefix of every shared resource. */
  readonly prefix: string;
  readonly stateBucket: (accountId: string) => string;
  readonly lockTable: string;
  readonly logGroup: string;
  readonly kmsAlias: string;
  readonly commandRunnerRole: string;
  readonly launchRole: string;
  readonly gitlabCiIdentity: string;
  readonly secretPrefix: string;
  readonly portfolio: string;
  readonly product: string;
  /** Bucket of the SageMaker S3 project template (`s3ProjectTemplate.enabled`). */
  readonly projectTemplateBucket: (accountId: string) => string;
  /** Execution role of the CommandRunner resource type (`commandRunner.typeReleasePackage`). */
  readonly commandRunnerTypeRole: string;
  /** Log group of the CommandRunner resource type's handler. */
  readonly commandRunnerTypeLogGroup: string;
}

export function sharedNames(config: ValidatedConfig): SharedNames {
  const prefix = `${config.organization}-${config.environment}-${config.role}`;
  return {
    prefix,
    stateBucket: (accountId) => `${prefix}-tfstate-${accountId}-${config.region}`,
    lockTable: `${config.terraformBackend.tablePrefix}-${prefix}`,
    logGroup: `/sagemaker-projects/${prefix}/command-runner`,
    kmsAlias: `alias/${prefix}-sagemaker-projects`,
    commandRunnerRole: config.commandRunner.roleName || `${prefix}-command-runner`,
    launchRole: config.serviceCatalog.launchRoleName || `${prefix}-sc-launch`,
    gitlabCiIdentity: `${prefix}-gitlab-ci`,
    secretPrefix: `${prefix}/gitlab`,
    portfolio: `${prefix}-sagemaker-projects`,
    product: `${prefix}-sagemaker-project-terraform-gitlab`,
    projectTemplateBucket: (accountId) => `${prefix}-sm-templates-${accountId}-${config.region}`,
    commandRunnerTypeRole: `${prefix}-commandrunner-type`,
    commandRunnerTypeLogGroup: `/sagemaker-projects/${prefix}/command-runner-type`,
  };
}

/** One name that breaks an AWS limit, with the configuration fields that make it up. */
export interface NameLimitViolation {
  readonly fields: string[];
  readonly message: string;
}

const ACCOUNT_ID_STAND_IN = '123456789012';

/** Checks every derived name against the limit of the service that receives it. */
export function checkNameLimits(config: ValidatedConfig): NameLimitViolation[] {
  const names = sharedNames(config);
  const prefixFields = ['organization', 'environment', 'role'];
  const checks: Array<{ name: string; limit: number; what: string; fields: string[] }> = [
    { name: names.stateBucket(ACCOUNT_ID_STAND_IN), limit: 63, what: 'S3 bucket name', fields: [...prefixFields, 'region'] },
    { name: names.commandRunnerRole, limit: 64, what: 'IAM role name (CommandRunner)', fields: config.commandRunner.roleName ? ['commandRunner.roleName'] : prefixFields },
    { name: names.launchRole, limit: 64, what: 'IAM role name (launch constraint)', fields: config.serviceCatalog.launchRoleName ? ['serviceCatalog.launchRoleName'] : prefixFields },
    { name: names.gitlabCiIdentity, limit: 64, what: 'IAM role/user name (GitLab CI)', fields: prefixFields },
    { name: names.lockTable, limit: 255, what: 'DynamoDB table name', fields: ['terraformBackend.tablePrefix', ...prefixFields] },
    { name: names.portfolio, limit: 100, what: 'Service Catalog portfolio name', fields: prefixFields },
  ];
  if (config.s3ProjectTemplate.enabled) {
    checks.push({ name: names.projectTemplateBucket(ACCOUNT_ID_STAND_IN), limit: 63, what: 'S3 bucket name (SageMaker S3 project template)', fields: [...prefixFields, 'region'] });
  }
  if (config.commandRunner.typeReleasePackage) {
    checks.push({ name: names.commandRunnerTypeRole, limit: 64, what: 'IAM role name (CommandRunner type execution)', fields: prefixFields });
  }
  const violations = checks
    .filter((check) => check.name.length > check.limit)
    .map((check) => ({
      fields: check.fields,
      message: `${check.what} "${check.name}" is ${check.name.length} characters; the limit is ${check.limit}. Shorten ${check.fields.join(' or ')}.`,
    }));
  // The CommandRunner handler turns its session ARN into a role ARN with String.replace("sts", "iam")
  // on the whole ARN, so any "sts" in the role name breaks its TerminateInstances check.
  if (config.commandRunner.typeReleasePackage && names.commandRunnerTypeRole.includes('sts')) {
    violations.push({
      fields: prefixFields,
      message: `IAM role name (CommandRunner type execution) "${names.commandRunnerTypeRole}" contains "sts", which the CommandRunner handler rewrites in its role ARN. Change organization, environment or role so the name has no "sts".`,
    });
  }
  return violations;
}
