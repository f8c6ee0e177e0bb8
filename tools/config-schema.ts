/**
 * `npm run config:schema`: writes the JSON Schema of the configuration file, generated from the zod
 * schema with the doc comments of config/defaults.ts as descriptions, and project.config.example.json,
 * every field with its default. test/tools/config-schema.test.ts fails when either is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { z } from 'zod';
import { DEFAULT_CONFIG } from '../config/defaults';
import { CONFIG_FIELDS } from '../config/fields';
import { SCHEMA_KEY } from '../config/load';
import { configSchema } from '../config/schema';

const ROOT = join(__dirname, '..');
export const SCHEMA_FILE = 'config/project.config.schema.json';
export const EXAMPLE_FILE = 'project.config.example.json';
export const REGENERATE_COMMAND = 'npm run config:schema';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema> };

/** The doc comment of each field of DEFAULT_CONFIG, by field name (`gitlab.ciAuthMode`), as one line. */
export function fieldDescriptions(source = readFileSync(join(ROOT, 'config', 'defaults.ts'), 'utf8')): Map<string, string> {
  const file = ts.createSourceFile('defaults.ts', source, ts.ScriptTarget.ES2022, true);
  const descriptions = new Map<string, string>();
  const unwrap = (node: ts.Expression): ts.Expression => (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) ? unwrap(node.expression) : node);
  const walk = (literal: ts.ObjectLiteralExpression, path: string[]) => {
    for (const property of literal.properties) {
      if (!ts.isPropertyAssignment(property)) continue;
      const name = [...path, property.name.getText(file)];
      const doc = ts
        .getJSDocCommentsAndTags(property)
        .filter(ts.isJSDoc)
        .map((jsDoc) => ts.getTextOfJSDocComment(jsDoc.comment) ?? '');
      if (doc.length > 0) descriptions.set(name.join('.'), doc.join(' ').replace(/\s+/g, ' ').trim());
      const value = unwrap(property.initializer);
      if (ts.isObjectLiteralExpression(value)) walk(value, name);
    }
  };
  file.forEachChild(function visit(node): void {
    if (ts.isVariableDeclaration(node) && node.name.getText(file) === 'DEFAULT_CONFIG' && node.initializer) {
      const value = unwrap(node.initializer);
      if (ts.isObjectLiteralExpression(value)) walk(value, []);
    }
    node.forEachChild(visit);
  });
  return descriptions;
}

/** Every field is optional in the file: the loader merges it over the embedded defaults. */
function withoutRequired(schema: JsonSchema): JsonSchema {
  const { required: _required, properties, ...rest } = schema;
  return properties ? { ...rest, properties: Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, withoutRequired(value)])) } : rest;
}

/** The JSON Schema of project.config.json: zod's rules, the doc comments, the defaults and the environment variables. */
export function configJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(configSchema, {
    target: 'draft-7',
    io: 'input',
    override: ({ zodSchema, jsonSchema }) => {
      // A JSON Schema pattern has no flags: a case-insensitive regex would reject what the loader accepts.
      const checks = (zodSchema._zod.def as { checks?: Array<{ _zod: { def: { pattern?: RegExp } } }> }).checks ?? [];
      if (checks.some((check) => check._zod.def.pattern?.flags)) delete jsonSchema.pattern;
    },
  }) as JsonSchema;
  const schema = withoutRequired(generated);
  const descriptions = fieldDescriptions();
  for (const field of CONFIG_FIELDS) {
    const node = field.path.reduce<JsonSchema>((parent, key) => parent.properties![key], schema);
    const doc = descriptions.get(field.name);
    node.description = `${doc ? `${doc} ` : ''}Environment variable: ${field.variable}.`;
    node.default = field.fallback;
  }
  return {
    $schema: schema.$schema,
    title: 'SageMaker Projects with Terraform and GitLab: configuration',
    description:
      'project.config.json, or the file named by SMP_CONFIG_FILE. Every field is optional: the embedded defaults (config/defaults.ts) fill in the rest, and SMP_* environment variables override the file.',
    ...schema,
    properties: { [SCHEMA_KEY]: { type: 'string', description: 'This JSON Schema, for editors; the app ignores it.' }, ...schema.properties },
  };
}

/** project.config.example.json: every field with its default, checked by editors against the schema. */
export function exampleConfig(): Record<string, unknown> {
  return { [SCHEMA_KEY]: `./${SCHEMA_FILE}`, ...DEFAULT_CONFIG };
}

/** The text each generated file must have. */
export function generatedFiles(): Record<string, string> {
  const render = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return { [SCHEMA_FILE]: render(configJsonSchema()), [EXAMPLE_FILE]: render(exampleConfig()) };
}

if (require.main === module) {
  for (const [file, text] of Object.entries(generatedFiles())) {
    writeFileSync(join(ROOT, file), text);
    console.log(`wrote ${file}`);
  }
}
