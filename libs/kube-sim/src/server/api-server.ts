// The HTTP front of the simulator: auth, discovery, routing to resource handlers, watch, faults, admin endpoints.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { Server as NetServer, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ApiError, forbidden, forbiddenPath, internalError, isApiError, methodNotAllowed, resourceNotServed, unauthorized } from '../store/api-error';
import type { MemoryStore } from '../store/memory-store';
import type { ResourceDef } from '../store/resources';
import { RESOURCES } from '../store/resources';
import { parseFieldSelector, parseLabelSelector } from '../store/selectors';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery';
import type { FaultSpec, Faults } from './faults';
import { readBody, sendJson, sendRaw, sendStatus } from './http-util';
import type { ResourceRequest } from './resource-handlers';
import { handleCreate, handleDelete, handleDeleteCollection, handleGet, handleList, handlePatch, handleUpdate } from './resource-handlers';
import { handleLog, handleScale } from './subresources';
import { openApiV3Doc, openApiV3Root } from './openapi';
import { SIM_SERVER_CERT, SIM_SERVER_KEY } from './sim-tls';
import { toTable, wantsTable } from './tables';
import { serveWatch } from './watch';
import { WatchHub } from './watch-hub';

export interface ApiServerOptions {
  store: MemoryStore;
  faults: Faults;
  token: string;
  /** Bookmark period for watches with allowWatchBookmarks (default 60 s, as kube-apiserver). */
  bookmarkIntervalMs?: number;
  /** HTTPS with the simulator's test CA (default). kubectl sends bearer tokens only over TLS. */
  tls?: boolean;
  /** Print one line per request (method, path, status, ms) to stderr; watches when they end. */
  logRequests?: boolean;
}

interface Route {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPath: boolean;
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

/** Requests the server answered (watches counted once, when opened), by namespace (`''`: cluster-scoped / all). */
export interface RequestTally {
  total: number;
  byNamespace: Record<string, number>;
  byVerb: Record<string, number>;
}

const NAMESPACE_IN_PATH = /^\/apis?\/(?:[^/]+\/)?[^/]+\/(?:watch\/)?namespaces\/([^/?]+)\/[^/?]+/;

function parseRoute(segments: string[]): { gv?: { group: string; version: string }; route?: Route; discovery?: boolean; unknown?: boolean } {
  let group = '';
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') {
    if (segments.length < 2) return { discovery: true };
    version = segments[1];
    rest = segments.slice(2);
  } else {
    if (segments.length < 3) return { discovery: true };
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  }
  if (rest.length === 0) return { gv: { group, version }, discovery: true };
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  const inGv = (resource: string) => RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const nsDef = inGv(rest[2]);
    if (nsDef?.namespaced) {
      if (rest.length > 5) return { unknown: true };
      return { route: { def: nsDef, namespace: rest[1], name: rest[3], subresource: rest[4], watchPath } };
    }
    if (group !== '' || (rest[2] !== 'status' && rest[2] !== 'finalize') || rest.length > 3) return { unknown: true };
  }
  const def = inGv(rest[0]);
  if (!def || rest.length > 3) return { unknown: true };
  if (def.namespaced && rest.length > 1) return { unknown: true };
  return { route: { def, name: rest[1], subresource: rest[2], watchPath } };
}

function verbOf(method: string, route: Route, query: URLSearchParams): string | undefined {
  const w = query.get('watch');
  const watch = route.watchPath || w === 'true' || w === '1';
  switch (method) {
    case 'GET': return route.name ? (watch ? 'watch' : 'get') : watch ? 'watch' : 'list';
    case 'POST': return route.name ? undefined : 'create';
    case 'PUT': return route.name ? 'update' : undefined;
    case 'PATCH': return route.name ? 'patch' : undefined;
    case 'DELETE': return route.name ? 'delete' : 'deletecollection';
    default: return undefined;
  }
}

export class ApiServer {
  /** The listening socket: plain HTTP and TLS on one port, told apart by the first byte (0x16 = TLS handshake). */
  private readonly front: NetServer;
  private readonly http: Server;
  private readonly https?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly hub: WatchHub;
  private readonly openWatches = new Set<ServerResponse>();
  private tally: RequestTally = { total: 0, byNamespace: {}, byVerb: {} };

