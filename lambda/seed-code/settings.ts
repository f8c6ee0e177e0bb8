/** Environment variables the function is deployed with. */
export const SEED_SETTINGS = {
  gitlabUrl: 'GITLAB_URL',
  tokenSecretName: 'GITLAB_TOKEN_SECRET_NAME',
  projectName: 'SAGEMAKER_PROJECT_NAME',
  projectId: 'SAGEMAKER_PROJECT_ID',
} as const;
