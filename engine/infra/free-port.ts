import net from 'node:net';

/**
 * A TCP port that was free a moment ago on `host`. Another process may take it before we bind it;
 * that race is accepted for local servers and tests.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `preferred` when it is free on `host` (stable addresses for a local app), else any free port. */
export function preferredPort(preferred: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(freePort(host)));
    server.listen(preferred, host, () => server.close(() => resolve(preferred)));
  });
}

/**
 * A free port from `min`–`max`, tried in random order. For servers that keep a port in a narrower type than
 * the OS hands out: Temporal stores membership ports in a Postgres smallint (at most 32767), and Linux gives
 * ephemeral ports from 32768 up.
 */
export async function freePortInRange(min: number, max: number, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = min + Math.floor(Math.random() * (max - min + 1));
    if (await isFree(port, host)) return port;
  }
  throw new Error(`no free port between ${min} and ${max} on ${host} after 50 tries`);
}

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
