import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig, PlatformConfig } from '../../config/load';

/**
 * Configuration from the embedded defaults plus `SMP_*` overrides given as an env map (and a config
 * file in `cwd`): the developer's own SMP_* variables and project.config.json never leak in.
 */
export const testConfig = (env: Record<string, string> = {}, cwd = '/nonexistent'): PlatformConfig => loadConfig({ env, cwd });

/** The message of the ConfigError this environment causes; fails the test when it is accepted. */
export function problemsOf(env: Record<string, string>, cwd?: string): string {
  try {
    testConfig(env, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('configuration was accepted');
}

let configFolders: string | undefined;
afterAll(() => {
  if (configFolders) rmSync(configFolders, { recursive: true, force: true });
  configFolders = undefined;
});

/**
 * Writes a config file into a folder of its own (removed after the test file) and returns its path:
 * `contents` as is when a string (to test JSON syntax errors), else as JSON.
 */
export function writeConfigFile(contents: unknown, name = DEFAULT_CONFIG_FILE): string {
  configFolders ??= mkdtempSync(join(tmpdir(), 'config-'));
  const file = join(mkdtempSync(join(configFolders, 'case-')), name);
  writeFileSync(file, typeof contents === 'string' ? contents : JSON.stringify(contents, null, 2));
  return file;
}
