// One notification fixture for the domain's notification specs and the worker's Slack rendering spec.
import type { DeploymentSnapshot, TimelineEventRecord } from '../src/engine/notifications/notification.types';

export const ev = (type: string, data: Record<string, unknown> = {}, message = type): TimelineEventRecord => ({ seq: '42', type, message, data, actor: 'alice', at: '2026-12-07T01:00:00.000Z' });

export const snapshot: DeploymentSnapshot = {
  id: '0b6e3f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
  app: 'shop',
  environment: 'prod',
  cluster: 'eu-1',
  release: '1.4.0',
  previousRelease: '1.3.2',
  kind: 'deploy',
  strategy: 'Canary',
  phase: 'Paused',
  pauseReason: 'PauseStep',
  step: { index: 2, count: 5 },
  weight: 25,
  reason: 'weekly release',
  url: 'https://cutover.example.com/ui/deployments/0b6e3f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
};
