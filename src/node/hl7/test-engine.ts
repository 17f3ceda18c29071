/**
 * Test support: an interface engine on loopback, node-hl7-server 2.5 (a third-party MLLP server
 * and HL7 parser, not the library the station sends with), on an ephemeral port. Each connection
 * is answered as `answer()` says when it arrives: an ACK code, an AE with a reason (MSA-3 and an
 * ERR segment, built with @medplum/core since node-hl7-server's AE carries no text), the
 * connection dropped as the message arrives, or silence.
 */
import { Hl7Message as MedplumMessage, Hl7Segment } from '@medplum/core';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { Server, type Inbound } from 'node-hl7-server';

export type EngineAnswer = 'AA' | 'AR' | { ae: string } | 'drop' | 'silent';

export interface ReceivedMessage {
  controlId: string;
  text: string;
}

export interface TestEngine {
  port: number;
  received: ReceivedMessage[];
  /** Resolves when `count` messages have been received in all. */
  receivedCount(count: number): Promise<void>;
  close(): Promise<void>;
}

/** `tls`: MLLP over TLS with this key and certificate (PEM). */
export async function startTestEngine(answer: () => EngineAnswer, tls?: { key: string; cert: string }): Promise<TestEngine> {
  const received: ReceivedMessage[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = new Server({ bindAddress: '127.0.0.1', ...(tls ? { tls } : {}) });
  const modes = new WeakMap<Socket, EngineAnswer>();
  const inbound: Inbound = server.createInbound({ port: 0 }, async (req, res) => {
    const message = req.getMessage();
    received.push({ controlId: message.get('MSH.10').toString(), text: message.toString() });
    for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
    const socket = (res as unknown as { _socket: Socket })._socket;
    const mode = modes.get(socket) ?? 'AA';
    if (mode === 'AA' || mode === 'AR') {
      await res.sendResponse(mode);
    } else if (typeof mode === 'object') {
      const ack = MedplumMessage.parse(message.toString().replaceAll('\n', '\r')).buildAck({ ackCode: 'AE', errSegment: new Hl7Segment(['ERR', '', '', '207^Application internal error^HL70357', 'E', '', '', '', mode.ae]) });
      ack.getSegment('MSA')!.setField(3, mode.ae);
      socket.write(`\x0b${ack.toString()}\x1c\r`);
    }
  });
  // A TLS listener reports its connections as secureConnection; node-hl7-server emits client.connect for both.
  inbound.on('client.connect', (socket: Socket) => {
    const mode = answer();
    modes.set(socket, mode);
    if (mode === 'drop') socket.once('data', () => socket.destroy());
  });
  await new Promise<void>((resolve) => inbound.once('listen', () => resolve()));
  const port = ((inbound as unknown as { _socket: NetServer })._socket.address() as AddressInfo).port;
  return {
    port,
    received,
    receivedCount: (count) => (received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: async () => {
      await inbound.close();
    },
  };
}
