import { SEED_SETTINGS as CONTRACT } from '../../contract/function-settings';
import type { SeedRepository } from './seed-files';

/**
 * TEMPORARY, for constructs/ only (no handler code reads it): the settings and the invocation input
 * under the names the constructs still use, so the app compiles until they move to
 * contract/function-settings.ts (SEED_SETTINGS, SeedInvocationInput). The function no longer reads
 * GITLAB_TOKEN_SECRET_NAME nor takes `repositories`. Delete with that move.
 */
export const SEED_SETTINGS = { ...CONTRACT, tokenSecretName: 'GITLAB_TOKEN_SECRET_NAME' } as const;

/** @deprecated the function takes SeedInvocationInput (contract/function-settings.ts). */
export interface SeedEvent {
  readonly repositories: ReadonlyArray<{ readonly repository: SeedRepository; readonly gitlabProjectId: number | string; readonly branch: string }>;
}
