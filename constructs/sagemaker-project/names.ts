import { PROJECT_BUCKET_PREFIX } from '../gitlab/ci-permissions';

/** Names of one SageMaker project's resources, as Terraform expressions of its variables. */
export function projectNames(projectName: string, projectId: string) {
  return {
    /** Artifact bucket: the name CI variables and the deploy code use. */
    artifactBucket: `${PROJECT_BUCKET_PREFIX}${projectId}`,
    /** Model package group the build pipeline registers into and the deploy trigger listens to. */
    modelPackageGroup: `${projectName}-${projectId}`,
  };
}
