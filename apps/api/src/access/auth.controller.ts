import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { STAFF_SESSION_COOKIE, type StaffSession, XSRF_COOKIE } from '@chat/contracts';
import { ApiErrorDto } from '../common/api-error.dto';
import { ApiError } from '../common/api-error';
import { ClientRateLimitGuard, READS_BUDGET } from '../common/client-rate-limit.guard';
import { principalOf, type StaffPrincipal, type WithPrincipal } from '../common/principal';
import { hashSecret } from '../common/secret';
import { Access } from './access.decorator';
import { AccessRevocations } from './access-revocations';
import { keepOutOfCaches } from './access.guard';
import { LoginRequestDto, StaffSessionDto } from './dto/access.dto';
import { StaffCsrf } from './staff-csrf';
import { StaffSignIn } from './staff-sign-in';

/** The staff session cookie: unreadable by scripts, sent to the API only, `Secure` over https. */
function sessionCookie(request: Request, expires?: Date) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.secure,
    path: '/api',
    ...(expires && { expires }),
  };
}

function signedInStaff(request: Request): StaffPrincipal {
  const principal = principalOf(request);
  if (principal?.kind !== 'staff') throw new ApiError('unauthorized', 'Sign in first.');
  return principal;
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly signIn: StaffSignIn,
    private readonly csrf: StaffCsrf,
    private readonly revocations: AccessRevocations,
  ) {}

  @Post('login')
  @HttpCode(200)
  @UseGuards(ClientRateLimitGuard)
  @SkipThrottle({ [READS_BUDGET]: true })
  @ApiOperation({
    summary: 'Sign a staff member in',
    description:
      'Sets the `HttpOnly` session cookie and the `XSRF-TOKEN` cookie whose value state-changing calls echo as `X-XSRF-TOKEN`. ' +
      'A wrong email and a wrong password get the same answer in the same time; repeated failures for one email wait longer each time, then lock it.',
  })
  @ApiOkResponse({ type: StaffSessionDto })
  @ApiUnauthorizedResponse({
    type: ApiErrorDto,
    description: '`unauthorized`: wrong email or password',
  })
  @ApiTooManyRequestsResponse({
    type: ApiErrorDto,
    description:
      '`rate_limited`: too many failures for this email (or this client), with `Retry-After`',
  })
  async login(
    @Body() { email, password }: LoginRequestDto,
    @Req() request: Request & WithPrincipal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StaffSession> {
    keepOutOfCaches(response);
    const { user, sessionToken, expiresAt } = await this.signIn.signIn(email, password);
    response.cookie(STAFF_SESSION_COOKIE, sessionToken, sessionCookie(request, expiresAt));
    request.principal = { kind: 'staff', ...user, sessionToken, expiresAt };
    this.csrf.issue(request, response);
    return { user };
  }

  @Post('logout')
  @HttpCode(204)
  @Access({ staff: 'agent' })
  @ApiOperation({
    summary:
      'Sign out: the session ends on the server (with the live feeds it opened), and its cookies are cleared',
  })
  async logout(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    const { sessionToken } = signedInStaff(request);
    await this.signIn.signOut(sessionToken);
    this.revocations.revoke({ kind: 'staff-session', sessionHash: hashSecret(sessionToken) });
    response.clearCookie(STAFF_SESSION_COOKIE, sessionCookie(request));
    response.clearCookie(XSRF_COOKIE, { path: '/' });
  }

  @Get('me')
  @Access({ staff: 'agent' })
  @ApiOperation({ summary: 'The signed-in staff member (and a fresh `XSRF-TOKEN` cookie)' })
  @ApiOkResponse({ type: StaffSessionDto })
  me(@Req() request: Request, @Res({ passthrough: true }) response: Response): StaffSession {
    const { id, email, role } = signedInStaff(request);
    this.csrf.issue(request, response);
    return { user: { id, email, role } };
  }
}
