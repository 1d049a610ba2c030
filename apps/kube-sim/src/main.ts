// Runs the simulated cluster: `npm run start:sim` (built) or `node scripts/run-ts.mjs apps/kube-sim/src/main.ts`.
import { resolve } from 'node:path';
import { startKubeSim } from '@cutover/kube-sim';

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

async function main(): Promise<void> {
  const kubeconfigPath = resolve(process.env.KUBE_SIM_KUBECONFIG || '.sandbox/kubeconfig');
  const sim = await startKubeSim({
    port: intEnv('KUBE_SIM_PORT', 6550),
    nodes: intEnv('KUBE_SIM_NODES', 3),
    timeScale: intEnv('KUBE_SIM_TIME_SCALE', 1) || 1,
    token: process.env.KUBE_SIM_TOKEN || undefined,
    kubeconfigPath,
    logRequests: process.env.KUBE_SIM_LOG === 'requests',
    missingImages: (process.env.KUBE_SIM_MISSING_IMAGES ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  });
  console.log(`kube-sim listening on ${sim.url}; kubeconfig written to ${kubeconfigPath}`);
  console.log(`try: kubectl --kubeconfig ${kubeconfigPath} get nodes`);
  const shutdown = (signal: string) => {
    console.log(`kube-sim: ${signal}, stopping`);
    sim.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('kube-sim failed to start:', err);
  process.exit(1);
});
