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
  /** Role that runs Terraform for projects (both engines), and CommandRunner's instance profile. */
  readonly runnerRole: string;
  /** Managed policy every role a project stack creates must carry as its permissions boundary. */
  readonly projectBoundary: string;
  /** IAM path of the roles and users project stacks create (`/<prefix>/`): the runner may create no others. */
  readonly projectIamPath: string;
  /** Prefix of every resource a project stack creates: `<prefix>-<project id>-...`. */
  readonly projectResourcePrefix: string;
  /** Secret holding the GitLab namespace token. */
  readonly gitlabTokenSecret: string;
  /** CodeBuild engine: the CodeBuild project, the provisioning function (and its role), its rule and failure queue. */
  readonly codeBuildRunner: { readonly project: string; readonly function: string; readonly rule: string; readonly failureQueue: string };
  readonly launchRole: string;
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
    runnerRole: config.runner.roleName || `${prefix}-project-runner`,
    projectBoundary: `${prefix}-project-boundary`,
    projectIamPath: `/${prefix}/`,
    projectResourcePrefix: `${prefix}-`,
    gitlabTokenSecret: `${prefix}/gitlab/private-token`,
    codeBuildRunner: {
      project: `${prefix}-project-runner`,
      function: `${prefix}-provision-project`,
      rule: `${prefix}-runner-builds`,
      failureQueue: `${prefix}-provision-project-failures`,
    },
    launchRole: config.serviceCatalog.launchRoleName || `${prefix}-sc-launch`,
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

/** A SageMaker project id has this length (`p-` and 12 characters): the stand-in of limit checks. */
const PROJECT_ID_STAND_IN = 'p-abcdefghijkl';

/** Suffix of a project's deploy-trigger function and its role (constructs/sagemaker-project/names.ts). */
export const DEPLOY_TRIGGER_SUFFIX = '-deploy-trigger';

/** Longest suffix a project stack adds after `<prefix>-<project id>` to an IAM role or Lambda function name. */
export const LONGEST_PROJECT_NAME_SUFFIX = DEPLOY_TRIGGER_SUFFIX;

/** The CodeBuild engine's dead-letter queue is named after its failure queue, with this suffix. */
export const DEAD_LETTER_QUEUE_SUFFIX = '-dlq';

/** Checks every derived name against the limit of the service that receives it. */
export function checkNameLimits(config: ValidatedConfig): NameLimitViolation[] {
  const names = sharedNames(config);
  const prefixFields = ['organization', 'environment', 'role'];
  const checks: Array<{ name: string; limit: number; what: string; fields: string[] }> = [
    { name: names.stateBucket(ACCOUNT_ID_STAND_IN), limit: 63, what: 'S3 bucket name', fields: [...prefixFields, 'region'] },
    { name: names.runnerRole, limit: 64, what: 'IAM role name (project runner)', fields: config.runner.roleName ? ['runner.roleName'] : prefixFields },
    {
      name: `${names.projectResourcePrefix}${PROJECT_ID_STAND_IN}${LONGEST_PROJECT_NAME_SUFFIX}`,
      limit: 64,
      what: 'IAM role and Lambda function names of a project',
      fields: prefixFields,
    },
    {
      name: names.launchRole,
      limit: 64,
      what: 'IAM role name (launch constraint)',
      fields: config.serviceCatalog.launchRoleName ? ['serviceCatalog.launchRoleName'] : prefixFields,
    },
    { name: names.lockTable, limit: 255, what: 'DynamoDB table name', fields: ['terraformBackend.tablePrefix', ...prefixFields] },
    { name: names.portfolio, limit: 100, what: 'Service Catalog portfolio name', fields: prefixFields },
  ];
  if (config.s3ProjectTemplate.enabled) {
    checks.push({
      name: names.projectTemplateBucket(ACCOUNT_ID_STAND_IN),
      limit: 63,
      what: 'S3 bucket name (SageMaker S3 project template)',
      fields: [...prefixFields, 'region'],
    });
  }
  if (config.runner.engine === 'codebuild') {
    checks.push({ name: names.codeBuildRunner.function, limit: 64, what: 'Lambda function and IAM role name (provisioning function)', fields: prefixFields });
    checks.push({
      name: `${names.codeBuildRunner.failureQueue}${DEAD_LETTER_QUEUE_SUFFIX}`,
      limit: 80,
      what: 'SQS queue name (provisioning failures)',
      fields: prefixFields,
    });
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
  // AWS managed policies for SageMaker users (AmazonSageMakerFullAccess and others) grant access to
  // buckets and functions whose names contain "sagemaker", and pass any role whose name does: a
  // project's resources named so would be open to every Studio user.
  if (/sagemaker/i.test(names.prefix)) {
    violations.push({
      fields: prefixFields,
      message: `The resource prefix "${names.prefix}" contains "sagemaker": AWS managed policies such as AmazonSageMakerFullAccess grant every Studio user access to buckets and functions whose names contain it. Change organization, environment or role.`,
    });
  }
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
