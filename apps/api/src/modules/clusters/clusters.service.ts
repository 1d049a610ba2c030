import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, type FieldError, type RequestContext, validateLabels as validateLabelMap } from '@cutover/domain';
import { type ClusterCredentials, checkCluster, isHttpUrl, parseKubeconfig } from '@cutover/k8s';
import { AuditRepository, clusterCredentialsAad, type ClusterRecord, ClusterRepository, SecretBox, TransactionRunner, isUniqueViolation } from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { type PageQuery, limitOf } from '../../common/pagination/page-query.dto';
import { decodeCursor, mapPage, toPage } from '../../common/pagination/pagination.rules';
import type { RegisterClusterDto } from './dto/register-cluster.dto';
import type { UpdateClusterDto } from './dto/update-cluster.dto';
import type { ClusterCheckModel, ClusterModel, ClusterPage } from './models/cluster.model';

export function toClusterModel(cluster: ClusterRecord): ClusterModel {
  return {
    name: cluster.name,
    server: cluster.server,
    authKind: cluster.authKind,
    labels: cluster.labels,
    lastCheck:
      cluster.lastCheckAt && cluster.lastCheckOk !== null ? { at: cluster.lastCheckAt, ok: cluster.lastCheckOk, info: cluster.lastCheckInfo ?? '' } : null,
    createdAt: cluster.createdAt,
    updatedAt: cluster.updatedAt,
  };
}

/**
 * A cluster's server URL is shown to every viewer and written to the audit log: credentials in it (`user:pass@`, an
 * `?access_token=`) would be stored and shown in plain text. They belong in `token` or the kubeconfig's user.
 * The message never repeats the URL.
 */
export function serverUrlErrors(server: string, path: string): FieldError[] {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return [];
  }
  const errors: FieldError[] = [];
  if (url.username || url.password) {
    errors.push({ path, rule: 'noCredentialsInUrl', message: `${path} must not contain user:password@; give the credentials as token (or in the kubeconfig's user), which is stored encrypted` });
  }
  if (url.search || url.hash) {
    errors.push({ path, rule: 'noQueryInUrl', message: `${path} must be scheme://host[:port][/path] without a query or fragment (a token there would be stored in plain text)` });
  }
  return errors;
}

const CREDENTIAL_FIELDS = ['kubeconfig', 'server', 'token', 'caData', 'insecureSkipTlsVerify'] as const;

/**
 * The credentials an update stands for: the token form's fields left out keep their stored values when the cluster
 * already uses a token (a new token alone, a moved server alone); a kubeconfig replaces everything.
 */
export function mergeCredentialInput(input: UpdateClusterDto, stored: ClusterCredentials | undefined): Omit<RegisterClusterDto, 'name'> {
  if (input.kubeconfig !== undefined || stored?.kind !== 'token') return input;
  return {
    server: input.server ?? stored.server,
    token: input.token ?? stored.token,
    ...(input.caData !== undefined ? { caData: input.caData } : stored.caData !== undefined ? { caData: stored.caData } : {}),
    ...(input.insecureSkipTlsVerify !== undefined
      ? { insecureSkipTlsVerify: input.insecureSkipTlsVerify }
      : stored.insecureSkipTlsVerify !== undefined
        ? { insecureSkipTlsVerify: stored.insecureSkipTlsVerify }
        : {}),
    ...(input.labels !== undefined ? { labels: input.labels } : {}),
  };
}

/** Kubernetes label syntax: the one rule apps, environments and clusters share (libs/domain `validateLabels`). */
function validateLabels(labels: Record<string, unknown> | undefined): { labels: Record<string, string>; errors: FieldError[] } {
  const checked = validateLabelMap(labels);
  return checked.ok ? { labels: checked.value, errors: [] } : { labels: {}, errors: checked.errors };
}

