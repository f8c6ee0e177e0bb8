import { Construct } from 'constructs';
import { EphemeralResource, ephemeralVariable } from '../../../constructs/terraform/ephemeral';
import { synthScope } from '../../support/synth-scope';

describe('EphemeralResource', () => {
  test('writes an ephemeral block named after its construct path, which references point at', () => {
    const { tf, built } = synthScope(
      (scope) =>
        new EphemeralResource(new Construct(scope, 'gitlab'), 'token', 'aws_secretsmanager_secret_version', { secret_id: 'acme/gitlab/private-token' }),
    );
    expect(built.name).toBe('gitlab_token');
    expect(tf.ephemeral).toEqual({ aws_secretsmanager_secret_version: { gitlab_token: { secret_id: 'acme/gitlab/private-token' } } });
    expect(built.attribute('secret_string')).toBe('${ephemeral.aws_secretsmanager_secret_version.gitlab_token.secret_string}');
  });

  test('characters Terraform names cannot hold become underscores', () => {
    const { built } = synthScope((scope) => new EphemeralResource(scope, 'token.v2', 'aws_secretsmanager_secret_version', { secret_id: 's' }));
    expect(built.name).toBe('token_v2');
  });
});

describe('ephemeralVariable', () => {
  test('is a variable marked ephemeral, keeping its other settings', () => {
    const { tf } = synthScope((scope) => ephemeralVariable(scope, 'token', { type: 'string', sensitive: true, description: 'A token' }));
    expect(tf.variable.token).toEqual({ type: 'string', sensitive: true, description: 'A token', ephemeral: true });
  });
});
