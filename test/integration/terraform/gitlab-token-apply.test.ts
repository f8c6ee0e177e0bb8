/**
 * The GitLab token's whole path through real terraform and the real hashicorp/aws provider: applied
 * (not only planned) against a local Secrets Manager that keeps what it is sent, with local state.
 * Shows what a plan cannot: the provider stores the token in AWS and nowhere in Terraform's state,
 * plan or output, and a new token is stored only when its version is raised.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GitLabToken, TOKEN_VARIABLE, TOKEN_VERSION_VARIABLE } from '../../../constructs/gitlab/gitlab-token';
import { ExistingKey } from '../../../constructs/security/encryption-key';
import { FAKE_ACCOUNT_ID, FakeAws, FakeAwsHandler, kms, SECRET_NOT_FOUND, secretArn, useFakeAws } from '../../harness/fake-aws';
import { TerraformWorkspace } from '../../harness/terraform';

const SECRET_NAME = 'example-dev-mlops/gitlab/private-token';
const KEY_ALIAS = 'alias/example-dev-mlops';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const FIRST_TOKEN = 'glpat-first-token-never-in-state-0001';
const SECOND_TOKEN = 'glpat-second-token-never-in-state-0002';

interface StoredSecret {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  policy?: string;
  tags: Array<{ Key: string; Value: string }>;
  versions: Array<{ id: string; value: string; stages: string[] }>;
  deleted: boolean;
}

/**
 * Secrets Manager as far as the provider's secret, policy and version resources use it: every
 * request is answered from what earlier requests stored, as the service would.
 */
class SecretsManagerStore {
  readonly secrets = new Map<string, StoredSecret>();
  /** Every value a PutSecretValue or CreateSecret carried, in order. */
  readonly valuesWritten: string[] = [];

  private find(secretId: string): StoredSecret | undefined {
    return [...this.secrets.values()].find((secret) => !secret.deleted && (secret.arn === secretId || secret.name === secretId));
  }

  private metadata(secret: StoredSecret) {
    return {
      ARN: secret.arn,
      Name: secret.name,
      Description: secret.description,
      KmsKeyId: secret.kmsKeyId,
      Tags: secret.tags,
      CreatedDate: 1700000000,
      LastChangedDate: 1700000000,
      VersionIdsToStages: Object.fromEntries(secret.versions.map((version) => [version.id, version.stages])),
    };
  }

  private putValue(secret: StoredSecret, value: string, token?: string): string {
    for (const version of secret.versions) version.stages = version.stages.includes('AWSCURRENT') ? ['AWSPREVIOUS'] : [];
    const id = token ?? randomUUID();
    secret.versions.push({ id, value, stages: ['AWSCURRENT'] });
    this.valuesWritten.push(value);
    return id;
  }

  readonly handler: FakeAwsHandler = ({ target, body }) => {
    if (!target?.startsWith('secretsmanager.')) return undefined;
    const request = JSON.parse(body || '{}');
    const ok = (answer: object) => ({ body: JSON.stringify(answer) });
    const action = target.replace('secretsmanager.', '');
    if (action === 'CreateSecret') {
      const arn = secretArn(request.Name);
      const secret: StoredSecret = {
        arn,
        name: request.Name,
        description: request.Description,
        kmsKeyId: request.KmsKeyId,
        tags: request.Tags ?? [],
        versions: [],
        deleted: false,
      };
      this.secrets.set(arn, secret);
      const versionId = request.SecretString !== undefined ? this.putValue(secret, request.SecretString, request.ClientRequestToken) : undefined;
      return ok({ ARN: arn, Name: request.Name, ...(versionId ? { VersionId: versionId } : {}) });
    }
    const secret = this.find(String(request.SecretId ?? ''));
    if (!secret) return SECRET_NOT_FOUND;
    switch (action) {
      case 'DescribeSecret':
        return ok(this.metadata(secret));
      case 'GetResourcePolicy':
        return ok({ ARN: secret.arn, Name: secret.name, ...(secret.policy ? { ResourcePolicy: secret.policy } : {}) });
      case 'PutResourcePolicy':
        secret.policy = request.ResourcePolicy;
        return ok({ ARN: secret.arn, Name: secret.name });
      case 'DeleteResourcePolicy':
        secret.policy = undefined;
        return ok({ ARN: secret.arn, Name: secret.name });
      case 'TagResource':
        secret.tags = [...secret.tags.filter((tag) => !request.Tags.some((added: any) => added.Key === tag.Key)), ...request.Tags];
        return ok({});
      case 'PutSecretValue': {
        const versionId = this.putValue(secret, request.SecretString, request.ClientRequestToken);
        return ok({ ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: ['AWSCURRENT'] });
      }
      case 'GetSecretValue': {
        const version = request.VersionId
          ? secret.versions.find((candidate) => candidate.id === request.VersionId)
          : secret.versions.find((candidate) => candidate.stages.includes(request.VersionStage ?? 'AWSCURRENT'));
        if (!version) return SECRET_NOT_FOUND;
        return ok({
          ARN: secret.arn,
          Name: secret.name,
          SecretString: version.value,
          VersionId: version.id,
          VersionStages: version.stages,
          CreatedDate: 1700000000,
        });
      }
      case 'ListSecretVersionIds':
        return ok({
          ARN: secret.arn,
          Name: secret.name,
          Versions: secret.versions.map((version) => ({ VersionId: version.id, VersionStages: version.stages })),
        });
      case 'UpdateSecretVersionStage':
        for (const version of secret.versions) {
          if (version.id === request.RemoveFromVersionId) version.stages = version.stages.filter((stage) => stage !== request.VersionStage);
          if (version.id === request.MoveToVersionId) version.stages = [...version.stages, request.VersionStage];
        }
        return ok({ ARN: secret.arn, Name: secret.name });
      case 'DeleteSecret':
        secret.deleted = true;
        return ok({ ARN: secret.arn, Name: secret.name, DeletionDate: 1700000000 });
      default:
        return undefined;
    }
  };
}

