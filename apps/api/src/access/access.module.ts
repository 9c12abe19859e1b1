import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { accessConfig } from '../config/access.config';
import { AccessGuard } from './access.guard';
import { AccessRevocations } from './access-revocations';
import { AdminController } from './admin.controller';
import { ApiKeys } from './api-keys';
import { AuthController } from './auth.controller';
import { Passwords } from './passwords';
import { StaffAccounts } from './staff-accounts';
import { PreviewAccessGuard } from './preview-access.guard';
import { StaffCookieAccess } from './staff-cookie-access';
import { StaffCsrf } from './staff-csrf';
import { StaffSignIn } from './staff-sign-in';

/**
 * Who may call what (PROTOCOL.md, Access): API keys for integrations, staff accounts with
 * cookie sessions, and the guard that applies every route's {@link Access} rule.
 */
@Module({
  imports: [ConfigModule.forFeature(accessConfig)],
  controllers: [AuthController, AdminController],
  providers: [
    AccessRevocations,
    ApiKeys,
    Passwords,
    StaffAccounts,
    StaffSignIn,
    StaffCsrf,
    StaffCookieAccess,
    PreviewAccessGuard,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [
    AccessRevocations,
    ApiKeys,
    StaffAccounts,
    StaffSignIn,
    StaffCookieAccess,
    PreviewAccessGuard,
  ],
})
export class AccessModule {}
