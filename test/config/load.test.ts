import { dirname } from 'node:path';
import { envVarName } from '../../config/fields';
import { problemsOf, testConfig, writeConfigFile } from '../support/config';

describe('configuration', () => {
  test('embedded defaults are valid and derive every shared name', () => {
    const config = testConfig();
    expect(config.region).toBe('us-east-1');
    expect(config.gitlab.ciAuthMode).toBe('oidc');
    expect(config.names.prefix).toBe('example-dev-mlops');
    expect(config.names.stateBucket('123456789012')).toBe('example-dev-mlops-tfstate-123456789012-us-east-1');
    expect(config.names.runnerRole).toBe('example-dev-mlops-project-runner');
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
    const file = writeConfigFile({ organization: 'acme', gitlab: { url: 'https://gitlab.acme.io', namespace: 'ds' } });
    const config = testConfig({ SMP_GITLAB_NAMESPACE: 'ds/projects' }, dirname(file));
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
      expect(message).toMatch(
        /S3 bucket name "averyveryverylongorg-dev-machinelearningteam-tfstate-123456789012-ap-southeast-2" is \d+ characters; the limit is 63/,
      );
      expect(message).toContain('Shorten organization or environment or role or region');
    });

    test('an IAM role name over 64 characters', () => {
      const message = problemsOf({ SMP_RUNNER_ROLE_NAME: 'r'.repeat(65) });
      expect(message).toContain('runner.roleName');
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

    test('a platform state bucket that is not a bucket name', () => {
      expect(problemsOf({ SMP_PLATFORM_STATE_BUCKET: 'My_Bucket' })).toContain(
        'platformState.bucket = "My_Bucket": must be empty (local state) or the name of an existing S3 bucket (from SMP_PLATFORM_STATE_BUCKET)',
      );
    });

    test('several problems are reported together', () => {
      const message = problemsOf({ SMP_REGION: 'nowhere', SMP_GITLAB_URL: 'ftp://x' });
      expect(message).toContain('region');
      expect(message).toContain('gitlab.url');
    });
  });

  describe('each problem names the source its value came from', () => {
    test('a variable', () => {
      expect(problemsOf({ SMP_GITLAB_CI_AUTH_MODE: 'password' })).toBe(
        'Invalid configuration (embedded defaults + SMP_* environment variables):\n' +
          '  - gitlab.ciAuthMode = "password": must be one of: oidc, access-keys (from SMP_GITLAB_CI_AUTH_MODE)',
      );
    });

    test('the file named by SMP_CONFIG_FILE, not project.config.json', () => {
      const file = writeConfigFile({ gitlab: { ciAuthMode: 'password' } }, 'platform.json');
      expect(problemsOf({ SMP_CONFIG_FILE: file })).toBe(
        `Invalid configuration (embedded defaults + ${file}):\n` + `  - gitlab.ciAuthMode = "password": must be one of: oidc, access-keys (from ${file})`,
      );
    });

    test('an embedded default that another field makes wrong: set it in the file actually read, or its variable', () => {
      const file = writeConfigFile({ runner: { terraformVersion: '1.12.0' } }, 'platform.json');
      expect(problemsOf({ SMP_CONFIG_FILE: file })).toContain(
        `  - runner.terraformSha256 = "1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc": is the checksum of Terraform 1.11.4; ` +
          'set the SHA-256 of terraform_1.12.0_linux_amd64.zip from https://releases.hashicorp.com/terraform/1.12.0/terraform_1.12.0_SHA256SUMS ' +
          `(embedded default; set it in ${file} or SMP_RUNNER_TERRAFORM_SHA256)`,
      );
    });

    test('a name over its limit lists where each of its fields came from', () => {
      const file = writeConfigFile({ organization: 'averyveryverylongorg' });
      expect(problemsOf({ SMP_ROLE: 'machinelearningteam', SMP_REGION: 'ap-southeast-2' }, dirname(file))).toBe(
        `Invalid configuration (embedded defaults + ${file} + SMP_* environment variables):\n` +
          '  - S3 bucket name "averyveryverylongorg-dev-machinelearningteam-tfstate-123456789012-ap-southeast-2" is 80 characters; the limit is 63. ' +
          `Shorten organization or environment or role or region. (organization: ${file}; environment: embedded default; role: SMP_ROLE; region: SMP_REGION)\n` +
          '  - IAM role and Lambda function names of a project "averyveryverylongorg-dev-machinelearningteam-p-abcdefghijkl-deploy-trigger" is 74 characters; the limit is 64. ' +
          `Shorten organization or environment or role. (organization: ${file}; environment: embedded default; role: SMP_ROLE)`,
      );
    });
  });

  describe('unknown fields in the file get a suggestion', () => {
    const unknownFieldProblems = (contents: object) => {
      const file = writeConfigFile(contents);
      return { file, message: problemsOf({}, dirname(file)) };
    };

    test('a misspelt field: the field beside it', () => {
      const { file, message } = unknownFieldProblems({ gitlab: { ur: 'https://gitlab.acme.io' } });
      expect(message).toBe(`Invalid configuration (embedded defaults + ${file}):\n  - gitlab.ur: unknown field: did you mean gitlab.url? (in ${file})`);
    });

    test('a field at the wrong level: the field of that name where it belongs', () => {
      const { file, message } = unknownFieldProblems({ namespace: 'ds', gitlab: { region: 'eu-west-1' } });
      expect(message).toBe(
        `Invalid configuration (embedded defaults + ${file}):\n` +
          `  - gitlab.region: unknown field: did you mean region or platformState.region? (in ${file})\n` +
          `  - namespace: unknown field: did you mean gitlab.namespace? (in ${file})`,
      );
    });

    test('case does not matter', () => {
      const { file, message } = unknownFieldProblems({ Region: 'eu-west-1', GitLab: { url: 'https://gitlab.acme.io' } });
      expect(message).toBe(
        `Invalid configuration (embedded defaults + ${file}):\n` +
          `  - Region: unknown field: did you mean region? (in ${file})\n` +
          `  - GitLab: unknown field: did you mean gitlab? (in ${file})`,
      );
    });

    test('nothing alike: the example file lists the fields; the value (maybe a secret) is not printed', () => {
      const { file, message } = unknownFieldProblems({ gitlab: { token: 'glpat-not-a-real-token' } });
      expect(message).toBe(
        `Invalid configuration (embedded defaults + ${file}):\n` +
          `  - gitlab.token: unknown field: no field has a similar name; project.config.example.json lists every field with its default (in ${file})`,
      );
    });

    test('"$schema" at the top level points editors at the JSON Schema and is no field', () => {
      const file = writeConfigFile({ $schema: './config/project.config.schema.json', organization: 'acme' });
      expect(testConfig({}, dirname(file)).organization).toBe('acme');
    });
  });

  describe('a file that cannot be used', () => {
    test('SMP_CONFIG_FILE naming a missing file', () => {
      expect(problemsOf({ SMP_CONFIG_FILE: 'platform.json' }, '/nonexistent')).toBe(
        'Invalid configuration (embedded defaults):\n' +
          '  - SMP_CONFIG_FILE = "platform.json": names /nonexistent/platform.json, which does not exist; fix the path or unset it (set in the environment)',
      );
    });

    test('a file that holds a list', () => {
      const file = writeConfigFile([{ region: 'eu-west-1' }]);
      expect(problemsOf({}, dirname(file))).toBe(
        `Invalid configuration (embedded defaults + ${file}):\n  - ${file}: must hold a JSON object ({ "region": "eu-west-1", ... }), found a list`,
      );
    });

    test('a JSON syntax error: file, line and column, the line and a caret under the column', () => {
      const file = writeConfigFile('{\n  "region": "eu-west-1",\n  "gitlab": { "url": "https://gitlab.acme.io", },\n}\n');
      expect(problemsOf({}, dirname(file))).toBe(
        `Invalid configuration (embedded defaults + ${file}):\n` +
          `  - ${file}:3:48: invalid JSON: expected another field after "," (JSON allows no trailing comma), found "}"\n` +
          '    3 |   "gitlab": { "url": "https://gitlab.acme.io", },\n' +
          '      |                                                ^',
      );
    });

    test('a syntax error stops the file, not the checks of the environment', () => {
      const file = writeConfigFile('{ "region": "eu-west-1" // Ireland\n}');
      expect(problemsOf({ SMP_LOGS_RETENTION_DAYS: 'forever', SMP_REGOIN: 'eu-west-1' }, dirname(file))).toBe(
        `Invalid configuration (embedded defaults + ${file} + SMP_* environment variables):\n` +
          `  - ${file}:1:25: invalid JSON: expected "," or "}" after field, found "/" (JSON has no comments)\n` +
          '    1 | { "region": "eu-west-1" // Ireland\n' +
          '      |                         ^\n' +
          '  - logs.retentionDays = "forever": must be a number (from SMP_LOGS_RETENTION_DAYS)\n' +
          '  - SMP_REGOIN: unknown variable: did you mean SMP_REGION? Rename it or unset it (set in the environment)',
      );
    });
  });

  test('all problems in one pass: variables that cannot be read, unknown fields, rules, name limits and unknown variables', () => {
    const file = writeConfigFile({ gitlab: { namespce: 'ds' }, role: 'machinelearningteam' });
    const env = {
      SMP_LOGS_RETENTION_DAYS: 'forever',
      SMP_S3_PROJECT_TEMPLATE_ENABLED: 'yes',
      SMP_REGION: 'ap-southeast-2',
      SMP_ORGANIZATION: 'averyveryverylongorg',
      SMP_GITLAB_URL: 'http://gitlab.acme.io',
      SMP_GITLAB_NAMSPACE: 'ds',
    };
    expect(problemsOf(env, dirname(file))).toBe(
      `Invalid configuration (embedded defaults + ${file} + SMP_* environment variables):\n` +
        '  - s3ProjectTemplate.enabled = "yes": must be true or false (from SMP_S3_PROJECT_TEMPLATE_ENABLED)\n' +
        '  - logs.retentionDays = "forever": must be a number (from SMP_LOGS_RETENTION_DAYS)\n' +
        '  - gitlab.url = "http://gitlab.acme.io": must be an https URL without a trailing slash, e.g. https://gitlab.com (from SMP_GITLAB_URL)\n' +
        `  - gitlab.namespce: unknown field: did you mean gitlab.namespace? (in ${file})\n` +
        '  - S3 bucket name "averyveryverylongorg-dev-machinelearningteam-tfstate-123456789012-ap-southeast-2" is 80 characters; the limit is 63. ' +
        `Shorten organization or environment or role or region. (organization: SMP_ORGANIZATION; environment: embedded default; role: ${file}; region: SMP_REGION)\n` +
        '  - IAM role and Lambda function names of a project "averyveryverylongorg-dev-machinelearningteam-p-abcdefghijkl-deploy-trigger" is 74 characters; the limit is 64. ' +
        `Shorten organization or environment or role. (organization: SMP_ORGANIZATION; environment: embedded default; role: ${file})\n` +
        '  - SMP_GITLAB_NAMSPACE: unknown variable: did you mean SMP_GITLAB_NAMESPACE? Rename it or unset it (set in the environment)',
    );
  });

  test('a rule across fields does not hold back the name limits', () => {
    // terraformSha256 keeps its (valid) default but no longer matches the version: put back alone it
    // still fails, so its whole group is; the bucket name is checked all the same.
    const message = problemsOf({ SMP_RUNNER_TERRAFORM_VERSION: '1.12.0', SMP_ORGANIZATION: 'averyveryverylongorg', SMP_ROLE: 'machinelearningteam' });
    expect(message).toContain(
      '  - runner.terraformSha256 = "1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc": is the checksum of Terraform 1.11.4',
    );
    expect(message).toContain(
      '  - S3 bucket name "averyveryverylongorg-dev-machinelearningteam-tfstate-123456789012-us-east-1" is 75 characters; the limit is 63. ' +
        'Shorten organization or environment or role or region. (organization: SMP_ORGANIZATION; environment: embedded default; role: SMP_ROLE; region: embedded default)',
    );
  });

  test('a name limit that involves a field breaking its own rule waits for that fix', () => {
    // The role is too long for the bucket name, but it is also not a valid name component: one problem, not two.
    expect(problemsOf({ SMP_ORGANIZATION: 'averyveryverylongorg', SMP_ROLE: 'Machine_Learning_Team' })).toBe(
      'Invalid configuration (embedded defaults + SMP_* environment variables):\n' +
        '  - role = "Machine_Learning_Team": role must be at most 20 characters (from SMP_ROLE)\n' +
        '  - role = "Machine_Learning_Team": role must be lowercase letters, digits and single hyphens, starting with a letter (from SMP_ROLE)',
    );
  });
});
