import { SagemakerCodeRepository } from '@cdktf/provider-aws/lib/sagemaker-code-repository';
import { Construct } from 'constructs';
import { nameWithinLimit } from './name-limit';
import { NAME_LIMITS } from './names';

export interface CodeRepositoryProps {
  /** Name in SageMaker (≤ 63 characters). */
  readonly name: string;
  /** HTTPS clone URL, as GitLab reports it. */
  readonly cloneUrl: string;
  /** Branch Studio checks out. */
  readonly branch: string;
}

/**
 * A GitLab repository registered in SageMaker, so Studio users of the project find and clone it.
 * It carries no credentials: each data scientist clones with their own GitLab identity, so GitLab's
 * own permissions decide who reads the code (a shared secret here would be readable by every Studio
 * user and reach every project of the namespace).
 */
export class CodeRepository extends Construct {
  readonly resource: SagemakerCodeRepository;

  constructor(scope: Construct, id: string, props: CodeRepositoryProps) {
    super(scope, id);
    this.resource = new SagemakerCodeRepository(this, 'repository', {
      codeRepositoryName: props.name,
      gitConfig: { repositoryUrl: props.cloneUrl, branch: props.branch },
      lifecycle: { precondition: [nameWithinLimit(props.name, NAME_LIMITS.codeRepository, 'SageMaker code repository name')] },
    });
  }
}
