// Who is acting, through which interface: every service method that mutates takes one, and the audit entry is
// built from it. REST, GraphQL and chat adapters each build it from their request; the worker uses `systemActor`.

export type Role = 'viewer' | 'deployer' | 'admin';
export type Interface = 'rest' | 'graphql' | 'chat' | 'system';

export interface TokenScopes {
  /** Apps a deployer may act on; absent or empty = all. */
  apps?: string[];
  /** Environment names a deployer may act on; absent or empty = all. */
  environments?: string[];
}

export interface Actor {
  /** ApiToken id; null for the system actor. */
  tokenId: string | null;
  /** Token name, or "system". */
  name: string;
  role: Role | 'system';
  scopes: TokenScopes;
}

export interface RequestContext {
  actor: Actor;
  requestId: string;
  interface: Interface;
  clientAddress: string | null;
}

export const systemActor: Actor = { tokenId: null, name: 'system', role: 'system', scopes: {} };

export function systemContext(requestId: string): RequestContext {
  return { actor: systemActor, requestId, interface: 'system', clientAddress: null };
}
