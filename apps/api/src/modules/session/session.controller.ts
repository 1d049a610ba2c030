import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Public } from '../../common/auth/auth.decorators';
import { SessionService, type SessionRequest, sessionCookie } from '../../common/auth/session.service';
import { Ctx } from '../../common/context/ctx.decorator';
import { SignInDto } from './dto/sign-in.dto';
import { SessionModel } from './models/session.model';

/** Fastify's reply or Express's response: both set a header with `header(name, value)`. */
interface HeaderSink {
  header(name: string, value: string): unknown;
}

/** Dashboard sign-in (docs/dashboard.md): a token for an httpOnly session cookie, and sign-out. */
@ApiTags('session')
@Controller('v1/session')
export class SessionController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @Public()
  @HttpCode(201)
  @AuditAction('session.create')
  @ApiCreatedResponse({ type: SessionModel, description: 'Sets the cutover_session cookie (HttpOnly, SameSite=Strict, 8 h).' })
  async signIn(@Body() body: SignInDto, @Req() req: SessionRequest, @Res({ passthrough: true }) res: HeaderSink): Promise<SessionModel> {
    const signedIn = await this.sessions.signIn(req, body.token);
    res.header('set-cookie', sessionCookie(signedIn.secret, req));
    res.header('cache-control', 'no-store');
    const { name, role, scopes } = signedIn.actor;
    return { name, role, scopes, csrfToken: signedIn.csrfToken, expiresAt: signedIn.expiresAt.toISOString() };
  }

  @Get()
  @ApiOkResponse({ type: SessionModel, description: 'Who the caller is (session cookie or bearer token).' })
  current(@Ctx() ctx: RequestContext, @Req() req: SessionRequest, @Res({ passthrough: true }) res: HeaderSink): SessionModel {
    res.header('cache-control', 'no-store');
    const session = req.cutoverSession;
    const { name, role, scopes } = ctx.actor;
    return { name, role, scopes, csrfToken: session?.csrfToken ?? null, expiresAt: session?.expiresAt.toISOString() ?? null };
  }

  @Delete()
  @HttpCode(204)
  @AuditAction('session.revoke')
  @ApiNoContentResponse({ description: 'Signs the session out (revoked at once) and clears its cookie. 404 without a session cookie.' })
  @ApiNotFoundResponse({ description: 'No session cookie on the request.' })
  async signOut(@Ctx() ctx: RequestContext, @Req() req: SessionRequest, @Res({ passthrough: true }) res: HeaderSink): Promise<void> {
    await this.sessions.signOut(ctx, req.cutoverSession);
    res.header('set-cookie', sessionCookie(null, req));
  }
}
