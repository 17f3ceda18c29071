/**
 * The HEM-790IT conversation primitives over a DeviceIo: data-mode selection with its clearing
 * handshake, and commands with their multi-report replies, `NO` retries and timeouts.
 */
import type { DeviceIo } from '../driver';
import { END_GOODBYE, endCommand, parseReply, type Command, type Reply } from './commands';
import { decodeInputReport, encodeOutputReports } from './reports';

/** A feature report selecting what the unit answers (device-protocols.md, "Data modes"). */
export type DataMode = Uint8Array;

/**
 * Mode values as the vendor software sends them. Only the second byte of the daily and weekly
 * modes is constant across the logged sessions; the first varies freely, so the unit evidently
 * ignores it. We send the values of the shared one-reading log.
 */
export const INFO_MODE: DataMode = Uint8Array.of(0x01, 0x01);
export const DAILY_MODE: DataMode = Uint8Array.of(0x31, 0x2c);
export const WEEKLY_MODE: DataMode = Uint8Array.of(0xa0, 0x12);

/** Whether two mode feature reports select the same mode: only their second byte counts. */
export function sameMode(a: DataMode, b: DataMode): boolean {
  return a.length === 2 && b.length === 2 && a[1] === b[1];
}

export interface LinkPolicy {
  /** How long to wait for each report of an answer; the unit answers within ~200 ms in the logs. */
  replyTimeoutMs: number;
  /** Pause before repeating a command the unit answered `NO` (~100 ms in the logs). */
  notReadyBackoffMs: number;
  /**
   * Clearing blocks the unit may ignore completely (no report at all) before the first command is
   * sent without its OK. The vendor software is not consistent here: in the 2008 logs it gave up
   * after two such blocks, in the 2007 logs after one. Two is the default: one more clearing block
   * is harmless, a command to a unit that is not ready is not.
   */
  silentClearingBlocks: number;
}

export const DEFAULT_POLICY: LinkPolicy = { replyTimeoutMs: 1000, notReadyBackoffMs: 100, silentClearingBlocks: 2 };

/** Clearing blocks (30 zero bytes) sent at most per mode change. */
const MAX_CLEARING_BLOCKS = 5;
/** Sends of one command before the download is given up. */
const MAX_COMMAND_ATTEMPTS = 5;
/**
 * Reports read while waiting for one answer. The longest answer spans three; the bound keeps a
 * unit that chatters endlessly (empty reports, garbage) from holding the driver forever.
 */
const MAX_REPORTS_PER_ANSWER = 16;

const CLEARING_BLOCK = encodeOutputReports(new Uint8Array(30));

export class OmronProtocolError extends Error {
  override name = 'OmronProtocolError';
}

/** Thrown when the hub closes the device mid-conversation. */
export class LinkAbortedError extends Error {
  override name = 'LinkAbortedError';
}

type ClearingOutcome = 'ok' | 'not-ready' | 'unanswered' | 'silent';

export class OmronLink {
  constructor(
    private readonly io: DeviceIo,
    private readonly signal: AbortSignal,
    private readonly policy: LinkPolicy = DEFAULT_POLICY,
  ) {}

  /** Selects a data mode and runs the clearing handshake the unit needs after every mode change. */
  async selectMode(mode: DataMode): Promise<void> {
    this.throwIfAborted();
    await this.io.sendFeatureReport(mode);
    let silentBlocks = 0;
    for (let block = 0; block < MAX_CLEARING_BLOCKS; block += 1) {
      await this.writeReports(CLEARING_BLOCK);
      const outcome = await this.awaitClearingOk();
      if (outcome === 'ok') return;
      if (outcome === 'silent') silentBlocks += 1;
      if (silentBlocks >= this.policy.silentClearingBlocks) return;
    }
    // Like the vendor software, go on without the OK: the first command's retries decide.
  }

