import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { Construct } from 'constructs';

export interface GitLabOidcProviderProps {
  /** Base URL of the GitLab instance (https, no trailing slash): issuer, and the ID tokens' audience. */
  readonly gitlabUrl: string;
}

/**
 * The IAM OIDC provider that lets GitLab CI jobs assume roles with their ID tokens. It trusts nothing
 * by itself: each project stack creates a role trusted only by its own two GitLab projects' default
 * branch. IAM allows one provider per URL and account, so a platform can name an existing one instead.
 */
export class GitLabOidcProvider extends Construct {
  readonly provider: IamOpenidConnectProvider;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: GitLabOidcProviderProps) {
    super(scope, id);
    this.provider = new IamOpenidConnectProvider(this, 'oidc-provider', { url: props.gitlabUrl, clientIdList: [props.gitlabUrl] });
    this.arn = this.provider.arn;
  }
}
