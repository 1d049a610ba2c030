// Security suite, part 2: malformed REST requests generated from openapi.json and GraphQL operations from the
// schema, against a real api process. Short profile in `npm test` (1,000 + 200); `npm run test:security` runs the
// full one (10,000 + 2,000) and writes its figures (see docs/security.md).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphqlFuzzRequest, generateGraphqlFuzz } from './graphql-fuzz.generators';
import { type FuzzRequest, type OpenApiDoc, generateRestFuzz } from './rest-fuzz.generators';
import {
  type ApiProcess,
  type RawResponse,
  auditSuccessRows,
  databaseText,
  findSecrets,
  inParallel,
  loadAverage,
  rawRequest,
  redisText,
  rssAfterGc,
  startApiProcess,
  tableFingerprints,
} from './security-run';

const FULL = process.env.SECURITY_PROFILE === 'full';
const REST_COUNT = Number(process.env.SECURITY_REST_REQUESTS ?? (FULL ? 10_000 : 1_000));
const GRAPHQL_COUNT = Number(process.env.SECURITY_GRAPHQL_OPERATIONS ?? (FULL ? 2_000 : 200));
const root = path.resolve(__dirname, '../../../..');
const stamp = Date.now().toString(36);

// Recognisable secrets, planted where Cutover keeps secrets; none may show up anywhere it can be read back.
const PLANTED = {
  clusterToken: `PLANTED-cluster-token-${stamp}-k8s`,
  kubeconfigToken: `PLANTED-kubeconfig-token-${stamp}-k8s`,
  urlPassword: `PLANTED-url-password-${stamp}`,
  urlQueryToken: `PLANTED-url-query-token-${stamp}`,
  webhookSecret: `PLANTED-webhook-secret-${stamp}`,
  webhookUrlToken: `PLANTED-webhook-url-token-${stamp}`,
};

interface Finding {
  index: number;
  kind: string;
  target: string;
  status: number;
  problem: string;
}

