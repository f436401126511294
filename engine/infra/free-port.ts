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
