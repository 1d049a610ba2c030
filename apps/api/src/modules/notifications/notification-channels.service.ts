import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type Actor, type ChannelFilters, DomainError, type FieldError, type RequestContext } from '@cutover/domain';
import {
  AuditRepository,
  channelSecretAad,
  channelUrlAad,
  isUniqueViolation,
  type NotificationChannelPatch,
  type NotificationChannelRecord,
  NotificationChannelRepository,
  type NotificationDeliveryRecord,
  NotificationDeliveryRepository,
  SecretBox,
  TransactionRunner,
} from '@cutover/persistence';
import { NotificationQueue } from '@cutover/queue';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { assertInScope } from '../../common/auth/roles.rules';
import { type PageQuery, limitOf } from '../../common/pagination/page-query.dto';
import { decodeCursor, mapPage, toPage, type Page } from '../../common/pagination/pagination.rules';
import type { CreateNotificationChannelDto, UpdateNotificationChannelDto } from './dto/notification-channel.dto';
import type { NotificationChannelModel, NotificationDeliveryModel } from './models/notification-channel.model';

const RESOURCE = 'notification-channel';

export function toChannelModel(c: NotificationChannelRecord): NotificationChannelModel {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    urlOrigin: c.urlOrigin,
    hasSecret: c.hasSecret,
    apps: c.filters.apps ?? [],
    environments: c.filters.environments ?? [],
    events: c.filters.events ?? [],
    enabled: c.enabled,
    disabledAt: c.disabledAt,
    disabledReason: c.disabledReason,
    consecutiveFailures: c.consecutiveFailures,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export function toDeliveryModel(d: NotificationDeliveryRecord): NotificationDeliveryModel {
  return {
    id: d.id,
    channelId: d.channelId,
    eventId: d.eventId,
    eventType: d.eventType,
    deploymentId: d.deploymentId,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    lastStatusCode: d.lastStatusCode,
    latencyMs: d.latencyMs,
    createdAt: d.createdAt,
    lastAttemptAt: d.lastAttemptAt,
    deliveredAt: d.deliveredAt,
  };
}

/** The URL's origin (shown instead of the URL), or the rule it breaks. */
export function urlOriginOf(raw: string, path = 'url'): { origin: string } | { error: FieldError } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: { path, rule: 'url', message: 'url must be an absolute https:// (or http://) URL' } };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { error: { path, rule: 'url', message: 'url must be an https:// (or http://) URL' } };
  return { origin: `${url.protocol}//${url.host}` };
}

/**
 * A deployer manages only channels limited to apps it may act on (and, when its token is limited to environments,
 * to those environments): a channel for every app would tell it about apps it cannot see.
 */
export function assertChannelInScope(actor: Actor, filters: ChannelFilters): void {
  if (actor.role !== 'deployer') return;
  const apps = filters.apps ?? [];
  if (apps.length === 0) throw new DomainError('FORBIDDEN', `Token "${actor.name}" is a deployer: it may manage only channels limited to its apps (set apps).`);
  for (const app of apps) assertInScope(actor, { app });
  const allowed = actor.scopes.environments ?? [];
  if (allowed.length > 0) {
    const envs = filters.environments ?? [];
    if (envs.length === 0) throw new DomainError('FORBIDDEN', `Token "${actor.name}" is limited to environments ${allowed.join(', ')}: set environments.`);
    for (const environment of envs) assertInScope(actor, { environment });
  }
}

function inScope(actor: Actor, filters: ChannelFilters): boolean {
  try {
    assertChannelInScope(actor, filters);
    return true;
  } catch {
    return false;
  }
}

