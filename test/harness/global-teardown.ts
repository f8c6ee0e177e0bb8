/**
 * Jest global teardown of both projects: stops the helpers the integration setup started (provider
 * servers, the Python fork server), then removes the run's temporary directory.
 */
import { HELPERS, Helpers } from './helpers';
import { PROVIDER_SERVERS_VARIABLE } from './provider-servers';
import { PYTHON_SERVER_VARIABLE } from './python-server';
import { closeRunDirectory } from './run-directory';

export default async function globalTeardown(): Promise<void> {
  const helpers = (globalThis as Record<symbol, Helpers | undefined>)[HELPERS];
  await Promise.all((helpers?.stops.splice(0) ?? []).map((stop) => stop()));
  delete process.env[PROVIDER_SERVERS_VARIABLE];
  delete process.env[PYTHON_SERVER_VARIABLE];
  closeRunDirectory();
}
