import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { gitlabSubject } from '../../constructs/sagemaker-project/project-identities';
import { GitLabToken } from '../../constructs/gitlab/gitlab-token';
import { policyDocument } from '../../constructs/iam/policy';
import { Role, User } from '../../constructs/iam/role';
import { EncryptionKey } from '../../constructs/security/encryption-key';
import { EphemeralResource, ephemeralVariable } from '../../constructs/terraform/ephemeral';
import { GitLabOidcTrustExact } from '../../guardrails/rules/gitlab-oidc-trust-exact';
import { IdentitiesCarryBoundary } from '../../guardrails/rules/identities-carry-boundary';
import { SecretVariablesNotValidated } from '../../guardrails/rules/secret-variables-not-validated';
import { SecretsNotInState } from '../../guardrails/rules/secrets-not-in-state';
import { findings } from './support';

const HOST = 'gitlab.example.com';
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${HOST}`;

/** A role GitLab CI assumes, trusted with `test` over `subjects` on the sub claim. */
const ciRole = (stack: TerraformStack, test: string, subjects: string[]) =>
  new Role(stack, 'ci', {
    roleName: 'ci',
    description: 'ci',
    permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/boundary',
    trust: [
      {
        effect: 'Allow',
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [{ type: 'Federated', identifiers: [PROVIDER] }],
        condition: [
          { test: 'StringEquals', variable: `${HOST}:aud`, values: [`https://${HOST}`] },
          ...(subjects.length > 0 ? [{ test, variable: `${HOST}:sub`, values: subjects }] : []),
        ],
      },
    ],
  });

describe('SMP_OIDC_TRUST_EXACT GitLabOidcTrustExact', () => {
  test('StringEquals on the exact project paths and branch complies', () => {
    expect(
      findings(GitLabOidcTrustExact, (stack) =>
        ciRole(stack, 'StringEquals', [gitlabSubject('ml-team/churn-model-build', 'main'), gitlabSubject('ml-team/churn-model-deploy', 'main')]),
      ),
    ).toEqual([]);
  });

  test('a namespace wildcard with StringLike (the trust of one role for every project) is named with its subjects', () => {
    expect(findings(GitLabOidcTrustExact, (stack) => ciRole(stack, 'StringLike', ['project_path:ml-team/*:ref_type:branch:ref:main']))).toEqual([
      {
        path: 'test/ci/trust',
        subject: '#1',
        problem:
          'trusts the sub claim with StringLike ["project_path:ml-team/*:ref_type:branch:ref:main"]: a wildcard or pattern admits other projects or branches.',
      },
    ]);
  });

  test('a wildcard under StringEquals is named too (IAM would compare it literally today, a later StringLike would not)', () => {
    expect(findings(GitLabOidcTrustExact, (stack) => ciRole(stack, 'StringEquals', ['project_path:ml-team/churn:ref_type:branch:ref:*']))).toHaveLength(1);
  });

  test('a ? inside an interpolation (a Terraform conditional) is no wildcard; a written * next to it still is', () => {
    const branch = '${var.release_branch != "" ? var.release_branch : "main"}';
    expect(findings(GitLabOidcTrustExact, (stack) => ciRole(stack, 'StringEquals', [`project_path:ml-team/churn:ref_type:branch:ref:${branch}`]))).toEqual([]);
    expect(findings(GitLabOidcTrustExact, (stack) => ciRole(stack, 'StringEquals', [`project_path:ml-team/*:ref_type:branch:ref:${branch}`]))).toHaveLength(1);
  });

  test('no condition on the sub claim is named', () => {
    expect(findings(GitLabOidcTrustExact, (stack) => ciRole(stack, 'StringEquals', []))[0].problem).toContain('without a condition on the sub claim');
  });

  test('service trust is not concerned', () => {
    expect(
      findings(
        GitLabOidcTrustExact,
        (stack) =>
          new Role(stack, 'fn', {
            roleName: 'fn',
            description: 'fn',
            trust: [{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] }],
          }),
      ),
    ).toEqual([]);
  });
});

describe('SMP_IDENTITIES_BOUNDED IdentitiesCarryBoundary', () => {
  test('roles and users with a boundary comply', () => {
    expect(
      findings(IdentitiesCarryBoundary, (stack) => {
        new Role(stack, 'role', { roleName: 'r', description: 'r', trust: [], permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/b' });
        new User(stack, 'user', { userName: 'u', permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/b' });
      }),
    ).toEqual([]);
  });

  test('a role or user without one is named', () => {
    expect(
      findings(IdentitiesCarryBoundary, (stack) => {
        new IamRole(stack, 'role', { name: 'r', assumeRolePolicy: policyDocument(stack, 'trust', []).json });
        new IamUser(stack, 'user', { name: 'u' });
      }),
    ).toEqual([
      { path: 'test/role', problem: 'the role has no permissions boundary.' },
      { path: 'test/user', problem: 'the user has no permissions boundary.' },
    ]);
  });
});

describe('SMP_SECRETS_NOT_IN_STATE SecretsNotInState', () => {
  test('an ephemeral read and a write-only value comply', () => {
    expect(
      findings(SecretsNotInState, (stack) => {
        new EphemeralResource(stack, 'token', 'aws_secretsmanager_secret_version', { secret_id: 'acme/token' });
        new GitLabToken(stack, 'gitlab-token', {
          secretName: 'acme/token',
          encryptionKey: new EncryptionKey(stack, 'key', { alias: 'alias/k', description: 'k' }),
          readerArnPatterns: ['arn:aws:iam::123456789012:role/runner'],
        });
      }),
    ).toEqual([]);
  });

  test('a data source read and a secret_string write are named', () => {
    expect(
      findings(SecretsNotInState, (stack) => {
        new DataAwsSecretsmanagerSecretVersion(stack, 'read', { secretId: 'acme/token' });
        new SecretsmanagerSecretVersion(stack, 'write', {
          secretId: 'acme/token',
          secretString: new TerraformVariable(stack, 'token', { type: 'string', sensitive: true }).stringValue,
        });
      }),
    ).toEqual([
      { path: 'test/read', problem: 'reads a secret through a data source, which keeps its value in the state and the plan.' },
      { path: 'test/write', problem: 'writes the secret with secret_string or secret_binary, which keep the value in the state and the plan.' },
    ]);
  });
});

describe('SMP_SECRET_VARIABLES_NOT_VALIDATED SecretVariablesNotValidated', () => {
  const validation = [{ condition: '${length(var.token) > 20}', errorMessage: 'token is too short' }];

  test('secret variables without validation, and plain variables with it, comply', () => {
    expect(
      findings(SecretVariablesNotValidated, (stack) => {
        ephemeralVariable(stack, 'token', { type: 'string', sensitive: true });
        new TerraformVariable(stack, 'name', { type: 'string', validation: [{ condition: '${length(var.name) > 0}', errorMessage: 'name is empty' }] });
      }),
    ).toEqual([]);
  });

  test('a sensitive or an ephemeral variable with a validation block is named', () => {
    const result = findings(SecretVariablesNotValidated, (stack) => {
      new TerraformVariable(stack, 'token', { type: 'string', sensitive: true, validation });
      ephemeralVariable(stack, 'other', { type: 'string', validation });
    });
    expect(result.map((finding) => finding.path).sort()).toEqual(['var.other', 'var.token']);
    expect(result[0].problem).toBe('is a secret variable with a validation block: Terraform prints its value when the validation fails.');
  });
});
