/**
 * A TCP load balancer on loopback standing in for the health system's, in front of several
 * consultation-server instances: one address for every client, each new connection sent to the
 * first instance (in the given order) that accepts it, the next one when it refuses (as HAProxy's
 * `retries` with `option redispatch` does). A connection whose instance dies is cut on the client
 * side too, as a real balancer's would be, so the client sees its socket drop and reconnects.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface TcpBalancer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Which backend port each accepted connection went to, in order. */
  routed: number[];
  stop(): Promise<void>;
}

export async function startTcpBalancer(backendPorts: readonly number[]): Promise<TcpBalancer> {
  const routed: number[] = [];
  const open = new Set<Socket>();
  const forward = (client: Socket, index: number): void => {
    const port = backendPorts[index];
    if (port === undefined) {
      client.destroy();
      return;
    }
    const backend = connect(port, '127.0.0.1');
    open.add(backend);
    let connected = false;
    backend.once('close', () => open.delete(backend));
    backend.once('connect', () => {
      connected = true;
      routed.push(port);
      client.pipe(backend).pipe(client);
      backend.once('close', () => client.destroy());
      client.once('close', () => backend.destroy());
    });
    backend.once('error', () => {
      // Refused before it connected: the instance is down, try the next one.
      if (!connected) forward(client, index + 1);
    });
  };
  const server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    // Paused until piped: nothing the client sends before its backend is chosen is lost.
    forward(client, 0);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    async stop() {
      for (const socket of open) socket.destroy();
      await new Promise((closed) => server.close(closed));
    },
  };
}
