import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { bundleLambda } from '../../../constructs/sagemaker-project/lambda-bundle';
import { RepositorySeeding, RepositorySeedingProps, SEED_CODE_ENTRY, SEEDING_REVISION } from '../../../constructs/sagemaker-project/repository-seeding';
import { LambdaAsyncFailuresCaptured } from '../../../guardrails/rules/lambda-async-failures-captured';
import { PACKAGED_SEED_DIR, SEED_MANIFEST_FILE, seedCodeFingerprint, seedManifest } from '../../../lambda/seed-code/seed-files';
import { writeSeedFixture } from '../../support/seed-fixture';
import { addressOf, configOf, granteeRole, ref, synthScope } from '../../support/synth-scope';

jest.mock('../../../constructs/sagemaker-project/lambda-bundle', () => require('../../support/fake-lambda-bundle').lambdaBundleModule());

const seedCodeDir = writeSeedFixture();
const manifest = seedManifest(seedCodeDir);

const seedingIn = (props: Partial<RepositorySeedingProps> = {}) =>
  synthScope((scope) => {
    const role = granteeRole(scope, 'seed-role');
    const before = new S3Object(scope, 'must-exist-first', { bucket: 'b', key: 'k', content: 'x' });
    const seeding = new RepositorySeeding(scope, 'seeding', {
      functionName: 'acme-p-abcdefghijkl-seed-code',
      role,
      gitlabUrl: 'https://gitlab.acme.io',
      tokenSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:acme/gitlab/private-token-AbCdEf',
      sagemakerProjectName: 'churn',
      sagemakerProjectId: 'p-abcdefghijkl',
      buildProjectId: '17',
      deployProjectId: '18',
      defaultBranch: 'main',
      triggerTokenSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:acme/p-abcdefghijkl/deploy-trigger-token-AbCdEf',
      ciAuthMode: 'oidc',
      seedCodeDir,
      after: [before],
      logRetentionDays: 30,
      ...props,
    });
    return { role, before, seeding };
  });

const { json, tf, built } = seedingIn();
const invocation = configOf(tf, built.seeding.invocation);

describe('RepositorySeeding: the function', () => {
  test('is the seed-code handler packaged with the seed code, named by its digest', () => {
    const [entry, extras] = jest.mocked(bundleLambda).mock.calls[0];
    expect(entry).toBe(SEED_CODE_ENTRY);
    expect(extras!.fingerprint).toBe(seedCodeFingerprint(manifest));
    const packaged = jest.mocked(bundleLambda).mock.results[0].value.dir as string;
    expect(existsSync(join(packaged, SEED_MANIFEST_FILE))).toBe(true);
    for (const file of manifest['model-build'].files) expect(existsSync(join(packaged, PACKAGED_SEED_DIR, 'model-build', file))).toBe(true);
  });

  test('runs as its own role with room for a slow GitLab, and knows exactly its two GitLab projects; no secret value', () => {
    expect(json).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'acme-p-abcdefghijkl-seed-code',
      role: ref(built.role.resource, 'arn'),
      timeout: 600,
      memory_size: 512,
      environment: {
        variables: {
          GITLAB_URL: 'https://gitlab.acme.io',
          GITLAB_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:acme/gitlab/private-token-AbCdEf',
          SAGEMAKER_PROJECT_NAME: 'churn',
          SAGEMAKER_PROJECT_ID: 'p-abcdefghijkl',
          BUILD_GITLAB_PROJECT_ID: '17',
          DEPLOY_GITLAB_PROJECT_ID: '18',
          DEFAULT_BRANCH: 'main',
          DEPLOY_TRIGGER_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:acme/p-abcdefghijkl/deploy-trigger-token-AbCdEf',
          CI_AUTH_MODE: 'oidc',
          CI_IAM_USER_NAME: '',
        },
      },
    });
  });

  test('in access-keys mode it is told the CI user whose key it makes', () => {
    const keys = seedingIn({ ciAuthMode: 'access-keys', ciUserName: 'acme-p-abcdefghijkl-ci' });
    expect(keys.json).toHaveResourceWithProperties(LambdaFunction, {
      environment: { variables: expect.objectContaining({ CI_AUTH_MODE: 'access-keys', CI_IAM_USER_NAME: 'acme-p-abcdefghijkl-ci' }) },
    });
  });

  test('a seed-code folder without model-deploy fails the synth, naming the folder', () => {
    const incomplete = writeSeedFixture();
    rmSync(join(incomplete, 'model-deploy'), { recursive: true });
    expect(() => seedingIn({ seedCodeDir: incomplete })).toThrow(`Seed code folder ${incomplete}/model-deploy does not exist`);
  });

  test('its exemption from capturing asynchronous failures is explicit, with the reason (it is only invoked synchronously)', () => {
    const metadata = built.seeding.function.node.metadata.map((entry) => JSON.stringify(entry.data));
    expect(metadata.join('\n')).toContain(LambdaAsyncFailuresCaptured.id);
    expect(metadata.join('\n')).toContain('invoked only synchronously, by aws_lambda_invocation');
  });
});

describe('RepositorySeeding: the invocation', () => {
  test("Terraform invokes it with the seed code's digest, after what must exist before the first push", () => {
    expect(invocation.function_name).toBe(ref(built.seeding.function.resource, 'function_name'));
    expect(invocation.input).toBe(`\${jsonencode({"seedCodeDigest" = "${seedCodeFingerprint(manifest)}"})}`);
    expect(invocation.depends_on).toEqual([addressOf(built.before)]);
  });

  test("again only when the repositories, a repository's seed code or the seeding revision change", () => {
    expect(invocation.triggers).toEqual({
      build_project: '17',
      deploy_project: '18',
      'model-build_seed_digest': manifest['model-build'].digest,
      'model-deploy_seed_digest': manifest['model-deploy'].digest,
      seeding_revision: String(SEEDING_REVISION),
    });
  });
});
