import { RulePack } from './rule';
import { DynamoDbEncryptedWithKms } from './rules/dynamodb-encrypted-with-kms';
import { DynamoDbPointInTimeRecoveryEnabled } from './rules/dynamodb-point-in-time-recovery-enabled';
import { IamNoWildcardAction } from './rules/iam-no-wildcard-action';
import { IamNoWriteOnWildcardResource } from './rules/iam-no-write-on-wildcard-resource';
import { IamPassRoleScoped } from './rules/iam-pass-role-scoped';
import { KmsKeyRotationEnabled } from './rules/kms-key-rotation-enabled';
import { LambdaAsyncFailuresCaptured } from './rules/lambda-async-failures-captured';
import { LambdaRuntimeCurrent } from './rules/lambda-runtime-current';
import { LambdaTimeoutAndMemorySet } from './rules/lambda-timeout-and-memory-set';
import { LogGroupRetentionSet } from './rules/log-group-retention-set';
import { PoliciesReadable } from './rules/policies-readable';
import { ResourcePoliciesNamePrincipals } from './rules/resource-policies-name-principals';
import { S3BucketEncrypted } from './rules/s3-bucket-encrypted';
import { S3BucketPublicAccessBlocked } from './rules/s3-bucket-public-access-blocked';
import { S3BucketTlsOnly } from './rules/s3-bucket-tls-only';
import { S3BucketVersioningEnabled } from './rules/s3-bucket-versioning-enabled';
import { GitLabOidcTrustExact } from './rules/gitlab-oidc-trust-exact';
import { IdentitiesCarryBoundary } from './rules/identities-carry-boundary';
import { SecretValuesNotExposed } from './rules/secret-values-not-exposed';
import { SecretVariablesNotValidated } from './rules/secret-variables-not-validated';
import { SecretsNotInState } from './rules/secrets-not-in-state';
import { SecretsEncryptedWithKms } from './rules/secrets-encrypted-with-kms';
import { SecretsReadableByNamedPrincipals } from './rules/secrets-readable-by-named-principals';

/** Storage: data at rest is encrypted, versioned or recoverable, private, and reached over TLS only. */
export const STORAGE_RULES: RulePack = [
  S3BucketEncrypted,
  S3BucketVersioningEnabled,
  S3BucketPublicAccessBlocked,
  S3BucketTlsOnly,
  DynamoDbPointInTimeRecoveryEnabled,
  DynamoDbEncryptedWithKms,
  LogGroupRetentionSet,
];

/** Secrets and keys: values stay in Secrets Manager, readable by name only, under rotating keys. */
export const SECRET_RULES: RulePack = [
  SecretValuesNotExposed,
  SecretsReadableByNamedPrincipals,
  SecretsEncryptedWithKms,
  KmsKeyRotationEnabled,
  SecretsNotInState,
  SecretVariablesNotValidated,
];

/** Lambda: current runtime, explicit limits, failed events kept. */
export const LAMBDA_RULES: RulePack = [LambdaRuntimeCurrent, LambdaTimeoutAndMemorySet, LambdaAsyncFailuresCaptured];

/** IAM: every policy readable and least privilege. */
export const IAM_RULES: RulePack = [
  PoliciesReadable,
  IamNoWildcardAction,
  IamNoWriteOnWildcardResource,
  IamPassRoleScoped,
  ResourcePoliciesNamePrincipals,
  GitLabOidcTrustExact,
];

/** Tenant rules, for the stack the runner applies per project: every identity it creates is bounded. */
export const TENANT_RULES: RulePack = [IdentitiesCarryBoundary];

/** The pack every stack of the app passes at synth. */
export const SECURITY_PACK: RulePack = [...STORAGE_RULES, ...SECRET_RULES, ...LAMBDA_RULES, ...IAM_RULES];
