/**
 * Sends one HL7 message over MLLP and waits for its ACK. The framing and the matching of the ACK
 * to the message (MSA-2 = MSH-10) are @medplum/hl7's Hl7Connection; its Hl7Client opens only
 * plain TCP, so the socket (plain or TLS) is opened here and handed to an Hl7Connection.
 *
 * One connection per message: an engine that restarts, or drops idle connections, costs nothing
 * but the next connect, and no half-read stream is ever reused for the next message (node-hl7-server
 * 2.5, for one, keeps the previous message's text in its buffer and misreads a second message on
 * the same connection). The benchmark (bench/hl7.ts) measures what that costs.
 */
import { Hl7Connection } from '@medplum/hl7';
import type { Hl7Message } from '@medplum/core';
import net from 'node:net';
import tls from 'node:tls';

export interface MllpTarget {
  host: string;
  port: number;
  /** TLS with the system's CAs, or `ca` (PEM) for an engine with a private CA; hostname verified. */
  tls: false | { ca?: string };
  connectTimeoutMs: number;
  ackTimeoutMs: number;
}

/** An ACK is a few hundred bytes; an engine that sends more than this before one is cut off. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** Why no ACK came: the connection failed or closed first ('network'), or the ACK took too long ('timeout'). */
export class MllpDeliveryError extends Error {
  override name = 'MllpDeliveryError';
  constructor(
    readonly reason: 'network' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

function connect(target: MllpTarget, signal: AbortSignal | undefined): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = target.tls
      ? tls.connect({ host: target.host, port: target.port, servername: net.isIP(target.host) ? undefined : target.host, ...(target.tls.ca ? { ca: target.tls.ca } : {}) })
      : net.connect({ host: target.host, port: target.port });
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error instanceof MllpDeliveryError ? error : new MllpDeliveryError('network', `cannot connect to ${target.host}:${target.port}: ${error.message}`));
    };
    const timer = setTimeout(() => fail(new MllpDeliveryError('timeout', `no connection to ${target.host}:${target.port} within ${target.connectTimeoutMs} ms`)), target.connectTimeoutMs);
    socket.once('error', fail);
    signal?.addEventListener('abort', () => fail(new MllpDeliveryError('network', 'stopped')), { once: true });
    socket.once(target.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

/** Sends `message` and resolves with the ACK; rejects with MllpDeliveryError when none comes. */
export async function sendOverMllp(message: Hl7Message, target: MllpTarget, signal?: AbortSignal): Promise<Hl7Message> {
  const socket = await connect(target, signal);
  const connection = new Hl7Connection(socket);
  // Hl7Connection keeps every byte until a frame ends: an engine that never ends one would fill memory.
  let answered = 0;
  socket.on('data', (chunk: Buffer) => {
    answered += chunk.length;
    if (answered > MAX_ANSWER_BYTES) socket.destroy();
  });
  // Hl7Connection reports errors as events; without a listener they would go unheard.
  connection.addEventListener('error', () => undefined);
  let onClose: () => void = () => undefined;
  let onAbort: () => void = () => undefined;
  try {
    // Hl7Connection leaves a pending sendAndWait waiting when the peer closes: the close is watched here.
    const closed = new Promise<never>((_, reject) => {
      onClose = () => reject(new MllpDeliveryError('network', 'the connection closed before the ACK'));
      onAbort = () => reject(new MllpDeliveryError('network', 'stopped'));
      socket.once('close', onClose);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const ack = connection.sendAndWait(message, { timeoutMs: target.ackTimeoutMs }).catch((error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      throw new MllpDeliveryError(/timed out|timeout/i.test(text) ? 'timeout' : 'network', `no ACK within ${target.ackTimeoutMs} ms`);
    });
    return await Promise.race([ack, closed]);
  } finally {
    socket.off('close', onClose);
    signal?.removeEventListener('abort', onAbort);
    await connection.close();
  }
}
