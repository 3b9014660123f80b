import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { DLQ_ADMIN_AUTHORIZATION } from './messaging.tokens.js';

/** The default authorization: none (put the admin endpoints behind a guard before exposing them). */
export const allowEveryone: CanActivate = { canActivate: () => true };

/**
 * Guards every dead-letter admin endpoint by delegating to what `DLQ_ADMIN_AUTHORIZATION` holds,
 * so the admin-role check can be plugged in (`MessagingAdminModule.forRoot({ guard })`) without
 * touching the controller.
 */
@Injectable()
export class DeadLetterAdminGuard implements CanActivate {
  constructor(@Inject(DLQ_ADMIN_AUTHORIZATION) private readonly authorization: CanActivate) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> | Observable<boolean> {
    return this.authorization.canActivate(context);
  }
}
