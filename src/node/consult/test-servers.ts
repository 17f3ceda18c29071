/**
 * Consult servers and signalling clients opened by a test file, all closed after each test so no
 * socket or port outlives the test that opened it. Call at the top level of the file.
 */
import { afterEach } from 'vitest';
import { createConsultServer, type ConsultServer, type ConsultServerOptions } from './server';
import { SignalClient } from './test-client';

export interface ConsultTestServers {
  start(options?: ConsultServerOptions): Promise<ConsultServer>;
  /** A client joined with `token` (see SignalClient.join). */
  join(server: ConsultServer, token: string): ReturnType<typeof SignalClient.join>;
  /** A connected client that has not joined yet. */
  connect(server: ConsultServer, options?: Parameters<typeof SignalClient.connect>[1]): Promise<SignalClient>;
}

export function closeConsultServersAfterEach(): ConsultTestServers {
  const servers: ConsultServer[] = [];
  const clients: SignalClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.ws.terminate();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return {
    async start(options = {}) {
      const server = await createConsultServer(options);
      servers.push(server);
      return server;
    },
    async join(server, token) {
      const joined = await SignalClient.join(server.url, token);
      clients.push(joined.client);
      return joined;
    },
    async connect(server, options) {
      const client = await SignalClient.connect(server.url, options);
      clients.push(client);
      return client;
    },
  };
}
