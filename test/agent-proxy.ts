// A TCP relay between the server and one agent, so a test can make the agent vanish at an exact
// moment: when a request it is watching for has been handed to the agent, every connection is cut
// and new ones are refused, as when the agent process is killed with the request in flight (the
// host carries on with what it was doing; the server never hears the answer). revive() lets
// connections through again, as when systemd restarts the agent.

import net from 'node:net';

export interface AgentProxy {
  url: string;
  /** Cut every connection and refuse new ones the next time a request line matches. */
  killOn(pattern: RegExp): Promise<void>;
  /** Cut every connection and refuse new ones now. */
  kill(): void;
  /** Hold what clients send (requests stay in flight, unanswered) until release(). */
  hold(): void;
  release(): void;
  revive(): void;
  close(): Promise<void>;
}

export async function startAgentProxy(target: URL): Promise<AgentProxy> {
  const sockets = new Set<net.Socket>();
  let dead = false;
  let held: { upstream: net.Socket; chunk: Buffer }[] | null = null;
  let watch: { pattern: RegExp; fired: () => void } | null = null;

  const cutAll = () => {
    dead = true;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };

  const server = net.createServer((client) => {
    if (dead) return void client.destroy();
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (held) return void held.push({ upstream, chunk });
      upstream.write(chunk);
      if (watch && watch.pattern.test(chunk.toString('latin1').split('\r\n')[0] ?? '')) {
        const { fired } = watch;
        watch = null;
        // The request is on its way to the agent; the agent dies before it can answer.
        setImmediate(() => {
          cutAll();
          fired();
        });
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    killOn(pattern) {
      return new Promise((resolve) => (watch = { pattern, fired: resolve }));
    },
    kill: cutAll,
    hold() {
      held ??= [];
    },
    release() {
      const queued = held ?? [];
      held = null;
      for (const { upstream, chunk } of queued) upstream.write(chunk);
    },
    revive() {
      dead = false;
    },
    close() {
      cutAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
