import { join } from 'node:path';

/** The configuration file of a user who configured nothing. */
export const EMPTY_CONFIG = join(__dirname, '..', 'fixtures', 'empty.config.json');

/**
 * The environment a user runs the project's commands in: this process's without any SMP_* variable
 * (in any case: the configuration rejects a lower-case one as unknown) or the names in `without`,
 * with the empty configuration file, plus `extra`.
 */
export function userEnvironment(extra: NodeJS.ProcessEnv = {}, without: string[] = []): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([name]) => !name.toUpperCase().startsWith('SMP_') && !without.includes(name));
  return { ...Object.fromEntries(kept), SMP_CONFIG_FILE: EMPTY_CONFIG, ...extra };
}
