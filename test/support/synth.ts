import { App, Testing } from 'cdktf';
import { loadConfig, PlatformConfig } from '../../config/load';
import { projectStackProps, SageMakerProjectStack } from '../../stacks/sagemaker-project-stack';
import { ServiceCatalogStack } from '../../stacks/service-catalog-stack';

/** A synthesized stack as Terraform JSON. */
export type Synthesized = Record<string, any>;

/** Configuration from the embedded defaults plus `SMP_*`-style overrides given as an env map. */
export function testConfig(env: Record<string, string> = {}): PlatformConfig {
  return loadConfig({ env, cwd: '/nonexistent' });
}

/**
 * Synthesizes both stacks of the app, as `main.ts` wires them, and parses their JSON; `seedCodeDir`
 * replaces the repository's seed-code/ (tests pass a fixture).
 */
export function synthApp(
  config: PlatformConfig = testConfig(),
  seedCodeDir?: string,
): { serviceCatalog: Synthesized; sagemakerProject: Synthesized } {
  const app: App = Testing.app();
  const project = new SageMakerProjectStack(app, projectStackProps(config, seedCodeDir));
  const serviceCatalog = new ServiceCatalogStack(app, config);
  return {
    serviceCatalog: JSON.parse(Testing.synth(serviceCatalog)),
    sagemakerProject: JSON.parse(Testing.synth(project)),
  };
}

/** All instances of a resource (or, with `data`, data source) type: name -> configuration. */
export function resources(stack: Synthesized, type: string, kind: 'resource' | 'data' = 'resource'): Record<string, any> {
  return stack[kind]?.[type] ?? {};
}

/** The only instance of a type; fails when there is not exactly one. */
export function only(stack: Synthesized, type: string, kind: 'resource' | 'data' = 'resource'): any {
  const all = Object.values(resources(stack, type, kind));
  if (all.length !== 1) throw new Error(`expected one ${kind} ${type}, found ${all.length}`);
  return all[0];
}

/**
 * Whether the instance named `name` sits at a construct path ending with `pathSuffix`. Testing.synth
 * leaves out the `//` metadata, so the logical id (path parts joined by `_`, then a hash) is used.
 */
function atPath(name: string, item: any, pathSuffix: string): boolean {
  const path = item['//']?.metadata?.path as string | undefined;
  if (path) return path.endsWith(pathSuffix);
  return name.replace(/_[0-9A-F]{8}$/, '').endsWith(pathSuffix.replace(/\//g, '_'));
}

function entryAt(stack: Synthesized, type: string, pathSuffix: string, kind: 'resource' | 'data'): [string, any] {
  const match = Object.entries(resources(stack, type, kind)).find(([name, item]) => atPath(name, item, pathSuffix));
  if (!match) throw new Error(`no ${kind} ${type} at a path ending in ${pathSuffix}`);
  return match;
}

/** The instance whose construct path ends with `pathSuffix` (e.g. `command-runner/role/role`). */
export function byPath(stack: Synthesized, type: string, pathSuffix: string, kind: 'resource' | 'data' = 'resource'): any {
  return entryAt(stack, type, pathSuffix, kind)[1];
}

/** Terraform address (`aws_x.name`, `data.aws_x.name`) of the instance at `pathSuffix`. */
export function addressOf(stack: Synthesized, type: string, pathSuffix: string, kind: 'resource' | 'data' = 'resource'): string {
  return `${kind === 'data' ? 'data.' : ''}${type}.${entryAt(stack, type, pathSuffix, kind)[0]}`;
}

/** `${aws_x.name.attr}` -> the resource configuration it points at. */
export function referenced(stack: Synthesized, reference: string): any {
  const match = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(reference);
  if (!match) throw new Error(`not a single reference: ${reference}`);
  const [, data, type, name] = match;
  const target = stack[data ? 'data' : 'resource']?.[type]?.[name];
  if (!target) throw new Error(`reference to a missing object: ${reference}`);
  return target;
}

/** Policy statements of the `aws_iam_policy_document` a `${data.aws_iam_policy_document.x.json}` points at. */
export function statementsOf(stack: Synthesized, policyReference: string): any[] {
  return referenced(stack, policyReference).statement;
}
