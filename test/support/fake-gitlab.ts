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
  /** Pipeline variables, by key. */
  readonly variables: Record<string, string>;
  readonly webUrl: string;
}

export interface FakeTrigger {
  readonly id: number;
  readonly description: string;
  readonly token: string;
  /** Created with another user's token: the API shows only its first 4 characters. */
  readonly foreign?: boolean;
}

export interface FakeVariable {
  key: string;
  value: string;
  masked: boolean;
  protected: boolean;
  raw: boolean;
}

interface FakeProject {
  readonly id: number;
  readonly pathWithNamespace: string;
  readonly commits: FakeCommit[];
  readonly tags: Map<string, string>;
  readonly pipelines: FakePipeline[];
  readonly triggers: FakeTrigger[];
  readonly variables: Map<string, FakeVariable>;
  /** Answer trigger requests with variables as a deploy project whose trigger owner is not an Owner. */
  pipelineVariablesRefused: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path below /api/v4, e.g. `/projects/7/repository/commits`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Parsed JSON, or the form fields as an object. */
  readonly body: any;
  readonly headers: IncomingMessage['headers'];
  /** When the request arrived (Date.now()). */
  readonly at: number;
}

/** How to answer requests matching `method` and `path` instead of (or after) handling them. */
interface Fault {
  readonly method: string;
  readonly path: RegExp;
  /** Statuses to answer, one per request; `'hang'` never answers. */
  readonly answers: Array<number | 'hang'>;
  readonly forever: boolean;
  /** Handle the request (with its side effects) and answer the status anyway, as a failing proxy would. */
  readonly afterHandling: boolean;
  readonly headers: Record<string, string>;
}

type Send = (status: number, payload: unknown) => void;

const NOT_FOUND = { message: '404 Not Found' };
const commitView = (commit: FakeCommit) => ({ id: commit.id, message: commit.message, title: commit.message.split('\n')[0], author_name: 'Seeding Bot' });

/**
 * A local HTTP server speaking the subset of GitLab's REST API v4 the project's functions call:
 * projects, commits, branches, tags, pipeline triggers and the trigger API (form data), CI/CD
 * variables; PRIVATE-TOKEN authentication, trigger-token authentication, and injectable failures
 * (statuses with headers such as Retry-After, answers after handling, requests left hanging).
 * Every request is recorded.
 */