describe('fuzzing (security suite)', () => {
  let api: ApiProcess;
  let admin: string;
  const secrets: Record<string, string> = { ...PLANTED };
  const databaseUrl = process.env.DATABASE_URL!;
  const prefix = `${process.env.CUTOVER_QUEUE_PREFIX ?? 'cutover'}`;
  const findings: Finding[] = [];
  const leaks: string[] = [];
  const acceptedWrites: string[] = [];
  let sent = 0;
  let fivexx = 0;
  const byStatus: Record<number, number> = {};

  const call = (method: string, target: string, body?: unknown, headers: Record<string, string> = {}) =>
    rawRequest(api.port, method, target, { authorization: `Bearer ${admin}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, body === undefined ? undefined : JSON.stringify(body));

  function note(res: RawResponse, context: { index: number; kind: string; target: string }, expectProblem: boolean): void {
    sent += 1;
    byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
    if (res.status >= 500) fivexx += 1;
    for (const name of findSecrets(res.body, secrets)) leaks.push(`response to #${context.index} ${context.kind} ${context.target}: ${name}`);
    if (res.status >= 500) findings.push({ ...context, status: res.status, problem: res.body.slice(0, 300) });
    else if (expectProblem && res.status >= 400) {
      const typeOk = /^application\/problem\+json/.test(String(res.headers['content-type']));
      let code: unknown;
      try {
        code = (JSON.parse(res.body) as { code?: unknown }).code;
      } catch {
        code = undefined;
      }
      if (!typeOk || typeof code !== 'string') findings.push({ ...context, status: res.status, problem: `not problem+json with a code: ${String(res.headers['content-type'])} ${res.body.slice(0, 200)}` });
    }
  }

  beforeAll(async () => {
    const bootstrap = `cut_bootstrap_security_${stamp}_0123456789`;
    api = await startApiProcess({
      CUTOVER_BOOTSTRAP_TOKEN: bootstrap,
      // Tens of thousands of requests from one address: the failed-authentication limit is tested elsewhere.
      AUTH_FAILURE_LIMIT: '1000000',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
    });
    secrets['bootstrapToken'] = bootstrap;
    const created = await rawRequest(api.port, 'POST', '/v1/tokens', { authorization: `Bearer ${bootstrap}`, 'content-type': 'application/json' }, JSON.stringify({ name: 'fuzz-admin', role: 'admin' }));
    expect(created.status).toBe(201);
    admin = (JSON.parse(created.body) as { secret: string }).secret;
    secrets['apiToken'] = admin;

    // Seeded resources (a body fuzzed against them must be refused) and the planted secrets.
    expect((await call('POST', '/v1/clusters', { name: 'fuzz-cluster', server: 'https://127.0.0.1:1', token: PLANTED.clusterToken, insecureSkipTlsVerify: true })).status).toBe(201);
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:2", insecure-skip-tls-verify: true}}]',
      `users: [{name: u, user: {token: "${PLANTED.kubeconfigToken}"}}]`,
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n');
    expect((await call('POST', '/v1/clusters', { name: 'fuzz-kubeconfig', kubeconfig })).status).toBe(201);
    // Credentials in a server URL are refused, and so never stored, returned or audited.
    for (const server of [`https://admin:${PLANTED.urlPassword}@127.0.0.1:3`, `https://127.0.0.1:3/?access_token=${PLANTED.urlQueryToken}`]) {
      const refused = await call('POST', '/v1/clusters', { name: 'fuzz-url-creds', server, token: 'x' });
      expect(refused.status).toBe(422);
    }
    // A query-string secret must not reach the access log either.
    await call('GET', `/v1/apps?access_token=${PLANTED.urlQueryToken}`);
    // A notification channel's URL (it may carry a receiver's token) and signing secret are sealed like credentials.
    const channel = await call('POST', '/v1/notification-channels', { name: 'fuzz-channel', kind: 'webhook', url: `https://hooks.example.com/h/${PLANTED.webhookUrlToken}`, secret: PLANTED.webhookSecret });
    expect(channel.status).toBe(201);
    expect((await call('POST', '/v1/apps', { name: 'fuzz-app' })).status).toBe(201);
    expect((await call('POST', '/v1/apps/fuzz-app/environments', { name: 'fuzz-env', cluster: 'fuzz-cluster', namespace: 'fuzz', replicas: 1 })).status).toBe(201);
    expect((await call('POST', '/v1/apps/fuzz-app/releases', { version: '1.0.0', image: 'registry.local/fuzz:1.0.0' })).status).toBe(201);
    const deployment = await call('POST', '/v1/deployments', { app: 'fuzz-app', environment: 'fuzz-env', release: '1.0.0' });
    expect(deployment.status).toBe(202);
    (globalThis as { fuzzDeploymentId?: string }).fuzzDeploymentId = (JSON.parse(deployment.body) as { id: string }).id;
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
  });

  it(`answers ${REST_COUNT} malformed REST and ${GRAPHQL_COUNT} GraphQL requests with 4xx problems, changes nothing, leaks nothing, and gives its memory back`, async () => {
    const doc = JSON.parse(readFileSync(path.join(root, 'apps/api/openapi.json'), 'utf8')) as OpenApiDoc;
    const schema = buildSchema(readFileSync(path.join(root, 'apps/api/schema.gql'), 'utf8'));
    const targets = { app: 'fuzz-app', environment: 'fuzz-env', cluster: 'fuzz-cluster', release: '1.0.0', deploymentId: (globalThis as { fuzzDeploymentId?: string }).fuzzDeploymentId ?? '' };
    const restRequests = generateRestFuzz(doc, targets, REST_COUNT);
    const graphqlRequests = generateGraphqlFuzz(schema, GRAPHQL_COUNT);

    const verifyBefore = JSON.parse((await call('GET', '/v1/audit/verify')).body) as { ok: boolean };
    expect(verifyBefore.ok).toBe(true);
    const before = await tableFingerprints(databaseUrl);
    const successRowsBefore = await auditSuccessRows(databaseUrl);
    // Warm up (every route once) so the baseline includes what a running api has loaded anyway.
    await inParallel(restRequests.slice(0, Math.min(200, restRequests.length)), 8, async (r) => void (await send(r)));
    const rssBefore = await rssAfterGc(api.proc);
    const loadBefore = loadAverage();
    const started = Date.now();

    async function send(r: FuzzRequest): Promise<RawResponse> {
      return rawRequest(api.port, r.method, r.path, { authorization: `Bearer ${admin}`, ...r.headers }, r.body);
    }
    async function sendGraphql(r: GraphqlFuzzRequest): Promise<RawResponse> {
      if (r.method === 'GET') return rawRequest(api.port, 'GET', `/graphql?query=${encodeURIComponent(r.body)}`, { authorization: `Bearer ${admin}`, 'apollo-require-preflight': 'true' });
      return rawRequest(api.port, 'POST', '/graphql', { authorization: `Bearer ${admin}`, 'content-type': r.contentType }, r.body);
    }

    await inParallel(restRequests, 8, async (r) => {
      const res = await send(r);
      note(res, { index: r.index, kind: r.kind, target: `${r.method} ${r.path.slice(0, 120)}` }, true);
      if (r.method !== 'GET' && res.status >= 200 && res.status < 300) acceptedWrites.push(`REST #${r.index} ${r.kind} ${r.method} ${r.path.slice(0, 80)} -> ${res.status}`);
    });
    await inParallel(graphqlRequests, 8, async (r) => {
      const res = await sendGraphql(r);
      const context = { index: r.index, kind: `graphql ${r.kind}`, target: r.field };
      note(res, context, false);
      let parsed: { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { code?: unknown } }> } | undefined;
      try {
        parsed = JSON.parse(res.body) as typeof parsed;
      } catch {
        parsed = undefined;
      }
      if (res.status >= 400 && /problem\+json/.test(String(res.headers['content-type']))) return; // refused by the HTTP layer (415, 400 bad JSON)
      const codes = (parsed?.errors ?? []).map((e) => e.extensions?.code);
      if (!parsed || (res.status >= 400 && codes.length === 0) || codes.some((c) => typeof c !== 'string' || c === 'INTERNAL')) {
        findings.push({ ...context, status: res.status, problem: `GraphQL answer without codes or INTERNAL: ${res.body.slice(0, 300)}` });
      }
      if (r.mutation && parsed?.data && Object.values(parsed.data).some((v) => v !== null) && codes.length === 0) acceptedWrites.push(`GraphQL #${r.index} ${r.kind} ${r.field}`);
    });
    const seconds = (Date.now() - started) / 1000;

    const after = await tableFingerprints(databaseUrl);
    // Refusals are audited by design (outcome denied: a 409 of a deployment on a busy environment, say), so the
    // audit table may grow by denied rows only; every other table must be exactly as it was.
    const changed = Object.keys(before).filter((table) => table !== 'AuditEntry' && before[table] !== after[table]);
    const successRowsAdded = (await auditSuccessRows(databaseUrl)) - successRowsBefore;
    const verifyAfter = JSON.parse((await call('GET', '/v1/audit/verify')).body) as { ok: boolean };
    const rssAfter = await rssAfterGc(api.proc);

    for (const name of findSecrets(api.output(), secrets)) leaks.push(`api process log: ${name}`);
    for (const name of findSecrets(await databaseText(databaseUrl), secrets)) leaks.push(`database row: ${name}`);
    const redis = await redisText(process.env.REDIS_URL || 'redis://127.0.0.1:6379', prefix);
    for (const name of findSecrets(redis.text, secrets)) leaks.push(`redis: ${name}`);
    const stackTraces = api.output().split('\n').filter((line) => line.includes('"level":50')).length;

    const report = {
      profile: FULL ? 'full' : 'short',
      at: new Date().toISOString(),
      restRequests: restRequests.length,
      graphqlOperations: graphqlRequests.length,
      requestsSent: sent,
      seconds: Math.round(seconds * 10) / 10,
      responses5xx: fivexx,
      byStatus,
      findings: findings.length,
      acceptedWrites: acceptedWrites.length,
      tablesChanged: changed,
      auditSuccessRowsAdded: successRowsAdded,
      auditChainVerifies: verifyAfter.ok,
      leaks,
      redisKeysScanned: redis.keys,
      errorLogLines: stackTraces,
      rssBeforeMiB: Math.round(rssBefore / 1048576),
      rssAfterMiB: Math.round(rssAfter / 1048576),
      rssGrowth: Math.round((rssAfter / rssBefore - 1) * 1000) / 10,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAverage(),
    };
    console.log(`security fuzz report: ${JSON.stringify(report)}`);
    if (process.env.SECURITY_REPORT_FILE) writeFileSync(process.env.SECURITY_REPORT_FILE, `${JSON.stringify({ ...report, sampleFindings: findings.slice(0, 20) }, null, 2)}\n`);

    expect(findings.slice(0, 20)).toEqual([]);
    expect(fivexx).toBe(0);
    expect(acceptedWrites).toEqual([]);
    expect(changed).toEqual([]);
    expect(successRowsAdded).toBe(0);
    expect(verifyAfter.ok).toBe(true);
    expect(leaks).toEqual([]);
    expect(stackTraces).toBe(0);
    expect(sent).toBeGreaterThanOrEqual(REST_COUNT + GRAPHQL_COUNT);
    // Memory: back within 20% of the warmed-up start after a full GC (a steady climb would be a leak).
    expect(rssAfter).toBeLessThan(rssBefore * 1.2);
  }, 1_800_000);
});
