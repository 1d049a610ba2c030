// The normalised release spec: what a release row stores and what manifests are built from.
// Canonical form (see docs/releases.md): Kubernetes defaults are filled in, `false` booleans and empty optional
// lists/maps are omitted, and key order is irrelevant because the digest hashes canonical JSON (sorted keys).

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';
export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';
export type HookRestartPolicy = 'Never' | 'OnFailure';

export interface ObjectFieldSelector {
  apiVersion: 'v1';
  fieldPath: string;
}

export interface ResourceFieldSelector {
  containerName?: string;
  resource: string;
  divisor?: string;
}

export interface KeySelector {
  name: string;
  key: string;
  optional?: true;
}

export interface EnvVarSource {
  fieldRef?: ObjectFieldSelector;
  resourceFieldRef?: ResourceFieldSelector;
  secretKeyRef?: KeySelector;
  configMapKeyRef?: KeySelector;
}

/** Exactly one of `value` (defaults to "") or `valueFrom`. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: EnvVarSource;
}

export interface NamedRef {
  name: string;
  optional?: true;
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: NamedRef;
  secretRef?: NamedRef;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol: PortProtocol;
}

export interface ResourceRequirements {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** A port number, or the name of one of the container's ports. */
export type PortRef = number | string;

export interface HttpHeader {
  name: string;
  value: string;
}

export interface HttpGetAction {
  path: string;
  port: PortRef;
  host?: string;
  scheme: 'HTTP' | 'HTTPS';
  httpHeaders?: HttpHeader[];
}

export interface TcpSocketAction {
  port: PortRef;
  host?: string;
}

export interface ExecAction {
  command: string[];
}

export interface GrpcAction {
  port: number;
  service?: string;
}

/** Exactly one handler. */
export interface Probe {
  httpGet?: HttpGetAction;
  tcpSocket?: TcpSocketAction;
  exec?: ExecAction;
  grpc?: GrpcAction;
  initialDelaySeconds: number;
  timeoutSeconds: number;
  periodSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  terminationGracePeriodSeconds?: number;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: true;
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy: PullPolicy;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: ContainerPort[];
  resources?: ResourceRequirements;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: VolumeMount[];
}

export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

export interface EmptyDirVolumeSource {
  medium?: 'Memory';
  sizeLimit?: string;
}

export interface ConfigMapVolumeSource {
  name: string;
  items?: KeyToPath[];
  defaultMode: number;
  optional?: true;
}

export interface SecretVolumeSource {
  secretName: string;
  items?: KeyToPath[];
  defaultMode: number;
  optional?: true;
}

/** Exactly one source. */
export interface Volume {
  name: string;
  emptyDir?: EmptyDirVolumeSource;
  configMap?: ConfigMapVolumeSource;
  secret?: SecretVolumeSource;
}

export interface PodSpec {
  containers: Container[];
  /** Run in order, each to completion, before the app containers start. */
  initContainers: Container[];
  volumes: Volume[];
  terminationGracePeriodSeconds: number;
  serviceAccountName?: string;
  nodeSelector?: Record<string, string>;
}

/** A pre-deploy hook runs as a Job, whose pods may not restart forever. */
export interface JobPodSpec extends PodSpec {
  restartPolicy: HookRestartPolicy;
}

export interface PreDeployHook {
  name: string;
  podSpec: JobPodSpec;
  backoffLimit: number;
  activeDeadlineSeconds?: number;
}

export interface ReleaseHooks {
  preDeploy: PreDeployHook[];
}

/** What Release.spec stores and the digest covers. */
export interface ReleaseSpec {
  podSpec: PodSpec;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  hooks: ReleaseHooks;
}

export interface NormalizedRelease {
  version: string;
  spec: ReleaseSpec;
  notes: string | null;
  commitSha: string | null;
}
