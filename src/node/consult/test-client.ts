/**
 * A signalling participant for tests and the benchmark: a WebSocket that records every server
 * message, validates it against the shared schema, and lets the caller await the next one of a type.
 */
import { WebSocket } from 'ws';
import { ConsultServerMessageSchema, SIGNAL_PATH, type ConsultClientMessage, type ConsultServerMessage } from '../../shared/consult/protocol';

type MessageOf<T extends ConsultServerMessage['type']> = Extract<ConsultServerMessage, { type: T }>;

export class SignalClient {
  readonly ws: WebSocket;
  readonly received: ConsultServerMessage[] = [];
  /** Resolves with the close code once the socket is closed. */
  readonly closed: Promise<number>;
  readonly #waiters: Array<() => void> = [];
  #cursor = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.once('close', (code: number) => resolve(code)));
    ws.on('message', (data) => {
      this.received.push(ConsultServerMessageSchema.parse(JSON.parse(data.toString())));
      for (const wake of this.#waiters.splice(0)) wake();
    });
    ws.on('close', () => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** `ca`: trust this certificate (a test server's self-signed one). */
  static async connect(serverUrl: string, options: { origin?: string; ca?: string | Buffer } = {}): Promise<SignalClient> {
    const url = new URL(SIGNAL_PATH, serverUrl.replace(/^http/, 'ws'));
    const ws = new WebSocket(url, { ...(options.origin ? { origin: options.origin } : {}), ...(options.ca ? { ca: options.ca } : {}) });
    const client = new SignalClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Connects and joins; resolves with the welcome (throws with the server's error otherwise). */
  static async join(serverUrl: string, token: string): Promise<{ client: SignalClient; welcome: MessageOf<'welcome'> }> {
    const client = await SignalClient.connect(serverUrl);
    client.send({ type: 'join', token });
    const first = await client.next();
    if (first.type !== 'welcome') throw new Error(`join refused: ${JSON.stringify(first)}`);
    return { client, welcome: first };
  }

  send(message: ConsultClientMessage): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** The next message not consumed yet, optionally of one type (messages of other types are skipped). */
  async next(): Promise<ConsultServerMessage>;
  async next<T extends ConsultServerMessage['type']>(type: T): Promise<MessageOf<T>>;
  async next(type?: ConsultServerMessage['type']): Promise<ConsultServerMessage> {
    for (;;) {
      while (this.#cursor < this.received.length) {
        const message = this.received[this.#cursor++] as ConsultServerMessage;
        if (type === undefined || message.type === type) return message;
      }
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for ${type ?? 'a message'}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}
