// deploy/grafana/cutover.json is built on the metric names the api and worker register: a renamed metric would
// leave a panel empty without anyone noticing, so this keeps the two together.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('the Grafana dashboard', () => {
  it('uses only metrics the api and worker register', () => {
    const dashboard = JSON.parse(read('deploy/grafana/cutover.json')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const sources = read('apps/api/src/modules/metrics/api-metrics.service.ts') + read('apps/worker/src/metrics/worker-metrics.service.ts');
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/cutover_[a-z0-9_]+/g) ?? [])));
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) {
      if (/^cutover_(api|worker)_/.test(name)) continue; // Node's default metrics, prefixed per process
      const base = name.replace(/_(bucket|count|sum)$/, '');
      expect(sources, `${name} is not registered`).toContain(`name: '${base}'`);
    }
  });
});