export class FakeGitLab {
  readonly requests: RecordedRequest[] = [];
  private readonly projects = new Map<number, FakeProject>();
  private readonly faults: Fault[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private nextId = 1000;
  private server?: Server;
  url = '';

  constructor(private readonly token: string) {}

  addProject(id: number, pathWithNamespace: string): void {
    this.projects.set(id, {
      id,
      pathWithNamespace,
      commits: [],
      tags: new Map(),
      pipelines: [],
      triggers: [],
      variables: new Map(),
      pipelineVariablesRefused: false,
    });
  }

  commits(projectId: number): FakeCommit[] {
    return this.project(projectId).commits;
  }

  tags(projectId: number): Map<string, string> {
    return this.project(projectId).tags;
  }

  pipelines(projectId: number): FakePipeline[] {
    return this.project(projectId).pipelines;
  }

  triggers(projectId: number): FakeTrigger[] {
    return this.project(projectId).triggers;
  }

  variables(projectId: number): Map<string, FakeVariable> {
    return this.project(projectId).variables;
  }

  /** Makes the trigger API refuse pipeline variables, as GitLab does for a trigger owner below the minimum role. */
  refusePipelineVariables(projectId: number): void {
    this.project(projectId).pipelineVariablesRefused = true;
  }

  /** Adds a commit as a person pushing would. */
  push(projectId: number, branch: string, message: string, files: Record<string, string> = {}): FakeCommit {
    const entries = Object.entries(files).map(([path, content]) => [path, Buffer.from(content)] as const);
    const commit = { id: randomBytes(20).toString('hex'), branch, message, files: new Map(entries) };
    this.project(projectId).commits.push(commit);
    return commit;
  }

  /** Adds a trigger as a person (or, with `foreign`, another user) would. */
  addTrigger(projectId: number, description: string, options: { foreign?: boolean } = {}): FakeTrigger {
    const trigger = { id: this.nextId++, description, token: `glptt-${randomBytes(10).toString('hex')}`, ...options };
    this.project(projectId).triggers.push(trigger);
    return trigger;
  }

  /** Answers the next requests matching method and path with `answers`, one each, then handles them again. */
  failNext(method: string, path: RegExp, ...answers: Array<number | 'hang'>): void {
    this.faults.push({ method, path, answers, forever: false, afterHandling: false, headers: {} });
  }

  /** Answers the next matching request with `status` and these headers (e.g. Retry-After). */
  answerNext(method: string, path: RegExp, status: number, headers: Record<string, string>): void {
    this.faults.push({ method, path, answers: [status], forever: false, afterHandling: false, headers });
  }

  /** Handles the next request matching method and path, then answers `answer` instead of the real answer. */
  failNextAfterHandling(method: string, path: RegExp, answer: number | 'hang'): void {
    this.faults.push({ method, path, answers: [answer], forever: false, afterHandling: true, headers: {} });
  }

  /** Answers every request matching method and path with `answer`. */
  failAlways(method: string, path: RegExp, answer: number | 'hang'): void {
    this.faults.push({ method, path, answers: [answer], forever: true, afterHandling: false, headers: {} });
  }

  /** Forgets every injected failure and ends hanging requests. */
  clearFaults(): void {
    this.faults.length = 0;
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
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
    for (const response of this.hanging) response.destroy();
    // Clients keep connections alive; close them, or close() waits for their idle timeout.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private project(id: number): FakeProject {
    const project = this.projects.get(id);
    if (!project) throw new Error(`fake GitLab has no project ${id}`);
    return project;
  }

  private takeFault(method: string, path: string): (Fault & { answer: number | 'hang' }) | undefined {
    const fault = this.faults.find((candidate) => candidate.method === method && candidate.path.test(path) && candidate.answers.length > 0);
    if (!fault) return undefined;
    return { ...fault, answer: fault.forever ? fault.answers[0] : fault.answers.shift()! };
  }

  private receive(request: IncomingMessage, response: ServerResponse): void {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const path = decodeURIComponent(url.pathname.replace(/^\/api\/v4/, ''));
      const form = String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const body = !raw ? undefined : form ? Object.fromEntries(new URLSearchParams(raw)) : JSON.parse(raw);
      const method = request.method ?? 'GET';
      this.requests.push({ method, path, query: url.searchParams, body, headers: request.headers, at: Date.now() });
      const fault = this.takeFault(method, path);
      const answer: Send = (status, payload) => {
        if (fault?.answer === 'hang') return void this.hanging.add(response);
        const failed = fault !== undefined;
        response.writeHead(failed ? (fault.answer as number) : status, { 'content-type': 'application/json', ...(failed ? fault.headers : {}) });
        response.end(JSON.stringify(failed ? { message: `${fault.answer} fake failure` } : payload));
      };
      if (fault && !fault.afterHandling) return answer(0, undefined);
      this.route(method, path, url.searchParams, body, request.headers['private-token'], answer);
    });
  }

  private route(method: string, path: string, query: URLSearchParams, body: any, token: string | string[] | undefined, send: Send): void {
    const match = /^\/projects\/(\d+)(\/.*)?$/.exec(path);
    const project = match ? this.projects.get(Number(match[1])) : undefined;
    const rest = match?.[2] ?? '';
    // The trigger API authenticates with the trigger's token in the form, not with PRIVATE-TOKEN.
    if (method === 'POST' && rest === '/trigger/pipeline') return project ? this.triggerPipeline(project, body, send) : send(404, NOT_FOUND);
    if (token !== this.token) return send(401, { message: '401 Unauthorized' });
    if (!project) return send(404, { message: '404 Project Not Found' });
    const key = (prefix: string) => (rest.startsWith(prefix) ? rest.slice(prefix.length) : undefined);
    if (method === 'GET' && rest === '')
      return send(200, { id: project.id, path_with_namespace: project.pathWithNamespace, empty_repo: project.commits.length === 0 });
    if (method === 'GET' && rest === '/repository/commits') return this.listCommits(project, query, send);
    if (method === 'POST' && rest === '/repository/commits') return this.createCommit(project, body, send);
    if (method === 'GET' && rest === '/repository/branches') {
      return send(
        200,
        [...new Set(project.commits.map((commit) => commit.branch))].map((name) => ({ name })),
      );
    }
    if (method === 'GET' && key('/repository/branches/')) {
      const head = project.commits.filter((commit) => commit.branch === key('/repository/branches/')).pop();
      return head ? send(200, { name: head.branch, commit: commitView(head) }) : send(404, { message: '404 Branch Not Found' });
    }
    if (method === 'GET' && key('/repository/tags/')) {
      const commitId = project.tags.get(key('/repository/tags/')!);
      return commitId ? send(200, { name: key('/repository/tags/'), commit: { id: commitId } }) : send(404, { message: '404 Tag Not Found' });
    }
    if (method === 'POST' && rest === '/repository/tags') return this.createTag(project, body, send);
    if (method === 'GET' && rest === '/triggers') {
      return send(
        200,
        project.triggers.map((trigger) => ({
          id: trigger.id,
          description: trigger.description,
          token: trigger.foreign ? trigger.token.slice(0, 4) : trigger.token,
        })),
      );
    }
    if (method === 'POST' && rest === '/triggers') {
      if (typeof body?.description !== 'string') return send(400, { message: 'description is missing' });
      const trigger = this.addTrigger(project.id, body.description);
      return send(201, { id: trigger.id, description: trigger.description, token: trigger.token });
    }
    if (method === 'DELETE' && key('/triggers/')) {
      const index = project.triggers.findIndex((trigger) => trigger.id === Number(key('/triggers/')));
      if (index < 0) return send(404, { message: '404 Trigger Not Found' });
      project.triggers.splice(index, 1);
      return send(204, undefined);
    }
    if (rest === '/variables' || key('/variables/')) return this.variablesApi(project, method, key('/variables/'), body, send);
    send(404, NOT_FOUND);
  }

  private listCommits(project: FakeProject, query: URLSearchParams, send: Send): void {
    const ref = query.get('ref_name');
    const perPage = Math.min(100, Number(query.get('per_page') ?? 20));
    const page = Number(query.get('page') ?? 1);
    const commits = project.commits.filter((commit) => !ref || commit.branch === ref).reverse();
    send(200, commits.slice((page - 1) * perPage, page * perPage).map(commitView));
  }

  private createCommit(project: FakeProject, body: any, send: Send): void {
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
    send(201, commitView(commit));
  }

  private createTag(project: FakeProject, body: any, send: Send): void {
    if (typeof body?.tag_name !== 'string' || typeof body?.ref !== 'string') return send(400, { message: 'tag_name and ref are required' });
    if (project.tags.has(body.tag_name)) return send(400, { message: `Tag ${body.tag_name} already exists` });
    if (!project.commits.some((commit) => commit.id === body.ref)) return send(400, { message: 'Target ref is invalid' });
    project.tags.set(body.tag_name, body.ref);
    send(201, { name: body.tag_name, commit: { id: body.ref } });
  }

  private triggerPipeline(project: FakeProject, form: Record<string, string> | undefined, send: Send): void {
    if (!form || !project.triggers.some((trigger) => trigger.token === form.token)) return send(404, NOT_FOUND);
    if (typeof form.ref !== 'string') return send(400, { message: 'ref is missing' });
    const variables = Object.fromEntries(
      Object.entries(form)
        .filter(([name]) => /^variables\[.+\]$/.test(name))
        .map(([name, value]) => [name.slice('variables['.length, -1), value]),
    );
    if (project.pipelineVariablesRefused && Object.keys(variables).length > 0) {
      return send(400, { message: { base: ['Insufficient permissions to set pipeline variables'] } });
    }
    const id = this.nextId++;
    const pipeline = { id, ref: form.ref, variables, webUrl: `${this.url}/${project.pathWithNamespace}/-/pipelines/${id}` };
    project.pipelines.push(pipeline);
    send(201, { id, ref: pipeline.ref, status: 'created', web_url: pipeline.webUrl });
  }

  private variablesApi(project: FakeProject, method: string, key: string | undefined, body: any, send: Send): void {
    const view = (variable: FakeVariable) => ({ ...variable, variable_type: 'env_var', environment_scope: '*' });
    const settings = (from: any, into: FakeVariable) => {
      for (const flag of ['masked', 'protected', 'raw'] as const) if (from[flag] !== undefined) into[flag] = Boolean(from[flag]);
      if (from.value !== undefined) into.value = String(from.value);
      return into;
    };
    if (key === undefined && method === 'POST') {
      if (project.variables.has(body?.key)) return send(400, { message: { key: [`(${body.key}) has already been taken`] } });
      const variable = settings(body, { key: body.key, value: '', masked: false, protected: false, raw: false });
      project.variables.set(variable.key, variable);
      return send(201, view(variable));
    }
    const variable = key === undefined ? undefined : project.variables.get(key);
    if (!variable) return send(404, { message: '404 Variable Not Found' });
    if (method === 'GET') return send(200, view(variable));
    if (method === 'PUT') return send(200, view(settings(body, variable)));
    send(404, NOT_FOUND);
  }
}
