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
 * of the last command that configured it, so a server serves one terraform command at a time;
 * commands that run at the same time get servers of their own (started on demand, then reused).
 *
 * A server reads its own environment, not the command's: a command whose environment sets AWS_*
 * variables for the provider runs without a server (see TerraformWorkdir.run).
 *
 * A server ends with the process that started it: it runs under `sh`, which reads its stdin
 * until the pipe from this process closes (on exit, even a killed one) and then stops it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { directoriesIn, mirroredProviders } from './plugin-mirror';
import { processWide } from './process-wide';

/** One provider a server stands for: `hostname/namespace/type` and the binary to run. */
export interface MirroredBinary {
  readonly source: string;
  readonly binary: string;
}

/** What TF_REATTACH_PROVIDERS holds for one provider. */
type ReattachConfig = Record<string, unknown>;

const REATTACH_LINE = /TF_REATTACH_PROVIDERS='(\{.*\})'/;

/** Go's name for this platform, as the mirror's `<os>_<arch>` directories use it. */
function goPlatform(): string {
  const arch = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' }[process.arch as string] ?? process.arch;
  return `${process.platform}_${arch}`;
}

/** Compares dotted versions numerically (1.10.0 > 1.9.2). */
function compareVersions(a: string, b: string): number {
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
    const binary = directoriesIn(dir).sort(compareVersions).reverse().map(binaryOf).find((path) => path !== undefined);
    return binary ? [{ source, binary }] : [];
  });
}

/**
 * Runs the provider in debug mode until it exits or this script's stdin closes (this process
 * ended), whichever comes first; exits with the provider's code. A background reader holds stdin
 * (copied to fd 3: an asynchronous list's own stdin is /dev/null).
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
 * and endpoints in the provider block (tools/fake-aws.ts useFakeAws).
 */
function serverEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
}

/** A running server: its reattach configuration, and whether it has exited since. */
interface Server {
  readonly reattach: ReattachConfig;
  readonly exited: () => boolean;
}

/** Starts one provider binary in debug mode; resolves once it prints its reattach configuration. */
function startServer(provider: MirroredBinary): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', SUPERVISOR, provider.binary], { stdio: ['pipe', 'pipe', 'ignore'], env: serverEnvironment() });
    let output = '';
    let exited = false;
    const fail = (why: string) => {
      child.kill();
      reject(new Error(`the ${provider.source} provider (${provider.binary}) did not start as a server: ${why}\n${output}`));
    };
    const timer = setTimeout(() => fail('no reattach configuration after 120 s'), 120_000).unref();
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(error.message);
    });
    child.on('exit', () => (exited = true));
    // 'close' comes after everything the provider printed has been read ('exit' may come before).
    child.on('close', (code) => {
      clearTimeout(timer);
      fail(`it exited with code ${code}`);
    });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = REATTACH_LINE.exec(output);
      if (!match) return;
      clearTimeout(timer);
      // Keep draining what the server prints, and let this process end without waiting for it.
      output = '';
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      child.unref();
      for (const stream of [child.stdin, child.stdout]) (stream as unknown as { unref?: () => void }).unref?.();
      const reattach = JSON.parse(match[1])[provider.source];
      if (reattach === undefined) fail(`its reattach configuration does not name ${provider.source}`);
      else resolve({ reattach, exited: () => exited });
    });
  });
}

/** A set of running servers, one per mirrored provider. */
interface ServerSet {
  /** TF_REATTACH_PROVIDERS for them all. */
  readonly reattach: string;
  readonly servers: Server[];
}

/** Servers of the mirrored providers, lent to one terraform command at a time. */
export class ProviderServers {
  private readonly idle: ServerSet[] = [];
  private started = 0;

  constructor(private readonly providers: MirroredBinary[]) {}

  /** The servers of this process for the binaries of `mirror` (started on first use, kept across jest test files). */
  static forMirror(mirror: string): ProviderServers {
    return processWide(`provider-servers:${mirror}`, () => new ProviderServers(mirroredBinaries(mirror)));
  }

  /** How many server sets have been started (each command that ran alongside others needed one). */
  get serverSets(): number {
    return this.started;
  }

  /**
   * Runs `command` with TF_REATTACH_PROVIDERS naming a server set no other command is using.
   * Without mirrored binaries, runs it with no reattach configuration.
   */
  async with<T>(command: (reattach: string | undefined) => Promise<T>): Promise<T> {
    if (this.providers.length === 0) return command(undefined);
    let set = this.idle.pop();
    // A set with a server that has exited since (killed, crashed) is dropped; the command gets a fresh one.
    while (set?.servers.some((server) => server.exited())) set = this.idle.pop();
    set ??= await this.start();
    try {
      return await command(set.reattach);
    } finally {
      this.idle.push(set);
    }
  }

  private async start(): Promise<ServerSet> {
    const servers = await Promise.all(this.providers.map(startServer));
    this.started++;
    return { reattach: JSON.stringify(Object.fromEntries(this.providers.map((provider, index) => [provider.source, servers[index].reattach]))), servers };
  }
}
