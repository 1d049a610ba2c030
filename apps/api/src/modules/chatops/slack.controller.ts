import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { DomainError } from '@cutover/domain';
import { AuditRepository } from '@cutover/persistence';
import { Public } from '../../common/auth/auth.decorators';
import type { ApiRequest } from '../../common/http/http-request.types';
import { ChatConfirmations } from './chat-confirmations.service';
import { type ChatRequest, ChatOpsService, type SlackReply } from './chatops.service';
import { verifySlackSignature } from './slack-signature.rules';
import { ChatOpsConfig } from './chatops.config';

type SlackRequest = ApiRequest & { body?: unknown };

/** The form fields Slack sends, as text: anything else (a missing field, a JSON body) is refused as malformed. */
function formOf(req: SlackRequest): { raw: string; form: URLSearchParams } {
  if (typeof req.body !== 'string') throw new DomainError('BAD_REQUEST', 'Slack sends application/x-www-form-urlencoded bodies.');
  return { raw: req.body, form: new URLSearchParams(req.body) };
}

function field(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (value === null || value.length > 4_000) throw new DomainError('BAD_REQUEST', `The Slack request has no usable ${name}.`);
  return value;
}

/**
 * Slack's endpoints. Public (no bearer token): Slack signs each request with the app's signing secret instead, and
 * nothing is read before that signature, its age and its novelty are checked. Off (404) without
 * CUTOVER_SLACK_SIGNING_SECRET.
 */
@ApiTags('chatops')
@Public()
@Controller('v1/chatops/slack')
export class SlackController {
  constructor(
    private readonly chat: ChatOpsService,
    private readonly confirmations: ChatConfirmations,
    private readonly audit: AuditRepository,
    private readonly config: ChatOpsConfig,
  ) {}

  @Post('commands')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOkResponse({ description: 'A Slack message (ephemeral); results of actions follow on response_url.' })
  @ApiUnauthorizedResponse({ description: 'Bad or missing X-Slack-Signature, a timestamp more than 5 minutes off, or a replay.' })
  async command(@Req() req: SlackRequest): Promise<SlackReply> {
    const { form } = await this.verified(req, 'chat.command');
    return this.chat.command(this.chatRequest(req, form, field(form, 'team_id'), field(form, 'user_id'), form.get('user_name'), form.get('text') ?? '', form.get('response_url')));
  }

  @Post('interactions')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOkResponse({ description: 'Empty, or a Slack message replacing the one with the button.' })
  @ApiUnauthorizedResponse({ description: 'Bad or missing X-Slack-Signature, a timestamp more than 5 minutes off, or a replay.' })
  async interaction(@Req() req: SlackRequest): Promise<SlackReply | Record<string, never>> {
    const { form } = await this.verified(req, 'chat.interaction');
    let payload: { user?: { id?: unknown; username?: unknown; team_id?: unknown }; team?: { id?: unknown }; actions?: Array<{ action_id?: unknown; value?: unknown }>; response_url?: unknown };
    try {
      payload = JSON.parse(field(form, 'payload')) as typeof payload;
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError('BAD_REQUEST', 'The Slack interaction payload is not JSON.');
    }
    const teamId = payload.team?.id ?? payload.user?.team_id;
    const userId = payload.user?.id;
    const action = payload.actions?.[0];
    if (typeof teamId !== 'string' || typeof userId !== 'string' || typeof action?.action_id !== 'string' || typeof action.value !== 'string') {
      throw new DomainError('BAD_REQUEST', 'The Slack interaction has no team, user or action.');
    }
    const chatReq = this.chatRequest(req, form, teamId, userId, typeof payload.user?.username === 'string' ? payload.user.username : null, '', typeof payload.response_url === 'string' ? payload.response_url : null);
    return (await this.chat.interaction(chatReq, { id: action.action_id, value: action.value })) ?? {};
  }

  private chatRequest(req: SlackRequest, _form: URLSearchParams, teamId: string, userId: string, userName: string | null, text: string, responseUrl: string | null): ChatRequest {
    const url = responseUrl && /^https?:\/\//.test(responseUrl) ? responseUrl : null;
    return { teamId, userId, userName, text, responseUrl: url, requestId: req.id, clientAddress: req.ip ?? null };
  }

  /** 404 when chatops is off; 401 (audited) for a bad, stale or replayed signature. */
  private async verified(req: SlackRequest, action: string): Promise<{ raw: string; form: URLSearchParams }> {
    const secret = this.config.signingSecret;
    if (secret === null) throw new DomainError('NOT_FOUND', 'ChatOps is not enabled on this server.');
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const raw = typeof req.body === 'string' ? req.body : '';
    const signature = header('x-slack-signature');
    const verdict = verifySlackSignature(secret, header('x-slack-request-timestamp'), signature, raw, Date.now() / 1000);
    let refusal = verdict.ok ? null : verdict.reason;
    if (refusal === null && !(await this.confirmations.firstSeen(signature!))) refusal = 'this signed request was already received (a replay)';
    if (refusal !== null) {
      await this.audit.appendStandalone({ actorTokenId: null, actorName: 'anonymous', action, resourceType: 'chat', requestId: req.id, interface: 'chat', clientAddress: req.ip ?? null, outcome: 'denied', statusCode: 401, reason: refusal });
      throw new DomainError('UNAUTHENTICATED', `Slack request refused: ${refusal}.`);
    }
    return formOf(req);
  }
}
