import { DomainError, type Actor, type Role } from '@cutover/domain';

const rank: Record<Role, number> = { viewer: 0, deployer: 1, admin: 2 };

export const ROLES: readonly Role[] = ['viewer', 'deployer', 'admin'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** viewer < deployer < admin; the system actor may do anything. */
export function roleAllows(actual: Actor['role'], required: Role): boolean {
  return actual === 'system' || rank[actual] >= rank[required];
}

/**
 * A deployer token limited to some apps / environments may act only inside them (admins and unscoped tokens
 * everywhere). Services call it once they know the resource: `assertInScope(ctx.actor, { app, environment })`.
 */
export function assertInScope(actor: Actor, target: { app?: string; environment?: string }): void {
  if (actor.role !== 'deployer') return;
  const { apps, environments } = actor.scopes;
  if (target.app && apps && apps.length > 0 && !apps.includes(target.app)) {
    throw new DomainError('FORBIDDEN', `Token "${actor.name}" may not act on app "${target.app}".`);
  }
  if (target.environment && environments && environments.length > 0 && !environments.includes(target.environment)) {
    throw new DomainError('FORBIDDEN', `Token "${actor.name}" may not act on environment "${target.environment}".`);
  }
}
