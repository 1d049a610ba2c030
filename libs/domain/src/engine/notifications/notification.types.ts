// What Cutover tells receivers (webhooks, Slack) about a deployment, and which timeline events mean what.
// Pure: the worker's dispatcher hands in stored events and a snapshot of the deployment, and gets plain data back.

/** Deployment notification types a channel can filter on (docs/notifications.md). */
export const DEPLOYMENT_NOTIFICATION_TYPES = [
  'started',
  'step-completed',
  'paused',
  'awaiting-promotion',
  'awaiting-approval',
  'promoted',
  'aborted',
  'failed',
  'rolled-back',
  'succeeded',
  'freeze.overridden',
  'wave.gate-waiting',
  'wave.succeeded',
  'wave.failed',
  'wave.aborted',
] as const;
export type DeploymentNotificationType = (typeof DEPLOYMENT_NOTIFICATION_TYPES)[number];

/** Sent when Cutover stops delivering to a channel after too many failures in a row. */
export const CHANNEL_DISABLED = 'channel.disabled';
export type NotificationType = DeploymentNotificationType | typeof CHANNEL_DISABLED;
export const NOTIFICATION_TYPES: readonly NotificationType[] = [...DEPLOYMENT_NOTIFICATION_TYPES, CHANNEL_DISABLED];

export function isNotificationType(value: unknown): value is NotificationType {
  return typeof value === 'string' && (NOTIFICATION_TYPES as readonly string[]).includes(value);
}

export interface ChannelFilters {
  /** Absent or empty = every app. */
  apps?: string[];
  environments?: string[];
  events?: NotificationType[];
}

/** A stored timeline event (DeploymentEvent row), as the dispatcher reads it. */
export interface TimelineEventRecord {
  seq: string;
  type: string;
  message: string;
  data: Record<string, unknown>;
  actor: string | null;
  /** ISO 8601. */
  at: string;
}

/** The deployment as the notification describes it, read when the event is dispatched. */
export interface DeploymentSnapshot {
  id: string;
  app: string;
  environment: string;
  cluster: string;
  release: string;
  previousRelease: string | null;
  kind: 'deploy' | 'rollback';
  strategy: string;
  phase: string;
  pauseReason: string | null;
  /** 1-based current step and the number of steps (canary); null for strategies without steps. */
  step: { index: number; count: number } | null;
  /** % of traffic on the new release as last observed (0..100); null before the first observation. */
  weight: number | null;
  /** Why the deployment was started (its reason). */
  reason: string | null;
  /** Link to the deployment in the dashboard; null when no public URL is configured. */
  url: string | null;
}

/** The webhook body: the JSON every channel gets for one event (Slack channels get it rendered as Block Kit). */
export interface Notification {
  /** Stable per event: `evt-<seq>` for deployment events, `chd-<uuid>` for channel.disabled. Receivers de-duplicate on it. */
  id: string;
  type: NotificationType;
  /** ISO 8601: when the event happened. */
  occurredAt: string;
  /** One human sentence. */
  message: string;
  /** Who caused it (a token or chat user name), "system" for the worker. */
  actor: string;
  /** The reason given with the command that caused it, else the deployment's reason. */
  reason: string | null;
  deployment: DeploymentSnapshot | null;
  /** The channel a channel.disabled notification is about. */
  channel?: { id: string; name: string; reason: string; apps: string[] };
  /** The timeline event behind it (seq as a string: it is a 64-bit number). */
  event?: { seq: string; type: string };
}

/** Which notification a timeline event is, if any (most events are progress detail nobody is paged for). */
export function notificationTypeOf(event: Pick<TimelineEventRecord, 'type' | 'message' | 'data'>): DeploymentNotificationType | null {
  switch (event.type) {
    case 'Started':
      return 'started';
    case 'StepCompleted':
      return 'step-completed';
    case 'CommandApplied':
      return event.data.command === 'promote' ? 'promoted' : null;
    case 'FreezeOverridden':
      return 'freeze.overridden';
    // A wave run's own moments, written on one deployment of the run (docs/waves.md).
    case 'WaveGateWaiting':
      return 'wave.gate-waiting';
    case 'WaveRunSucceeded':
      return 'wave.succeeded';
    case 'WaveRunFailed':
      return 'wave.failed';
    case 'WaveRunAborted':
      return 'wave.aborted';
    case 'PhaseChanged':
      return phaseNotification(event.data.to, event.data.pauseReason, event.message);
    default:
      return null;
  }
}

function phaseNotification(to: unknown, pauseReason: unknown, message: string): DeploymentNotificationType | null {
  switch (to) {
    case 'Paused':
      // A canary pause without a duration waits for a person exactly like blue/green's AwaitingPromotion.
      if (pauseReason === 'AwaitingApproval') return 'awaiting-approval';
      if (pauseReason === 'AwaitingPromotion' || (pauseReason === 'PauseStep' && message.endsWith('waiting for promote'))) return 'awaiting-promotion';
      return 'paused';
    case 'Aborted':
      return 'aborted';
    case 'Failed':
      return 'failed';
    case 'RolledBack':
      return 'rolled-back';
    case 'Succeeded':
      return 'succeeded';
    default:
      return null;
  }
}

export function deploymentEventNotificationId(seq: string): string {
  return `evt-${seq}`;
}

export function buildDeploymentNotification(type: DeploymentNotificationType, event: TimelineEventRecord, deployment: DeploymentSnapshot): Notification {
  const commandReason = typeof event.data.reason === 'string' && event.data.reason !== '' ? event.data.reason : null;
  return {
    id: deploymentEventNotificationId(event.seq),
    type,
    occurredAt: event.at,
    message: event.message,
    actor: event.actor ?? 'system',
    reason: commandReason ?? deployment.reason,
    deployment,
    event: { seq: event.seq, type: event.type },
  };
}

/**
 * Whether a channel with these filters wants this notification. A channel.disabled notice reaches channels that
 * cover the disabled channel's apps (an unfiltered channel covers every app), never one scoped elsewhere.
 */
export function channelWants(filters: ChannelFilters, n: Pick<Notification, 'type' | 'deployment' | 'channel'>): boolean {
  if (filters.events && filters.events.length > 0 && !filters.events.includes(n.type)) return false;
  const apps = filters.apps ?? [];
  if (n.deployment === null) {
    if (apps.length === 0) return true;
    const about = n.channel?.apps ?? [];
    return about.length > 0 && about.every((app) => apps.includes(app));
  }
  if (filters.apps && filters.apps.length > 0 && !filters.apps.includes(n.deployment.app)) return false;
  if (filters.environments && filters.environments.length > 0 && !filters.environments.includes(n.deployment.environment)) return false;
  return true;
}

/** The notice other channels get when Cutover stops delivering to one. `id` and `at` come from the caller. */
export function channelDisabledNotification(
  id: string,
  at: string,
  channel: { id: string; name: string; apps: string[] },
  failures: number,
  lastError: string,
): Notification {
  const reason = `${failures} deliveries in a row failed; the last: ${lastError}`;
  return {
    id: `chd-${id}`,
    type: CHANNEL_DISABLED,
    occurredAt: at,
    message: `Notification channel "${channel.name}" was disabled: ${reason}. Fix the receiver, then PATCH it with enabled: true.`,
    actor: 'system',
    reason,
    deployment: null,
    channel: { id: channel.id, name: channel.name, reason, apps: channel.apps },
  };
}