/** Channels for webhook and Slack notifications: REST, GraphQL (and the CLI and dashboard through them) call these. */
@Injectable()
export class NotificationChannelsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly channels: NotificationChannelRepository,
    private readonly deliveries: NotificationDeliveryRepository,
    private readonly audit: AuditRepository,
    private readonly box: SecretBox,
    private readonly queue: NotificationQueue,
  ) {}

  async create(ctx: RequestContext, input: CreateNotificationChannelDto): Promise<NotificationChannelModel> {
    const errors: FieldError[] = [];
    const url = urlOriginOf(input.url);
    if ('error' in url) errors.push(url.error);
    if (input.kind === 'slack' && input.secret !== undefined) {
      errors.push({ path: 'secret', rule: 'notApplicable', message: 'Slack incoming webhooks are not signed: leave secret out for kind slack' });
    }
    if (errors.length > 0 || 'error' in url) throw DomainError.validation(errors);
    const filters = filtersFrom(input);
    assertChannelInScope(ctx.actor, filters);
    const id = randomUUID();
    try {
      return await this.tx.run(async (tx) => {
        const channel = await this.channels.create(tx, {
          id,
          name: input.name,
          kind: input.kind,
          url: this.box.seal(input.url, channelUrlAad(id)),
          urlOrigin: url.origin,
          secret: input.secret === undefined ? null : this.box.seal(input.secret, channelSecretAad(id)),
          filters,
          createdBy: ctx.actor.name,
        });
        await this.audit.append(tx, auditEntry(ctx, { action: `${RESOURCE}.create`, resourceType: RESOURCE, resourceId: channel.name, input: { ...input, url: undefined } }));
        return toChannelModel(channel);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.conflict(`Notification channel "${input.name}" already exists.`, { name: input.name });
      throw error;
    }
  }

  async list(ctx: RequestContext, query: PageQuery): Promise<Page<NotificationChannelModel>> {
    const limit = limitOf(query);
    const after = decodeCursor(query.cursor, ['name'] as const);
    const rows = await this.channels.list(limit + 1, after?.name);
    const page = toPage(rows, limit, (last) => ({ name: last.name }));
    // A deployer sees the channels it may manage; the cursor still walks every row, so pages may be short.
    return mapPage({ items: page.items.filter((c) => inScope(ctx.actor, c.filters)), nextCursor: page.nextCursor }, toChannelModel);
  }

  async get(ctx: RequestContext, id: string): Promise<NotificationChannelModel> {
    return toChannelModel(await this.visible(ctx, id));
  }

  async update(ctx: RequestContext, id: string, input: UpdateNotificationChannelDto): Promise<NotificationChannelModel> {
    const current = await this.visible(ctx, id);
    const errors: FieldError[] = [];
    const url = input.url === undefined ? undefined : urlOriginOf(input.url);
    if (url && 'error' in url) errors.push(url.error);
    if (current.kind === 'slack' && typeof input.secret === 'string') {
      errors.push({ path: 'secret', rule: 'notApplicable', message: 'Slack incoming webhooks are not signed: leave secret out for kind slack' });
    }
    if (errors.length > 0) throw DomainError.validation(errors);
    const filters: ChannelFilters = {
      ...current.filters,
      ...(input.apps !== undefined ? { apps: input.apps } : {}),
      ...(input.environments !== undefined ? { environments: input.environments } : {}),
      ...(input.events !== undefined ? { events: input.events } : {}),
    };
    assertChannelInScope(ctx.actor, filters);
    const patch: NotificationChannelPatch = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.url !== undefined && url && 'origin' in url ? { url: this.box.seal(input.url, channelUrlAad(id)), urlOrigin: url.origin } : {}),
      ...(input.secret !== undefined ? { secret: input.secret === null ? null : this.box.seal(input.secret, channelSecretAad(id)) } : {}),
      filters,
      ...(input.enabled !== undefined ? { enabled: input.enabled, disabledReason: input.enabled ? null : `disabled by ${ctx.actor.name}` } : {}),
    };
    try {
      return await this.tx.run(async (tx) => {
        const locked = await this.channels.lock(tx, id);
        if (!locked) throw DomainError.notFound(RESOURCE, id);
        const channel = await this.channels.update(tx, id, patch);
        await this.audit.append(tx, auditEntry(ctx, { action: `${RESOURCE}.update`, resourceType: RESOURCE, resourceId: channel.name, input: { ...input, url: undefined } }));
        return toChannelModel(channel);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.conflict(`Notification channel "${input.name ?? ''}" already exists.`, { name: input.name });
      throw error;
    }
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    const current = await this.visible(ctx, id);
    await this.tx.run(async (tx) => {
      if (!(await this.channels.delete(tx, id))) throw DomainError.notFound(RESOURCE, id);
      await this.audit.append(tx, auditEntry(ctx, { action: `${RESOURCE}.delete`, resourceType: RESOURCE, resourceId: current.name }));
    });
  }

  async listDeliveries(ctx: RequestContext, id: string, query: PageQuery): Promise<Page<NotificationDeliveryModel>> {
    await this.visible(ctx, id);
    const limit = limitOf(query);
    const after = decodeCursor(query.cursor, ['at', 'id'] as const);
    const position = after ? { createdAt: new Date(after.at), id: after.id } : undefined;
    if (position && (Number.isNaN(position.createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(position.id))) {
      throw DomainError.validation([{ path: 'cursor', rule: 'cursor', message: 'cursor is not one this list handed out' }]);
    }
    const rows = await this.deliveries.listByChannel(id, limit + 1, position);
    return mapPage(
      toPage(rows, limit, (last) => ({ at: last.createdAt.toISOString(), id: last.id })),
      toDeliveryModel,
    );
  }

  /** Sends a delivery again (same body, same Cutover-Delivery id, fresh attempts); 409 while it is still pending. */
  async redeliver(ctx: RequestContext, id: string, deliveryId: string): Promise<NotificationDeliveryModel> {
    const channel = await this.visible(ctx, id);
    if (!channel.enabled) throw DomainError.conflict(`Channel "${channel.name}" is disabled (${channel.disabledReason ?? 'by hand'}): enable it first (PATCH enabled: true).`, { enabled: false });
    const found = await this.deliveries.findById(deliveryId);
    if (!found || found.channelId !== id) throw DomainError.notFound('delivery', deliveryId);
    const reopened = await this.tx.run(async (tx) => {
      const delivery = await this.deliveries.reopen(tx, deliveryId);
      if (!delivery) return null;
      await this.audit.append(tx, auditEntry(ctx, { action: `${RESOURCE}.redeliver`, resourceType: RESOURCE, resourceId: channel.name, input: { deliveryId } }));
      return delivery;
    });
    if (!reopened) throw DomainError.conflict(`Delivery ${deliveryId} is still pending: it is being tried.`, { status: 'pending' });
    // Should the first job still be finishing, this add is ignored and the worker's sweeper queues it shortly.
    await this.queue.deliver(reopened.id);
    return toDeliveryModel(reopened);
  }

  private async visible(ctx: RequestContext, id: string): Promise<NotificationChannelRecord> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw DomainError.notFound(RESOURCE, id);
    const channel = await this.channels.findById(id);
    if (!channel) throw DomainError.notFound(RESOURCE, id);
    assertChannelInScope(ctx.actor, channel.filters);
    return channel;
  }
}

function filtersFrom(input: { apps?: string[]; environments?: string[]; events?: ChannelFilters['events'] }): ChannelFilters {
  return {
    ...(input.apps && input.apps.length > 0 ? { apps: [...new Set(input.apps)] } : {}),
    ...(input.environments && input.environments.length > 0 ? { environments: [...new Set(input.environments)] } : {}),
    ...(input.events && input.events.length > 0 ? { events: [...new Set(input.events)] } : {}),
  };
}
