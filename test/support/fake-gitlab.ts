import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** A commit as the fake stores it: files decoded to bytes, as GitLab would store them. */
export interface FakeCommit {
  readonly id: string;
  readonly branch: string;
  readonly message: string;
  readonly files: Map<string, Buffer>;
}

export interface FakePipeline {
  readonly id: number;
  readonly ref: string;
  readonly variables: Array<{ key: string; value: string; variable_type?: string }>;
}

interface FakeProject {
  readonly id: number;
  readonly pathWithNamespace: string;
  readonly commits: FakeCommit[];
  readonly pipelines: FakePipeline[];
}

export interface RecordedRequest {
  readonly method: string;
  /** Path below /api/v4, e.g. `/projects/7/repository/commits`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: any;
}

/** Statuses to answer instead of handling, for requests matching `method` and `path`. */
interface Fault {
  readonly method: string;
  readonly path: RegExp;
  readonly statuses: number[];
  readonly forever: boolean;
  /** Handle the request (with its side effects) and answer the status anyway, as a failing proxy would. */
  readonly afterHandling: boolean;
}

/**
 * A local HTTP server speaking the subset of GitLab's REST API v4 the project's Lambdas call:
 * project lookup, commit listing and creation (text and base64 actions), pipeline creation, with
 * PRIVATE-TOKEN authentication and injectable failures. Every request is recorded.
 */
export class FakeGitLab {
  readonly requests: RecordedRequest[] = [];
  private readonly projects = new Map<number, FakeProject>();
  private readonly faults: Fault[] = [];
  private server?: Server;
  url = '';

  constructor(private readonly token: string) {}

  addProject(id: number, pathWithNamespace: string): void {
    this.projects.set(id, { id, pathWithNamespace, commits: [], pipelines: [] });
  }

  commits(projectId: number): FakeCommit[] {
    return this.project(projectId).commits;
  }

  pipelines(projectId: number): FakePipeline[] {
    return this.project(projectId).pipelines;
  }

  /** Adds a commit as a person pushing would. */
  push(projectId: number, branch: string, message: string, files: Record<string, string>): void {
    const entries = Object.entries(files).map(([path, content]) => [path, Buffer.from(content)] as const);
    this.project(projectId).commits.push({ id: randomBytes(20).toString('hex'), branch, message, files: new Map(entries) });
  }

  /** Answers the next requests matching method and path with `statuses`, one each, then handles them again. */
  failNext(method: string, path: RegExp, ...statuses: number[]): void {
    this.faults.push({ method, path, statuses, forever: false, afterHandling: false });
  }

  /** Handles the next request matching method and path, then answers `status` instead of the real answer. */
  failNextAfterHandling(method: string, path: RegExp, status: number): void {
    this.faults.push({ method, path, statuses: [status], forever: false, afterHandling: true });
  }

  /** Answers every request matching method and path with `status`. */
  failAlways(method: string, path: RegExp, status: number): void {
    this.faults.push({ method, path, statuses: [status], forever: true, afterHandling: false });
  }

  /** Requests with the given method whose path matches. */
  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && path.test(request.path));
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => this.receive(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    // Clients keep connections alive; close them, or close() waits for their idle timeout.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private project(id: number): FakeProject {
    const project = this.projects.get(id);
    if (!project) throw new Error(`fake GitLab has no project ${id}`);
    return project;
  }

  private receive(request: IncomingMessage, response: ServerResponse): void {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const path = decodeURIComponent(url.pathname.replace(/^\/api\/v4/, ''));
      const body = raw ? JSON.parse(raw) : undefined;
      const method = request.method ?? 'GET';
      this.requests.push({ method, path, query: url.searchParams, body });
      const send = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      const fault = this.faults.find((candidate) => candidate.method === method && candidate.path.test(path) && candidate.statuses.length > 0);
      const failure = fault && { status: fault.forever ? fault.statuses[0] : fault.statuses.shift()! };
      if (failure && !fault.afterHandling) return send(failure.status, { message: `${failure.status} fake failure` });
      if (request.headers['private-token'] !== this.token) return send(401, { message: '401 Unauthorized' });
      this.route(method, path, url.searchParams, body, (status, payload) =>
        failure ? send(failure.status, { message: `${failure.status} fake failure` }) : send(status, payload),
      );
    });
  }

  private route(method: string, path: string, query: URLSearchParams, body: any, send: (status: number, payload: unknown) => void): void {
    const match = /^\/projects\/(\d+)(\/.*)?$/.exec(path);
    const project = match ? this.projects.get(Number(match[1])) : undefined;
    if (!match || !project) return send(404, { message: '404 Project Not Found' });
    const rest = match[2] ?? '';
    if (method === 'GET' && rest === '') {
      return send(200, { id: project.id, path_with_namespace: project.pathWithNamespace, empty_repo: project.commits.length === 0 });
    }
    if (method === 'GET' && rest === '/repository/commits') {
      const ref = query.get('ref_name');
      const perPage = Number(query.get('per_page') ?? 20);
      const commits = project.commits.filter((commit) => !ref || commit.branch === ref).reverse().slice(0, perPage);
      if (ref && commits.length === 0 && project.commits.length > 0) return send(404, { message: '404 Branch Not Found' });
      return send(200, commits.map((commit) => ({ id: commit.id, message: commit.message, title: commit.message.split('\n')[0] })));
    }
    if (method === 'POST' && rest === '/repository/commits') return this.createCommit(project, body, send);
    if (method === 'POST' && rest === '/pipeline') {
      if (typeof body?.ref !== 'string') return send(400, { message: 'ref is missing' });
      const pipeline = { id: 1000 + project.pipelines.length, ref: body.ref, variables: body.variables ?? [] };
      project.pipelines.push(pipeline);
      return send(201, { id: pipeline.id, ref: pipeline.ref, status: 'created', web_url: `${this.url}/${project.pathWithNamespace}/-/pipelines/${pipeline.id}` });
    }
    send(404, { message: '404 Not Found' });
  }

  private createCommit(project: FakeProject, body: any, send: (status: number, payload: unknown) => void): void {
    if (typeof body?.branch !== 'string' || typeof body?.commit_message !== 'string' || !Array.isArray(body?.actions)) {
      return send(400, { message: 'branch, commit_message and actions are required' });
    }
    const existing = new Set(project.commits.filter((commit) => commit.branch === body.branch).flatMap((commit) => [...commit.files.keys()]));
    const files = new Map<string, Buffer>();
    for (const action of body.actions) {
      if (action.action !== 'create' || typeof action.file_path !== 'string' || typeof action.content !== 'string') {
        return send(400, { message: `unsupported action ${JSON.stringify(action)}` });
      }
      if (existing.has(action.file_path)) return send(400, { message: 'A file with this name already exists' });
      if (!['text', 'base64', undefined].includes(action.encoding)) return send(400, { message: `bad encoding ${action.encoding}` });
      files.set(action.file_path, Buffer.from(action.content, action.encoding === 'base64' ? 'base64' : 'utf8'));
    }
    const commit = { id: randomBytes(20).toString('hex'), branch: body.branch, message: body.commit_message, files };
    project.commits.push(commit);
    send(201, { id: commit.id, message: commit.message, title: commit.message.split('\n')[0] });
  }
}
