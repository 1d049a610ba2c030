import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type Actor, DomainError, type RequestContext, isTerminal, type Phase } from '@cutover/domain';
import { AuditRepository, type ChatIdentityRecord, ChatIdentityRepository } from '@cutover/persistence';
import { roleAllows } from '../../common/auth/roles.rules';
import { DeploymentCommandsService } from '../deployments/deployment-commands.service';
import { DeploymentQueriesService } from '../deployments/deployment-queries.service';
import { DeploymentStartService } from '../deployments/deployment-start.service';
import type { DeploymentModel } from '../deployments/models/deployment.model';
import { EnvironmentsService } from '../environments/environments.service';
import { ApprovalsService } from '../approvals/approvals.service';
import { DeploymentPlansService } from '../plans/deployment-plans.service';
import type { DryRunAnswerModel } from '../plans/models/deployment-plan.model';
import { ChatConfirmations } from './chat-confirmations.service';
import { type ChatCommand, parseChatCommand, USAGE } from './slack-command.rules';

/** What goes back to Slack, in the HTTP answer or to response_url. */
export interface SlackReply {
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  text: string;
  blocks?: unknown[];
}

/** The fields of a slash command or an interaction that matter here. */
export interface ChatRequest {
  teamId: string;
  userId: string;
  userName: string | null;
  text: string;
  responseUrl: string | null;
  requestId: string;
  clientAddress: string | null;
}

const NEEDS_CONFIRMATION = new Set(['deploy', 'promote', 'abort', 'rollback']);
const RESPONSE_TIMEOUT_MS = 5_000;

const ephemeral = (text: string): SlackReply => ({ response_type: 'ephemeral', text });

/** The name audit entries and timelines show for a chat user: the ids, which never change, and the handle. */
export function chatActorName(r: Pick<ChatRequest, 'teamId' | 'userId' | 'userName'>): string {
  return `slack:${r.teamId}/${r.userId}${r.userName ? ` (${r.userName.slice(0, 64)})` : ''}`;
}

function line(d: DeploymentModel): string {
  const step = d.pauseReason ? ` (${d.pauseReason})` : '';
  const from = d.previousRelease ? `${d.previousRelease} → ` : '';
  return `• \`${d.environment}\` ${from}${d.release} — *${d.phase}*${step}, by ${d.createdBy} · \`${d.id}\``;
}

/**
 * Slack slash commands and buttons: a thin adapter. Every action calls the very service method REST and GraphQL
 * call, with a RequestContext of interface `chat` whose actor is the linked identity (role and scopes as a token's),
 * so the rules, the refusals and the audit entries are the same.
 */
