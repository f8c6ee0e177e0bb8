import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { DEFAULT_CONFIG } from './defaults';
import { environmentOverrides, unknownVariables } from './environment';
import { CONFIG_FIELDS, CONFIG_GROUPS, ENV_PREFIX, fieldAt, isGroup, isObject } from './fields';
import { describeJsonSyntaxError, findJsonSyntaxError } from './json-syntax';
import { checkNameLimits, NameLimitViolation, sharedNames, SharedNames } from './names';
import { describeProblem, Problem } from './problem';
import { configSchema, ValidatedConfig } from './schema';
import { closestMatches, orList } from './suggest';

export const DEFAULT_CONFIG_FILE = 'project.config.json';
/** The variable naming another configuration file. */
export const CONFIG_FILE_VARIABLE = `${ENV_PREFIX}CONFIG_FILE`;
/** The top-level key that points an editor at the JSON Schema (project.config.example.json has it); not a field. */
export const SCHEMA_KEY = '$schema';

export interface PlatformConfig extends ValidatedConfig {
  readonly names: SharedNames;
}

/** Invalid configuration: one entry per problem, each naming the field, the bad value, the rule, its source and the fix. */
export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    sources: string,
  ) {
    super(`Invalid configuration (${sources}):\n${problems.map((problem) => `  - ${problem.replace(/\n/g, '\n    ')}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** Environment to read `SMP_*` overrides from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Directory the default config file is looked up in. @default process.cwd() */
  readonly cwd?: string;
}

type JsonObject = Record<string, unknown>;
type Issue = z.core.$ZodIssue;

/** Deep merge where `override` wins; arrays, scalars and field values that are objects (`tags`) are replaced, not merged. */
function merge(base: JsonObject, override: JsonObject): JsonObject {
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = result[key];
    result[key] = isGroup(current) && isObject(value) ? merge(current, value) : value;
  }
  return result;
}

function valueAt(config: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (isObject(node) || Array.isArray(node) ? (node as never)[key as never] : undefined), config);
}

/** A copy of `config` with `value` at `path` (undefined: the key removed). */
function withValueAt(config: JsonObject, path: readonly string[], value: unknown): JsonObject {
  if (path.length === 0) return value as JsonObject;
  const [key, ...rest] = path;
  const result = { ...config };
  if (rest.length > 0) result[key] = withValueAt(isObject(config[key]) ? config[key] : {}, rest, value);
  else if (value === undefined) delete result[key];
  else result[key] = value;
  return result;
}

/** The file's fields, or the one problem that keeps it from being used. */
type FileRead = { fields: JsonObject } | { problem: string };

function readConfigFile(file: string): FileRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    return { problem: `${file}: cannot be read: ${(error as Error).message}` };
  }
  const syntaxError = findJsonSyntaxError(text);
  if (syntaxError) return { problem: describeJsonSyntaxError(file, text, syntaxError) };
  const parsed: unknown = JSON.parse(text);
  if (!isObject(parsed)) {
    return { problem: `${file}: must hold a JSON object ({ "region": "eu-west-1", ... }), found ${Array.isArray(parsed) ? 'a list' : JSON.stringify(parsed)}` };
  }
  const { [SCHEMA_KEY]: _schema, ...fields } = parsed;
  return { fields };
}

const KNOWN_NAMES = [...CONFIG_FIELDS.map((field) => field.name), ...CONFIG_GROUPS];
const lastPart = (name: string) => name.slice(name.lastIndexOf('.') + 1);
const parentOf = (name: string) => name.slice(0, Math.max(0, name.lastIndexOf('.')));

/**
 * An unknown field of the file, with the fields it may have meant: the same name at another level
 * (`namespace` -> `gitlab.namespace`) or a near one, those beside it first. Its value is not
 * printed: a misplaced field may hold a secret.
 */
function unknownField(path: readonly PropertyKey[], file: string): Problem {
  const name = path.join('.');
  const matches = closestMatches(lastPart(name), KNOWN_NAMES, lastPart);
  const siblings = matches.filter((match) => parentOf(match) === parentOf(name));
  const suggestions = siblings.length > 0 ? siblings : matches;
  const rule =
    suggestions.length > 0
      ? `unknown field: did you mean ${orList(suggestions)}?`
      : 'unknown field: no field has a similar name; project.config.example.json lists every field with its default';
  return { field: name, rule, source: `in ${file}` };
}

/** The path of the field an issue is about (a whole group, or the root, for issues above any field). */
const issueFieldPath = (path: readonly PropertyKey[]): string[] => fieldAt(path)?.path ?? path.map(String);

