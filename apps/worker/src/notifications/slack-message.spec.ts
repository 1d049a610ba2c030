import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { buildDeploymentNotification, channelDisabledNotification, slackMessage } from '@cutover/domain';
import { blockKitProblems } from '@cutover/testing';
import { ev, snapshot } from '../../../../libs/domain/test/notification.testing';

describe('slackMessage: one Block Kit message per notification', () => {
  it('carries app, environment, cluster, versions, strategy, step, weight, actor, reason and the link, in valid Block Kit', () => {
    const message = slackMessage(buildDeploymentNotification('awaiting-promotion', ev('PhaseChanged', { to: 'Paused', pauseReason: 'AwaitingPromotion' }, 'waiting <for> you & me'), snapshot));
    // Compile-time: Slack's own type definitions accept the blocks.
    const typed: KnownBlock[] = message.blocks;
    expect(blockKitProblems({ text: message.text, blocks: typed })).toEqual([]);
    const all = JSON.stringify(message);
    for (const part of ['shop', 'prod', 'eu-1', '1.3.2 → 1.4.0', 'Canary', '2/5', '25%', 'alice', 'weekly release', snapshot.url!]) expect(all).toContain(part);
    // Slack control characters in messages are escaped.
    expect(all).toContain('waiting &lt;for&gt; you &amp; me');
  });

  it('stays within Slack\'s limits for absurdly long values, and renders channel.disabled too', () => {
    const long = 'x'.repeat(10_000);
    const message = slackMessage(buildDeploymentNotification('failed', { ...ev('PhaseChanged', { to: 'Failed', reason: long }, long), actor: long }, { ...snapshot, app: long, url: null, step: null, weight: null }));
    expect(blockKitProblems(message)).toEqual([]);
    const disabled = slackMessage(channelDisabledNotification('z', '2026-12-07T01:00:00.000Z', { id: 'c', name: 'hook', apps: [] }, 5, 'no answer within 5000 ms'));
    expect(blockKitProblems(disabled)).toEqual([]);
    expect(disabled.text).toContain('hook');
  });

  it('the checker itself refuses what Slack refuses', () => {
    expect(blockKitProblems({ blocks: [] })).toEqual(expect.arrayContaining(['text: the fallback text is required', 'blocks: 1 to 50 blocks']));
    expect(blockKitProblems({ text: 't', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x'.repeat(151) } }] })).toHaveLength(2);
    expect(blockKitProblems({ text: 't', blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'a' })) }] })).toEqual(['blocks[0].fields: 1 to 10 fields']);
  });
});