  constructor(private readonly opts: ApiServerOptions) {
    this.hub = new WatchHub(opts.store);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.count(req);
      if (opts.logRequests) {
        const started = performance.now();
        res.on('close', () => {
          console.error(`[kube-sim] ${req.method} ${req.url} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
        });
      }
      this.handle(req, res).catch((err: unknown) => this.fail(res, err));
    };
    this.http = createServer(handler);
    this.http.keepAliveTimeout = 65_000;
    if (opts.tls !== false) {
      this.https = createTlsServer({ cert: SIM_SERVER_CERT, key: SIM_SERVER_KEY }, handler);
      this.https.keepAliveTimeout = 65_000;
    }
    this.front = createNetServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.once('data', (first: Buffer) => {
        socket.pause();
        socket.unshift(first);
        (first[0] === 0x16 && this.https ? this.https : this.http).emit('connection', socket);
        process.nextTick(() => socket.resume());
      });
    });
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.front.once('error', reject);
      this.front.listen(port, host, () => resolve());
    });
    const addr = this.front.address() as AddressInfo;
    return `${this.opts.tls === false ? 'http' : 'https'}://${host}:${addr.port}`;
  }

  /** What clients asked of this cluster since the start (or the last reset): the cost of a controller, measured at the wire. */
  requests(reset = false): RequestTally {
    const out = this.tally;
    if (reset) this.tally = { total: 0, byNamespace: {}, byVerb: {} };
    return { total: out.total, byNamespace: { ...out.byNamespace }, byVerb: { ...out.byVerb } };
  }

  private count(req: IncomingMessage): void {
    const path = req.url ?? '/';
    if (!path.startsWith('/api')) return;
    const ns = decodeURIComponent(NAMESPACE_IN_PATH.exec(path)?.[1] ?? '');
    const watch = path.includes('/watch/') || /[?&]watch=(true|1)/.test(path);
    const verb = watch ? 'watch' : (req.method ?? 'GET').toLowerCase();
    this.tally.total += 1;
    this.tally.byNamespace[ns] = (this.tally.byNamespace[ns] ?? 0) + 1;
    this.tally.byVerb[verb] = (this.tally.byVerb[verb] ?? 0) + 1;
  }

  async close(): Promise<void> {
    for (const w of this.openWatches) w.destroy();
    for (const s of this.sockets) s.destroy();
    this.hub.close();
    await new Promise<void>((resolve) => this.front.close(() => resolve()));
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (isApiError(err)) {
      sendStatus(res, err);
      return;
    }
    console.error('[kube-sim] request failed:', err);
    sendStatus(res, internalError(err instanceof Error ? err.message : String(err)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://kube-sim');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (path.startsWith('/_sim/')) return this.admin(method, path, req, res);
    if (PUBLIC_PATHS.has(path)) {
      if (path === '/version') sendJson(res, 200, SERVER_VERSION);
      else sendRaw(res, 200, 'ok', 'text/plain; charset=utf-8');
      return;
    }
    const user = this.authenticate(req);
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] !== 'api' && segments[0] !== 'apis') {
      if (user === 'system:anonymous') throw forbiddenPath(user, method.toLowerCase(), path);
      if (path === '/openapi/v3' && method === 'GET') return sendJson(res, 200, openApiV3Root());
      if (path.startsWith('/openapi/v3/') && method === 'GET') {
        const doc = openApiV3Doc(path.slice('/openapi/v3/'.length));
        if (doc) return sendRaw(res, 200, doc, 'application/json');
      }
      throw resourceNotServed();
    }
    const parsed = parseRoute(segments);
    if (parsed.discovery) {
      if (user === 'system:anonymous') throw forbiddenPath(user, 'get', path);
      if (method !== 'GET') throw methodNotAllowed();
      return this.discovery(segments, parsed.gv, req, res);
    }
    if (!parsed.route) throw resourceNotServed();
    const route = parsed.route;
    const verb = verbOf(method, route, url.searchParams);
    if (user === 'system:anonymous') {
      throw forbidden(user, verb ?? method.toLowerCase(), route.def, route.namespace, route.name);
    }
    if (!verb) throw methodNotAllowed();
    await this.injectFaults(verb, route);
    const r: ResourceRequest = {
      req, res, query: url.searchParams, store: this.opts.store,
      def: route.def, namespace: route.namespace, name: route.name, subresource: route.subresource,
    };
    return this.dispatch(verb, r);
  }

  private authenticate(req: IncomingMessage): string {
    const h = req.headers.authorization;
    if (!h) return 'system:anonymous';
    const m = /^Bearer\s+(.+)$/i.exec(h.trim());
    if (!m || m[1] !== this.opts.token) throw unauthorized();
    return 'kube-sim-admin';
  }

  private async injectFaults(verb: string, route: Route): Promise<void> {
    const latency = this.opts.faults.latencyMs();
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    const failure = this.opts.faults.failureFor(verb, route.def.resource, route.subresource);
    if (failure) throw failure;
  }

  private async dispatch(verb: string, r: ResourceRequest): Promise<void> {
    const def = r.def;
    const sub = r.subresource;
    if (sub !== undefined && !def.subresources.includes(sub)) throw resourceNotServed();
    if (!def.verbs.includes(verb) && sub === undefined && verb !== 'watch') throw methodNotAllowed();
    if (sub === 'scale') {
      if (verb !== 'get' && verb !== 'update' && verb !== 'patch') throw methodNotAllowed();
      return handleScale(r, verb);
    }
    if (sub === 'log') {
      if (verb !== 'get') throw methodNotAllowed();
      return handleLog(r);
    }
    if (sub === 'status' && verb !== 'get' && verb !== 'update' && verb !== 'patch') throw methodNotAllowed();
    switch (verb) {
      case 'get': return handleGet(r);
      case 'list': return handleList(r);
      case 'watch': return this.watch(r);
      case 'create': return handleCreate(r);
      case 'update': return handleUpdate(r);
      case 'patch': return handlePatch(r);
      case 'delete': return handleDelete(r);
      case 'deletecollection': return handleDeleteCollection(r);
      default: throw methodNotAllowed();
    }
  }

  private watch(r: ResourceRequest): void {
    const q = r.query;
    const labels = parseLabelSelector(q.get('labelSelector') ?? undefined);
    const fieldSel = q.get('fieldSelector') ?? undefined;
    const fields = parseFieldSelector(
      r.name ? [fieldSel, `metadata.name=${r.name}`].filter(Boolean).join(',') : fieldSel,
      ['metadata.name', 'metadata.namespace', ...(r.def.fieldLabels ?? [])],
    );
    const timeout = q.get('timeoutSeconds');
    this.openWatches.add(r.res);
    serveWatch(r.res, {
      def: r.def,
      namespace: r.def.namespaced ? r.namespace : undefined,
      labels, fields,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      timeoutSeconds: timeout ? Number(timeout) : undefined,
      allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true' || q.get('allowWatchBookmarks') === '1',
      sendInitialEvents: q.get('sendInitialEvents') === 'true',
      transform: wantsTable(r.req)
        ? (o, first) => toTable(r.def, [o], this.opts.store.clockNow(), q, { resourceVersion: o.metadata.resourceVersion }, first)
        : undefined,
    }, {
      store: this.opts.store,
      hub: this.hub,
      faults: this.opts.faults,
      bookmarkIntervalMs: this.opts.bookmarkIntervalMs ?? 60_000,
      onClose: () => this.openWatches.delete(r.res),
    });
  }

  private discovery(segments: string[], gv: { group: string; version: string } | undefined, req: IncomingMessage, res: ServerResponse): void {
    if (segments.length === 1) {
      const host = req.headers.host ?? '127.0.0.1';
      sendJson(res, 200, segments[0] === 'api' ? apiVersions(host) : apiGroupList());
      return;
    }
    if (!gv) {
      // /apis/<group>
      const g = apiGroup(segments[1]);
      if (!g) throw resourceNotServed();
      sendJson(res, 200, g);
      return;
    }
    const list = apiResourceList(gv.group, gv.version);
    if (!list) throw resourceNotServed();
    sendJson(res, 200, list);
  }

  private async admin(method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const faults = this.opts.faults;
    if (path === '/_sim/healthz' && method === 'GET') {
      sendJson(res, 200, { ok: true, resourceVersion: this.opts.store.currentResourceVersion(), watches: this.openWatches.size });
      return;
    }
    if (path === '/_sim/faults') {
      if (method === 'GET') return sendJson(res, 200, faults.current());
      if (method === 'DELETE') {
        faults.clear();
        return sendJson(res, 200, faults.current());
      }
      if (method === 'POST') {
        let spec: FaultSpec;
        try {
          spec = JSON.parse((await readBody(req)).toString('utf8') || '{}');
          faults.set(spec);
        } catch (e) {
          throw new ApiError(400, 'BadRequest', `invalid fault spec: ${e instanceof Error ? e.message : String(e)}`);
        }
        return sendJson(res, 200, faults.current());
      }
      throw methodNotAllowed();
    }
    if (path === '/_sim/watches/cut' && method === 'POST') {
      return sendJson(res, 200, { cut: faults.cutWatches() });
    }
    throw resourceNotServed();
  }
}
