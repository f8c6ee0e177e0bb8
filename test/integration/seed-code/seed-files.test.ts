import { spawnSync } from '../../harness/child-process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_REPO, DEPLOY_REPO, directoriesUnder, filesUnder, runPython, SEED_REPOS, SEED_ROOT } from './support/seed';

/** Build outputs, caches and editor droppings that must never reach a data scientist's repository. */
const STRAY = [
  /(^|\/)__pycache__(\/|$)/,
  /\.py[co]$/,
  /(^|\/)\.terraform(\/|$)/,
  /\.terraform\.lock\.hcl$/,
  /\.tfstate(\.|$)/,
  /\.tfplan$/,
  /(^|\/)\.DS_Store$/,
  /(^|\/)node_modules(\/|$)/,
  /(^|\/)\.(venv|pytest_cache|mypy_cache|ipynb_checkpoints|idea|vscode)(\/|$)/,
  /\.egg-info(\/|$)/,
  /(^|\/)build\//,
  /~$/,
  /\.sw[op]$/,
];

describe('seed-code/', () => {
  test('holds exactly the two repositories the seed Lambda commits', () => {
    expect(readdirSync(SEED_ROOT).sort()).toEqual(Object.keys(SEED_REPOS).sort());
  });

  describe.each(Object.entries(SEED_REPOS))('%s', (_name, repo) => {
    const files = filesUnder(repo);

    test('holds no build output, cache or editor file', () => {
      expect(files.filter((file) => STRAY.some((pattern) => pattern.test(file)))).toEqual([]);
      expect(directoriesUnder(repo).filter((dir) => STRAY.some((pattern) => pattern.test(`${dir}/`)))).toEqual([]);
    });

    test('holds no file git ignores: every file on disk is one the repository (and the Lambda) has', () => {
      const ignored = spawnSync('git', ['check-ignore', '--no-index', '--stdin'], { cwd: repo, input: files.join('\n'), encoding: 'utf8' });
      expect(ignored.stdout).toBe('');
    });

    test('holds only UTF-8 text files, each ending with a newline, and no empty directory', () => {
      for (const file of files) {
        const content = readFileSync(join(repo, file));
        expect({ file, text: !content.includes(0) && Buffer.from(content.toString('utf8'), 'utf8').equals(content) }).toEqual({ file, text: true });
        expect({ file, endsWithNewline: content.at(-1) === 0x0a }).toEqual({ file, endsWithNewline: true });
      }
      for (const dir of directoriesUnder(repo)) expect({ dir, empty: readdirSync(join(repo, dir)).length === 0 }).toEqual({ dir, empty: false });
    });

    test('has a README for data scientists and a pipeline definition', () => {
      expect(files).toEqual(expect.arrayContaining(['README.md', '.gitlab-ci.yml', 'requirements.txt']));
    });

    test('every Python file compiles (without writing bytecode)', () => {
      const sources = files.filter((file) => file.endsWith('.py'));
      expect(sources.length).toBeGreaterThan(0);
      const run = runPython(['-c', 'import sys\nfor path in sys.argv[1:]:\n    compile(open(path, encoding="utf-8").read(), path, "exec")', ...sources], repo);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    });
  });
});

describe('what the two repositories must agree on', () => {
  /** A module-level constant of a Python file, read with ast (no import, so no SDK needed). */
  function pythonConstant(file: string, name: string): any {
    const run = runPython([
      '-c',
      'import ast, json, sys\n' +
        'tree = ast.parse(open(sys.argv[1]).read())\n' +
        'value = next(node.value for node in tree.body if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == sys.argv[2] for t in node.targets))\n' +
        'print(json.dumps(ast.literal_eval(value)))',
      file,
      name,
    ]);
    if (run.code !== 0) throw new Error(run.stderr);
    return JSON.parse(run.stdout);
  }

  test('the stage configs deploy on instance types the registered model supports', () => {
    const supported: string[] = pythonConstant(join(BUILD_REPO, 'pipelines', 'pipeline.py'), 'INFERENCE_INSTANCE_TYPES');
    for (const stage of ['staging', 'prod']) {
      const config = JSON.parse(readFileSync(join(DEPLOY_REPO, `${stage}-config.json`), 'utf8'));
      expect(supported).toContain(config.instance_type);
    }
  });

  test('the endpoint check sends records laid out as the preprocessing step writes features', () => {
    const measurements: string[] = pythonConstant(join(BUILD_REPO, 'pipelines', 'scripts', 'preprocess.py'), 'MEASUREMENTS');
    const sexes: string[] = pythonConstant(join(BUILD_REPO, 'pipelines', 'scripts', 'preprocess.py'), 'SEX_CATEGORIES');
    const records = readFileSync(join(DEPLOY_REPO, 'scripts', 'sample-records.csv'), 'utf8').trim().split('\n');
    for (const record of records) {
      const fields = record.split(',').map(Number);
      expect(fields).toHaveLength(measurements.length + sexes.length);
      expect(fields.every(Number.isFinite)).toBe(true);
      expect(fields.slice(measurements.length).sort()).toEqual([...Array(sexes.length - 1).fill(0), 1]);
    }
  });

  test('the deploy README documents every Terraform variable and output, and no other', () => {
    const readme = readFileSync(join(DEPLOY_REPO, 'README.md'), 'utf8');
    const declared = (file: string, kind: string) =>
      [...readFileSync(join(DEPLOY_REPO, 'terraform', file), 'utf8').matchAll(new RegExp(`^${kind} "([a-z0-9_]+)"`, 'gm'))].map((match) => match[1]).sort();
    const inputsSection = readme.slice(readme.indexOf('Inputs ('), readme.indexOf('Outputs:'));
    const documentedInputs = [...inputsSection.matchAll(/`([a-z0-9_]+)`/g)].map((match) => match[1]).filter((name) => !name.endsWith('-config.json'));
    expect([...new Set(documentedInputs)].filter((name) => name !== 'staging' && name !== 'prod').sort()).toEqual(declared('variables.tf', 'variable'));
    const outputsLine = readme.split('\n').find((line) => line.startsWith('Outputs:')) ?? '';
    expect([...outputsLine.matchAll(/`([a-z0-9_]+)`/g)].map((match) => match[1]).sort()).toEqual(declared('outputs.tf', 'output'));
  });
});
