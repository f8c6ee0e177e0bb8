/** Environment variables the function is deployed with. */
export const DEPLOY_TRIGGER_SETTINGS = {
  gitlabUrl: 'GITLAB_URL',
  tokenSecretName: 'GITLAB_TOKEN_SECRET_NAME',
  deployProjectId: 'DEPLOY_GITLAB_PROJECT_ID',
  deployBranch: 'DEPLOY_BRANCH',
  modelPackageGroupName: 'MODEL_PACKAGE_GROUP_NAME',
  projectId: 'SAGEMAKER_PROJECT_ID',
} as const;
