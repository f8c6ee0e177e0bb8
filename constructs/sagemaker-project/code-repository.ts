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
  /** Secrets Manager secret `{"username","password"}` Studio clones with. */
  readonly credentialsSecretArn: string;
}

/** A GitLab repository registered in SageMaker, so Studio users of the project can clone it. */
export class CodeRepository extends Construct {
  readonly resource: SagemakerCodeRepository;

  constructor(scope: Construct, id: string, props: CodeRepositoryProps) {
    super(scope, id);
    this.resource = new SagemakerCodeRepository(this, 'repository', {
      codeRepositoryName: props.name,
      gitConfig: { repositoryUrl: props.cloneUrl, branch: props.branch, secretArn: props.credentialsSecretArn },
      lifecycle: { precondition: [nameWithinLimit(props.name, NAME_LIMITS.codeRepository, 'SageMaker code repository name')] },
    });
  }
}
