/**
 * The integration tests' prerequisite check (run by jest's global setup): quick, and on a bare
 * machine it names every missing piece with what installs it.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from '../../harness/child-process';
import { awsProviderVersion, ensurePrerequisites, findMissing, formatMissing, Machine, thisMachine } from '../../harness/prerequisites';

/** An interpreter that finds no third-party module: Debian's, without its site directories. */
function pythonWithoutModules(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bare-python-')), 'python3');
  writeFileSync(path, '#!/bin/sh\nexec /usr/bin/python3 -I -S "$@"\n');
  chmodSync(path, 0o755);
  return path;
}

describe('prerequisites of the integration tests', () => {
  test('this machine has them all, and checking takes seconds', () => {
    const started = Date.now();
    expect(findMissing()).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a bare machine is told each missing piece and the command that installs it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'bare-machine-'));
    const bare: Machine = {
      path: empty,
      terraform: join(empty, 'terraform'),
      mirror: empty,
      seedPython: join(empty, 'python3'),
      systemPython: join(empty, 'python3'),
    };
    const report = formatMissing(findMissing(bare));
    const version = awsProviderVersion();
    expect(report.split('\n')).toEqual([
      'The integration tests cannot run on this machine; missing:',
      expect.stringMatching(
        new RegExp(
          `^  - terraform \\(${empty}/terraform\\) cannot be run: .*: install terraform 1\\.11\\.4 \\(https://releases\\.hashicorp\\.com/terraform/1\\.11\\.4/terraform_1\\.11\\.4_linux_amd64\\.zip, unzip into /usr/local/bin\\) or set TERRAFORM_BIN to its path$`,
        ),
      ),
      `  - the hashicorp/aws ${version} provider is not in the filesystem mirror ${empty} (TF_PLUGIN_MIRROR): where registry.terraform.io is reachable, run \`terraform providers mirror -platform=linux_amd64 ${empty}\` in a folder whose configuration requires hashicorp/aws ${version}, or set TF_PLUGIN_MIRROR to a mirror that has it`,
      `  - ${empty}/python3 cannot be run: Debian package python3`,
      '  - shellcheck (not on PATH): Debian package shellcheck',
      '  - zip (not on PATH): Debian package zip',
      '  - unzip (not on PATH): Debian package unzip',
      '  - curl (not on PATH): Debian package curl',
      '  - openssl (not on PATH): Debian package openssl',
      '  - git (not on PATH): Debian package git',
      '',
      'Install the Debian packages (as root): apt-get update && apt-get install -y --no-install-recommends python3 shellcheck zip unzip curl openssl git',
      '',
      'Only the construct tests need none of these: npm run test:constructs',
    ]);
  });

  test('a terraform older than 1.11.0 is named with the version to install; 1.11.0 and later, pre-releases included, are not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'terraform-versions-'));
    const terraformProblems = (version: string) => {
      const terraform = join(dir, `terraform-${version}`);
      writeFileSync(terraform, `#!/bin/sh\necho '{"terraform_version":"${version}"}'\n`);
      chmodSync(terraform, 0o755);
      return findMissing({ ...thisMachine(), terraform }).filter((missing) => missing.what.startsWith('terraform'));
    };
    expect(terraformProblems('1.10.9')).toEqual([
      { what: 'terraform 1.10.9 is older than 1.11.0', fix: expect.stringMatching(/^install terraform 1\.11\.4 /) },
    ]);
    expect(terraformProblems('1.9.12').map((missing) => missing.what)).toEqual(['terraform 1.9.12 is older than 1.11.0']);
    for (const version of ['1.11.0', '1.11.0-beta1', '1.12.2', '2.0.0']) expect(terraformProblems(version)).toEqual([]);
  });

  test('Python modules Debian packages are missing from its interpreter are named with their packages', () => {
    const python = pythonWithoutModules();
    const missing = findMissing({ ...thisMachine(), seedPython: python, systemPython: python });
    expect(missing).toEqual(
      ['pandas', 'sklearn', 'xgboost', 'yaml', 'boto3', 'jmespath'].map((module) => ({
        what: `Python module ${module} for ${python}`,
        debianPackage: {
          pandas: 'python3-pandas',
          sklearn: 'python3-sklearn',
          xgboost: 'python3-xgboost',
          yaml: 'python3-yaml',
          boto3: 'python3-boto3',
          jmespath: 'python3-jmespath',
        }[module],
      })),
    );
  });

  test('another interpreter (SEED_PYTHON) is told to pip install what it lacks', () => {
    const python = pythonWithoutModules();
    const missing = findMissing({ ...thisMachine(), seedPython: python });
    expect(missing.map((item) => item.fix)).toEqual(
      ['pandas', 'scikit-learn', 'xgboost', 'pyyaml', 'boto3', 'jmespath'].map((name) => `${python} -m pip install ${name}`),
    );
  });
});

describe('installing what Debian provides', () => {
  /**
   * This machine with `zip` hidden: a PATH of links to every other tool, and an apt-get stand-in that
   * records its calls and, asked to install, provides a zip.
   */
  function machineWithoutZip() {
    const bin = mkdtempSync(join(tmpdir(), 'bin-'));
    for (const tool of ['sh', 'terraform', 'shellcheck', 'unzip', 'curl', 'openssl', 'git']) {
      symlinkSync(spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(bin, tool));
    }
    const calls = join(bin, 'apt-get.calls');
    writeFileSync(
      join(bin, 'apt-get'),
      `#!/bin/sh\necho "$*" >> '${calls}'\necho "apt says $1"\nif [ "$1" = install ]; then printf '#!/bin/sh\\n' > '${bin}/zip'; /bin/chmod +x '${bin}/zip'; fi\n`,
    );
    chmodSync(join(bin, 'apt-get'), 0o755);
    return { machine: { ...thisMachine(), path: bin }, calls };
  }

  test('as root, a missing package is installed with apt-get as playwright install-deps does, and said so', () => {
    const { machine, calls } = machineWithoutZip();
    expect(findMissing(machine)).toEqual([{ what: 'zip (not on PATH)', debianPackage: 'zip' }]);
    let said = '';
    ensurePrerequisites({ machine, root: true, log: (text) => (said += text) });
    expect(readFileSync(calls, 'utf8')).toBe('update -qq\ninstall -y -qq --no-install-recommends zip\n');
    expect(said).toBe(
      '\nThe integration tests need Debian packages this machine lacks; installing them: apt-get install -y --no-install-recommends zip\napt says update\napt says install\n',
    );
    expect(findMissing(machine)).toEqual([]);
  });

  test('not as root, nothing is installed and the run stops naming the package and the command', () => {
    const { machine, calls } = machineWithoutZip();
    expect(() => ensurePrerequisites({ machine, root: false, log: () => undefined })).toThrow(
      '  - zip (not on PATH): Debian package zip\n\nInstall the Debian packages (as root): apt-get update && apt-get install -y --no-install-recommends zip\n',
    );
    expect(existsSync(calls)).toBe(false);
  });
});
