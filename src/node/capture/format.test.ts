import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureFormatError, parseCapture, serialiseCapture } from './format';

const capturesDir = join(import.meta.dirname, '../../../resources/captures');
/** The supported devices' captures and those kept for a driver still to write (no-driver/). */
const captureFiles = ['', 'no-driver/'].flatMap((folder) =>
  readdirSync(join(capturesDir, folder))
    .filter((name) => name.endsWith('.cap'))
    .map((name) => `${folder}${name}`),
);

function parseError(text: string): CaptureFormatError {
  try {
    parseCapture(text);
  } catch (error) {
    if (error instanceof CaptureFormatError) return error;
    throw error;
  }
  throw new Error('expected a CaptureFormatError');
}

describe('parseCapture on the shared captures', () => {
  it('finds captures to check', () => {
    expect(captureFiles.length).toBeGreaterThanOrEqual(9);
  });

  it.each(captureFiles)('parses %s and survives a serialise/parse round trip', (name) => {
    const text = readFileSync(join(capturesDir, name), 'utf8');
    const capture = parseCapture(text);
    expect(capture.header.device).toMatch(/^[a-z0-9-]+$/);
    expect(capture.records.length).toBeGreaterThan(0);
    const dataLines = text.split('\n').filter((line) => /^(\+\d+ )?(in|out|feature-out|feature-in|notify|indicate|read|write) /.test(line));
    expect(capture.records).toHaveLength(dataLines.length);

    const again = parseCapture(serialiseCapture(capture));
    expect(again.header).toEqual(capture.header);
    expect(again.trailingComments).toEqual(capture.trailingComments);
    expect(again.records.map(({ line: _line, ...rest }) => rest)).toEqual(capture.records.map(({ line: _line, ...rest }) => rest));
  });

  it('reads the header fields of the Omron capture and keeps unknown ones', () => {
    const capture = parseCapture(readFileSync(join(capturesDir, 'omron-hem790it-one-reading.cap'), 'utf8'));
    expect(capture.header).toMatchObject({ device: 'omron-hem-790it', transport: 'hid', vid: 0x0590, pid: 0x0028 });
    expect(capture.header.extra.map(([key]) => key)).toEqual(['note', 'expect']);
    const [first, second] = capture.records;
    expect(first).toMatchObject({ direction: 'feature-out', delayMs: 0, bytes: Uint8Array.of(1, 1) });
    expect(first?.comments?.[0]).toContain('selects the data mode');
    expect(second).toMatchObject({ direction: 'out', delayMs: 0 });
    expect(capture.records[2]).toMatchObject({ direction: 'out', delayMs: 16 });
  });

  it('reads the serial line settings of a CMS50 capture', () => {
    const capture = parseCapture(readFileSync(join(capturesDir, 'cms50dplus-markmll-frame.cap'), 'utf8'));
    expect(capture.header).toMatchObject({ device: 'contec-cms50', transport: 'serial', serial: '115200 8N1' });
  });
});

describe('parseCapture rules', () => {
  const magic = '# vitalbridge-capture 1\n';

  it('accepts upper-case hex, CRLF line ends, extra spacing after the direction, feature-in and fractional delays', () => {
    const capture = parseCapture(`${magic}# device: x\r\nin  0A ff\r\n+2.5 feature-in 01\r\n\r\n# tail\n`);
    expect(capture.records).toEqual([
      { delayMs: 0, direction: 'in', bytes: Uint8Array.of(0x0a, 0xff), line: 3 },
      { delayMs: 2.5, direction: 'feature-in', bytes: Uint8Array.of(1), line: 4 },
    ]);
    expect(capture.trailingComments).toEqual([' tail']);
  });

  it('treats key: value comments after the first data line as plain comments', () => {
    const capture = parseCapture(`${magic}in 01\n# device: other\nin 02\n`);
    expect(capture.header.device).toBeUndefined();
    expect(capture.records[1]?.comments).toEqual([' device: other']);
  });

  it.each([
    ['a missing magic line', '# device: x\nin 01\n', 1, /vitalbridge-capture 1/],
    ['another format version', '# vitalbridge-capture 2\nin 01\n', 1, /vitalbridge-capture 1/],
    ['an unknown direction', `${magic}\nsideways 01\n`, 3, /unknown direction "sideways"/],
    ['a bad delay', `${magic}+x in 01\n`, 2, /delay "\+x"/],
    ['a negative delay', `${magic}+-5 in 01\n`, 2, /delay/],
    ['a delay without a record', `${magic}in 01\n+16\n`, 3, /unknown direction "\+16"|delay/],
    ['a record without bytes', `${magic}in 01\nout\n`, 3, /no bytes/],
    ['odd hex digits', `${magic}in 0\n`, 2, /two hex digits/],
    ['non-hex bytes', `${magic}in 01 zz\n`, 2, /two hex digits/],
    ['bytes run together', `${magic}in 0102\n`, 2, /two hex digits/],
    ['double spaces between bytes', `${magic}in 01  02\n`, 2, /single spaces/],
    ['a bad transport', `${magic}# transport: usb\n`, 2, /transport/],
    ['a decimal vid', `${magic}# vid: 1424\n`, 2, /vid must be hex/],
    ['a repeated device field', `${magic}# device: a\n# device: b\n`, 3, /given twice/],
    ['a delay longer than a day', `${magic}+86400001 in 01\n`, 2, /delay \+86400001 ms is longer than the 24 hours a record may wait/],
    ['a 23-digit delay', `${magic}in 01\n+99999999999999999999999 in 01\n`, 3, /is longer than the 24 hours/],
    ['delays adding up to more than a week', `${magic}${'+86400000 in 01\n'.repeat(8)}`, 9, /the delays add up to more than 7 days/],
  ])('rejects %s, naming the line', (_label, text, line, message) => {
    const error = parseError(text);
    expect(error.line).toBe(line);
    expect(error.message).toMatch(new RegExp(`^capture line ${line}: `));
    expect(error.message).toMatch(message);
  });

  it('serialises delays, comments and header fields in the documented form', () => {
    const text = serialiseCapture({
      header: { device: 'hid-pos-scale', transport: 'hid', vid: 0x922, pid: 0x8003, extra: [['note', 'multi\nline']] },
      records: [
        { delayMs: 0, direction: 'out', bytes: Uint8Array.of(2, 2), comments: [' tare'] },
        { delayMs: 16, direction: 'in', bytes: Uint8Array.of(3, 4, 0x0b, 0xff, 0x64, 1) },
      ],
    });
    expect(text).toBe(
      [
        '# vitalbridge-capture 1',
        '# device: hid-pos-scale',
        '# transport: hid',
        '# vid: 0x0922',
        '# pid: 0x8003',
        '# note: multi line',
        '',
        '# tare',
        'out 02 02',
        '+16 in 03 04 0b ff 64 01',
        '',
      ].join('\n'),
    );
  });
});