@Injectable()
export class ChatOpsService implements OnModuleDestroy {
  private readonly logger = new Logger(ChatOpsService.name);
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly identities: ChatIdentityRepository,
    private readonly audit: AuditRepository,
    private readonly start: DeploymentStartService,
    private readonly commands: DeploymentCommandsService,
    private readonly queries: DeploymentQueriesService,
    private readonly environments: EnvironmentsService,
    private readonly confirmations: ChatConfirmations,
    private readonly plans: DeploymentPlansService,
    private readonly approvals: ApprovalsService,
  ) {}

  /** The slash command: answered at once; anything that changes or reads deployments answers on response_url. */
  async command(req: ChatRequest): Promise<SlackReply> {
    const identity = await this.identities.find('slack', req.teamId, req.userId);
    if (!identity) {
      await this.refused(req, null, 'chat.command', 'not linked');
      return ephemeral(`You are not linked to Cutover yet: ask an admin to link you (Slack team \`${req.teamId}\`, user \`${req.userId}\`).`);
    }
    const parsed = parseChatCommand(req.text);
    if (!parsed.ok) return ephemeral(`:warning: ${parsed.problem}\n\n${USAGE}`);
    if (parsed.command.verb === 'help') return ephemeral(USAGE);
    const command = parsed.command;
    this.background(req, async () => this.run(req, identity, command, false));
    return ephemeral(`Working on \`${req.text.trim().slice(0, 200)}\`…`);
  }

  /** A button press: Confirm or Cancel of a protected-environment action. */
  async interaction(req: ChatRequest, action: { id: string; value: string }): Promise<SlackReply | null> {
    const identity = await this.identities.find('slack', req.teamId, req.userId);
    if (!identity) return ephemeral('You are not linked to Cutover yet: ask an admin to link you.');
    if (action.id === 'cutover-cancel') {
      const cancelled = await this.confirmations.cancel(action.value, req.teamId, req.userId);
      return cancelled ? { replace_original: true, text: 'Cancelled: nothing changed.' } : ephemeral('Only the person who asked can cancel this, and only before it expires.');
    }
    if (action.id !== 'cutover-confirm') return null;
    const redeemed = await this.confirmations.redeem(action.value, req.teamId, req.userId);
    if (!redeemed.ok) {
      return ephemeral(redeemed.reason === 'expired' ? 'This confirmation expired (or was used): run the command again.' : 'Only the person who asked can confirm this.');
    }
    const parsed = parseChatCommand(redeemed.pending.text);
    if (!parsed.ok || parsed.command.verb === 'help') return ephemeral('This confirmation no longer reads as a command: run it again.');
    const command = parsed.command;
    this.background({ ...req, text: redeemed.pending.text }, async () => this.run(req, identity, command, true));
    return { replace_original: true, text: `Confirmed by <@${req.userId}>: \`${redeemed.pending.text.slice(0, 200)}\`…` };
  }

  private contextFor(req: ChatRequest, identity: ChatIdentityRecord): RequestContext {
    const actor: Actor = { tokenId: null, name: chatActorName(req), role: identity.role, scopes: identity.scopes };
    return { actor, requestId: req.requestId, interface: 'chat', clientAddress: req.clientAddress };
  }

  /** Runs one command for a linked user; the answer goes to response_url. */
  private async run(req: ChatRequest, identity: ChatIdentityRecord, command: Exclude<ChatCommand, { verb: 'help' }>, confirmed: boolean): Promise<SlackReply> {
    const ctx = this.contextFor(req, identity);
    // Who may approve is the environment policy's business (the approvals service refuses those it does not admit).
    const needs = command.verb === 'status' || command.verb === 'history' || command.verb === 'approve' ? 'viewer' : 'deployer';
    if (!roleAllows(identity.role, needs)) {
      await this.refused(req, ctx.actor, `chat.${command.verb}`, `needs the ${needs} role`);
      return ephemeral(`:no_entry: \`${command.verb}\` needs the ${needs} role; you are linked as ${identity.role}.`);
    }
    try {
      switch (command.verb) {
        case 'status':
          return await this.status(command.app, command.environment);
        case 'history': {
          const page = await this.queries.history({ app: command.app, environment: command.environment, limit: 10 });
          if (page.items.length === 0) return ephemeral(`Nothing has run in \`${command.app}/${command.environment}\` yet.`);
          return ephemeral([`*${command.app}/${command.environment}*, newest first:`, ...page.items.map(line)].join('\n'));
        }
        case 'deploy': {
          if (!confirmed && (await this.isProtected(command.app, command.environment))) return this.askToConfirm(req, command.environment);
          const created = await this.start.create(ctx, {
            app: command.app,
            environment: command.environment,
            release: command.version,
            ...(command.reason ? { reason: command.reason } : {}),
            ...(command.strategy ? { strategy: strategyOption(command.strategy) } : {}),
          });
          return { response_type: 'in_channel', text: `:rocket: <@${req.userId}> deploys ${command.app} ${command.version} to ${command.environment}${command.reason ? `: ${command.reason}` : ''} · \`${created.body.id}\`` };
        }
        case 'plan': {
          const answer = await this.plans.dryRun(ctx, {
            app: command.app,
            environment: command.environment,
            release: command.version,
            ...(command.strategy ? { strategy: strategyOption(command.strategy) } : {}),
          });
          return ephemeral(describePlan(answer));
        }
        case 'approve': {
          const target = await this.target(command.target, command.verb);
          const result = await this.approvals.approve(ctx, target.id, command.reason);
          const c = result.current;
          const status = c === null ? 'no gate is ahead' : c.satisfied ? `${c.counted.length} of ${c.required}: approved, it goes on` : `${c.counted.length} of ${c.required}; still needs ${c.needed}`;
          return { response_type: 'in_channel', text: `:ballot_box_with_check: <@${req.userId}> approved ${target.app}/${target.environment} (${target.release}) at ${c?.step ?? 'its gate'} — ${status}${command.reason ? `: ${command.reason}` : ''}` };
        }
        case 'promote':
        case 'pause':
        case 'resume':
        case 'abort':
        case 'rollback':
        case 'retry': {
          const target = await this.target(command.target, command.verb);
          if (!confirmed && NEEDS_CONFIRMATION.has(command.verb) && (await this.isProtected(target.app, target.environment))) return this.askToConfirm(req, target.environment);
          const intent = command.verb === 'promote' ? { type: 'promote' as const, full: command.full } : { type: command.verb };
          const result = await this.commands.command(ctx, target.id, { intent, reason: command.reason, ifMatch: null });
          const what = result.command ? `${command.verb} queued` : `rollback started as deployment \`${result.deployment.id}\``;
          return { response_type: 'in_channel', text: `:white_check_mark: <@${req.userId}>: ${what} for ${target.app}/${target.environment} (${target.release}, was ${target.phase})${command.reason ? `: ${command.reason}` : ''}` };
        }
      }
    } catch (error) {
      if (error instanceof DomainError) return ephemeral(`:x: ${error.message}`);
      throw error;
    }
  }

  private async status(app: string, environment: string | null): Promise<SlackReply> {
    const page = await this.queries.list({ app, ...(environment ? { environment } : {}), limit: 50 });
    const latest = new Map<string, DeploymentModel>();
    for (const d of page.items) if (!latest.has(d.environment)) latest.set(d.environment, d);
    if (latest.size === 0) return ephemeral(`No deployments of \`${app}\`${environment ? ` in \`${environment}\`` : ''} yet.`);
    return ephemeral([`*${app}*, latest per environment:`, ...[...latest.values()].map(line)].join('\n'));
  }

  /** The deployment a command means: the id given, or the environment's active deployment, else its latest. */
  private async target(t: { deploymentId: string } | { app: string; environment: string }, verb: string): Promise<DeploymentModel> {
    if ('deploymentId' in t) return this.queries.get(t.deploymentId);
    const page = await this.queries.history({ app: t.app, environment: t.environment, limit: 20 });
    const chosen = page.items.find((d) => !isTerminal(d.phase as Phase)) ?? page.items[0];
    if (!chosen) throw DomainError.notFound('deployment', `${t.app}/${t.environment} (nothing to ${verb})`);
    return chosen;
  }

  private async isProtected(app: string, environment: string): Promise<boolean> {
    return (await this.environments.get(app, environment)).protected;
  }

  private async askToConfirm(req: ChatRequest, environment: string): Promise<SlackReply> {
    const id = await this.confirmations.ask({ teamId: req.teamId, userId: req.userId, text: req.text });
    const text = `\`${environment}\` is protected: confirm \`${req.text.trim().slice(0, 200)}\` within 2 minutes.`;
    return {
      response_type: 'ephemeral',
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        {
          type: 'actions',
          elements: [
            { type: 'button', text: { type: 'plain_text', text: 'Confirm' }, style: 'danger', action_id: 'cutover-confirm', value: id },
            { type: 'button', text: { type: 'plain_text', text: 'Cancel' }, action_id: 'cutover-cancel', value: id },
          ],
        },
      ],
    };
  }

  private async refused(req: ChatRequest, actor: Actor | null, action: string, reason: string): Promise<void> {
    await this.audit.appendStandalone({
      actorTokenId: null,
      actorName: actor?.name ?? chatActorName(req),
      action,
      resourceType: 'chat',
      resourceId: null,
      requestId: req.requestId,
      interface: 'chat',
      clientAddress: req.clientAddress,
      outcome: 'denied',
      statusCode: 403,
      reason,
    });
  }

  /** Work after the 3-second answer: its reply goes to response_url. */
  private background(req: ChatRequest, work: () => Promise<SlackReply>): void {
    const p = (async () => {
      let reply: SlackReply;
      try {
        reply = await work();
      } catch (error) {
        this.logger.error({ err: error, requestId: req.requestId }, 'chat command failed');
        reply = ephemeral(`:x: Something went wrong; quote request id \`${req.requestId}\` when reporting it.`);
      }
      await this.respond(req.responseUrl, reply);
    })().finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async respond(url: string | null, reply: SlackReply): Promise<void> {
    if (!url) return;
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(reply), redirect: 'manual', signal: AbortSignal.timeout(RESPONSE_TIMEOUT_MS) });
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) this.logger.warn(`Slack response_url answered ${res.status}`);
    } catch (error) {
      this.logger.warn(`could not post to Slack's response_url: ${String(error)}`);
    }
  }

  /** Waits for replies still being posted, so a shutdown does not cut them off. */
  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