/** The token construct alone, as the platform stack builds it (the platform key found by alias). */
function tokenStack(): string {
  return Testing.synthScope((scope) => {
    const stack = scope as TerraformStack;
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const key = new ExistingKey(stack, 'platform-key', KEY_ALIAS);
    new GitLabToken(stack, 'gitlab-token', {
      secretName: SECRET_NAME,
      encryptionKey: key,
      readerArnPatterns: [`arn:aws:iam::${FAKE_ACCOUNT_ID}:role/example-dev-mlops-project-runner`],
    });
  });
}

describe('the GitLab token, applied by terraform against a Secrets Manager that keeps it', () => {
  const store = new SecretsManagerStore();
  const fake = new FakeAws([store.handler, kms({ [KEY_ALIAS]: KEY_ID })]);
  let workspace: TerraformWorkspace;
  const outputs: string[] = [];

  /** `terraform apply` with the token and its version as the deployer passes them (environment only). */
  async function apply(token: string, version: number) {
    const result = await workspace.run(['apply', '-auto-approve', '-input=false', '-no-color'], {
      [`TF_VAR_${TOKEN_VARIABLE}`]: token,
      [`TF_VAR_${TOKEN_VERSION_VARIABLE}`]: String(version),
    });
    outputs.push(result.stdout, result.stderr);
    if (result.code !== 0) throw new Error(`terraform apply failed:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }
  const state = () => readFileSync(join(workspace.dir, 'terraform.tfstate'), 'utf8');

  beforeAll(async () => {
    await fake.start();
    workspace = TerraformWorkspace.create(tokenStack());
    workspace.update((config) => useFakeAws(config, fake));
    await workspace.init();
    await apply(FIRST_TOKEN, 1);
  });
  afterAll(() => fake.stop());

  test('the first apply stores the token in Secrets Manager, encrypted with the platform key, behind its policy', () => {
    const [secret] = store.secrets.values();
    expect(secret.name).toBe(SECRET_NAME);
    expect(secret.kmsKeyId).toBe(`arn:aws:kms:us-east-1:${FAKE_ACCOUNT_ID}:key/${KEY_ID}`);
    expect(secret.versions.map((version) => [version.value, version.stages])).toEqual([[FIRST_TOKEN, ['AWSCURRENT']]]);
    expect(JSON.parse(secret.policy!).Statement).toEqual([
      expect.objectContaining({ Sid: 'OnlyRunnerAndSeedingFunctionsRead', Effect: 'Deny', Action: 'secretsmanager:GetSecretValue' }),
    ]);
  });

  test('the state holds the secret and its version, never the token', () => {
    const saved = JSON.parse(state());
    const version = saved.resources.find((resource: any) => resource.type === 'aws_secretsmanager_secret_version');
    expect(version.instances[0].attributes).toEqual(expect.objectContaining({ secret_string_wo_version: 1, secret_string: '', secret_string_wo: null }));
    expect(state()).not.toContain(FIRST_TOKEN);
    expect(outputs.join('\n')).not.toContain(FIRST_TOKEN);
  });

  test('a new token with the same version plans no change (Terraform keeps nothing to compare it with)', async () => {
    const planned = await workspace.plan({ [TOKEN_VARIABLE]: SECOND_TOKEN, [TOKEN_VERSION_VARIABLE]: '1' });
    if (!planned.ok) throw new Error(planned.output);
    expect(planned.output).toContain('No changes.');
    expect(JSON.stringify(planned.plan.resource_changes ?? [])).not.toContain(SECOND_TOKEN);
    expect(store.valuesWritten).toEqual([FIRST_TOKEN]);
  });

  test('raising the version stores the new token, and still neither token is in the state or the output', async () => {
    await apply(SECOND_TOKEN, 2);
    expect(store.valuesWritten).toEqual([FIRST_TOKEN, SECOND_TOKEN]);
    const [secret] = store.secrets.values();
    expect(secret.versions.find((version) => version.stages.includes('AWSCURRENT'))?.value).toBe(SECOND_TOKEN);
    for (const token of [FIRST_TOKEN, SECOND_TOKEN]) {
      expect(state()).not.toContain(token);
      expect(outputs.join('\n')).not.toContain(token);
    }
  });
});
