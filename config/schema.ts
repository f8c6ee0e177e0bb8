import { z } from 'zod';

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
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const studioPrincipal = z
  .string()
  .regex(
    /^arn:aws(-[a-z]+)*:iam::(\d{12})?:role\/[\w+=,.@/*-]+$/,
    'each entry must be an IAM role ARN (arn:aws:iam::123456789012:role/...) or an IAM_PATTERN ARN without account (arn:aws:iam:::role/...*)',
  )
  .refine((arn) => arn.includes('*') === /^arn:[^:]+:iam:::/.test(arn), {
    message: 'a wildcard (*) needs the account-less IAM_PATTERN form arn:aws:iam:::role/..., and an account-less ARN needs a wildcard',
  });

export const configSchema = z
  .object({
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-\d$/, 'must be an AWS region code such as us-east-1 or eu-west-2'),
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
      })
      .strict(),
    terraformBackend: z.object({ tablePrefix: z.string().regex(/^[a-zA-Z0-9_.-]{1,100}$/, 'must be 1-100 of a-z A-Z 0-9 _ . -') }).strict(),
    commandRunner: z.object({ roleName: iamName }).strict(),
    gitlab: z
      .object({
        url: z
          .string()
          .regex(/^https:\/\/[a-z0-9.-]+(:\d+)?(\/[\w.~-]+)*$/i, 'must be an https URL without a trailing slash, e.g. https://gitlab.com'),
        namespace: z
          .string()
          .regex(/^[\w.-]+(\/[\w.-]+)*$/, 'must be a GitLab user or group path such as ml-team or ml-team/projects'),
        ciAuthMode: z.enum(['oidc', 'access-keys'], { message: 'must be one of: oidc, access-keys' }),
        defaultBranch: z.string().regex(/^[\w./-]+$/, 'must be a branch name'),
      })
      .strict(),
    sagemaker: z
      .object({
        productsUseRoleName: z
          .string()
          .regex(/^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, 'must be an IAM role name, optionally with its path (service-role/...)'),
      })
      .strict(),
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
