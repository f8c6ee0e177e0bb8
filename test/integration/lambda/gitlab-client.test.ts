import { execFileSync } from '../../harness/child-process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { RequestError } from '../../../lambda/shared/failure';
import { sendToGitLab } from '../../../lambda/shared/gitlab';
import { closedPort } from '../../support/lambda-harness';

const TOKEN = 'glpat-ClientTestToken0000';
const endpoint = (url: string) => ({ url, privateToken: TOKEN, credentialSource: 'secret arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf' });
const get = (url: string) => sendToGitLab(endpoint(url), { method: 'GET', path: '/projects/1', idempotent: true }, 2000).catch((error: RequestError) => error);

describe('the GitLab client over fetch: network failures keep their cause, never the token', () => {
  test('a refused connection is worth retrying and names ECONNREFUSED', async () => {
    const error = (await get(`http://127.0.0.1:${await closedPort()}`)) as RequestError;
    expect(error).toBeInstanceOf(RequestError);
    expect(error.message).toMatch(/^GET \/projects\/1: 127\.0\.0\.1:\d+ could not be reached \(ECONNREFUSED\)$/);
    expect(error.advice).toBe('retry');
    expect(inspect(error, { depth: Infinity })).toContain('ECONNREFUSED');
    expect(inspect(error, { depth: Infinity })).not.toContain(TOKEN);
  });

  test('an unknown host is final and says to check the URL and the DNS', async () => {
    const error = (await get('http://gitlab.invalid')) as RequestError;
    expect(error.advice).toBe('final');
    expect(error.message).toContain('does not resolve (ENOTFOUND): check the GitLab URL');
  });

  test('a certificate from a private CA is final, with the NODE_EXTRA_CA_CERTS hint, and no header in the cause chain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_request, response) =>
      response.end('{}'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const error = (await get(`https://localhost:${(server.address() as AddressInfo).port}`)) as RequestError;
      expect(error.advice).toBe('final');
      expect(error.message).toMatch(/the TLS certificate of localhost:\d+ was not accepted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/);
      expect(error.message).toContain('NODE_EXTRA_CA_CERTS');
      const inspected = inspect(error, { depth: Infinity });
      expect(inspected).not.toContain(TOKEN);
      expect(inspected.toLowerCase()).not.toContain('private-token');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
