// Exit codes are part of the CLI's contract (docs/cli.md): scripts and CI rely on them.
export const EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2, AUTH: 3, CONFLICT: 4 });

export class CliError extends Error {
  /**
   * @param {number} code exit code
   * @param {string} message what went wrong
   * @param {string} [hint] what to do next
   * @param {unknown} [problem] the problem+json document, for -o json
   */
  constructor(code, message, hint, problem) {
    super(message);
    this.code = code;
    this.hint = hint;
    this.problem = problem;
  }
}

/**
 * A problem+json answer → the exit code and the next step to suggest.
 * @param {number} status
 * @param {{ detail?: string, title?: string, code?: string, errors?: Array<{ path: string, message: string }>, requestId?: string }} problem
 * @param {string} server
 */
export function problemError(status, problem, server) {
  const detail = problem.detail ?? problem.title ?? `HTTP ${status}`;
  const fields = problem.errors?.length ? `\n${problem.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}` : '';
  const message = `${detail}${fields}`;
  if (status === 401) return new CliError(EXIT.AUTH, message, `Log in again: \`cutover login --server ${server}\` (or check CUTOVER_TOKEN).`, problem);
  if (status === 403) return new CliError(EXIT.AUTH, message, 'Ask an admin for a token with the role or scopes this needs.', problem);
  if (status === 409) return new CliError(EXIT.CONFLICT, message, 'Look at its state with `cutover status APP ENV` and try what it allows.', problem);
  if (status === 412) return new CliError(EXIT.CONFLICT, message, 'It changed meanwhile: run `cutover status APP ENV` and try again.', problem);
  if (status === 400 || status === 422) return new CliError(EXIT.USAGE, message, 'Fix the input named above and run the command again.', problem);
  if (status === 404) return new CliError(EXIT.FAILED, message, 'Check the names (`cutover apps`, `cutover envs APP`).', problem);
  if (status === 429) return new CliError(EXIT.FAILED, message, 'Wait a little and try again.', problem);
  return new CliError(EXIT.FAILED, message, problem.requestId ? `The api failed; quote request id ${problem.requestId} to its operators.` : 'The api failed; try again or ask its operators.', problem);
}
