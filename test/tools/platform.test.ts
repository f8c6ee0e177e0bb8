/** npm run deploy|diff|destroy|output, in process: what it refuses, the cdktf command and environment it builds, the mirror it checks (test/integration/commands/platform.test.ts runs it). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPLIED_BY_THE_RUNNER } from '../../contract/runner';
import {
  cdktfArguments,
  cliConfiguration,
  cliEnvironment,
  masked,
  missingFromMirror,
  providerAddress,
  refusal,
  shownCommandLine,
  terraformPlatform,
} from '../../tools/platform';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'platform-unit-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const folder = (name: string) => {
  const path = join(scratch, name);
  mkdirSync(path, { recursive: true });
  return path;
};

describe('refusals', () => {
  test.each([
    [['sagemaker-project'], 'sagemaker-project'],
    [['*'], '*'],
    [['sagemaker-*'], 'sagemaker-*'],
    [['service-catalog', 'sagemaker-project', '--auto-approve'], 'sagemaker-project'],
  ])('the project stack, named or matched (%j): the runner applies it', (args, pattern) => {
    expect(refusal('deploy', args)).toBe(`npm run deploy -- ${pattern}: refused. ${APPLIED_BY_THE_RUNNER}`);
  });

  test('any other stack name', () => {
    expect(refusal('output', ['platform'])).toBe(
      'npm run output -- platform: refused. npm run output runs on the platform stack, service-catalog, and takes no stack name; "platform" names no stack of this app.',
    );
  });

  test.each([['--app', 'node other.js'], ['-a', 'node other.js'], ['--output', 'elsewhere'], ['-o', 'elsewhere'], ['--output=elsewhere']])(
    'an option the command sets itself: %s',
    (...args) => {
      expect(refusal('diff', args)).toBe(
        `npm run diff -- ${args[0]}: refused. npm run diff synthesizes this app into cdktf.out/ itself; for another app or folder, run npx cdktf diff directly.`,
      );
    },
  );

  test.each([
    [['-var', 'gitlab_private_token=glpat-refusal-0000'], 'gitlab_private_token=***'],
    [['--var', 'a=1', 'gitlab_private_token=glpat-refusal-0000'], 'gitlab_private_token=***'],
  ])("an option's value taken for a stack name (%j) is shown masked", (args, shown) => {
    const message = refusal('deploy', args);
    expect(message).toBe(
      `npm run deploy -- ${shown}: refused. npm run deploy runs on the platform stack, service-catalog, and takes no stack name; "${shown}" names no stack of this app.`,
    );
    expect(message).not.toContain('glpat-refusal-0000');
  });

  test.each([
    [[]],
    [['--auto-approve']],
    [['service-catalog', '--auto-approve']],
    [['service-*']],
    [['--var-file', 'sagemaker-project.tfvars']],
    [['--var', 'gitlab_private_token_version=2']],
  ])('nothing refused in %j (option values are not stack names)', (args) => {
    expect(refusal('deploy', args)).toBeUndefined();
  });
});

describe('what the cdktf CLI is run with', () => {
  test("the command on the platform stack as synthesized, then the user's arguments as given", () => {
    expect(cdktfArguments('deploy', ['--auto-approve', '--var', 'gitlab_private_token_version=2'], 'cdktf.out', undefined)).toEqual([
      'deploy',
      'service-catalog',
      '--skip-synth',
      '--output',
      'cdktf.out',
      '--auto-approve',
      '--var',
      'gitlab_private_token_version=2',
    ]);
  });

  test('with a mirror, the registry-only provider lock is skipped; a stack name given is not repeated', () => {
    expect(cdktfArguments('destroy', ['service-catalog', '--auto-approve'], 'cdktf.out', '/srv/mirror')).toEqual([
      'destroy',
      'service-catalog',
      '--skip-synth',
      '--output',
      'cdktf.out',
      '--skip-provider-lock',
      '--auto-approve',
    ]);
  });

  test('the command line is shown with every value after an = masked, the stack names left out as in the run', () => {
    expect(masked('gitlab_private_token=glpat-abc=def')).toBe('gitlab_private_token=***');
    expect(masked('service-catalog')).toBe('service-catalog');
    expect(
      shownCommandLine(
        'deploy',
        ['service-catalog', '--var', 'gitlab_private_token=glpat-shown-0000', '--var=gitlab_private_token=glpat-shown-0001', '--auto-approve'],
        'cdktf.out',
        '/srv/mirror',
      ),
    ).toBe('cdktf deploy service-catalog --skip-synth --output cdktf.out --skip-provider-lock --var gitlab_private_token=*** --var=*** --auto-approve');
    expect(shownCommandLine('diff', ['--no-color'], 'cdktf.out', undefined)).toBe('cdktf diff service-catalog --skip-synth --output cdktf.out --no-color');
  });

  test('no checkpoint call; TF_CLI_CONFIG_FILE replaced only when there is a mirror configuration', () => {
    const base = { PATH: '/usr/bin', TF_CLI_CONFIG_FILE: '/home/me/.terraformrc' };
    expect(cliEnvironment(base, undefined)).toEqual({ ...base, CHECKPOINT_DISABLE: '1' });
    expect(cliEnvironment(base, '/tmp/run/terraform.tfrc')).toEqual({
      PATH: '/usr/bin',
      TF_CLI_CONFIG_FILE: '/tmp/run/terraform.tfrc',
      CHECKPOINT_DISABLE: '1',
    });
  });

  test("the CLI configuration installs every provider from the mirror and keeps the user's own settings", () => {
    expect(cliConfiguration('diff', '/srv/mirror', undefined)).toEqual({
      text:
        '# Written by npm run diff for this run only: TF_PLUGIN_MIRROR is set, so every provider comes from it.\n' +
        'provider_installation {\n  filesystem_mirror {\n    path = "/srv/mirror"\n  }\n}\n',
    });
    const own = join(folder('rc'), 'terraformrc');
    writeFileSync(own, 'plugin_cache_dir = "/var/cache/terraform"\n');
    expect(cliConfiguration('diff', '/srv/mirror', own)).toEqual({
      text:
        '# Written by npm run diff for this run only: TF_PLUGIN_MIRROR is set, so every provider comes from it.\n' +
        `# From ${own}:\nplugin_cache_dir = "/var/cache/terraform"\n\n` +
        'provider_installation {\n  filesystem_mirror {\n    path = "/srv/mirror"\n  }\n}\n',
    });
    // The machine's TF_CLI_CONFIG_FILE may name a file that does not exist: Terraform warns about it, and reads nothing.
    expect(cliConfiguration('diff', '/srv/mirror', join(scratch, 'no-such-file'))).toEqual(cliConfiguration('diff', '/srv/mirror', undefined));
  });

  test('a user configuration that installs providers its own way is refused, not merged', () => {
    const own = join(folder('rc-installation'), 'terraformrc');
    writeFileSync(own, 'provider_installation {\n  direct {}\n}\n');
    expect(cliConfiguration('deploy', '/srv/mirror', own)).toEqual({
      refusal: `npm run deploy: refused. TF_PLUGIN_MIRROR is set and ${own} (TF_CLI_CONFIG_FILE) has a provider_installation block of its own: unset TF_PLUGIN_MIRROR, or remove that block.`,
    });
  });
});

describe('the provider mirror', () => {
  test('provider sources as Terraform addresses them', () => {
    expect(['aws', 'gitlabhq/gitlab', 'registry.example.com/acme/thing'].map(providerAddress)).toEqual([
      'registry.terraform.io/hashicorp/aws',
      'registry.terraform.io/gitlabhq/gitlab',
      'registry.example.com/acme/thing',
    ]);
  });

  test('platforms as Terraform names them', () => {
    expect([terraformPlatform('linux', 'x64'), terraformPlatform('darwin', 'arm64'), terraformPlatform('win32', 'x64')]).toEqual([
      'linux_amd64',
      'darwin_arm64',
      'windows_amd64',
    ]);
  });

  test('a provider is found unpacked or packed, for the version and platform required, or reported missing', () => {
    const mirror = folder('mirror');
    mkdirSync(join(mirror, 'registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64'), { recursive: true });
    mkdirSync(join(mirror, 'registry.terraform.io/gitlabhq/gitlab'), { recursive: true });
    writeFileSync(join(mirror, 'registry.terraform.io/gitlabhq/gitlab/terraform-provider-gitlab_18.6.1_linux_amd64.zip'), '');
    const required = [
      { source: 'aws', version: '5.100.0' },
      { source: 'gitlabhq/gitlab', version: '18.6.1' },
    ];
    expect(missingFromMirror(mirror, required, 'linux_amd64')).toEqual([]);
    expect(missingFromMirror(mirror, required, 'darwin_arm64')).toEqual([
      'registry.terraform.io/hashicorp/aws 5.100.0',
      'registry.terraform.io/gitlabhq/gitlab 18.6.1',
    ]);
    expect(
      missingFromMirror(
        mirror,
        [
          { source: 'aws', version: '5.99.0' },
          { source: 'hashicorp/archive', version: '2.7.1' },
        ],
        'linux_amd64',
      ),
    ).toEqual(['registry.terraform.io/hashicorp/aws 5.99.0', 'registry.terraform.io/hashicorp/archive 2.7.1']);
    expect(missingFromMirror(mirror, [{ source: 'aws', version: '~> 5.0' }], 'linux_amd64')).toEqual([]);
  });
});
