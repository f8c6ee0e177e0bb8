/**
 * Long-running provider servers for the test suite.
 *
 * Every terraform command that needs a provider normally starts the provider's binary, and a plan
 * starts it several times. Terraform can instead attach to a provider that is already running
 * (TF_REATTACH_PROVIDERS, the mechanism provider debuggers use). Measured with hashicorp/aws 5.100.0
 * on 2 cores: `terraform validate` of the deploy package takes 5.6 s of CPU with its own provider
 * and 2.5 s attached (Terraform still decodes the schema, the server still serves it); one
 * `npm run verify` of both stacks takes 49.5 s of CPU the usual way and 35.9 s attached.
 *
 * The binaries are those of the filesystem mirror, started with `-debug`: the same provider
 * release `terraform init` installs from the mirror. A running provider holds the configuration
 * of the last command that configured it, so a server serves one terraform command at a time.
 *
 * Jest's global setup (test/harness/integration-setup.ts) starts a fixed number of server sets
 * before any worker exists and hands their reattach configurations to the workers in
 * PROVIDER_SERVERS_VARIABLE; each worker lends its share of them to one command at a time
 * (ProviderServerPool); the global teardown stops them. A server also ends when the process that
 * started it ends, however it ends: it runs under `sh`, which reads its stdin until the pipe from
 * that process closes and then stops it.
 *
 * A server reads its own environment, not the command's: what a test sets for the provider (a fake
 * endpoint, say) goes in the configuration, never in the command's environment.
 */
import { ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { directoriesIn, mirroredProviders } from './plugin-mirror';
import { alive } from './run-directory';

/** Environment variable holding the server sets of this run (JSON): set by the global setup, read by the workers. */
export const PROVIDER_SERVERS_VARIABLE = 'TEST_HARNESS_PROVIDER_SERVERS';

/** One provider a server stands for: `hostname/namespace/type` and the binary to run. */
export interface MirroredBinary {
  readonly source: string;
  readonly binary: string;
}

/** One set of servers, one per mirrored provider: TF_REATTACH_PROVIDERS for them all, and their process ids. */
export interface ServerSet {
  readonly reattach: string;
  readonly pids: number[];
}

const REATTACH_LINE = /TF_REATTACH_PROVIDERS='(\{.*\})'/;

/** Go's name for this platform, as the mirror's `<os>_<arch>` directories use it. */
function goPlatform(): string {
  const arch = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' }[process.arch as string] ?? process.arch;
  return `${process.platform}_${arch}`;
}

/** Compares dotted versions numerically (1.10.0 > 1.9.2); a pre-release part that is not a number counts as 0. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const right = b.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The provider binaries of an unpacked filesystem mirror
 * (`<host>/<namespace>/<type>/<version>/<os>_<arch>/terraform-provider-<type>*`), newest version
 * of each provider that has one for this platform. A packed mirror (zip archives) yields none: terraform then starts providers itself.
 */
export function mirroredBinaries(mirror: string): MirroredBinary[] {
  return mirroredProviders(mirror).flatMap(({ source, type, dir }) => {
    const binaryOf = (version: string) => {
      const platformDir = join(dir, version, goPlatform());
      const name = existsSync(platformDir) ? readdirSync(platformDir).find((file) => file.startsWith(`terraform-provider-${type}`)) : undefined;
      return name === undefined ? undefined : join(platformDir, name);
    };
    const binary = directoriesIn(dir)
      .sort(compareVersions)
      .reverse()
      .map(binaryOf)
      .find((path) => path !== undefined);
    return binary ? [{ source, binary }] : [];
  });
}

/**
 * Runs the provider in debug mode until it exits or this script's stdin closes (the process that
 * started it ended), whichever comes first; exits with the provider's code. A background reader
 * holds stdin (copied to fd 3: an asynchronous list's own stdin is /dev/null).
 */
const SUPERVISOR = `exec 3<&0
"$0" -debug </dev/null 3<&- &
provider=$!
{ while read -r _; do :; done <&3; kill "$provider" 2>/dev/null; } &
watcher=$!
exec 3<&-
wait "$provider"
code=$?
kill "$watcher" 2>/dev/null
exit "$code"
`;

/**
 * The environment of a server: this process's, without AWS_* variables. A server is configured
 * by every command it serves, and the aws provider fails to configure a second time in one process
 * when AWS_CA_BUNDLE is set ("unable to add custom RootCAs HTTPClient"); nor should a plan in a
 * test ever pick up a developer's real AWS credentials. Test configurations carry fake credentials
 * and their endpoint in the provider block (test/harness/fake-aws.ts useFakeAws).
 */
function serverEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
}

/** A started server: its reattach configuration and the supervisor to stop it by. */
interface StartedServer {
  readonly reattach: Record<string, unknown>;
  readonly supervisor: ChildProcessByStdio<Writable, Readable, null>;
}

