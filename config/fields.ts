import { DEFAULT_CONFIG } from './defaults';

export const ENV_PREFIX = 'SMP_';

/** One configuration field: a leaf of DEFAULT_CONFIG (an object with fields of its own is a group; `tags` is one field). */
export interface ConfigField {
  /** ['gitlab', 'ciAuthMode'] */
  readonly path: string[];
  /** `gitlab.ciAuthMode` */
  readonly name: string;
  /** `SMP_GITLAB_CI_AUTH_MODE` */
  readonly variable: string;
  /** The embedded default, which also gives the type an environment variable is read as. */
  readonly fallback: unknown;
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A group of fields, as opposed to a field whose value is an object (`tags`). */
export const isGroup = (value: unknown): value is Record<string, unknown> => isObject(value) && Object.keys(value).length > 0;

/** `gitlab.ciAuthMode` -> `SMP_GITLAB_CI_AUTH_MODE`. */
export function envVarName(path: string[]): string {
  return ENV_PREFIX + path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

function fieldsOf(node: Record<string, unknown>, path: string[]): ConfigField[] {
  return Object.entries(node).flatMap(([key, value]) =>
    isGroup(value)
      ? fieldsOf(value, [...path, key])
      : [{ path: [...path, key], name: [...path, key].join('.'), variable: envVarName([...path, key]), fallback: value }],
  );
}

/** Every configuration field, in the order of config/defaults.ts. */
export const CONFIG_FIELDS: readonly ConfigField[] = fieldsOf(DEFAULT_CONFIG, []);

/** The paths of the groups (`serviceCatalog`, `gitlab`, ...), which hold fields but are not fields. */
export const CONFIG_GROUPS: readonly string[] = [...new Set(CONFIG_FIELDS.filter((field) => field.path.length > 1).map((field) => field.path[0]))];

/**
 * The field a problem at `path` is about: `serviceCatalog.studioPrincipalArns.0` is about
 * `serviceCatalog.studioPrincipalArns`. Undefined for a group or a path that names no field.
 */
export function fieldAt(path: readonly PropertyKey[]): ConfigField | undefined {
  return CONFIG_FIELDS.find((field) => field.path.every((part, index) => path[index] === part));
}
