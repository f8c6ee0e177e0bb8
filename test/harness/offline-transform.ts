/**
 * The documented transform that lets a synthesized stack run through `terraform validate` and
 * `terraform plan` on a machine that can install only some providers (here: hashicorp/aws from a
 * filesystem mirror; gitlab and archive cannot be downloaded).
 *
 * It removes every resource and data source of the other providers, their provider blocks and
 * `required_providers` entries, and replaces each reference to a removed object with a stand-in
 * string, so what remains is checked for real. What was removed is reported, never hidden.
 */

import { escapeRegExp, isObject as isAnyObject, mapInterpolations } from '../../guardrails/terraform-text';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = isAnyObject as (value: unknown) => value is JsonObject;

/** Local names of the providers that can be installed (from the mirror). */
const INSTALLABLE = new Set(['aws']);

export interface OfflineTransformOptions {
  /** Stand-in values for specific references, e.g. `{ 'data.archive_file.tf-code.output_path': '/tmp/x.zip' }`. */
  readonly standIns?: Record<string, string>;
}

export interface OfflineTransformResult {
  /** The stack, ready for terraform, as a JSON object. */
  readonly config: JsonObject;
  /** Provider names removed (e.g. `gitlab`). */
  readonly removedProviders: string[];
  /** Addresses of removed resources and data sources (e.g. `data.archive_file.tf-code`). */
  readonly removedAddresses: string[];
  /** References that were replaced by stand-ins. */
  readonly replacedReferences: string[];
}

/** Local name of the provider a resource type belongs to: `gitlab_project` -> `gitlab`. */
const providerOf = (type: string) => type.split('_')[0];

export function removeUninstallableProviders(stack: JsonObject, options: OfflineTransformOptions = {}): OfflineTransformResult {
  const config = JSON.parse(JSON.stringify(stack)) as JsonObject;
  const removedProviders = new Set<string>();
  const removedAddresses: string[] = [];

  const terraformBlock = isObject(config.terraform) ? config.terraform : undefined;
  const required = terraformBlock && isObject(terraformBlock.required_providers) ? terraformBlock.required_providers : undefined;
  if (required) {
    for (const name of Object.keys(required)) {
      if (!INSTALLABLE.has(name)) {
        delete required[name];
        removedProviders.add(name);
      }
    }
  }
  if (isObject(config.provider)) {
    for (const name of Object.keys(config.provider)) {
      if (!INSTALLABLE.has(name)) {
        delete config.provider[name];
        removedProviders.add(name);
      }
    }
  }
  for (const [block, prefix] of [
    ['resource', ''],
    ['data', 'data.'],
  ] as const) {
    const section = config[block];
    if (!isObject(section)) continue;
    for (const type of Object.keys(section)) {
      if (INSTALLABLE.has(providerOf(type)) || providerOf(type) === 'terraform') continue;
      const instances = section[type];
      if (isObject(instances)) for (const name of Object.keys(instances)) removedAddresses.push(`${prefix}${type}.${name}`);
      removedProviders.add(providerOf(type));
      delete section[type];
    }
  }

  const replacedReferences = new Set<string>();
  if (removedAddresses.length > 0) {
    const standIns = options.standIns ?? {};
    const addressPattern = removedAddresses.map(escapeRegExp).join('|');
    // A reference is an address followed by attribute and index steps: .attr, [0], ["key"].
    const reference = new RegExp(`(?:${addressPattern})(?:\\.[A-Za-z0-9_-]+|\\[[^\\]]*\\])*`, 'g');
    const rewrite = (value: Json, key?: string): Json => {
      if (typeof value === 'string') {
        if (key === 'depends_on') return value;
        return mapInterpolations(value, (expression) =>
          expression.replace(reference, (match) => {
            replacedReferences.add(match);
            return JSON.stringify(standIns[match] ?? `offline-stand-in:${match}`);
          }),
        );
      }
      if (Array.isArray(value)) {
        const items = value.map((item) => rewrite(item, key));
        if (key === 'depends_on') {
          return items.filter((item) => typeof item !== 'string' || !removedAddresses.some((address) => item === address || item.startsWith(`${address}.`)));
        }
        return items;
      }
      if (isObject(value)) {
        const result: JsonObject = {};
        for (const [childKey, child] of Object.entries(value)) result[childKey] = rewrite(child, childKey);
        return result;
      }
      return value;
    };
    for (const key of Object.keys(config)) config[key] = rewrite(config[key], key);
  }

  return {
    config,
    removedProviders: [...removedProviders].sort(),
    removedAddresses: removedAddresses.sort(),
    replacedReferences: [...replacedReferences].sort(),
  };
}

/**
 * Stand-ins for what GitLab answers about the projects a stack creates, for stacks whose other
 * resources need a real-looking value: a numeric project id and an https clone URL.
 */
export function gitlabProjectStandIns(stack: Record<string, any>): Record<string, string> {
  const projects = Object.keys(stack.resource?.gitlab_project ?? {});
  return Object.fromEntries(
    projects.flatMap((name, index) => [
      [`gitlab_project.${name}.id`, String(101 + index)],
      [`gitlab_project.${name}.http_url_to_repo`, `https://gitlab.example.com/ml-team/${name}.git`],
      [`gitlab_project.${name}.path_with_namespace`, `ml-team/${name}`],
    ]),
  );
}
