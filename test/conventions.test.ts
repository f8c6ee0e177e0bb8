import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json'));

describe('repository conventions', () => {
  test('LICENSE is the MIT No Attribution text package.json names: no clause asks to keep the notice', () => {
    const license = read('LICENSE');
    expect(pkg.license).toBe('MIT-0');
    expect(license.split('\n')[0]).toBe('MIT No Attribution');
    expect(license).toMatch(/^Copyright \d{4} \S/m);
    expect(license.replace(/\s+/g, ' ')).toContain('to permit persons to whom the Software is furnished to do so. THE SOFTWARE IS PROVIDED "AS IS"');
    expect(license).not.toContain('shall be included');
  });

  test("the CHANGELOG's newest version is package.json's, dated, with upgrade notes from the one before", () => {
    const versions = [...read('CHANGELOG.md').matchAll(/^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$/gm)].map((match) => match[1]);
    expect(versions[0]).toBe(pkg.version);
    expect(read('CHANGELOG.md')).toContain(`### Upgrading from ${versions[1]}`);
  });

  test(".nvmrc names the Node.js major version that package.json's engines start from", () => {
    const nvmrc = read('.nvmrc').trim();
    expect(nvmrc).toMatch(/^\d+$/);
    expect(pkg.engines.node).toBe(`>=${nvmrc}`);
  });
});
