import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCluster } from './cluster-check';

// A real HTTP peer on 127.0.0.1 answering like a Kubernetes API server's /version (not a mock of the client).
function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('checkCluster', () => {
  let version: { server: Server; url: string };
  let seenAuth: string | undefined;
  let silent: { server: Server; url: string };

  beforeAll(async () => {
    version = await listen((req, res) => {
      seenAuth = req.headers.authorization;
      if (req.headers.authorization !== 'Bearer good') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"kind":"Status","code":401}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.0', platform: 'linux/amd64' }));
    });
    silent = await listen(() => undefined);
  });
  afterAll(() => {
    version.server.close();
    silent.server.closeAllConnections();
    silent.server.close();
  });

  it('answers the server version', async () => {
    await expect(checkCluster({ kind: 'token', server: version.url, token: 'good', insecureSkipTlsVerify: true })).resolves.toEqual({ ok: true, version: 'v1.31.0', platform: 'linux/amd64' });
    expect(seenAuth).toBe('Bearer good');
  });

  it('says 401 when the credentials are rejected', async () => {
    const result = await checkCluster({ kind: 'token', server: version.url, token: 'bad', insecureSkipTlsVerify: true });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/^unauthorized \(401\)/) });
    if (!result.ok) expect(result.reason).not.toContain('bad');
  });

  it('says unreachable when nothing listens', async () => {
    const closed = await listen(() => undefined);
    const url = closed.url;
    await new Promise((resolve) => closed.server.close(resolve));
    await expect(checkCluster({ kind: 'token', server: url, token: 'x', insecureSkipTlsVerify: true })).resolves.toEqual({ ok: false, reason: expect.stringMatching(/^unreachable: connection refused/) });
  });

  it('gives up after the timeout', async () => {
    await expect(checkCluster({ kind: 'token', server: silent.url, token: 'x', insecureSkipTlsVerify: true }, { timeoutMs: 200 })).resolves.toEqual({
      ok: false,
      reason: expect.stringMatching(/^unreachable: no answer within 200 ms/),
    });
  });

  it('says TLS when plain http is used without insecureSkipTlsVerify', async () => {
    const result = await checkCluster({ kind: 'token', server: version.url, token: 'good' });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/^TLS: plain http:\/\/ needs insecureSkipTlsVerify/) });
  });

  it('says TLS when the server speaks plain HTTP to an https URL', async () => {
    const result = await checkCluster({ kind: 'token', server: version.url.replace('http:', 'https:'), token: 'good' });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/^TLS: /) });
  });
});

describe('a server that accepts connections and never answers', () => {
  it('keeps none of our sockets once the checks gave up', async () => {
    const sockets = new Set<Socket>();
    const server = createNetServer((socket) => {
      sockets.add(socket);
      // Reads the request (so it sees the client hang up) and never answers.
      socket.resume();
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const results = await Promise.all([1, 2, 3].map(() => checkCluster({ kind: 'token', server: url, token: 'x', insecureSkipTlsVerify: true }, { timeoutMs: 200 })));
      for (const r of results) expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^unreachable: no answer within 200 ms/) });
      const deadline = Date.now() + 5_000;
      while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(sockets.size).toBe(0);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});
