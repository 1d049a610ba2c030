export interface ConfigIssue {
  /** The environment variable, e.g. `CUTOVER_SECRET_KEY`. */
  variable: string;
  /** What it must look like. */
  message: string;
}

/** The environment cannot run this process. The message lists every offending variable, one a line. */
export class ConfigError extends Error {
  constructor(
    readonly kind: string,
    readonly issues: ConfigIssue[],
  ) {
    super(`Invalid configuration for the ${kind}:\n${issues.map((issue) => `  - ${issue.variable} ${issue.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
