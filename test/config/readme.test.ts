import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/defaults';
import { envVarName } from '../../config/load';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** Paths of the configuration's fields (objects with fields of their own are walked, `tags` is one field). */
function fieldPaths(node: Record<string, unknown>, path: string[] = []): string[][] {
  return Object.entries(node).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0
      ? fieldPaths(value as Record<string, unknown>, [...path, key])
      : [[...path, key]],
  );
}

describe('README configuration table', () => {
  const rows = readme.split('\n').filter((line) => line.startsWith('| `'));

  test.each(fieldPaths(DEFAULT_CONFIG).map((path) => [path.join('.'), envVarName(path)]))('documents %s with its variable %s', (field, env) => {
    expect(rows.some((row) => row.startsWith(`| \`${field}\` | \`${env}\` |`))).toBe(true);
  });
});
