import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '@cutover/domain';
import { AcceptsStreamTicket, AuditAction } from '../../common/auth/auth.decorators';
import { StreamTicketService } from '../../common/auth/stream-ticket.service';
import { Ctx } from '../../common/context/ctx.decorator';
import { EventStreamQuery, StreamResumeQuery } from './dto/event-stream.dto';
import { StreamTicketDto } from './dto/stream-ticket.dto';
import { EventStreams, type StreamOptions } from './event-stream.service';
import { EventsService, resumePosition } from './events.service';
import { LiveEventModel } from './models/live-event.model';
import { StreamTicketModel } from './models/stream-ticket.model';
import { openSse, rawHttp, sseFrame } from './sse.stream';

const LAST_EVENT_ID = { name: 'Last-Event-ID', required: false, description: 'Resume after this event id (browsers send it on reconnect); wins over ?after=.' };
const STREAM_DESCRIPTION =
  'text/event-stream: `id:` the event position, `event:` its type, `data:` a LiveEvent as JSON; a `: heartbeat` comment every 15 s.';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly streams: EventStreams,
    private readonly tickets: StreamTicketService,
  ) {}

  @Get('deployments/:id/events')
  @AcceptsStreamTicket()
  @ApiProduces('text/event-stream')
  @ApiHeader(LAST_EVENT_ID)
  @ApiOkResponse({ type: LiveEventModel, description: `${STREAM_DESCRIPTION} The stream replays the deployment's timeline and ends after the event that ended it.` })
  async deploymentEvents(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Query() query: StreamResumeQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: unknown,
    @Res() res: unknown,
  ): Promise<void> {
    const options = await this.events.deploymentStream(id, resumePosition(lastEventId, query.after));
    await this.serve(ctx, options, req, res);
  }

  @Get('events')
  @AcceptsStreamTicket()
  @ApiProduces('text/event-stream')
  @ApiHeader(LAST_EVENT_ID)
  @ApiOkResponse({ type: LiveEventModel, description: `${STREAM_DESCRIPTION} Every deployment's events matching the filters; without ?after= or Last-Event-ID only new ones.` })
  async feed(
    @Ctx() ctx: RequestContext,
    @Query() query: EventStreamQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: unknown,
    @Res() res: unknown,
  ): Promise<void> {
    const resumed = (lastEventId !== undefined && lastEventId !== '') || query.after !== undefined;
    const after = resumed ? resumePosition(lastEventId, query.after) : await this.events.latestPosition();
    await this.serve(ctx, this.events.feedStream(query, after), req, res);
  }

  @Post('stream-tickets')
  @HttpCode(201)
  @AuditAction('stream-ticket.create')
  @ApiCreatedResponse({ type: StreamTicketModel, description: 'A single-use ticket, valid 60 s, standing for your token on one event stream (?ticket=).' })
  createTicket(@Ctx() ctx: RequestContext, @Body() _body: StreamTicketDto): Promise<StreamTicketModel> {
    return this.tickets.issue(ctx).then((t) => ({ ticket: t.ticket, expiresAt: t.expiresAt.toISOString() }));
  }

  private async serve(ctx: RequestContext, options: StreamOptions, req: unknown, res: unknown): Promise<void> {
    const raw = rawHttp(req, res);
    const connection = openSse(raw.req, raw.res, ctx.requestId);
    try {
      const handle = await this.streams.open(options, { send: (e) => connection.send(sseFrame(e)), end: () => connection.end() });
      connection.onClose(() => handle.close());
    } catch {
      // The response has started: the client sees the stream end and resumes from its last id.
      connection.end();
    }
  }
}
