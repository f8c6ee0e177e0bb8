import { ConfigError, loadConfig, PlatformConfig } from '../../config/load';

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
