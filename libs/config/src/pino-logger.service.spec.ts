import { describe, expect, it } from 'vitest';
import { PinoNestLogger, createLogger } from './pino-logger.service';

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ service: 'cutover-worker', level, destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { lines, nest: new PinoNestLogger(logger, () => ({ requestId: 'r-1' })) };
}

describe('PinoNestLogger (one format for api and worker)', () => {
  it('writes pino lines with the service, the context and the scope', () => {
    const { lines, nest } = capture('info');
    nest.log('worker up', 'worker');
    nest.warn({ deploymentId: 'd-1' }, 'cluster unreachable', 'DeploymentTickService');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, service: 'cutover-worker', context: 'worker', requestId: 'r-1', msg: 'worker up', time: expect.any(String) }),
      expect.objectContaining({ level: 40, context: 'DeploymentTickService', deploymentId: 'd-1', msg: 'cluster unreachable' }),
    ]);
  });

  it("puts Nest's start-up narration (modules, mapped routes) at debug", () => {
    const quiet = capture('info');
    quiet.nest.log('Mapped {/v1/apps, GET} route', 'RouterExplorer');
    quiet.nest.log('AppModule dependencies initialized', 'InstanceLoader');
    expect(quiet.lines).toEqual([]);
    const verbose = capture('debug');
    verbose.nest.log('Mapped {/v1/apps, GET} route', 'RouterExplorer');
    expect(verbose.lines).toEqual([expect.objectContaining({ level: 20, context: 'RouterExplorer' })]);
  });
});
