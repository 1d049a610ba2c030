import { describe, expect, it } from 'vitest';
import { type Actor, DomainError, type Role, systemActor } from '@cutover/domain';
import { assertInScope, roleAllows } from './roles.rules';

const actor = (role: Role, scopes: Actor['scopes'] = {}): Actor => ({ tokenId: 't', name: 'n', role, scopes });

describe('roleAllows', () => {
  const roles: Role[] = ['viewer', 'deployer', 'admin'];
  it.each(roles.flatMap((actual) => roles.map((required) => [actual, required] as const)))('%s doing what needs %s', (actual, required) => {
    expect(roleAllows(actual, required)).toBe(roles.indexOf(actual) >= roles.indexOf(required));
  });
  it('lets the system actor do anything', () => {
    expect(roleAllows(systemActor.role, 'admin')).toBe(true);
  });
});

describe('assertInScope', () => {
  it('limits a scoped deployer to its apps and environments', () => {
    const scoped = actor('deployer', { apps: ['checkout'], environments: ['staging'] });
    expect(() => assertInScope(scoped, { app: 'checkout', environment: 'staging' })).not.toThrow();
    expect(() => assertInScope(scoped, { app: 'billing', environment: 'staging' })).toThrow(DomainError);
    expect(() => assertInScope(scoped, { app: 'checkout', environment: 'prod' })).toThrow(/environment "prod"/);
  });
  it('does not limit unscoped deployers or admins', () => {
    expect(() => assertInScope(actor('deployer', { apps: [] }), { app: 'any' })).not.toThrow();
    expect(() => assertInScope(actor('admin', { apps: ['x'] }), { app: 'any' })).not.toThrow();
  });
});
