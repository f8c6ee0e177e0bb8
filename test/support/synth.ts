import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PlatformConfig } from '../../config/load';
import { buildApp, SERVICE_CATALOG_STACK } from '../../main';
import { testConfig } from './config';
import { SAGEMAKER_PROJECT_STACK } from '../../stacks/sagemaker-project-stack';

/** A synthesized stack as Terraform JSON. */
export type Synthesized = Record<string, any>;

export { testConfig };

/**
 * Synthesizes both stacks of the app, as `main.ts` builds them (guardrails included), into a temporary directory and
 * parses their JSON, construct-path metadata included; `seedCodeDir` replaces the repository's
 * seed-code/ (tests of the packaging pass a fixture).
 */
export function synthApp(
  config: PlatformConfig = testConfig(),
  seedCodeDir?: string,
): { serviceCatalog: Synthesized; sagemakerProject: Synthesized; outdir: string } {
  const app = buildApp(config, { outdir: mkdtempSync(join(tmpdir(), 'synth-app-')), seedCodeDir });
  app.synth();
  const read = (stack: string) => JSON.parse(readFileSync(join(app.outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  return { serviceCatalog: read(SERVICE_CATALOG_STACK), sagemakerProject: read(SAGEMAKER_PROJECT_STACK), outdir: app.outdir };
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

/** The instance whose construct path ends with `pathSuffix` (e.g. `command-runner/role/role`). */
export function byPath(stack: Synthesized, type: string, pathSuffix: string, kind: 'resource' | 'data' = 'resource'): any {
  const match = Object.values(resources(stack, type, kind)).find((item: any) => item['//']?.metadata?.path?.endsWith(pathSuffix));
  if (!match) throw new Error(`no ${kind} ${type} at a path ending in ${pathSuffix}`);
  return match;
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

/** Address `[data.]<type>.<unique id>` of the object at `pathSuffix`. */
export function addressOf(stack: Synthesized, type: string, pathSuffix: string, kind: 'resource' | 'data' = 'resource'): string {
  const target = byPath(stack, type, pathSuffix, kind);
  return `${kind === 'data' ? 'data.' : ''}${type}.${target['//'].metadata.uniqueId}`;
}

/** The Terraform reference `${<address>.<attribute>}` to the object at `pathSuffix`. */
export function refTo(stack: Synthesized, type: string, pathSuffix: string, attribute: string, kind: 'resource' | 'data' = 'resource'): string {
  return `\${${addressOf(stack, type, pathSuffix, kind)}.${attribute}}`;
}

/** Statements of the inline policy `name` attached to the role whose construct path ends with `rolePathSuffix`. */
export function rolePolicy(stack: Synthesized, rolePathSuffix: string, name: string): any[] {
  return statementsOf(stack, byPath(stack, 'aws_iam_role_policy', `${rolePathSuffix}/policy-${name}`).policy);
}
