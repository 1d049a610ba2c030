import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DeploymentQueue } from '@cutover/queue';

/** How long a confirmation button works. */
export const CONFIRMATION_TTL_MS = 120_000;
/** A signature is remembered a little longer than Slack's 5-minute window, so a replay inside it is refused. */
const SEEN_TTL_MS = 10 * 60_000;

export interface PendingConfirmation {
  teamId: string;
  userId: string;
  /** The command text as typed, run again once confirmed. */
  text: string;
}

export type Redeemed = { ok: true; pending: PendingConfirmation } | { ok: false; reason: 'expired' | 'not-yours' };

// The GET, the owner check and the DEL in one step: two presses of one button redeem it once.
const REDEEM_SCRIPT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 'expired' end
local p = cjson.decode(raw)
if p.teamId ~= ARGV[1] or p.userId ~= ARGV[2] then return 'not-yours' end
redis.call('DEL', KEYS[1])
return raw`;

/**
 * Short-lived chat state in Redis, shared by every api replica: the signatures already seen (replay refusal) and
 * the confirmations asked for on protected environments. Losing it costs a user one more click, nothing else.
 */
@Injectable()
export class ChatConfirmations {
  constructor(@Inject(DeploymentQueue) private readonly queue: DeploymentQueue) {}

  private key(kind: string, id: string): string {
    return `${this.queue.queuePrefix}:chatops:${kind}:${id}`;
  }

  /** True the first time a signature is seen; false for a replay. */
  async firstSeen(signature: string): Promise<boolean> {
    return (await this.queue.redis.set(this.key('seen', signature), '1', 'PX', SEEN_TTL_MS, 'NX')) === 'OK';
  }

  async ask(pending: PendingConfirmation): Promise<string> {
    const id = randomUUID();
    await this.queue.redis.set(this.key('confirm', id), JSON.stringify(pending), 'PX', CONFIRMATION_TTL_MS);
    return id;
  }

  /** Only the user who asked can redeem it, once, before it expires. */
  async redeem(id: string, teamId: string, userId: string): Promise<Redeemed> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return { ok: false, reason: 'expired' };
    const out = (await this.queue.redis.eval(REDEEM_SCRIPT, 1, this.key('confirm', id), teamId, userId)) as string;
    if (out === 'expired' || out === 'not-yours') return { ok: false, reason: out };
    return { ok: true, pending: JSON.parse(out) as PendingConfirmation };
  }

  async cancel(id: string, teamId: string, userId: string): Promise<boolean> {
    return (await this.redeem(id, teamId, userId)).ok;
  }
}
