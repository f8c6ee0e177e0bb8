import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirroredBinaries, PROVIDER_SERVERS_VARIABLE, ProviderServerPool, ServerSet, startServerSets } from '../../harness/provider-servers';
import { spawnSync } from '../../harness/child-process';
import { alive } from '../../harness/run-directory';

const PLATFORM = `linux_${process.arch === 'arm64' ? 'arm64' : 'amd64'}`;
const SOURCE = 'example.com/acme/fake';

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
echo "	TF_REATTACH_PROVIDERS='{\\"${SOURCE}\\":{\\"Protocol\\":\\"grpc\\",\\"ProtocolVersion\\":5,\\"Pid\\":$$,\\"Test\\":true,\\"Addr\\":{\\"Network\\":\\"unix\\",\\"String\\":\\"/tmp/plugin$$\\"}}}'"
exec sleep 600
`;

const pidOf = (reattach: string) => JSON.parse(reattach)[SOURCE].Pid as number;
const binary = () => executable(join(mkdtempSync(join(tmpdir(), 'provider-')), 'terraform-provider-fake'), FAKE_PROVIDER);

async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('mirroredBinaries', () => {
  test('finds the newest version of each provider of an unpacked mirror, for this platform', () => {
    const mirror = mkdtempSync(join(tmpdir(), 'mirror-'));
    const provider = (version: string, platform = PLATFORM) =>
      executable(join(mirror, SOURCE, version, platform, `terraform-provider-fake_v${version}_x5`), FAKE_PROVIDER);
    provider('5.9.0');
    const newest = provider('5.100.0');
    provider('5.101.0', 'plan9_mips');
    mkdirSync(join(mirror, `${SOURCE}/5.101.0`), { recursive: true });
    writeFileSync(join(mirror, 'example.com/acme/packed_1.0.0_linux_amd64.zip'), 'packed mirrors hold archives');

    expect(mirroredBinaries(mirror)).toEqual([{ source: SOURCE, binary: newest }]);
  });

  test('a mirror that does not exist has no binaries, so terraform starts its providers itself', () => {
    expect(mirroredBinaries(join(tmpdir(), 'no-such-mirror-0f3a'))).toEqual([]);
  });
});

describe('startServerSets', () => {
  test("starts each set's servers, whose reattach configuration names the provider; stop() ends them all", async () => {
    const started = await startServerSets([{ source: SOURCE, binary: binary() }], 2);
    try {
      expect(started.sets).toHaveLength(2);
      const pids = started.sets.map((set) => pidOf(set.reattach));
      expect(started.sets.map((set) => set.pids)).toEqual(pids.map((pid) => [pid]));
      expect(new Set(pids).size).toBe(2);
      expect(pids.every(alive)).toBe(true);
      expect(JSON.parse(started.sets[0].reattach)).toEqual({ [SOURCE]: expect.objectContaining({ Protocol: 'grpc', Test: true }) });
    } finally {
      await started.stop();
    }
    await waitUntil(() => !started.sets.some((set) => alive(set.pids[0])));
    expect(started.sets.filter((set) => alive(set.pids[0]))).toEqual([]);
  });

  test('a provider that exits instead of serving fails the start with what it printed', async () => {
    const broken = executable(
      join(mkdtempSync(join(tmpdir(), 'provider-')), 'terraform-provider-fake'),
      '#!/bin/sh\necho "cannot open plugin directory"\nexit 3\n',
    );
    await expect(startServerSets([{ source: SOURCE, binary: broken }], 1)).rejects.toThrow(
      /example\.com\/acme\/fake provider .* did not start as a server: it exited with code 3\n.*cannot open plugin directory/s,
    );
  });

  test('a server ends with the process that started it, even one that never stopped it', () => {
    const provider = binary();
    const script = `
      const { startServerSets } = require(${JSON.stringify(join(__dirname, '../../harness/provider-servers'))});
      startServerSets([{ source: ${JSON.stringify(SOURCE)}, binary: ${JSON.stringify(provider)} }], 1).then(({ sets }) => {
        console.log(sets[0].reattach);
        process.exit(0);
      });`;
    const started = spawnSync(process.execPath, ['--require', 'ts-node/register', '-e', script], { encoding: 'utf8', cwd: join(__dirname, '../../..') });
    expect(started.stderr).toBe('');
    const pid = pidOf(started.stdout.trim());
    // The node process has ended (spawnSync returned): the supervisor saw its stdin close.
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) spawnSync('sleep', ['0.05']);
    expect(alive(pid)).toBe(false);
  });
});

describe('ProviderServerPool', () => {
  let started: Awaited<ReturnType<typeof startServerSets>>;
  beforeEach(async () => {
    started = await startServerSets([{ source: SOURCE, binary: binary() }], 2);
  });
  afterEach(() => started.stop());

  test('commands that run one after the other share a set; overlapping commands get one each, and a third waits for a free one', async () => {
    const pool = new ProviderServerPool(started.sets);
    const first = await pool.with(async (reattach) => reattach!);
    expect(await pool.with(async (reattach) => reattach!)).toBe(first);

    const releases: Array<() => void> = [];
    const hold = (reattach: string | undefined) => new Promise<string>((resolve) => releases.push(() => resolve(reattach!)));
    const one = pool.with(hold);
    const two = pool.with(hold);
    const three = pool.with(hold);
    await waitUntil(() => releases.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(releases).toHaveLength(2);
    releases[0]();
    const heldOne = await one;
    await waitUntil(() => releases.length === 3);
    releases[1]();
    releases[2]();
    const [heldTwo, third] = await Promise.all([two, three]);
    expect(new Set([heldOne, heldTwo]).size).toBe(2);
    expect(third).toBe(heldOne);
  });

  test('a set whose server has exited is not lent again; with none left, commands run with providers of their own', async () => {
    const pool = new ProviderServerPool(started.sets);
    const [dead, living] = [started.sets[1], started.sets[0]];
    process.kill(dead.pids[0]);
    await waitUntil(() => !alive(dead.pids[0]));
    expect(await pool.with(async (reattach) => reattach)).toBe(living.reattach);
    expect(await pool.with(async (reattach) => reattach)).toBe(living.reattach);
    process.kill(living.pids[0]);
    await waitUntil(() => !alive(living.pids[0]));
    expect(await pool.with(async (reattach) => reattach)).toBeUndefined();
  });

  test("each jest worker lends its own share of the run's sets", async () => {
    const sets: ServerSet[] = ['a', 'b', 'c', 'd'].map((name) => ({ reattach: name, pids: [process.pid] }));
    const value = JSON.stringify({ workers: 2, sets });
    const lentBy = (worker: string) => {
      const pool = ProviderServerPool.forThisWorker({ [PROVIDER_SERVERS_VARIABLE]: value, JEST_WORKER_ID: worker })!;
      return Promise.all([pool.with(async (reattach) => reattach), pool.with(async (reattach) => reattach)]);
    };
    expect((await lentBy('1')).sort()).toEqual(['a', 'c']);
    expect((await lentBy('2')).sort()).toEqual(['b', 'd']);
    expect(ProviderServerPool.forThisWorker({})).toBeUndefined();
  });
});
