import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FIELDS } from '../../config/fields';
import { configJsonSchema, EXAMPLE_FILE, fieldDescriptions, generatedFiles, REGENERATE_COMMAND, SCHEMA_FILE } from '../../tools/config-schema';
import { testConfig } from '../support/config';

const ROOT = join(__dirname, '..', '..');

describe('JSON Schema and example configuration', () => {
  test.each(Object.entries(generatedFiles()))('the committed %s matches the code', (file, generated) => {
    const committed = readFileSync(join(ROOT, file), 'utf8');
    expect(committed === generated ? 'up to date' : `out of date: run ${REGENERATE_COMMAND}`).toBe('up to date');
  });

  test('the example file loads as is and holds exactly the embedded defaults', () => {
    const { names: _names, ...fromExample } = testConfig({ SMP_CONFIG_FILE: join(ROOT, EXAMPLE_FILE) });
    const { names: _defaultNames, ...defaults } = testConfig();
    expect(fromExample).toEqual(defaults);
    expect(JSON.parse(readFileSync(join(ROOT, EXAMPLE_FILE), 'utf8')).$schema).toBe(`./${SCHEMA_FILE}`);
  });

  test('descriptions come from the doc comments of config/defaults.ts, with the variable', () => {
    const descriptions = fieldDescriptions();
    expect(descriptions.get('region')).toBe('AWS region of both stacks.');
    expect(descriptions.get('serviceCatalog.studioPrincipalArns')).toBe(
      'IAM principals (role ARNs, or IAM_PATTERN ARNs with `*` and no account) that see the product in Studio: the SageMaker Studio execution role(s).',
    );
    expect(CONFIG_FIELDS.filter((field) => !descriptions.has(field.name)).map((field) => field.name)).toEqual([]);
    const schema = configJsonSchema() as any;
    expect(schema.properties.gitlab.properties.ciAuthMode).toEqual({
      type: 'string',
      enum: ['oidc', 'access-keys'],
      description:
        "How GitLab CI authenticates to AWS: `oidc` (recommended: each project's own role, assumed with GitLab ID tokens, no long-lived key) or `access-keys` (each project's own IAM user, whose key the seeding function stores as masked, protected CI variables). Environment variable: SMP_GITLAB_CI_AUTH_MODE.",
      default: 'oidc',
    });
  });

  test('editors complete regions, allow "$schema", need no field, reject unknown fields and get no pattern the loader does not apply', () => {
    const schema = configJsonSchema() as any;
    expect(schema.properties.region.enum).toContain('eu-west-1');
    expect(schema.properties.platformState.properties.region.enum).toContain('');
    expect(schema.properties.$schema.type).toBe('string');
    expect(JSON.stringify(schema)).not.toContain('"required"');
    expect([schema.additionalProperties, schema.properties.gitlab.additionalProperties]).toEqual([false, false]);
    // gitlab.url's rule is case-insensitive, which a JSON Schema pattern cannot say.
    expect(schema.properties.gitlab.properties.url.pattern).toBeUndefined();
    expect(schema.properties.gitlab.properties.namespace.pattern).toBe('^[\\w.-]+(\\/[\\w.-]+)*$');
  });
});
