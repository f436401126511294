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