/** The one form of credentials the input gives, with the server it reaches; every broken rule named. */
export function credentialsFromInput(input: Omit<RegisterClusterDto, 'name'>): { credentials: ClusterCredentials; server: string; labels: Record<string, string> } {
  const { labels, errors } = validateLabels(input.labels);
  const tokenForm = input.server !== undefined || input.token !== undefined || input.caData !== undefined || input.insecureSkipTlsVerify !== undefined;
  let credentials: ClusterCredentials | undefined;
  let server = '';
  if (input.kubeconfig !== undefined && tokenForm) {
    errors.push({ path: 'kubeconfig', rule: 'oneOf', message: 'give either kubeconfig, or server and token, not both' });
  } else if (input.kubeconfig !== undefined) {
    const parsed = parseKubeconfig(input.kubeconfig);
    if (parsed.ok) {
      credentials = { kind: 'kubeconfig', kubeconfig: input.kubeconfig };
      server = parsed.value.server;
      errors.push(...serverUrlErrors(server, 'kubeconfig'));
    } else errors.push(...parsed.errors);
  } else if (!tokenForm) {
    errors.push({ path: 'kubeconfig', rule: 'oneOf', message: 'give either kubeconfig, or server and token' });
  } else {
    if (!input.server) errors.push({ path: 'server', rule: 'required', message: 'server is required with token' });
    else if (!isHttpUrl(input.server)) errors.push({ path: 'server', rule: 'url', message: 'server must be an https:// (or http://) URL' });
    else if (serverUrlErrors(input.server, 'server').length > 0) errors.push(...serverUrlErrors(input.server, 'server'));
    else if (input.server.startsWith('http:') && input.insecureSkipTlsVerify !== true) {
      errors.push({ path: 'server', rule: 'plainHttp', message: 'a plain http:// server needs insecureSkipTlsVerify: true' });
    }
    if (!input.token) errors.push({ path: 'token', rule: 'required', message: 'token is required with server' });
    if (input.caData !== undefined && !/^[A-Za-z0-9+/=\s]+$/.test(input.caData)) errors.push({ path: 'caData', rule: 'base64', message: 'caData must be base64' });
    if (input.server && input.token) {
      server = input.server;
      credentials = {
        kind: 'token',
        server: input.server,
        token: input.token,
        ...(input.caData ? { caData: input.caData } : {}),
        ...(input.insecureSkipTlsVerify !== undefined ? { insecureSkipTlsVerify: input.insecureSkipTlsVerify } : {}),
      };
    }
  }
  if (errors.length > 0 || !credentials) throw DomainError.validation(errors);
  return { credentials, server, labels };
}


