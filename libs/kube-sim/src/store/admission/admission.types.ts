// Per-resource create/update rules, shaped like the apiserver's registry strategies (PrepareForCreate, Validate, ...).
import type { FieldError } from '../api-error';
import type { ResourceDef } from '../resources';
import type { KubeObject, ResourceKey } from '../store.types';

export interface AdmissionContext {
  /** Milliseconds since the epoch, from the store's clock. */
  now: number;
  /** Read access to other objects (e.g. the Service IP allocator looks at existing Services). Frozen objects. */
  listShared(resource: ResourceKey): KubeObject[];
}

export interface ResourceStrategy {
  /** Defaults and resets (status) on create; mutates obj. */
  prepareForCreate?(obj: KubeObject, ctx: AdmissionContext): void;
  validate?(obj: KubeObject, ctx: AdmissionContext): FieldError[];
  /** Defaults on update; `old` is frozen. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: AdmissionContext): void;
  validateUpdate?(obj: KubeObject, old: KubeObject, ctx: AdmissionContext): FieldError[];
  /** Status writes: validation of the new status only. */
  validateStatus?(obj: KubeObject, old: KubeObject, ctx: AdmissionContext): FieldError[];
}

export type StrategyLookup = (def: ResourceDef) => ResourceStrategy;
