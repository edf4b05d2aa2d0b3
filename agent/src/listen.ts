import type { AddressInfo, Server } from 'node:net';

/** Starts listening and answers the port taken (port 0 picks a free one) and the host as a URL writes it. */
export async function listen(server: Server, port: number, host: string): Promise<{ port: number; urlHost: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, urlHost: host.includes(':') ? `[${host}]` : host };
}
