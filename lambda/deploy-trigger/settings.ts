import { DEPLOY_TRIGGER_SETTINGS as CONTRACT } from '../../contract/function-settings';

/**
 * TEMPORARY, for constructs/ only (no handler imports it): the settings under the names the
 * constructs still use, so the app compiles until they move to contract/function-settings.ts.
 * The function no longer reads GITLAB_TOKEN_SECRET_NAME. Delete with that move.
 */
export const DEPLOY_TRIGGER_SETTINGS = { ...CONTRACT, tokenSecretName: 'GITLAB_TOKEN_SECRET_NAME' } as const;
