// The Node versions the project declares (package.json `engines.node`) are versions every installed package supports:
// no package in package-lock.json may ask for a Node we say is enough (npm would warn EBADENGINE, and it may break).
// Pins that keep it so are package.json `overrides` (docs/adr/0010-quiet-correct-install.md).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const semver = createRequire(__filename)('semver') as { subset(sub: string, dom: string): boolean; satisfies(version: string, range: string): boolean };

interface LockPackage {
  version?: string;
  engines?: { node?: string } | string[];
  hasInstallScript?: boolean;
}
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  allowScripts?: Record<string, boolean>;
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };
const installed = Object.entries(lock.packages).filter(([where]) => where !== '');
const nameOf = (where: string) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('installed packages and the Node versions we declare', () => {
  it('every package in the lockfile supports every Node version package.json declares', () => {
    const declared = pkg.engines.node;
    const refusing = installed
      .map(([where, p]) => ({ where, version: p.version, node: !Array.isArray(p.engines) ? p.engines?.node : undefined }))
      .filter((p) => p.node !== undefined && !semver.subset(declared, p.node))
      .map((p) => `${nameOf(p.where)}@${p.version} wants node ${p.node}`);
    expect(refusing).toEqual([]);
  });

  it('the Node running the tests is one we declare', () => {
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  });

  it('every package with an install script has a decision in allowScripts (run or not), and no other', () => {
    const withScripts = new Set(installed.filter(([, p]) => p.hasInstallScript).map(([where]) => nameOf(where)));
    expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual([...withScripts].sort());
  });

  it('pins every direct dependency exactly', () => {
    const ranged = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v));
    expect(ranged).toEqual([]);
  });
});
