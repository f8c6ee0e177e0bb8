import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSeedFixture } from '../support/seed-fixture';
import { synthApp } from '../support/synth';

/** First-column entries (`name`) of the table under the README heading `heading`. */
function tableNames(readme: string, heading: string): string[] {
  const section = readme.split(`### ${heading}`)[1]?.split('\n### ')[0] ?? '';
  return [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((match) => match[1]).sort();
}

describe('README of the sagemaker-project stack', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const { sagemakerProject } = synthApp(undefined, writeSeedFixture());

  test('its inputs table lists exactly the stack\'s variables', () => {
    expect(tableNames(readme, 'Project stack inputs (Terraform variables, set by CommandRunner as `TF_VAR_*`)')).toEqual(Object.keys(sagemakerProject.variable).sort());
  });

  test('its outputs table lists exactly the stack\'s outputs', () => {
    expect(tableNames(readme, 'Project stack outputs')).toEqual(Object.keys(sagemakerProject.output).sort());
  });
});
