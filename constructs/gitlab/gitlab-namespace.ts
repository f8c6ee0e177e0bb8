import { DataGitlabCurrentUser } from '@cdktf/provider-gitlab/lib/data-gitlab-current-user';
import { DataGitlabGroupIds } from '@cdktf/provider-gitlab/lib/data-gitlab-group-ids';
import { Fn, Op, Token } from 'cdktf';
import { Construct } from 'constructs';
import { attributeOfOptional, isEmpty } from '../terraform/counted';

export interface GitLabNamespaceProps {
  /** Group path (`ml-team`, `ml-team/projects`) or the token owner's username; empty = the token owner's namespace. */
  readonly path: string;
}

/**
 * The id of the namespace new projects go to. A token can create projects only in its owner's
 * personal namespace or in a group, so the path is either the owner's username (or empty) or a
 * group path, looked up only in that case.
 */
export class GitLabNamespace extends Construct {
  /** Namespace id, a Terraform expression. */
  readonly namespaceId: number;

  constructor(scope: Construct, id: string, props: GitLabNamespaceProps) {
    super(scope, id);
    const tokenOwner = new DataGitlabCurrentUser(this, 'token-owner', {});
    const personal = Op.or(isEmpty(props.path), Op.eq(Fn.lower(props.path), Fn.lower(tokenOwner.username)));
    const group = new DataGitlabGroupIds(this, 'group', {
      count: Token.asNumber(Fn.conditional(personal, 0, 1)),
      group: props.path,
    });
    this.namespaceId = Token.asNumber(Fn.conditional(personal, tokenOwner.namespaceId, attributeOfOptional(group, 'group_id')));
  }
}
