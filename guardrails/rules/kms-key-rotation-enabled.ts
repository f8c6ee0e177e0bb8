import { Rule } from '../rule';

/** Every customer managed KMS key rotates its key material yearly. */
export const KmsKeyRotationEnabled: Rule = {
  id: 'CKV_AWS_7',
  name: 'KmsKeyRotationEnabled',
  checkov: ['CKV_AWS_7'],
  fix: 'Set enable_key_rotation = true on the key (EncryptionKey does this).',
  check: (stack) =>
    stack
      .ofType('aws_kms_key')
      .filter((key) => key.config.enable_key_rotation !== true && (key.config.customer_master_key_spec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT')
      .map((key) => ({ element: key, problem: 'key rotation is not enabled.' })),
};
