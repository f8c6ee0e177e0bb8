import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the server received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A local HTTP server standing in for CloudFormation's presigned response URL (an S3 object PUT):
 * it records every request and answers 200, or the statuses queued with `failNext`.
 */
export class ResponseServer {
  readonly received: ReceivedRequest[] = [];
  private readonly statuses: number[] = [];
  private server?: Server;
  private base = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(this.statuses.shift() ?? 200);
        response.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A presigned-looking URL of this server for one request. */
  url(name: string): string {
    return `${this.base}/cloudformation-custom-resource-response-useast1/${name}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc123`;
  }

  failNext(...statuses: number[]): void {
    this.statuses.push(...statuses);
  }

  /** Parsed bodies of the responses PUT to the URL of `name`. */
  responsesTo(name: string): any[] {
    return this.received.filter((request) => request.path.includes(`/${name}?`)).map((request) => JSON.parse(request.body));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
