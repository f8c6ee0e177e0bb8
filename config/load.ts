import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CONFIG } from './defaults';
import { checkNameLimits, sharedNames, SharedNames } from './names';
import { configSchema, ValidatedConfig } from './schema';

export const DEFAULT_CONFIG_FILE = 'project.config.json';
export const ENV_PREFIX = 'SMP_';

export interface PlatformConfig extends ValidatedConfig {
  readonly names: SharedNames;
}

/** Invalid configuration: one line per problem, each naming the field, the bad value and the fix. */
export class ConfigError extends Error {
  constructor(readonly problems: string[], source: string) {
    super(`Invalid configuration (${source}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** Environment to read `SMP_*` overrides from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Directory the default config file is looked up in. @default process.cwd() */
  readonly cwd?: string;
}

/** `gitlab.ciAuthMode` -> `SMP_GITLAB_CI_AUTH_MODE`. */
export function envVarName(path: string[]): string {
  return ENV_PREFIX + path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep merge where `override` wins; arrays and scalars are replaced, not merged. */
function merge(base: JsonObject, override: JsonObject): JsonObject {
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = result[key];
    result[key] = isObject(current) && isObject(value) && Object.keys(current).length > 0 ? merge(current, value) : value;
  }
  return result;
}

/** Environment overrides, typed after the default value at the same path. */
function envOverrides(defaults: JsonObject, env: NodeJS.ProcessEnv, path: string[] = []): { values: JsonObject; problems: string[] } {
  const values: JsonObject = {};
  const problems: string[] = [];
  for (const [key, fallback] of Object.entries(defaults)) {
    const fieldPath = [...path, key];
    if (isObject(fallback) && Object.keys(fallback).length > 0) {
      const nested = envOverrides(fallback, env, fieldPath);
      if (Object.keys(nested.values).length > 0) values[key] = nested.values;
      problems.push(...nested.problems);
      continue;
    }
    const name = envVarName(fieldPath);
    const raw = env[name];
    if (raw === undefined) continue;
    if (typeof fallback === 'number') {
      const parsed = Number(raw);
      if (raw.trim() === '' || Number.isNaN(parsed)) problems.push(`${fieldPath.join('.')} = "${raw}" (from ${name}): must be a number`);
      else values[key] = parsed;
    } else if (typeof fallback === 'boolean') {
      if (raw === 'true' || raw === 'false') values[key] = raw === 'true';
      else problems.push(`${fieldPath.join('.')} = "${raw}" (from ${name}): must be true or false`);
    } else if (Array.isArray(fallback)) {
      values[key] = raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    } else if (isObject(fallback)) {
      try {
        values[key] = JSON.parse(raw) as Json;
      } catch {
        problems.push(`${fieldPath.join('.')} (from ${name}): must be a JSON object such as {"team":"ml"}`);
      }
    } else {
      values[key] = raw;
    }
  }
  return { values, problems };
}

function valueAt(config: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (isObject(node) || Array.isArray(node) ? (node as never)[key as never] : undefined), config);
}

/**
 * Loads the configuration: embedded defaults, then the config file, then `SMP_*` environment
 * variables. Throws a ConfigError naming every bad field before anything is synthesized.
 */
export function loadConfig(options: LoadOptions = {}): PlatformConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicitFile = env[`${ENV_PREFIX}CONFIG_FILE`];
  const file = resolve(cwd, explicitFile ?? DEFAULT_CONFIG_FILE);
  const sources = ['embedded defaults'];

  let fromFile: JsonObject = {};
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError([`${file} is not valid JSON: ${(error as Error).message}`], file);
    }
    if (!isObject(parsed)) throw new ConfigError([`${file} must hold a JSON object`], file);
    fromFile = parsed;
    sources.push(file);
  } else if (explicitFile !== undefined) {
    throw new ConfigError([`${ENV_PREFIX}CONFIG_FILE names ${file}, which does not exist`], 'environment');
  }

  const defaults = DEFAULT_CONFIG as unknown as JsonObject;
  const overrides = envOverrides(defaults, env);
  if (Object.keys(overrides.values).length > 0) sources.push(`${ENV_PREFIX}* environment variables`);
  const source = sources.join(' + ');
  if (overrides.problems.length > 0) throw new ConfigError(overrides.problems, source);

  const merged = merge(merge(defaults, fromFile), overrides.values);
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const where = issue.path.length > 0 ? ` in ${issue.path.join('.')}` : '';
        return `unknown field(s)${where}: ${issue.keys.join(', ')}; known fields are those of config/defaults.ts`;
      }
      const field = issue.path.join('.');
      const value = JSON.stringify(valueAt(merged, issue.path));
      const envName = envVarName(issue.path.filter((part): part is string => typeof part === 'string'));
      return `${field} = ${value}: ${issue.message} (set it in ${DEFAULT_CONFIG_FILE} or ${envName})`;
    });
    throw new ConfigError(problems, source);
  }

  const limitProblems = checkNameLimits(result.data);
  if (limitProblems.length > 0) throw new ConfigError(limitProblems.map((problem) => problem.message), source);

  return { ...result.data, names: sharedNames(result.data) };
}