/**
 * Limits of the names derived from fields that passed their own rules, checked in the same pass as
 * those rules. A field that failed is put back to its default (its whole group where that is not
 * enough, as for a rule across fields), and a limit that involves it waits for its fix.
 */
function nameLimitViolations(merged: JsonObject, issues: readonly Issue[]): NameLimitViolation[] {
  const failedPaths = issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path.map(String), key]) : [issueFieldPath(issue.path)],
  );
  for (const widen of [(path: string[]) => path, (path: string[]) => path.slice(0, 1)]) {
    const reset = failedPaths.map(widen);
    const repaired = reset.reduce((config, path) => withValueAt(config, path, valueAt(DEFAULT_CONFIG, path)), merged);
    const result = configSchema.safeParse(repaired);
    if (!result.success) continue;
    const involvesReset = (field: string) => reset.some((path) => path.length === 0 || field === path.join('.') || field.startsWith(`${path.join('.')}.`));
    return checkNameLimits(result.data).filter((violation) => !violation.fields.some(involvesReset));
  }
  return [];
}

/** Where a value came from: `short` for a list of fields, `long` with where to change it. */
type Origin = (path: readonly PropertyKey[]) => { short: string; long: string };

/** The fields' rules, then the limits of the names derived from them: every problem of `merged` at once. */
function validate(merged: JsonObject, file: string, origin: Origin): { config?: ValidatedConfig; problems: string[] } {
  const result = configSchema.safeParse(merged);
  if (result.success) {
    const violations = checkNameLimits(result.data);
    return { config: violations.length === 0 ? result.data : undefined, problems: violations.map(describeViolation) };
  }
  const fieldProblems = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => describeProblem(unknownField([...issue.path, key], file)))
      : [describeProblem({ field: issue.path.join('.'), value: valueAt(merged, issue.path), rule: issue.message, source: origin(issue.path).long })],
  );
  return { problems: [...fieldProblems, ...nameLimitViolations(merged, result.error.issues).map(describeViolation)] };

  function describeViolation(violation: NameLimitViolation): string {
    return `${violation.message} (${violation.fields.map((field) => `${field}: ${origin(field.split('.')).short}`).join('; ')})`;
  }
}

/**
 * Loads the configuration: embedded defaults, then the config file, then `SMP_*` environment
 * variables. Throws a ConfigError naming every problem at once, each with the source of its value,
 * before anything is synthesized.
 */
export function loadConfig(options: LoadOptions = {}): PlatformConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicitFile = env[CONFIG_FILE_VARIABLE];
  const file = resolve(cwd, explicitFile ?? DEFAULT_CONFIG_FILE);
  const overrides = environmentOverrides(env);
  const sources = ['embedded defaults'];

  let fileRead: FileRead = { fields: {} };
  if (existsSync(file)) {
    fileRead = readConfigFile(file);
    sources.push(file);
  } else if (explicitFile !== undefined) {
    const rule = `names ${file}, which does not exist; fix the path or unset it`;
    fileRead = { problem: describeProblem({ field: CONFIG_FILE_VARIABLE, value: explicitFile, rule, source: 'set in the environment' }) };
  }
  if (overrides.values.size + overrides.problems.length > 0) sources.push(`${ENV_PREFIX}* environment variables`);

  const problems = overrides.problems.map(describeProblem);
  let config: ValidatedConfig | undefined;
  if ('problem' in fileRead) {
    // Without the file's fields the rules cannot be checked: they wait for the file.
    problems.unshift(fileRead.problem);
  } else {
    const fromFile = fileRead.fields;
    const origin: Origin = (path) => {
      const field = fieldAt(path);
      if (field && overrides.values.has(field)) return { short: field.variable, long: `from ${field.variable}` };
      if (valueAt(fromFile, issueFieldPath(path)) !== undefined) return { short: file, long: `from ${file}` };
      return { short: 'embedded default', long: field ? `embedded default; set it in ${file} or ${field.variable}` : 'embedded default' };
    };
    const merged = [...overrides.values].reduce((result, [field, value]) => withValueAt(result, field.path, value), merge(DEFAULT_CONFIG, fromFile));
    const validation = validate(merged, file, origin);
    config = validation.config;
    problems.push(...validation.problems);
  }
  problems.push(...unknownVariables(env).map(describeProblem));

  if (config && problems.length === 0) return { ...config, names: sharedNames(config) };
  throw new ConfigError(problems, sources.join(' + '));
}