/** Starts one provider binary in debug mode; resolves once it prints its reattach configuration. */
function startServer(provider: MirroredBinary, timeoutMs: number): Promise<StartedServer> {
  return new Promise((resolve, reject) => {
    const supervisor = spawn('sh', ['-c', SUPERVISOR, provider.binary], { stdio: ['pipe', 'pipe', 'ignore'], env: serverEnvironment() });
    let output = '';
    const fail = (why: string) => {
      supervisor.kill();
      reject(new Error(`the ${provider.source} provider (${provider.binary}) did not start as a server: ${why}\n${output}`));
    };
    const timer = setTimeout(() => fail(`no reattach configuration after ${timeoutMs / 1000} s`), timeoutMs);
    supervisor.on('error', (error) => {
      clearTimeout(timer);
      fail(error.message);
    });
    // 'close' comes after everything the provider printed has been read ('exit' may come before).
    supervisor.on('close', (code) => {
      clearTimeout(timer);
      fail(`it exited with code ${code}`);
    });
    supervisor.stdout.on('data', (chunk) => {
      output += chunk;
      const match = REATTACH_LINE.exec(output);
      if (!match) return;
      clearTimeout(timer);
      // Keep draining what the server prints; from now on its exit is the stop this process asked for.
      output = '';
      supervisor.removeAllListeners('close');
      supervisor.stdout.removeAllListeners('data');
      supervisor.stdout.resume();
      const reattach = JSON.parse(match[1])[provider.source];
      if (reattach === undefined) fail(`its reattach configuration does not name ${provider.source}`);
      else resolve({ reattach, supervisor });
    });
  });
}

/** Server sets started by startServerSets, and how to stop them. */
export interface StartedServerSets {
  readonly sets: ServerSet[];
  /** Stops every server and resolves once each has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `count` server sets of `providers` (in parallel); fails with the provider's output when one
 * does not start, stopping those that did.
 */
export async function startServerSets(providers: MirroredBinary[], count: number, timeoutMs = 60_000): Promise<StartedServerSets> {
  const attempts = await Promise.allSettled(
    Array.from({ length: count * providers.length }, (_, index) => startServer(providers[index % providers.length], timeoutMs)),
  );
  const started = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
  const stop = async () => {
    await Promise.all(
      started.map(
        ({ supervisor }) =>
          new Promise<void>((resolve) => {
            if (supervisor.exitCode !== null || supervisor.signalCode !== null) return resolve();
            supervisor.once('exit', () => resolve());
            // Closing stdin is the supervisor's stop signal: it kills the provider and exits.
            supervisor.stdin.end();
          }),
      ),
    );
  };
  const failed = attempts.find((attempt): attempt is PromiseRejectedResult => attempt.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const sets = Array.from({ length: count }, (_, set) => {
    const servers = providers.map((_provider, index) => started[set * providers.length + index]);
    return {
      reattach: JSON.stringify(Object.fromEntries(providers.map((provider, index) => [provider.source, servers[index].reattach]))),
      pids: servers.map(({ reattach }) => Number(reattach.Pid)),
    };
  });
  return { sets, stop };
}

/**
 * The server sets one process lends, one command at a time: a command waits for a free set when
 * all are busy. A set with a server that has exited (killed, crashed) is dropped, and a command
 * that finds no set left runs with providers of its own, as with SMP_TF_PROVIDER_SERVERS=0.
 */
export class ProviderServerPool {
  private readonly idle: ServerSet[];
  private readonly waiting: Array<(set: ServerSet | undefined) => void> = [];
  private available: number;

  constructor(sets: ServerSet[]) {
    this.idle = [...sets];
    this.available = sets.length;
  }

  /**
   * The pool of this jest worker: its share of the sets in PROVIDER_SERVERS_VARIABLE (every
   * `workers`-th set, counted from its JEST_WORKER_ID), or undefined when the run has none.
   */
  static forThisWorker(env: NodeJS.ProcessEnv = process.env): ProviderServerPool | undefined {
    const value = env[PROVIDER_SERVERS_VARIABLE];
    if (!value) return undefined;
    const { workers, sets } = JSON.parse(value) as { workers: number; sets: ServerSet[] };
    const worker = (Number(env.JEST_WORKER_ID ?? '1') - 1) % workers;
    return new ProviderServerPool(sets.filter((_set, index) => index % workers === worker));
  }

  /** Runs `command` with TF_REATTACH_PROVIDERS naming a set no other command of this process is using (undefined: none left). */
  async with<T>(command: (reattach: string | undefined) => Promise<T>): Promise<T> {
    const set = await this.take();
    try {
      return await command(set?.reattach);
    } finally {
      if (set) this.give(set);
    }
  }

  private async take(): Promise<ServerSet | undefined> {
    for (;;) {
      let set = this.idle.pop();
      if (set === undefined) {
        if (this.available === 0) return undefined;
        set = await new Promise<ServerSet | undefined>((resolve) => this.waiting.push(resolve));
        if (set === undefined) return undefined;
      }
      if (set.pids.every(alive)) return set;
      this.available--;
      if (this.available === 0) for (const waiter of this.waiting.splice(0)) waiter(undefined);
    }
  }

  private give(set: ServerSet): void {
    const next = this.waiting.shift();
    if (next) next(set);
    else this.idle.push(set);
  }
}