@Injectable()
export class ClustersService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clusters: ClusterRepository,
    private readonly audit: AuditRepository,
    private readonly box: SecretBox,
  ) {}

  async register(ctx: RequestContext, input: RegisterClusterDto): Promise<ClusterModel> {
    const { credentials, server, labels } = credentialsFromInput(input);
    const id = randomUUID();
    try {
      return await this.tx.run(async (tx) => {
        const cluster = await this.clusters.create(tx, {
          id,
          name: input.name,
          server,
          authKind: credentials.kind,
          credentials: this.box.sealJson(credentials, clusterCredentialsAad(id)),
          labels,
        });
        // digestInput drops kubeconfig/token/caData values before hashing.
        await this.audit.append(tx, auditEntry(ctx, { action: 'cluster.register', resourceType: 'cluster', resourceId: cluster.name, input }));
        return toClusterModel(cluster);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.conflict(`Cluster "${input.name}" already exists.`, { name: input.name });
      throw error;
    }
  }

  /**
   * New credentials (re-checked before they are stored, the check's outcome stored with them) and/or new labels; the
   * change and its audit entry in one transaction. The worker reopens its connection to the cluster when it sees the
   * row changed. A failed check does not refuse the change (the cluster may be down while its credentials rotate):
   * it is in `lastCheck`.
   */
  async update(ctx: RequestContext, name: string, input: UpdateClusterDto): Promise<ClusterModel> {
    const found = await this.clusters.findSealedCredentials(name);
    if (!found) throw DomainError.notFound('cluster', name);
    const id = found.cluster.id;
    const newCredentials = CREDENTIAL_FIELDS.some((field) => input[field] !== undefined);
    if (!newCredentials && input.labels === undefined) {
      throw DomainError.validation([{ path: '', rule: 'minProperties', message: 'give new credentials (kubeconfig, or server and/or token) or labels' }]);
    }
    let credentials: { credentials: ClusterCredentials; server: string } | undefined;
    let labels: Record<string, string> | undefined;
    if (newCredentials) {
      // Needed only to keep token-form fields left out; a kubeconfig, or a complete token form, replaces them all, even
      // when the stored ones cannot be opened any more (sealed with another CUTOVER_SECRET_KEY).
      const stored = input.kubeconfig === undefined && found.cluster.authKind === 'token' ? this.openStored(found.credentials, id) : undefined;
      const parsed = credentialsFromInput(mergeCredentialInput(input, stored));
      credentials = parsed;
      if (input.labels !== undefined) labels = parsed.labels;
    } else {
      const checked = validateLabels(input.labels);
      if (checked.errors.length > 0) throw DomainError.validation(checked.errors);
      labels = checked.labels;
    }
    // Outside the transaction: a check can take seconds, a transaction must not wait on the network.
    const result = credentials ? await checkCluster(credentials.credentials) : undefined;
    const check = result ? { at: new Date(), ok: result.ok, info: result.ok ? result.version : result.reason } : undefined;
    return this.tx.run(async (tx) => {
      const cluster = await this.clusters.update(tx, id, {
        ...(credentials
          ? { credentials: { server: credentials.server, authKind: credentials.credentials.kind, sealed: this.box.sealJson(credentials.credentials, clusterCredentialsAad(id)) } }
          : {}),
        ...(labels ? { labels } : {}),
        ...(check ? { check } : {}),
      });
      const reason = check ? `credentials replaced; check ${check.ok ? `ok ${check.info}` : `failed: ${check.info}`}` : 'labels replaced';
      // digestInput drops kubeconfig/token/caData values before hashing.
      await this.audit.append(tx, auditEntry(ctx, { action: 'cluster.update', resourceType: 'cluster', resourceId: name, names: { cluster: name }, input, reason }));
      return toClusterModel(cluster);
    });
  }

  private openStored(sealed: Buffer, id: string): ClusterCredentials | undefined {
    try {
      return this.box.openJson<ClusterCredentials>(sealed, clusterCredentialsAad(id));
    } catch {
      return undefined;
    }
  }

  async list(query: PageQuery): Promise<ClusterPage> {
    const limit = limitOf(query);
    const after = decodeCursor(query.cursor, ['name'] as const);
    const rows = await this.clusters.list(limit + 1, after?.name);
    return mapPage(toPage(rows, limit, (last) => ({ name: last.name })), toClusterModel);
  }

  async get(name: string): Promise<ClusterModel> {
    const cluster = await this.clusters.findByName(name);
    if (!cluster) throw DomainError.notFound('cluster', name);
    return toClusterModel(cluster);
  }

  async delete(ctx: RequestContext, name: string): Promise<void> {
    await this.tx.run(async (tx) => {
      const result = await this.clusters.delete(tx, name);
      if (!result.deleted && result.reason === 'not-found') throw DomainError.notFound('cluster', name);
      if (!result.deleted) {
        throw DomainError.conflict(`Cluster "${name}" is used by ${result.environments} environment(s); delete or move them first.`, {
          environments: result.environments,
        });
      }
      await this.audit.append(tx, auditEntry(ctx, { action: 'cluster.delete', resourceType: 'cluster', resourceId: name, names: { cluster: name } }));
    });
  }

  async check(ctx: RequestContext, name: string): Promise<ClusterCheckModel> {
    const found = await this.clusters.findSealedCredentials(name);
    if (!found) throw DomainError.notFound('cluster', name);
    const credentials = this.box.openJson<ClusterCredentials>(found.credentials, clusterCredentialsAad(found.cluster.id));
    const result = await checkCluster(credentials);
    const checkedAt = new Date();
    await this.tx.run(async (tx) => {
      await this.clusters.recordCheck(tx, found.cluster.id, { at: checkedAt, ok: result.ok, info: result.ok ? result.version : result.reason });
      await this.audit.append(
        tx,
        auditEntry(ctx, { action: 'cluster.check', resourceType: 'cluster', resourceId: name, outcome: 'success', reason: result.ok ? `ok ${result.version}` : result.reason }),
      );
    });
    return result.ok ? { ok: true, version: result.version, checkedAt } : { ok: false, reason: result.reason, checkedAt };
  }
}
