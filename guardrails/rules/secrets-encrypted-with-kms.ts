import { Rule } from '../rule';

/** Every Secrets Manager secret is encrypted with a customer managed KMS key, so key policy and IAM both guard it. */
export const SecretsEncryptedWithKms: Rule = {
  id: 'CKV_AWS_149',
  name: 'SecretsEncryptedWithKms',
  checkov: ['CKV_AWS_149'],
  fix: 'Set kms_key_id on the secret to the platform key (Secret does this).',
  check: (stack) =>
    stack
      .ofType('aws_secretsmanager_secret')
      .filter((secret) => !secret.config.kms_key_id)
      .map((secret) => ({ element: secret, problem: 'the secret is encrypted with the AWS managed key, not a customer managed key.' })),
};
