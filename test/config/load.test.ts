import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envVarName } from '../../config/load';
import { testConfig, problemsOf } from '../support/config';

describe('configuration', () => {
  test('embedded defaults are valid and derive every shared name', () => {
    const config = testConfig();
    expect(config.region).toBe('us-east-1');
    expect(config.gitlab.ciAuthMode).toBe('oidc');
    expect(config.names.prefix).toBe('example-dev-mlops');
    expect(config.names.stateBucket('123456789012')).toBe('example-dev-mlops-tfstate-123456789012-us-east-1');
    expect(config.names.commandRunnerRole).toBe('example-dev-mlops-command-runner');
    expect(config.names.launchRole).toBe('example-dev-mlops-sc-launch');
    expect(config.names.lockTable).toBe('terraform-lock-example-dev-mlops');
  });

  test('environment variables override defaults, typed after the default value', () => {
    const config = testConfig({
      SMP_REGION: 'eu-west-2',
      SMP_GITLAB_CI_AUTH_MODE: 'access-keys',
      SMP_LOGS_RETENTION_DAYS: '365',
      SMP_SERVICE_CATALOG_STUDIO_PRINCIPAL_ARNS: 'arn:aws:iam::111122223333:role/a, arn:aws:iam::111122223333:role/b',
      SMP_TAGS: '{"team":"ml"}',
    });
    expect(config.region).toBe('eu-west-2');
    expect(config.gitlab.ciAuthMode).toBe('access-keys');
    expect(config.logs.retentionDays).toBe(365);
    expect(config.serviceCatalog.studioPrincipalArns).toEqual(['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b']);
    expect(config.tags).toEqual({ team: 'ml' });
  });

  test('a config file overrides defaults and the environment overrides the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    writeFileSync(join(dir, 'project.config.json'), JSON.stringify({ organization: 'acme', gitlab: { url: 'https://gitlab.acme.io', namespace: 'ds' } }));
    const config = testConfig({ SMP_GITLAB_NAMESPACE: 'ds/projects' }, dir);
    expect(config.organization).toBe('acme');
    expect(config.gitlab.url).toBe('https://gitlab.acme.io');
    expect(config.gitlab.namespace).toBe('ds/projects');
    expect(config.gitlab.ciAuthMode).toBe('oidc');
  });

  test('env var names follow the field path', () => {
    expect(envVarName(['gitlab', 'ciAuthMode'])).toBe('SMP_GITLAB_CI_AUTH_MODE');
    expect(envVarName(['logs', 'retentionDays'])).toBe('SMP_LOGS_RETENTION_DAYS');
  });

  describe('bad configuration fails with a message naming the field, the value and the fix', () => {
    test('bad region', () => {
      const message = problemsOf({ SMP_REGION: 'mars-north-9' });
      expect(message).toContain('region = "mars-north-9"');
      expect(message).toContain('must be an AWS region code');
      expect(message).toContain('SMP_REGION');
    });

    test('empty organization', () => {
      const message = problemsOf({ SMP_ORGANIZATION: '' });
      expect(message).toContain('organization = ""');
      expect(message).toContain('organization must not be empty');
    });

    test('GitLab URL that is not https, or ends with a slash', () => {
      expect(problemsOf({ SMP_GITLAB_URL: 'http://gitlab.com' })).toContain('gitlab.url = "http://gitlab.com": must be an https URL');
      expect(problemsOf({ SMP_GITLAB_URL: 'https://gitlab.com/' })).toContain('without a trailing slash');
    });

    test('unknown CI auth mode', () => {
      const message = problemsOf({ SMP_GITLAB_CI_AUTH_MODE: 'password' });
      expect(message).toContain('gitlab.ciAuthMode = "password": must be one of: oidc, access-keys');
    });

    test('names too long for the S3 bucket limit', () => {
      const message = problemsOf({ SMP_ORGANIZATION: 'averyveryverylongorg', SMP_ROLE: 'machinelearningteam', SMP_REGION: 'ap-southeast-2' });
      expect(message).toMatch(/S3 bucket name "averyveryverylongorg-dev-machinelearningteam-tfstate-123456789012-ap-southeast-2" is \d+ characters; the limit is 63/);
      expect(message).toContain('Shorten organization or environment or role or region');
    });

    test('an IAM role name over 64 characters', () => {
      const message = problemsOf({ SMP_COMMAND_RUNNER_ROLE_NAME: 'r'.repeat(65) });
      expect(message).toContain('commandRunner.roleName');
      expect(message).toContain('limited to 64 characters');
    });

    test('a log retention CloudWatch does not accept', () => {
      expect(problemsOf({ SMP_LOGS_RETENTION_DAYS: '42' })).toContain('logs.retentionDays = 42: must be one of 1, 3, 5');
      expect(problemsOf({ SMP_LOGS_RETENTION_DAYS: 'forever' })).toContain('must be a number');
    });

    test('a Studio principal wildcard needs the account-less IAM_PATTERN form', () => {
      const message = problemsOf({ SMP_SERVICE_CATALOG_STUDIO_PRINCIPAL_ARNS: 'arn:aws:iam::111122223333:role/ds-*' });
      expect(message).toContain('serviceCatalog.studioPrincipalArns.0');
      expect(message).toContain('IAM_PATTERN');
      expect(message).toContain('SMP_SERVICE_CATALOG_STUDIO_PRINCIPAL_ARNS)');
    });

    test('unknown fields in the config file are named', () => {
      const dir = mkdtempSync(join(tmpdir(), 'config-'));
      writeFileSync(join(dir, 'project.config.json'), JSON.stringify({ gitlab: { ur: 'https://x.io' } }));
      expect(problemsOf({}, dir)).toContain('unknown field(s) in gitlab: ur');
    });

    test('a platform state bucket that is not a bucket name', () => {
      expect(problemsOf({ SMP_PLATFORM_STATE_BUCKET: 'My_Bucket' })).toContain(
        'platformState.bucket = "My_Bucket": must be empty (local state) or the name of an existing S3 bucket (set it in project.config.json or SMP_PLATFORM_STATE_BUCKET)',
      );
    });

    test('several problems are reported together', () => {
      const message = problemsOf({ SMP_REGION: 'nowhere', SMP_GITLAB_URL: 'ftp://x' });
      expect(message).toContain('region');
      expect(message).toContain('gitlab.url');
    });
  });
});
