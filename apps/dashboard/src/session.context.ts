import { createContext, useContext } from 'react';
import type { Session } from './types';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in view');
  return session;
}

/** Whether the session's role may run deployments' commands for this app and environment (the api decides anyway). */
export function canDeploy(session: Session, app?: string, environment?: string): boolean {
  if (session.role === 'admin' || session.role === 'system') return true;
  if (session.role !== 'deployer') return false;
  const { apps, environments } = session.scopes;
  if (app && apps?.length && !apps.includes(app)) return false;
  if (environment && environments?.length && !environments.includes(environment)) return false;
  return true;
}
