/**
 * Jest global setup of the integration project: the run's directory and environment, the machine's
 * prerequisites (installed or reported within seconds), then the long-running helpers every worker
 * shares, started before any worker exists and handed to them through environment variables:
 * provider servers (unless SMP_TF_PROVIDER_SERVERS=0) and the seed-code tests' Python fork server.
 * global-teardown.ts stops them.
 */
import { join } from 'node:path';
import { prepareEnvironment } from './global-setup';
import { SEED_PYTHON, ensurePrerequisites } from './prerequisites';
import { mirroredBinaries, PROVIDER_SERVERS_VARIABLE, startServerSets } from './provider-servers';
import { PYTHON_SERVER_VARIABLE, startPythonServer } from './python-server';
import { closeRunDirectory } from './run-directory';
import { HELPERS, Helpers } from './helpers';
import { PLUGIN_MIRROR } from './terraform';

/** Server sets per worker: verify plans both stacks at once; more commands of one worker wait for a free set. */
const SETS_PER_WORKER = 2;

interface JestConfig {
  readonly maxWorkers: number;
}

export default async function integrationSetup(globalConfig: JestConfig): Promise<void> {
  const runDir = prepareEnvironment();
  const helpers: Helpers = ((globalThis as Record<symbol, Helpers>)[HELPERS] ??= { stops: [] });
  try {
    ensurePrerequisites();
    const python = startPythonServer(SEED_PYTHON, runDir, join(__dirname, '..', '..', 'seed-code'));
    helpers.stops.push(python.stop);
    process.env[PYTHON_SERVER_VARIABLE] = JSON.stringify(python.info);

    const providers = process.env.SMP_TF_PROVIDER_SERVERS === '0' ? [] : mirroredBinaries(PLUGIN_MIRROR);
    if (providers.length > 0) {
      const workers = Math.max(1, globalConfig.maxWorkers);
      const servers = await startServerSets(providers, workers * SETS_PER_WORKER);
      helpers.stops.push(servers.stop);
      process.env[PROVIDER_SERVERS_VARIABLE] = JSON.stringify({ workers, sets: servers.sets });
    }
  } catch (error) {
    // Jest runs no teardown after a failed setup: leave nothing running and nothing behind.
    await Promise.all(helpers.stops.splice(0).map((stop) => stop()));
    closeRunDirectory();
    throw error;
  }
}
