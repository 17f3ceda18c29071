/**
 * Tests only: a Contour meter as a DeviceIo on a virtual clock, behaving as glucometerutils
 * describes the USB meters: the host's EOT makes it send EOT + header frame + ENQ as one message;
 * each ACK brings the next frame, each NAK the same frame again; after the terminator is
 * acknowledged it sends EOT. It can be told to damage sends, stop early or fall silent.
 */
import { DeviceClosedError, type DeviceIo } from '../driver';
import { ACK, ENQ, EOT, NAK, frameChecksum } from './astm-frames';
import { MAX_PAYLOAD, REPORT_SIZE } from './hid-reports';

export interface FakeMeterBehaviour {
  /** Record texts in transfer order, header first and terminator last. */
  records: string[];
  /** Frame number of the first record (1 per the spec). */
  firstFrameNumber?: number;
  /** Rewrites the n-th message the meter sends (0-based over the session), e.g. to damage it. */
  tamper?(message: Uint8Array, ordinal: number): Uint8Array;
  /** Sends EOT instead of the record with this index. */
  abortAtRecord?: number;
  /** Never answers. */
  silent?: boolean;
  /** Transfers the meter serves before it is unplugged (1 unless told); each starts at the host's EOT. */
  sessions?: number;
}

export class FakeContourMeter implements DeviceIo {
  readonly transport = 'hid';
  /** What the host wrote, as the control character of each report. */
  readonly hostSignals: number[] = [];
  private clock = 0;
  private pending: Uint8Array[] = [];
  private next = 0;
  private sent = 0;
  private finished = false;
  private sessionsLeft: number;

  constructor(private readonly behaviour: FakeMeterBehaviour) {
    this.sessionsLeft = behaviour.sessions ?? 1;
  }

  now(): number {
    return this.clock;
  }

  async sleep(ms: number): Promise<void> {
    this.clock += ms;
  }

  async sendFeatureReport(): Promise<void> {}

  async write(report: Uint8Array): Promise<void> {
    const signal = report[4] ?? -1;
    this.hostSignals.push(signal);
    if (this.behaviour.silent || this.finished) return;
    if (signal === EOT && this.next === 0) this.send(Uint8Array.from([EOT, ...this.frame(0), ENQ]), 1);
    else if (signal === ACK) this.sendRecord(this.next);
    else if (signal === NAK) this.sendRecord(this.next - 1, true);
  }

  async read(timeoutMs: number): Promise<Uint8Array | null> {
    const report = this.pending.shift();
    if (report !== undefined) return report;
    if (this.finished) throw new DeviceClosedError('fake meter unplugged');
    this.clock += timeoutMs;
    return null;
  }

  private sendRecord(index: number, again = false): void {
    if (index >= this.behaviour.records.length) {
      this.send(Uint8Array.of(EOT), 0);
      this.sessionsLeft -= 1;
      // Another transfer starts again from the header at the host's next EOT.
      if (this.sessionsLeft > 0) this.next = 0;
      else this.finished = true;
      return;
    }
    if (index === this.behaviour.abortAtRecord) {
      this.send(Uint8Array.of(EOT), 0);
      this.finished = true;
      return;
    }
    this.send(this.frame(index), again ? 0 : 1);
  }

  private frame(index: number): Uint8Array {
    const text = this.behaviour.records[index] ?? '';
    const number = ((this.behaviour.firstFrameNumber ?? 1) + index) % 8;
    const final = index === this.behaviour.records.length - 1;
    const body = Uint8Array.from([0x30 + number, ...Array.from(text, (c) => c.charCodeAt(0)), 0x0d, final ? 0x03 : 0x17]);
    return Uint8Array.from([0x02, ...body, ...Array.from(frameChecksum(body), (c) => c.charCodeAt(0)), 0x0d, 0x0a]);
  }

  private send(message: Uint8Array, advance: number): void {
    const tampered = this.behaviour.tamper?.(message, this.sent) ?? message;
    this.sent += 1;
    this.next += advance;
    // Reports of 60 bytes until the last, which is shorter; an exact multiple ends with an empty one.
    for (let offset = 0; ; offset += MAX_PAYLOAD) {
      const chunk = tampered.subarray(offset, offset + MAX_PAYLOAD);
      const report = new Uint8Array(REPORT_SIZE);
      report.set([0x41, 0x42, 0x43, chunk.length]);
      report.set(chunk, 4);
      this.pending.push(report);
      if (chunk.length < MAX_PAYLOAD) break;
    }
  }
}
