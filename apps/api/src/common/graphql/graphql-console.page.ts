// The GraphQL console (GET /graphql in a browser): one self-contained HTML page (no CDN, no framework), so it works offline.
// The token is pasted once and kept in the browser's localStorage; it travels only in the Authorization header of
// the console's own POST /graphql requests, never in a URL.

/** Ready-to-run documents (the same as docs/api.md). */
export const CONSOLE_EXAMPLES: Array<{ title: string; query: string; variables?: string }> = [
  { title: 'Apps and their environments', query: 'query {\n  apps(limit: 20) {\n    items { name environments { items { name cluster namespace replicas } } }\n    nextCursor\n  }\n}' },
  {
    title: 'Latest deployments',
    query: 'query {\n  deployments(limit: 10) {\n    items { id app environment release phase pauseReason createdAt }\n  }\n}',
  },
  {
    title: 'One deployment, with status',
    query:
      'query Deployment($id: ID!) {\n  deployment(id: $id) {\n    phase pauseReason currentStep trafficWeight\n    pods { total ready }\n    events { type message createdAt }\n  }\n}',
    variables: '{ "id": "<deployment id>" }',
  },
  { title: 'Clusters (admin)', query: 'query {\n  clusters {\n    items { name server authKind lastCheck { ok info } }\n  }\n}' },
  {
    title: 'Create a deployer token (admin)',
    query: 'mutation {\n  createToken(input: { name: "ci", role: deployer }) {\n    id name role secret\n  }\n}',
  },
];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function graphqlConsolePage(): string {
  const examples = JSON.stringify(CONSOLE_EXAMPLES).replace(/</g, '\\u003c');
  const options = CONSOLE_EXAMPLES.map((e, i) => `<option value="${i}">${escapeHtml(e.title)}</option>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Cutover GraphQL console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; display: flex; flex-direction: column; height: 100vh; }
  header { display: flex; gap: 8px; align-items: center; padding: 8px 12px; background: #1f2937; color: #f9fafb; flex-wrap: wrap; }
  header input { width: 22em; }
  main { flex: 1; display: grid; grid-template-columns: 1fr 1fr; gap: 8px; padding: 8px; min-height: 0; }
  section { display: flex; flex-direction: column; min-height: 0; }
  textarea, pre { font: 13px ui-monospace, monospace; flex: 1; margin: 0; padding: 8px; border: 1px solid #d1d5db; border-radius: 4px; overflow: auto; }
  #variables { flex: 0 0 6em; margin-top: 8px; }
  pre { background: #f9fafb; white-space: pre-wrap; }
  button { cursor: pointer; }
  #status { margin-left: auto; }
</style>
</head>
<body>
<header>
  <strong>Cutover GraphQL</strong>
  <label>Token <input id="token" type="password" autocomplete="off" placeholder="paste an API token once"></label>
  <button id="forget" type="button">Forget token</button>
  <label>Example <select id="examples"><option value="">—</option>${options}</select></label>
  <button id="run" type="button" title="Ctrl+Enter">Run ▶</button>
  <span id="status"></span>
</header>
<main>
  <section>
    <textarea id="query" spellcheck="false" aria-label="GraphQL document"></textarea>
    <textarea id="variables" spellcheck="false" aria-label="Variables (JSON)" placeholder="variables (JSON)"></textarea>
  </section>
  <section><pre id="result" aria-live="polite"></pre></section>
</main>
<script>
(() => {
  const examples = ${examples};
  const $ = (id) => document.getElementById(id);
  const KEY = 'cutover.graphql.token';
  $('token').value = localStorage.getItem(KEY) || '';
  $('token').addEventListener('change', () => localStorage.setItem(KEY, $('token').value.trim()));
  $('forget').addEventListener('click', () => { localStorage.removeItem(KEY); $('token').value = ''; });
  $('query').value = localStorage.getItem('cutover.graphql.query') || examples[0].query;
  $('examples').addEventListener('change', (e) => {
    const ex = examples[Number(e.target.value)];
    if (!ex) return;
    $('query').value = ex.query;
    $('variables').value = ex.variables || '';
  });
  async function run() {
    localStorage.setItem('cutover.graphql.query', $('query').value);
    let variables;
    try { variables = $('variables').value.trim() ? JSON.parse($('variables').value) : undefined; }
    catch (e) { $('result').textContent = 'Variables are not JSON: ' + e.message; return; }
    const token = $('token').value.trim();
    $('status').textContent = 'running…';
    const started = performance.now();
    try {
      const res = await fetch(${JSON.stringify('/graphql')}, {
        method: 'POST',
        headers: Object.assign({ 'content-type': 'application/json' }, token ? { authorization: 'Bearer ' + token } : {}),
        body: JSON.stringify({ query: $('query').value, variables }),
      });
      const text = await res.text();
      try { $('result').textContent = JSON.stringify(JSON.parse(text), null, 2); } catch { $('result').textContent = text; }
      $('status').textContent = res.status + ' in ' + Math.round(performance.now() - started) + ' ms';
    } catch (e) {
      $('result').textContent = String(e);
      $('status').textContent = 'failed';
    }
  }
  $('run').addEventListener('click', run);
  document.addEventListener('keydown', (e) => { if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') run(); });
})();
</script>
</body>
</html>
`;
}
