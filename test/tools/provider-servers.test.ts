import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirroredBinaries, ProviderServers } from '../../tools/provider-servers';

const PLATFORM = `linux_${process.arch === 'arm64' ? 'arm64' : 'amd64'}`;

/** Writes an executable at `path` (directories created). */
function executable(path: string, script: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return path;
}

/** A provider stand-in that, with -debug, prints a reattach line naming its own pid, as a real provider does, and waits. */
const FAKE_PROVIDER = `#!/bin/sh
[ "$1" = -debug ] || exit 64
echo "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:"
echo
echo "	TF_REATTACH_PROVIDERS='{\\"example.com/acme/fake\\":{\\"Protocol\\":\\"grpc\\",\\"ProtocolVersion\\":5,\\"Pid\\":$$,\\"Test\\":true,\\"Addr\\":{\\"Network\\":\\"unix\\",\\"String\\":\\"/tmp/plugin$$\\"}}}'"
exec sleep 600
`;

const alive = (pid: number) => spawnSync('kill', ['-0', String(pid)]).status === 0;
const pidOf = (reattach: string) => JSON.parse(reattach)['example.com/acme/fake'].Pid as number;

describe('mirroredBinaries', () => {
  test('finds the newest version of each provider of an unpacked mirror, for this platform', () => {
    if (process.platform !== 'linux') return;
    const mirror = mkdtempSync(join(tmpdir(), 'mirror-'));
    const provider = (version: string, platform = PLATFORM) => executable(join(mirror, 'example.com/acme/fake', version, platform, `terraform-provider-fake_v${version}_x5`), FAKE_PROVIDER);
    provider('5.9.0');
    const newest = provider('5.100.0');
    provider('5.101.0', 'plan9_mips');
    mkdirSync(join(mirror, 'example.com/acme/fake/5.101.0'), { recursive: true });
    writeFileSync(join(mirror, 'example.com/acme/packed_1.0.0_linux_amd64.zip'), 'packed mirrors hold archives');

    expect(mirroredBinaries(mirror)).toEqual([{ source: 'example.com/acme/fake', binary: newest }]);
  });

  test('a mirror that does not exist has no binaries, so terraform starts its providers itself', async () => {
    const missing = join(tmpdir(), 'no-such-mirror-0f3a');
    expect(mirroredBinaries(missing)).toEqual([]);
    const servers = new ProviderServers([]);
    await expect(servers.with(async (reattach) => reattach)).resolves.toBeUndefined();
    expect(servers.serverSets).toBe(0);
  });
});

describe('ProviderServers', () => {
  const binary = () => executable(join(mkdtempSync(join(tmpdir(), 'provider-')), 'terraform-provider-fake'), FAKE_PROVIDER);

  test('commands that run one after the other share one server; commands that overlap get one each', async () => {
    const servers = new ProviderServers([{ source: 'example.com/acme/fake', binary: binary() }]);
    const first = await servers.with(async (reattach) => reattach!);
    const second = await servers.with(async (reattach) => reattach!);
    expect(second).toBe(first);
    expect(servers.serverSets).toBe(1);

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const overlapping = servers.with(async (reattach) => {
      await held;
      return reattach!;
    });
    const meanwhile = await servers.with(async (reattach) => reattach!);
    release();
    expect(new Set([await overlapping, meanwhile]).size).toBe(2);
    expect(servers.serverSets).toBe(2);
    expect(JSON.parse(first)).toEqual({ 'example.com/acme/fake': expect.objectContaining({ Protocol: 'grpc', Test: true }) });
  });

  test('a server that has exited since it was lent is not lent again', async () => {
    const servers = new ProviderServers([{ source: 'example.com/acme/fake', binary: binary() }]);
    const first = await servers.with(async (reattach) => reattach!);
    process.kill(pidOf(first));
    const deadline = Date.now() + 5000;
    let next = first;
    while (next === first && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      next = await servers.with(async (reattach) => reattach!);
    }
    expect(pidOf(next)).not.toBe(pidOf(first));
    expect(alive(pidOf(next))).toBe(true);
  });

  test('a provider that exits instead of serving fails the command with what it printed', async () => {
    const broken = executable(join(mkdtempSync(join(tmpdir(), 'provider-')), 'terraform-provider-fake'), '#!/bin/sh\necho "cannot open plugin directory"\nexit 3\n');
    const servers = new ProviderServers([{ source: 'example.com/acme/fake', binary: broken }]);
    await expect(servers.with(async () => 'never')).rejects.toThrow(/example\.com\/acme\/fake provider .* did not start as a server: it exited with code 3\n.*cannot open plugin directory/s);
    expect(servers.serverSets).toBe(0);
  });

  test('a server ends with the process that started it', () => {
    const provider = binary();
    const script = `
      const { ProviderServers } = require(${JSON.stringify(join(__dirname, '../../tools/provider-servers'))});
      new ProviderServers([{ source: 'example.com/acme/fake', binary: ${JSON.stringify(provider)} }])
        .with(async (reattach) => console.log(reattach));`;
    const started = spawnSync(process.execPath, ['--require', 'sucrase/register/ts', '-e', script], { encoding: 'utf8', cwd: join(__dirname, '../..') });
    expect(started.stderr).toBe('');
    const pid = pidOf(started.stdout.trim());
    // The node process has ended (spawnSync returned): the supervisor saw its stdin close.
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) spawnSync('sleep', ['0.05']);
    expect(alive(pid)).toBe(false);
  });
});
