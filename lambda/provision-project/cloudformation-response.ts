import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Answer } from './decide';

/** CloudFormation rejects a custom resource response larger than this. */
export const RESPONSE_MAX_BYTES = 4096;

/** The request fields every response repeats. */
export interface RequestIdentity {
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
}

const TRUNCATED = ' [truncated]';

/**
 * The JSON body of a response, within CloudFormation's 4,096 bytes: the reason is cut (and marked)
 * when the whole body would be longer.
 */
export function responseBody(identity: RequestIdentity, answer: Answer): string {
  const body = (reason: string) =>
    JSON.stringify({
      Status: answer.Status,
      Reason: reason,
      PhysicalResourceId: answer.PhysicalResourceId,
      StackId: identity.StackId,
      RequestId: identity.RequestId,
      LogicalResourceId: identity.LogicalResourceId,
    });
  const full = body(answer.Reason);
  if (Buffer.byteLength(full) <= RESPONSE_MAX_BYTES) return full;
  // JSON escaping can make a character longer than its UTF-8 bytes: find the longest prefix that fits.
  const characters = [...answer.Reason];
  const fits = (count: number) => Buffer.byteLength(body(`${characters.slice(0, count).join('')}${TRUNCATED}`)) <= RESPONSE_MAX_BYTES;
  if (!fits(0)) throw new Error(`a response is longer than ${RESPONSE_MAX_BYTES} bytes without its reason: the physical id or request fields are too long`);
  let low = 0;
  let high = characters.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return body(`${characters.slice(0, low).join('')}${TRUNCATED}`);
}

/** `: <Code>` of an S3 XML error body, or nothing when it has no plain error code. */
function errorCode(body: string): string {
  const code = /<Code>([A-Za-z0-9.]{1,64})<\/Code>/.exec(body)?.[1];
  return code ? `: ${code}` : '';
}

export interface PutOptions {
  /** Accept http:// response URLs (a local test server); CloudFormation's are always https. @default false */
  readonly allowHttp?: boolean;
  /** Milliseconds before the request is abandoned. @default 15000 */
  readonly timeoutMs?: number;
}

/**
 * PUTs a response body to CloudFormation's presigned response URL: an empty content type (the URL
 * is signed without one) and the exact content length. Rejects when S3 does not answer 2xx.
 */
export function putResponse(url: string, body: string, options: PutOptions = {}): Promise<void> {
  const target = new URL(url);
  if (target.protocol !== 'https:' && !(options.allowHttp && target.protocol === 'http:')) {
    return Promise.reject(new Error(`the response URL must be https, got ${target.protocol}//${target.host}`));
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const put = send(
      target,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) }, timeout: options.timeoutMs ?? 15000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          // The URL is a credential: name only its host. S3's error body can carry signing material
          // (SignatureDoesNotMatch echoes the string to sign): keep only its error code.
          else reject(new Error(`the response PUT to ${target.host} answered ${status}${errorCode(Buffer.concat(chunks).toString('utf8'))}`));
        });
      },
    );
    put.on('timeout', () => put.destroy(new Error(`the response PUT to ${target.host} timed out`)));
    put.on('error', reject);
    put.end(body);
  });
}
