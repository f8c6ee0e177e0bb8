import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { KNOWN_VARIABLES, NON_CONFIG_VARIABLES } from '../../config/environment';
import { problemsOf, testConfig } from '../support/config';

const ROOT = join(__dirname, '..', '..');

describe('SMP_* variables', () => {
  test('a misspelt variable is rejected with the variable it may mean', () => {
    expect(problemsOf({ SMP_GITLAB_NAMSPACE: 'ds' })).toBe(
      'Invalid configuration (embedded defaults):\n' +
        '  - SMP_GITLAB_NAMSPACE: unknown variable: did you mean SMP_GITLAB_NAMESPACE? Rename it or unset it (set in the environment)',
    );
  });

  test('in any case', () => {
    expect(problemsOf({ smp_region: 'eu-west-1' })).toContain(
      '  - smp_region: unknown variable: did you mean SMP_REGION? Rename it or unset it (set in the environment)',
    );
  });

  test('nothing alike: the README table lists the variables; the value (maybe a secret) is not printed', () => {
    expect(problemsOf({ SMP_GITLAB_ACCESS_TOKEN_VALUE: 'glpat-not-a-real-token' })).toBe(
      'Invalid configuration (embedded defaults):\n' +
        '  - SMP_GITLAB_ACCESS_TOKEN_VALUE: unknown variable: no variable of this app has a similar name; the README configuration table lists them. Unset it (set in the environment)',
    );
  });

  test('the variables that are not configuration are accepted', () => {
    const env = Object.fromEntries(Object.keys(NON_CONFIG_VARIABLES).map((name) => [name, '1']));
    delete env.SMP_CONFIG_FILE; // names a file, which must exist
    expect(testConfig(env).region).toBe('us-east-1');
  });
});

/**
 * What the scan skips: folders that hold no source of ours, test/config (it misspells variables on
 * purpose) and the list itself.
 */
const SKIPPED = new Set([
  'node_modules',
  '.git',
  'cdktf.out',
  'bench-results',
  'coverage',
  '.terraform',
  join('test', 'config'),
  join('config', 'environment.ts'),
]);
const SOURCE_EXTENSIONS = new Set(['.ts', '.js', '.mjs', '.cjs', '.sh', '.py', '.json', '.yml', '.yaml', '.tf', '.hcl']);

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (SKIPPED.has(entry.name) || SKIPPED.has(relative(ROOT, path))) return [];
    if (entry.isDirectory()) return sourceFiles(path);
    return SOURCE_EXTENSIONS.has(extname(entry.name)) ? [path] : [];
  });
}

const NAME = 'SMP_[A-Z0-9_]+';
/** The ways code reads an SMP_* variable, or sets one for a process that reads it. */
const READS = [
  new RegExp(`\\benv\\??\\.(${NAME})`, 'g'), // process.env.SMP_X
  new RegExp(`\\benv\\[\\s*['"\`](${NAME})['"\`]`, 'g'), // env['SMP_X']
  new RegExp(`\\$\\{?(${NAME})`, 'g'), // shell: $SMP_X, ${SMP_X:-default}
  new RegExp(`(?<![\\w'"\`.])(${NAME})\\s*(?::(?!:)|=(?!=))`, 'g'), // { SMP_X: value } for a child process, SMP_X=value
  new RegExp(`(?:getenv|environ(?:\\.get)?)\\(?\\[?\\s*['"](${NAME})`, 'g'), // Python
];

/** Every SMP_* variable read in the repository's sources, with the files that read it. */
function variablesRead(): Map<string, string[]> {
  const reads = new Map<string, string[]>();
  for (const file of sourceFiles(ROOT)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of READS) {
      for (const match of text.matchAll(pattern)) reads.set(match[1], [...new Set([...(reads.get(match[1]) ?? []), relative(ROOT, file)])]);
    }
  }
  return reads;
}

describe('NON_CONFIG_VARIABLES', () => {
  const reads = variablesRead();

  test('every SMP_* variable the code reads is a configuration field or listed in NON_CONFIG_VARIABLES', () => {
    const known = new Set(KNOWN_VARIABLES);
    expect([...reads].filter(([name]) => !known.has(name))).toEqual([]);
  });

  test('every variable listed is read somewhere (the list does not go stale, and the scan sees each kind of read)', () => {
    expect(Object.keys(NON_CONFIG_VARIABLES).filter((name) => !reads.has(name))).toEqual([]);
  });
});
