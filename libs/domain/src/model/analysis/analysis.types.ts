// Metric analysis (Argo Rollouts' AnalysisTemplate/AnalysisRun, docs/analysis.md): normalised metric documents,
// measurements and the verdicts read from them. Durations are seconds; every default is filled in by the parser.

/** Prometheus: an instant query at each measurement, or a range query over `range.window` seconds with `range.step`. */
export interface PrometheusProvider {
  type: 'prometheus';
  /** http(s) base URL of the Prometheus server (the API path is added: /api/v1/query[_range]). */
  address: string;
  query: string;
  range: { window: number; step: number } | null;
  /** Seconds one query may take. */
  timeout: number;
  /**
   * Name of the credentials sealed with the template that declares the metric (bearer token or basic auth), null
   * for none. The secret itself never appears in a document: the worker opens it by template id.
   */
  credentials: { templateId: string; kind: 'bearer' | 'basic' } | null;
}

/** Web: an HTTP GET/POST whose JSON answer is read with a JSONPath (jsonpath-plus). */
export interface WebProvider {
  type: 'web';
  method: 'GET' | 'POST';
  url: string;
  headers: Array<{ name: string; value: string }>;
  /** JSON body for POST, as text; null for none. */
  body: string | null;
  /** JSONPath into the answer ("$.data.rate"); null = the whole answer. */
  jsonPath: string | null;
  timeout: number;
}

/** Job: a Kubernetes Job in the environment's namespace; succeeded = Successful, failed = Failed. */
export interface JobProvider {
  type: 'job';
  image: string;
  command: string[];
  args: string[];
  /** Seconds the Job may run (activeDeadlineSeconds). */
  timeout: number;
}

/** The HTTP check as a metric provider: the status code is `result`; `expectStatus` is the default success condition. */
export interface HttpProvider {
  type: 'http';
  url: string;
  expectStatus: number;
  timeout: number;
}

export type MetricProvider = PrometheusProvider | WebProvider | JobProvider | HttpProvider;
export type ProviderType = MetricProvider['type'];
export const providerTypes: readonly ProviderType[] = ['prometheus', 'web', 'job', 'http'];

export interface AnalysisMetric {
  name: string;
  provider: MetricProvider;
  /** CEL over `result`; null = none (see measurementPhase for how one condition alone is read). */
  successCondition: string | null;
  failureCondition: string | null;
  /** Seconds between measurements (at least 1). */
  interval: number;
  /** Measurements to take; null = until the analysis is stopped (background analysis). */
  count: number | null;
  /** Seconds before the first measurement. */
  initialDelay: number;
  /** Failed measurements tolerated; one more fails the metric. */
  failureLimit: number;
  /** Inconclusive measurements tolerated; one more makes the metric inconclusive. */
  inconclusiveLimit: number;
  /** Errors in a row tolerated; one more errors the metric (which fails the analysis). */
  consecutiveErrorLimit: number;
}

/**
 * An analysis as a strategy holds it. In an environment's default strategy `templates` may name templates to
 * resolve; a deployment's effective strategy always holds them resolved (templates: [], every metric inline).
 */
export interface AnalysisRef {
  templates: string[];
  args: Record<string, string>;
  metrics: AnalysisMetric[];
}

/** Verdict of one measurement. */
export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';
export const measurementPhases: readonly MeasurementPhase[] = ['Successful', 'Failed', 'Inconclusive', 'Error'];

/** What a provider answered for one measurement, before the conditions are applied. */
export type ProviderOutcome =
  /** A value for `result` (a number, a list of numbers for a Prometheus vector, any JSON for web). */
  | { kind: 'value'; value: unknown; query: string | null }
  /** The provider decided the phase itself (job: completed / failed). */
  | { kind: 'phase'; phase: MeasurementPhase; value: unknown; message: string | null; query: string | null }
  /** No answer or an answer that cannot be read: the reason, never a pass. */
  | { kind: 'error'; message: string; query: string | null };

/** One recorded measurement. */
export interface Measurement {
  metric: string;
  phase: MeasurementPhase;
  /** `result` as JSON text ("0.97", "[0.2]", "NaN"); null for an error. */
  value: string | null;
  message: string | null;
  /** The query or request as sent. */
  query: string | null;
  /** When it was due and when it was taken (ms). */
  scheduledAt: number;
  at: number;
}

export type MetricPhase = 'Running' | MeasurementPhase;

export interface MetricStatus {
  name: string;
  phase: MetricPhase;
  measurements: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveErrors: number;
  /** Why the phase is what it is, e.g. "2 failed measurements, limit 1". */
  message: string | null;
  lastValue: string | null;
}

export type AnalysisPhase = 'Running' | 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/** An analysis run's verdict from its measurements so far (the worker records it; the machine reads it). */
export interface AnalysisRunStatus {
  runId: string;
  phase: AnalysisPhase;
  message: string | null;
  metrics: MetricStatus[];
}
