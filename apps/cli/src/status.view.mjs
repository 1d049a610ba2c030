// `cutover status`: the deployment as a tree, like `kubectl argo rollouts get rollout` — a header (status, strategy,
// step, weights, images, replicas per side) over revision → workload → pods, then checks.

const SYMBOL = /** @type {Record<string, string>} */ ({
  Pending: '◷',
  Progressing: '◌',
  Paused: '॥',
  Succeeded: '✔',
  Failed: '✖',
  RollingBack: '↶',
  RolledBack: '↶',
  Aborted: '✖',
  Superseded: '⤼',
});

/** @param {string} phase */
export const symbolOf = (phase) => SYMBOL[phase] ?? '•';

/**
 * @param {any} d the deployment detail (GET /v1/deployments/:id)
 * @param {{ from?: string | null, to?: string | null }} images
 * @returns {string[]}
 */
export function renderStatus(d, images = {}) {
  const lines = [];
  const step = d.currentStep !== null && d.currentStep !== undefined ? d.plan.steps[d.currentStep] : undefined;
  const kv = (/** @type {string} */ k, /** @type {string} */ v) => lines.push(`${`${k}:`.padEnd(16)}${v}`);
  kv('Name', `${d.app} / ${d.environment}`);
  kv('Deployment', `${d.id}${d.kind === 'rollback' ? ' (rollback)' : ''}`);
  kv('Status', `${symbolOf(d.phase)} ${d.phase}${d.pauseReason ? ` (${d.pauseReason})` : ''}`);
  if (d.failure) kv('Message', `${d.failure.code}: ${d.failure.reason}`);
  else if (d.failureReason) kv('Message', d.failureReason);
  if (d.clusterError) kv('Cluster', d.clusterError.reason);
  kv('Strategy', d.plan.strategy);
  if (d.plan.steps.length > 0) {
    kv('  Step', d.currentStep !== null && d.currentStep !== undefined ? `${d.currentStep + 1}/${d.plan.steps.length}${step ? ` · ${step.title}` : ''}` : `-/${d.plan.steps.length}`);
    kv('  SetWeight', step ? `${step.newTrafficPercent}` : '-');
    kv('  ActualWeight', d.trafficWeight !== null && d.trafficWeight !== undefined ? `${d.trafficWeight}` : '-');
  }
  kv('Images', `${images.to ?? d.release} (${d.release}${d.previousRelease ? ', new' : ''})`);
  if (d.previousRelease) lines.push(`${''.padEnd(16)}${images.from ?? d.previousRelease} (${d.previousRelease}, previous)`);
  lines.push('Replicas:');
  for (const s of d.sides) lines.push(`  ${s.side.padEnd(10)}desired ${n(s.desired)}  updated ${n(s.updated)}  ready ${n(s.ready)}  available ${n(s.available)}`);
  if (d.reason) kv('Reason', d.reason);
  lines.push('');
  lines.push(`${'NAME'.padEnd(44)}${'KIND'.padEnd(12)}${'STATUS'.padEnd(16)}INFO`);
  lines.push(`⟳ ${`${d.app}`.padEnd(42)}${'Deployment'.padEnd(12)}${`${symbolOf(d.phase)} ${d.phase}`.padEnd(16)}${d.release}`);
  const sides = /** @type {any[]} */ (d.sides);
  sides.forEach((s, si) => {
    const lastSide = si === sides.length - 1;
    const pods = /** @type {any[]} */ (d.pods.items).filter((p) => p.workload === s.workload);
    const healthy = s.ready !== null && s.desired !== null && s.ready >= s.desired;
    lines.push(`${lastSide ? '└' : '├'}──# revision ${s.release ?? '?'}`.padEnd(44) + `${''.padEnd(12)}${''.padEnd(16)}${s.side}`);
    const pad = lastSide ? '   ' : '│  ';
    lines.push(`${pad}└──⧉ ${s.workload ?? '-'}`.padEnd(44) + `${'Workload'.padEnd(12)}${(healthy ? '✔ Healthy' : '◌ Progressing').padEnd(16)}${n(s.ready)}/${n(s.desired)} ready`);
    pods.forEach((p, pi) => {
      const last = pi === pods.length - 1;
      const state = p.ready ? '✔ Running' : /CrashLoop|Error|Failed/.test(`${p.phase} ${p.progress}`) ? `✖ ${p.phase}` : `◌ ${p.phase}`;
      lines.push(`${pad}   ${last ? '└' : '├'}──□ ${p.name}`.padEnd(44) + `${'Pod'.padEnd(12)}${state.padEnd(16)}${p.ready ? 'ready' : p.progress || 'not ready'}`);
    });
  });
  const checks = /** @type {any[]} */ (d.events).filter((e) => e.type.startsWith('Check'));
  if (checks.length > 0) {
    const count = (/** @type {string} */ t) => checks.filter((e) => e.type === t).length;
    lines.push('');
    lines.push(`Checks: ✔ ${count('CheckPassed')}  ✖ ${count('CheckFailed')}  ⚠ ${count('CheckInconclusive')}`);
    for (const e of checks.slice(-5)) lines.push(`  ${e.type.replace('Check', '').padEnd(13)}${e.message}`);
  }
  return lines;
}

/** One line per change, for pipes and logs. @param {any} d */
export function statusLine(d) {
  const step = d.currentStep !== null && d.currentStep !== undefined ? `step ${d.currentStep + 1}/${d.plan.steps.length}` : 'step -';
  const weight = d.trafficWeight !== null && d.trafficWeight !== undefined ? ` weight ${d.trafficWeight}%` : '';
  const sides = d.sides.map((/** @type {any} */ s) => `${s.side} ${n(s.ready)}/${n(s.desired)}`).join(' ');
  return `${new Date().toISOString().slice(11, 19)} ${d.phase}${d.pauseReason ? ` (${d.pauseReason})` : ''} ${step}${weight} ${sides}`;
}

/** @param {number | null | undefined} v */
function n(v) {
  return v === null || v === undefined ? '?' : String(v);
}
