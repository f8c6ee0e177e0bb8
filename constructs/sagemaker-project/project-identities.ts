import { Construct } from 'constructs';
import { IamNoWriteOnWildcardResource } from '../../guardrails/rules/iam-no-write-on-wildcard-resource';
import { suppress } from '../../guardrails/suppressions';
import { AwsContext } from '../aws-context';
import { IGrantable, PolicyStatement, serviceTrust } from '../iam/policy';
import { Role, User } from '../iam/role';
import { ProjectNames } from './names';
import { ciSageMakerStatements, JOB_METRICS_SUPPRESSION, pipelineStatements, SageMakerResources } from './project-permissions';

/** The GitLab side of the CI role's trust (oidc mode). */
export interface CiOidcTrust {
  /** ARN of the IAM OIDC provider of the GitLab host. */
  readonly providerArn: string;
  /** Host (and path) of the issuer as the claims' condition keys name it, e.g. `gitlab.example.com`. */
  readonly issuerHost: string;
  /** Audience of the ID tokens (the GitLab URL). */
  readonly audience: string;
  /** `<namespace>/<project path>` of each GitLab project whose pipelines may assume the role. */
  readonly projectPaths: string[];
  /** The only branch those pipelines may run on (protected). */
  readonly branch: string;
}

export interface ProjectIdentitiesProps {
  readonly names: ProjectNames;
  /** IAM path of every role and user (the runner may create no others). */
  readonly path: string;
  /** ARN of the platform's permissions boundary, carried by every role and user. */
  readonly permissionsBoundaryArn: string;
  /** Trust of the CI role (oidc mode); undefined = access-keys mode (an IAM user). */
  readonly oidc?: CiOidcTrust;
  /** The project's SageMaker resources, which CI and the pipeline role act on. */
  readonly sagemaker: SageMakerResources;
  /** Tags of every role and user (the project's name and id). */
  readonly tags: Record<string, string>;
}

/** `project_path:<path>:ref_type:branch:ref:<branch>`: the `sub` claim of a GitLab ID token of that branch. */
export const gitlabSubject = (projectPath: string, branch: string) => `project_path:${projectPath}:ref_type:branch:ref:${branch}`;

/**
 * The identities of one project, each reaching only this project, each under the platform's
 * permissions boundary and IAM path:
 * - CI: a role only this project's two GitLab projects' protected default branch can assume
 *   (StringEquals on the `sub` claim and the audience), or in access-keys mode a user of its own;
 * - the pipeline role its SageMaker jobs and endpoints run as;
 * - a role for each function (the seeding function, the deploy trigger): granted what they touch by the
 *   constructs they touch. None can read the namespace token except the seeding function's.
 */
export class ProjectIdentities extends Construct {
  readonly ci: IGrantable;
  readonly ciRoleArn?: string;
  readonly ciUserName?: string;
  readonly pipelineRole: Role;
  readonly seedRole: Role;
  readonly deployTriggerRole: Role;

  constructor(scope: Construct, id: string, props: ProjectIdentitiesProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    const common = { path: props.path, permissionsBoundaryArn: props.permissionsBoundaryArn, tags: props.tags };
    const role = (roleId: string, roleName: string, description: string, trust: PolicyStatement[]) =>
      new Role(this, roleId, { ...common, roleName, description, trust });

    this.pipelineRole = role('pipeline-role', props.names.pipelineRole, 'SageMaker jobs and endpoints of one SageMaker project', [
      serviceTrust('sagemaker.amazonaws.com', [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [aws.accountId] }]),
    ]);
    this.pipelineRole.addToPolicy('sagemaker', pipelineStatements(aws, props.sagemaker, [this.pipelineRole.principalArn]));
    suppress(this.pipelineRole, IamNoWriteOnWildcardResource.id, JOB_METRICS_SUPPRESSION, { appliesTo: ['JobMetrics'] });

    if (props.oidc) {
      const oidc = props.oidc;
      const ciRole = role('ci-role', props.names.ciIdentity, 'GitLab CI of one SageMaker project (its two GitLab projects, protected default branch)', [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [oidc.providerArn] }],
          condition: [
            { test: 'StringEquals', variable: `${oidc.issuerHost}:aud`, values: [oidc.audience] },
            { test: 'StringEquals', variable: `${oidc.issuerHost}:sub`, values: oidc.projectPaths.map((path) => gitlabSubject(path, oidc.branch)) },
          ],
        },
      ]);
      this.ci = ciRole;
      this.ciRoleArn = ciRole.roleArn;
    } else {
      // Keys are made by the seeding function and live only in GitLab's masked variables; force_destroy
      // deletes them with the user.
      const user = new User(this, 'ci-user', { ...common, userName: props.names.ciIdentity, forceDestroy: true });
      this.ci = user;
      this.ciUserName = user.userName;
    }
    this.ci.addToPolicy('sagemaker', ciSageMakerStatements(props.sagemaker, [this.pipelineRole.principalArn]));

    const lambdaTrust = [serviceTrust('lambda.amazonaws.com')];
    this.seedRole = role('seed-role', props.names.seedRole, 'Seeding function of one SageMaker project', lambdaTrust);
    this.deployTriggerRole = role('deploy-trigger-role', props.names.deployTriggerRole, 'Deploy trigger of one SageMaker project', lambdaTrust);
  }

  /**
   * Lets `grantee` (the seeding function, which hands the key to GitLab's masked variables) create,
   * list and delete the access keys of this project's CI user, and no other user's. Access-keys mode only.
   */
  grantCiKeyRotation(grantee: IGrantable): void {
    if (!this.ciUserName) throw new Error(`${this.node.path}: the CI identity is a role (oidc mode): it has no access key to rotate`);
    grantee.addToPolicy('ci-access-key', [
      {
        sid: 'RotateOwnCiUserKey',
        effect: 'Allow',
        actions: ['iam:CreateAccessKey', 'iam:ListAccessKeys', 'iam:DeleteAccessKey'],
        resources: [this.ci.principalArn],
      },
    ]);
  }
}
