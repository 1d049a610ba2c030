// ESLint rule `cutover/no-import-cycle`: no file may reach itself through imports, type-only imports included
// (eslint-plugin-import-x's no-cycle skips `import type`, and a circle of types is still a knot in the design:
// neither side can be understood, moved or tested without the other). The whole project's import graph is read
// once per lint run with TypeScript's own scanner and module resolution (tsconfig paths: the @cutover/* aliases).
import path from 'node:path';
import ts from 'typescript';

/** @type {Map<string, { cyclic: Map<string, number>, options: ts.CompilerOptions }>} */
const graphs = new Map();

function resolve(spec, from, options) {
  const r = ts.resolveModuleName(spec, from, options, ts.sys).resolvedModule;
  if (!r || r.isExternalLibraryImport) return null;
  return path.resolve(r.resolvedFileName);
}

/** Strongly connected components of more than one file (Tarjan), as file -> component id. */
function cyclicFiles(edges) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const component = new Map();
  let next = 0;
  let id = 0;
  for (const start of edges.keys()) {
    if (index.has(start)) continue;
    // Iterative depth-first search: the graph is a few hundred files deep at worst.
    const work = [{ file: start, targets: [...(edges.get(start) ?? [])], i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      if (top.i < top.targets.length) {
        const target = top.targets[top.i++];
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next++);
          stack.push(target);
          onStack.add(target);
          work.push({ file: target, targets: [...(edges.get(target) ?? [])], i: 0 });
        } else if (onStack.has(target)) {
          low.set(top.file, Math.min(low.get(top.file), index.get(target)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].file;
        low.set(parent, Math.min(low.get(parent), low.get(top.file)));
      }
      if (low.get(top.file) === index.get(top.file)) {
        const members = [];
        let f;
        do {
          f = stack.pop();
          onStack.delete(f);
          members.push(f);
        } while (f !== top.file);
        if (members.length > 1) {
          for (const m of members) component.set(m, id);
          id += 1;
        }
      }
    }
  }
  return component;
}

function graphOf(tsconfigPath) {
  const cached = graphs.get(tsconfigPath);
  if (cached) return cached;
  const config = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, path.dirname(tsconfigPath));
  const edges = new Map();
  for (const file of parsed.fileNames.map((f) => path.resolve(f))) {
    const text = ts.sys.readFile(file) ?? '';
    const targets = new Set();
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      const target = resolve(imported.fileName, file, parsed.options);
      if (target && target !== file) targets.add(target);
    }
    edges.set(file, targets);
  }
  const graph = { cyclic: cyclicFiles(edges), options: parsed.options };
  graphs.set(tsconfigPath, graph);
  return graph;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Disallow import cycles, type-only imports included.' },
    schema: [{ type: 'object', properties: { tsconfig: { type: 'string' } }, additionalProperties: false }],
    messages: { cycle: '{{spec}} closes an import cycle ({{size}} files import each other round in a circle): move what both need one floor down.' },
  },
  create(context) {
    const tsconfig = path.resolve(context.cwd, context.options[0]?.tsconfig ?? 'tsconfig.json');
    const graph = graphOf(tsconfig);
    const file = path.resolve(context.filename);
    const mine = graph.cyclic.get(file);
    if (mine === undefined) return {};
    const size = [...graph.cyclic.values()].filter((c) => c === mine).length;
    const check = (node) => {
      if (!node.source || typeof node.source.value !== 'string') return;
      const target = resolve(node.source.value, file, graph.options);
      if (target && graph.cyclic.get(target) === mine) context.report({ node: node.source, messageId: 'cycle', data: { spec: node.source.value, size: String(size) } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default { rules: { 'no-import-cycle': noImportCycle } };
