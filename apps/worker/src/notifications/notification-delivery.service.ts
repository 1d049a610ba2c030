import { randomUUID } from 'node:crypto';
import { CUTOVER_CONFIG, type WorkerConfig } from '@cutover/config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { canonicalJson, channelDisabledNotification, channelWants, type Notification, slackMessage } from '@cutover/domain';
import {
  AuditRepository,
  channelSecretAad,
  channelUrlAad,
  type NotificationChannelRecord,
  NotificationChannelRepository,
  type NotificationDeliveryRecord,
  NotificationDeliveryRepository,
  type Prisma,
  SecretBox,
  TransactionRunner,
} from '@cutover/persistence';
import { NotificationQueue } from '@cutover/queue';
import { postJson } from './webhook.client';
import { signatureHeader } from './webhook-signature.rules';

export type AttemptOutcome =
  | { status: 'delivered'; latencyMs: number }
  | { status: 'retry'; error: string }
  | { status: 'failed'; error: string; channelDisabled: boolean }
  | { status: 'skipped'; reason: string };

/** What a delivery sends: the notification JSON, or for a Slack channel the same rendered as Block Kit. */
export function deliveryBody(kind: NotificationChannelRecord['kind'], payload: Prisma.JsonValue): string {
  // Keys in a stable order: JSONB does not keep the order they were written in.
  return kind === 'slack' ? JSON.stringify(slackMessage(payload as unknown as Notification)) : canonicalJson(payload);
}

/**
 * One attempt of one delivery, and what follows from it: the delivery's record, the channel's failure streak, and
 * the channel's auto-disable (audited, announced to the other channels as `channel.disabled`).
 */
@Injectable()
export class NotificationDeliveryService {
  private readonly logger = new Logger(NotificationDeliveryService.name);

  constructor(
    @Inject(CUTOVER_CONFIG) private readonly config: WorkerConfig,
    @Inject(NotificationChannelRepository) private readonly channels: NotificationChannelRepository,
    @Inject(NotificationDeliveryRepository) private readonly deliveries: NotificationDeliveryRepository,
    @Inject(TransactionRunner) private readonly tx: TransactionRunner,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(NotificationQueue) private readonly queue: NotificationQueue,
  ) {}

  /** The delivery (its channel decides the processor's per-channel fairness), null when it is gone. */
  async load(deliveryId: string): Promise<NotificationDeliveryRecord | null> {
    return this.deliveries.findById(deliveryId);
  }

  /** `lastAttempt`: no retry follows a failure of this attempt. */
  async attempt(delivery: NotificationDeliveryRecord | null, lastAttempt: boolean): Promise<AttemptOutcome> {
    if (!delivery || delivery.status !== 'pending') return { status: 'skipped', reason: delivery ? `already ${delivery.status}` : 'delivery deleted' };
    const sealed = await this.channels.findSealed(delivery.channelId);
    if (!sealed) return { status: 'skipped', reason: 'channel deleted' };
    if (!sealed.channel.enabled) {
      const reason = `channel disabled: ${sealed.channel.disabledReason ?? 'by hand'}`;
      await this.deliveries.skip(delivery.id, reason);
      return { status: 'skipped', reason };
    }
    const { channel } = sealed;
    const url = this.box.openText(sealed.url, channelUrlAad(channel.id));
    const body = deliveryBody(channel.kind, delivery.payload);
    const headers: Record<string, string> = { 'cutover-event': delivery.eventType, 'cutover-delivery': delivery.id };
    if (sealed.secret) headers['cutover-signature'] = signatureHeader(this.box.openText(sealed.secret, channelSecretAad(channel.id)), body, Date.now() / 1000);

    const result = await postJson(url, body, headers, this.config.notifications.timeoutMs);
    const final = !result.ok && lastAttempt;
    await this.deliveries.recordAttempt(delivery.id, { ...result, final });
    if (result.ok) {
      // Only a channel with a failure streak has one to end (saves a write per delivery on the busy path).
      if (channel.consecutiveFailures > 0) await this.channels.recordSuccess(channel.id);
      return { status: 'delivered', latencyMs: result.latencyMs };
    }
    const error = result.error ?? 'failed';
    if (!final) return { status: 'retry', error };
    const channelDisabled = await this.recordFinalFailure(channel, error);
    return { status: 'failed', error, channelDisabled };
  }

  /** One more delivery that ran out of attempts; past the threshold the channel is disabled and that is announced. */
  private async recordFinalFailure(channel: NotificationChannelRecord, error: string): Promise<boolean> {
    const limit = this.config.notifications.disableAfter;
    const reason = `${limit} deliveries in a row failed; the last: ${error}`;
    const outcome = await this.tx.run(async (tx) => {
      const r = await this.channels.recordFailure(tx, channel.id, limit, reason);
      if (!r?.disabledNow) return { disabled: false, created: [] as string[] };
      await this.audit.append(tx, {
        actorTokenId: null,
        actorName: 'system',
        action: 'notification-channel.disable',
        resourceType: 'notification-channel',
        resourceId: r.channel.name,
        interface: 'system',
        outcome: 'success',
        reason,
      });
      const notice = channelDisabledNotification(randomUUID(), new Date().toISOString(), { id: r.channel.id, name: r.channel.name, apps: r.channel.filters.apps ?? [] }, limit, error);
      const others = (await this.channels.listEnabled(tx)).filter((c) => c.id !== channel.id && channelWants(c.filters, notice));
      const created = await this.deliveries.insertNew(
        tx,
        others.map((c) => ({ channelId: c.id, eventId: notice.id, eventType: notice.type, deploymentId: null, payload: notice as unknown as Prisma.InputJsonValue })),
      );
      return { disabled: true, created: created.map((d) => d.id) };
    });
    if (outcome.disabled) this.logger.warn(`notification channel ${channel.name} disabled: ${reason}`);
    for (const id of outcome.created) await this.queue.deliver(id);
    return outcome.disabled;
  }
}