/** `--strategy Recreate` (a type) or `--strategy '{"type":"Canary",…}'` (a document). */
const GI = 1024 ** 3;

/** The dry-run as a chat message: verdict, the steps in short, gates, least duration, warnings. */
export function describePlan(a: DryRunAnswerModel): string {
  const p = a.plan;
  const verdict = p.verdict === 'fits' ? ':white_check_mark: fits' : p.verdict === 'does-not-fit' ? ':x: does not fit' : ':grey_question: fit unknown';
  const extra = `${p.extraPods} extra pod${p.extraPods === 1 ? '' : 's'}, ${p.resources.extra.cpuMillis}m CPU, ${Math.round((p.resources.extra.memoryBytes / GI) * 100) / 100}Gi`;
  const free = p.resources.free ? ` (free: ${p.resources.free.pods} pods, ${p.resources.free.cpuMillis}m CPU, ${Math.round((p.resources.free.memoryBytes / GI) * 100) / 100}Gi)` : '';
  const lines = [
    `*Plan* ${a.app} ${a.previousRelease ?? '(nothing)'} → ${a.release} in ${a.environment}: ${p.strategy}${p.direct ? ' (first deployment: straight to serving)' : ''}, ${p.replicas} replicas — ${verdict}`,
    `Peak ${p.peakPods} pods: ${extra}${free}. At least ${p.minimumDurationSeconds}s.`,
    ...p.steps.map((s) => `${s.index + 1}. ${s.title} — ${Object.entries(s.replicas).map(([k, v]) => `${k} ${v}`).join(', ')}; ${s.newTrafficPercent}% new${s.rollback.podsToStart > 0 ? `; rollback: ${s.rollback.podsToStart} pods to start (≤ ${s.rollback.worstCaseSeconds}s)` : ''}`),
    ...(p.gates.length > 0 ? [`Gates: ${p.gates.map((g) => `${g.kind} (${g.stepId})`).join(' → ')}`] : []),
    ...p.warnings.map((w) => `:warning: ${w.message}`),
    '_Dry-run: nothing was created._',
  ];
  return lines.join('\n');
}

function strategyOption(value: string): Record<string, unknown> {
  if (value.trim().startsWith('{')) {
    try {
      const doc = JSON.parse(value) as unknown;
      if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return doc as Record<string, unknown>;
    } catch {
      // Falls through to a field error from the strategy rules.
    }
    throw DomainError.validation([{ path: 'strategy', rule: 'json', message: '--strategy must be a strategy type or a JSON object' }]);
  }
  return { type: value };
}
