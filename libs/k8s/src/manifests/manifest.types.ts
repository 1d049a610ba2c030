// Inputs of the manifest builders: where the app runs and what a release is. Plain data, no client types.
import type { ReleaseSpec } from '@cutover/domain';

/** Kubernetes objects as plain JSON (what the API returns and accepts). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    generation?: number;
    deletionTimestamp?: string;
    ownerReferences?: Array<{ kind: string; name: string; uid?: string; controller?: boolean }>;
    uid?: string;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** One app in one environment: everything Cutover owns there is named and labelled from this. */
export interface AppTarget {
  app: string;
  environment: string;
  namespace: string;
  /** Service port (default 80) and target port (a number or a named container port; default the service port). */
  servicePort: number | null;
  serviceTargetPort: number | null;
  serviceTargetPortName: string | null;
}

export interface ReleaseRef {
  version: string;
  spec: ReleaseSpec;
}

export const SPEC_HASH_ANNOTATION = 'cutover.dev/spec-hash';
export const FIELD_MANAGER = 'cutover';
