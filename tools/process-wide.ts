/**
 * One value per process, shared by every module instance that asks for it.
 *
 * Jest gives every test file its own module registry and globals, so a module-level singleton is
 * created again for each test file. Core modules are the exception: every test file of a worker
 * gets the same `node:child_process` object. Values kept on it therefore outlive one test file,
 * which lets long-running helper processes (provider servers, the seed tests' Python fork server)
 * started for one test file serve the next ones of the same worker.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CARRIER = require('node:child_process') as Record<symbol, Map<string, unknown> | undefined>;
const REGISTRY = Symbol.for('sagemaker-projects-terraform-gitlab.process-wide');

/** The value kept under `key` in this process, created by `create` the first time. */
export function processWide<T>(key: string, create: () => T): T {
  const registry = (CARRIER[REGISTRY] ??= new Map());
  if (!registry.has(key)) registry.set(key, create());
  return registry.get(key) as T;
}