  /** Sends a command until the unit answers it correctly; returns the reply data without its XOR. */
  async request(command: Command): Promise<Uint8Array> {
    const problems: string[] = [];
    for (let attempt = 1; attempt <= MAX_COMMAND_ATTEMPTS; attempt += 1) {
      await this.writeReports(encodeOutputReports(command.bytes));
      const reply = await this.readReply(command.replyDataLength);
      if (reply.kind === 'ok') return reply.data;
      if (reply.kind === 'not-ready') {
        problems.push('NO');
        await this.io.sleep(this.policy.notReadyBackoffMs);
        continue;
      }
      problems.push(reply.kind === 'invalid' ? reply.reason : 'no complete answer in time');
      // Whatever remains of a garbled answer must not be read as the answer to the repeat.
      await this.discardPendingInput();
    }
    throw new OmronProtocolError(`${command.mnemonic}: no valid answer after ${MAX_COMMAND_ATTEMPTS} attempts (${problems.join('; ')})`);
  }

  /**
   * Ends the session: the unit answers `OK`, says `OFF\r\n` and switches off. The goodbye is read
   * only so it cannot be taken for the answer to whatever comes next; END is done with the OK.
   */
  async end(): Promise<void> {
    await this.request(endCommand());
    await this.readMessage(END_GOODBYE.length);
  }

  private async writeReports(reports: readonly Uint8Array[]): Promise<void> {
    for (const report of reports) {
      this.throwIfAborted();
      await this.io.write(report);
    }
  }

  private async awaitClearingOk(): Promise<ClearingOutcome> {
    for (let reports = 0; reports < MAX_REPORTS_PER_ANSWER; reports += 1) {
      const report = await this.readReport();
      if (report === null) return reports === 0 ? 'silent' : 'unanswered';
      const decoded = decodeInputReport(report);
      if (decoded.kind === 'not-ready') return 'not-ready';
      if (decoded.kind === 'data' && parseReply(decoded.bytes, 0).kind === 'ok') return 'ok';
      // An empty report, or leftovers of an earlier answer: the OK may still come.
    }
    return 'unanswered';
  }

  /** Collects the counted bytes of an answer until it can be judged or the unit falls silent. */
  private async readReply(dataLength: number): Promise<Reply> {
    let received: Uint8Array = new Uint8Array(0);
    for (let reports = 0; reports < MAX_REPORTS_PER_ANSWER; reports += 1) {
      const report = await this.readReport();
      if (report === null) return { kind: 'incomplete' };
      const decoded = decodeInputReport(report);
      if (decoded.kind === 'not-ready') return { kind: 'invalid', reason: 'the unit sent a report with an impossible byte count' };
      if (decoded.kind === 'empty') continue;
      received = concat(received, decoded.bytes);
      const reply = parseReply(received, dataLength);
      if (reply.kind !== 'incomplete') return reply;
    }
    return { kind: 'invalid', reason: `no answer within ${MAX_REPORTS_PER_ANSWER} reports` };
  }

  /** Reads `length` counted bytes that carry no OK framing (the END goodbye). */
  private async readMessage(length: number): Promise<Uint8Array> {
    let received: Uint8Array = new Uint8Array(0);
    for (let reports = 0; reports < MAX_REPORTS_PER_ANSWER && received.length < length; reports += 1) {
      const report = await this.readReport();
      if (report === null) break;
      const decoded = decodeInputReport(report);
      if (decoded.kind === 'data') received = concat(received, decoded.bytes);
    }
    return received;
  }

  private async discardPendingInput(): Promise<void> {
    for (let reports = 0; reports < MAX_REPORTS_PER_ANSWER; reports += 1) {
      // Dropped unread: it belongs to the answer that failed.
      if ((await this.readReport()) === null) return;
    }
  }

  private async readReport(): Promise<Uint8Array | null> {
    this.throwIfAborted();
    return this.io.read(this.policy.replyTimeoutMs);
  }

  private throwIfAborted(): void {
    if (this.signal.aborted) throw new LinkAbortedError('device closed by the station');
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
