import { PUBLIC_ROUTE, REQUIRED_ROLES } from '@acme/http';
import type { INestApplication } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
  type OpenAPIObject,
} from '@nestjs/swagger';

/** The name of the bearer scheme in the OpenAPI document (`addBearerAuth(..., bearerScheme)`). */
export const bearerScheme = 'bearer';

const documented = Symbol('acme:access-documented');

/**
 * Writes into the OpenAPI metadata what the guard enforces, so /docs shows it without every
 * controller repeating it: each non-public route requires the bearer scheme and may answer 401;
 * a role route may answer 403. Once per handler, however many apps a test process builds.
 */
export function documentAccess(app: INestApplication): void {
  for (const module of app.get(ModulesContainer).values())
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype;
      if (typeof controller !== 'function') continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
        const handler: unknown = descriptor?.value;
        // The constructor is the controller class itself, which carries the controller's path:
        // documenting it would put the bearer scheme on the whole controller, public routes too.
        if (
          name === 'constructor' ||
          descriptor === undefined ||
          typeof handler !== 'function' ||
          Reflect.getMetadata(PATH_METADATA, handler) === undefined ||
          Reflect.getMetadata(documented, handler) === true
        )
          continue;
        Reflect.defineMetadata(documented, true, handler);
        // The method's metadata wins over its controller's, as in the guard.
        const at = (key: string): unknown =>
          Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
        if (at(PUBLIC_ROUTE) === true) continue;
        ApiBearerAuth(bearerScheme)(prototype, name, descriptor);
        ApiUnauthorizedResponse({ description: 'No bearer token, or one that does not verify' })(
          prototype,
          name,
          descriptor,
        );
        const roles = at(REQUIRED_ROLES) as readonly string[] | undefined;
        if (roles !== undefined)
          ApiForbiddenResponse({ description: `The token lacks the ${roles.join(' or ')} role` })(
            prototype,
            name,
            descriptor,
          );
      }
    }
}

/**
 * @nestjs/swagger 12 lists a method's security requirement twice in the operation; one is
 * enough (and what a reader of /docs/json expects).
 */
export function withoutDuplicateSecurity(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths))
    for (const operation of Object.values(item as Record<string, { security?: unknown[] }>))
      if (Array.isArray(operation.security))
        operation.security = [
          ...new Map(
            operation.security.map((requirement) => [JSON.stringify(requirement), requirement]),
          ).values(),
        ];
  return document;
}
