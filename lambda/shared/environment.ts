/** Thrown when the function is deployed without a setting it needs: a deployment defect, named. */
export class MissingSettingError extends Error {
  constructor(name: string) {
    super(`Environment variable ${name} is not set on this function; redeploy the sagemaker-project stack.`);
    this.name = 'MissingSettingError';
  }
}

/** The value of environment variable `name`, which must be set and non-empty. */
export function requiredSetting(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new MissingSettingError(name);
  return value;
}
