import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FIELDS } from '../../config/fields';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('README configuration table', () => {
  const rows = readme.split('\n').filter((line) => line.startsWith('| `'));

  test.each(CONFIG_FIELDS.map((field) => [field.name, field.variable]))('documents %s with its variable %s', (field, env) => {
    expect(rows.some((row) => row.startsWith(`| \`${field}\` | \`${env}\` |`))).toBe(true);
  });
});
