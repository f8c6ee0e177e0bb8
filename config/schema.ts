import { z } from 'zod';
import { CI_AUTH_MODES } from '../contract/function-settings';
import { RUNNER_ENGINES } from '../contract/project-parameters';
import { ARTIFACT_BUCKET_ON_DELETE_VALUES } from '../contract/runner';
import { DEFAULT_CONFIG } from './defaults';
import { awsRegion, awsRegionOrEmpty } from './regions';

const oneOf = (values: readonly string[]) => `must be one of: ${values.join(', ')}`;

/** Lowercase DNS-label style component: it ends up in S3 bucket names. */
const nameComponent = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(20, `${what} must be at most 20 characters`)
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, `${what} must be lowercase letters, digits and single hyphens, starting with a letter`);

const iamName = z
  .string()
  .max(64, 'IAM role names are limited to 64 characters')
  .regex(/^[\w+=,.@-]*$/, 'IAM names may contain only letters, digits and + = , . @ _ -');

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const studioPrincipal = z
  .string()
  .regex(
    /^arn:aws(-[a-z]+)*:iam::(\d{12})?:role\/[\w+=,.@/*-]+$/,
    'each entry must be an IAM role ARN (arn:aws:iam::123456789012:role/...) or an IAM_PATTERN ARN without account (arn:aws:iam:::role/...*)',
  )
  .refine((arn) => arn.includes('*') === /^arn:[^:]+:iam:::/.test(arn), {
    message: 'a wildcard (*) needs the account-less IAM_PATTERN form arn:aws:iam:::role/..., and an account-less ARN needs a wildcard',
  });

/** CommandRunner's Timeout property: CloudFormation's wait condition accepts at most 12 hours. */
export const COMMAND_RUNNER_TIMEOUT = { min: 600, max: 43200 } as const;

/**
 * Instance families built on AWS Graviton (arm64): `a1` and every `<family><generation>g...` such as
 * t4g, m7g, c6gn, x2gd, im4gn, g5g. CommandRunner boots an x86_64 AMI, which they cannot run.
 */
const ARM64_INSTANCE_TYPE = /^(a1|[a-z]+\d+g[a-z-]*)\./;

/** First 12 hex digits of the template's SHA-256: the name of a product version. */
export const TEMPLATE_VERSION_PATTERN = /^[0-9a-f]{12}$/;

const semver = (version: string) => version.split('.').map(Number);

const runnerSchema = z
  .object({
    engine: z.enum(RUNNER_ENGINES, { message: oneOf(RUNNER_ENGINES) }),
    artifactBucketOnDelete: z.enum(ARTIFACT_BUCKET_ON_DELETE_VALUES, { message: oneOf(ARTIFACT_BUCKET_ON_DELETE_VALUES) }),
    roleName: iamName,
    terraformVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, 'must be a Terraform release version such as 1.11.4')
      .refine((version) => {
        const [major, minor] = semver(version);
        return major > 1 || (major === 1 && minor >= 11);
      }, 'must be 1.11.0 or later: the runner locks state with the S3 lock file (use_lockfile) and the stacks use write-only arguments, both generally available since 1.11'),
    terraformSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 in lowercase hex (64 characters), from HashiCorp's SHA256SUMS file"),
  })
  .strict()
  .superRefine((runner, context) => {
    const pinned = DEFAULT_CONFIG.runner;
    if (runner.terraformVersion !== pinned.terraformVersion && runner.terraformSha256 === pinned.terraformSha256) {
      context.addIssue({
        code: 'custom',
        path: ['terraformSha256'],
        message: `is the checksum of Terraform ${pinned.terraformVersion}; set the SHA-256 of terraform_${runner.terraformVersion}_linux_amd64.zip from https://releases.hashicorp.com/terraform/${runner.terraformVersion}/terraform_${runner.terraformVersion}_SHA256SUMS`,
      });
    }
  });

const commandRunnerSchema = z
  .object({
    timeoutSeconds: z
      .number()
      .int('must be a whole number of seconds')
      .min(COMMAND_RUNNER_TIMEOUT.min, `must be at least ${COMMAND_RUNNER_TIMEOUT.min} seconds: a Terraform run of a project takes minutes`)
      .max(COMMAND_RUNNER_TIMEOUT.max, `must be at most ${COMMAND_RUNNER_TIMEOUT.max} seconds (12 hours), CommandRunner's limit`),
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as t3.medium')
      .refine((type) => !ARM64_INSTANCE_TYPE.test(type), {
        message: 'is a Graviton (arm64) type; CommandRunner boots an x86_64 Amazon Linux 2 AMI: use an x86_64 type such as t3.medium or m5.large',
      }),
    subnetId: z.string().regex(/^(subnet-[0-9a-f]{8}([0-9a-f]{9})?)?$/, 'must be empty or a subnet id such as subnet-0123456789abcdef0'),
    securityGroupId: z.string().regex(/^(sg-[0-9a-f]{8}([0-9a-f]{9})?)?$/, 'must be empty or a security group id such as sg-0123456789abcdef0'),
    typeReleasePackage: z
      .string()
      .regex(
        /^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[\w!\-.*'()/]+\.zip)?$/,
        'must be empty or the S3 location of the CommandRunner release package, e.g. s3://my-bucket/awsutility-cloudformation-commandrunner.zip',
      ),
  })
  .strict()
  .superRefine((runner, context) => {
    if (runner.securityGroupId && !runner.subnetId) {
      context.addIssue({
        code: 'custom',
        path: ['securityGroupId'],
        message: 'needs commandRunner.subnetId too: CommandRunner rejects a security group without a subnet',
      });
    }
  });

export const configSchema = z
  .object({
    region: awsRegion(),
    environment: nameComponent('environment'),
    organization: nameComponent('organization'),
    role: nameComponent('role'),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)),
    serviceCatalog: z
      .object({
        portfolioOwner: z.string().min(1, 'must not be empty').max(50, 'Service Catalog limits the provider name to 50 characters'),
        productOwner: z.string().min(1, 'must not be empty').max(8191),
        launchRoleName: iamName,
        studioPrincipalArns: z.array(studioPrincipal).min(1, 'at least one Studio execution role must see the product'),
        retainedTemplateVersions: z.array(
          z
            .string()
            .regex(
              TEMPLATE_VERSION_PATTERN,
              'each entry must be a template version: 12 lowercase hex digits, as in the output service_catalog_template_version',
            ),
        ),
      })
      .strict(),
    terraformBackend: z.object({ tablePrefix: z.string().regex(/^[a-zA-Z0-9_.-]{1,100}$/, 'must be 1-100 of a-z A-Z 0-9 _ . -') }).strict(),
    platformState: z
      .object({
        bucket: z.string().regex(/^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$/, 'must be empty (local state) or the name of an existing S3 bucket'),
        key: z.string().regex(/^[\w!.*'()/-]{1,1024}$/, 'must be an S3 object key such as sagemaker-projects-platform/terraform.tfstate'),
        region: awsRegionOrEmpty("the stack's region"),
      })
      .strict(),
    runner: runnerSchema,
    commandRunner: commandRunnerSchema,
    gitlab: z
      .object({
        url: z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?(\/[\w.~-]+)*$/i, 'must be an https URL without a trailing slash, e.g. https://gitlab.com'),
        namespace: z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/, 'must be a GitLab user or group path such as ml-team or ml-team/projects'),
        ciAuthMode: z.enum(CI_AUTH_MODES, { message: oneOf(CI_AUTH_MODES) }),
        oidcProviderArn: z
          .string()
          .regex(
            /^(arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/[a-z0-9.-]+(:\d+)?(\/[\w.~-]+)*)?$/,
            'must be empty or an IAM OIDC provider ARN such as arn:aws:iam::123456789012:oidc-provider/gitlab.example.com',
          ),
        defaultBranch: z.string().regex(/^[\w./-]+$/, 'must be a branch name'),
      })
      .strict(),
    s3ProjectTemplate: z.object({ enabled: z.boolean({ message: 'must be true or false' }) }).strict(),
    logs: z
      .object({
        retentionDays: z.number().refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
          message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
        }),
      })
      .strict(),
  })
  .strict();

export type ValidatedConfig = z.infer<typeof configSchema>;
