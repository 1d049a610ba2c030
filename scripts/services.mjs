// Checks that Postgres and Redis answer before anything else runs, and says how to get them when they do not.
import net from 'node:net';

function probe(url, fallbackPort) {
  const u = new URL(url);
  const host = u.hostname || '127.0.0.1';
  const port = Number(u.port || fallbackPort);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const defaults = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/cutover',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

export async function requireServices(env = process.env) {
  const db = env.DATABASE_URL ?? defaults.DATABASE_URL;
  const redis = env.REDIS_URL ?? defaults.REDIS_URL;
  const [pgOk, redisOk] = await Promise.all([probe(db, 5432), probe(redis, 6379)]);
  const missing = [];
  if (!pgOk) missing.push(`PostgreSQL is not reachable at ${new URL(db).host}`);
  if (!redisOk) missing.push(`Redis is not reachable at ${new URL(redis).host}`);
  if (missing.length > 0) {
    console.error(
      `\n✖ ${missing.join('\n✖ ')}\n\n` +
        'Cutover needs PostgreSQL and Redis. Start them with:\n\n' +
        '    docker compose up -d postgres redis\n\n' +
        'or point DATABASE_URL / REDIS_URL at servers you already run.\n',
    );
    process.exit(1);
  }
}
