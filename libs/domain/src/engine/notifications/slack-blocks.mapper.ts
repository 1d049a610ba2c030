// One Slack Block Kit message per notification (incoming webhooks take `{text, blocks}`). Pure: the worker posts
// what this returns. Slack renders `text` in notifications and screen readers, `blocks` in the channel.
import type { DeploymentNotificationType, Notification } from './notification.types';

export interface SlackText {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  emoji?: boolean;
}

export type SlackBlock =
  | { type: 'header'; text: SlackText & { type: 'plain_text' } }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'actions'; block_id?: string; elements: SlackButton[] }
  | { type: 'divider' };

export interface SlackButton {
  type: 'button';
  text: SlackText & { type: 'plain_text' };
  action_id: string;
  url?: string;
  value?: string;
  style?: 'primary' | 'danger';
}

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const titles: Record<DeploymentNotificationType, { emoji: string; verb: string }> = {
  started: { emoji: ':rocket:', verb: 'started' },
  'step-completed': { emoji: ':white_check_mark:', verb: 'completed a step' },
  paused: { emoji: ':double_vertical_bar:', verb: 'paused' },
  'awaiting-promotion': { emoji: ':raising_hand:', verb: 'is waiting for promotion' },
  'awaiting-approval': { emoji: ':lock:', verb: 'is waiting for approvals' },
  promoted: { emoji: ':arrow_forward:', verb: 'was promoted' },
  aborted: { emoji: ':octagonal_sign:', verb: 'was aborted' },
  failed: { emoji: ':x:', verb: 'failed' },
  'rolled-back': { emoji: ':rewind:', verb: 'was rolled back' },
  succeeded: { emoji: ':tada:', verb: 'succeeded' },
  'freeze.overridden': { emoji: ':rotating_light:', verb: 'went through a freeze window (override)' },
  'wave.gate-waiting': { emoji: ':hourglass:', verb: "finished its wave: the wave run's gate is waiting" },
  'wave.succeeded': { emoji: ':ocean:', verb: 'was part of a wave run that succeeded' },
  'wave.failed': { emoji: ':x:', verb: 'was part of a wave run that failed' },
  'wave.aborted': { emoji: ':octagonal_sign:', verb: 'was part of a wave run that was aborted' },
};

// Slack's limits: header text 150 characters, a section text 3000, a field 2000.
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn treats &, < and > as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const field = (label: string, value: string): SlackText => ({ type: 'mrkdwn', text: clip(`*${label}*\n${escapeMrkdwn(value)}`, 2000) });

export function slackMessage(n: Notification): SlackMessage {
  if (n.deployment === null) {
    const text = clip(`:warning: ${n.message}`, 3000);
    return { text: clip(n.message, 3000), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(text) } }] };
  }
  const d = n.deployment;
  const t = n.type === 'channel.disabled' ? { emoji: ':warning:', verb: 'changed' } : titles[n.type];
  const headline = `${d.app} → ${d.environment}: ${d.release} ${t.verb}`;
  const fields: SlackText[] = [
    field('App', d.app),
    field('Environment', d.environment),
    field('Cluster', d.cluster),
    field('Version', d.previousRelease ? `${d.previousRelease} → ${d.release}` : `${d.release} (first)`),
    field('Strategy', d.kind === 'rollback' ? `${d.strategy} (rollback)` : d.strategy),
    field('Step', d.step ? `${d.step.index}/${d.step.count}` : '—'),
    field('Weight', d.weight === null ? '—' : `${d.weight}%`),
    field('Actor', n.actor),
  ];
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${headline}`, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`${t.emoji} ${escapeMrkdwn(n.message)}`, 3000) } },
    // A section takes at most 10 fields.
    { type: 'section', fields },
  ];
  if (n.reason) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Reason*\n${escapeMrkdwn(n.reason)}`, 3000) } });
  if (d.url) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open deployment' }, action_id: 'open-deployment', url: d.url }] });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(`${n.type} · deployment ${d.id} · ${n.occurredAt}`, 3000) }] });
  return { text: clip(`${t.emoji} ${headline}${n.reason ? ` — ${n.reason}` : ''}`, 3000), blocks };
}
