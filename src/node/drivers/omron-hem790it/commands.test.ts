import { describe, expect, it } from 'vitest';
import {
  decodeStoredReading,
  endCommand,
  parseReply,
  readingCommand,
  readingCountCommand,
  readingCountFrom,
  versionCommand,
  weeklyAverageCommand,
  xor,
} from './commands';

const bytes = (hex: string): Uint8Array => Uint8Array.from(hex.split(' '), (pair) => Number.parseInt(pair, 16));
const hex = (data: Uint8Array): string => Array.from(data, (b) => b.toString(16).padStart(2, '0')).join(' ');

// The GME answer of omron-hem790it-one-reading.cap, its three reports' counted bytes joined.
const SHARED_LOG_GME_REPLY = bytes('4f 4b 00 08 04 15 10 0a 2e 00 00 81 4e 4d 00 00 af');

describe('command encoding', () => {
  it('builds the identification query with its "0" argument and check', () => {
    expect(hex(versionCommand().bytes)).toBe('56 45 52 30 30');
  });

  it('builds GDC, GME, GMA/GEA and END as the vendor software sends them', () => {
    expect(hex(readingCountCommand(0).bytes)).toBe('47 44 43 00 00 00 00 00');
    expect(hex(readingCommand(0, 1).bytes)).toBe('47 4d 45 00 00 00 01 01');
    expect(hex(weeklyAverageCommand('evening', 0, 6).bytes)).toBe('47 45 41 00 00 06 00 00 06');
    expect(hex(endCommand().bytes)).toBe('45 4e 44 ff ff');
  });

  it('checks arguments with XOR', () => {
    expect(xor([0x00, 0x02, 0x00, 0x05])).toBe(0x07);
    expect(hex(readingCommand(2, 5).bytes)).toBe('47 4d 45 00 02 00 05 07');
  });
});

describe('parseReply', () => {
  it('accepts an answer whose XOR matches and strips the framing', () => {
    const reply = parseReply(SHARED_LOG_GME_REPLY, 14);
    expect(reply).toEqual({ kind: 'ok', data: bytes('08 04 15 10 0a 2e 00 00 81 4e 4d 00 00') });
  });

  it('rejects a corrupt check byte', () => {
    const corrupt = SHARED_LOG_GME_REPLY.slice();
    corrupt[16] = 0xae;
    expect(parseReply(corrupt, 14)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('XOR') });
  });

  it('rejects a corrupt data byte', () => {
    const corrupt = SHARED_LOG_GME_REPLY.slice();
    corrupt[11] = 0x91; // systolic 145 instead of 129
    expect(parseReply(corrupt, 14).kind).toBe('invalid');
  });

  it('waits for the rest of a truncated answer', () => {
    expect(parseReply(SHARED_LOG_GME_REPLY.subarray(0, 14), 14)).toEqual({ kind: 'incomplete' });
    expect(parseReply(bytes('4f'), 14)).toEqual({ kind: 'incomplete' });
    expect(parseReply(bytes('4e'), 14)).toEqual({ kind: 'incomplete' });
    expect(parseReply(new Uint8Array(0), 14)).toEqual({ kind: 'incomplete' });
  });

  it('rejects an answer longer than the command allows, saying by how much', () => {
    expect(parseReply(bytes('4f 4b 00 00 10 00 01 11 00'), 5)).toEqual({ kind: 'invalid', reason: 'reply is 9 bytes, expected 8' });
    expect(parseReply(bytes('4f 4b 4f'), 0)).toEqual({ kind: 'invalid', reason: '1 unexpected bytes after OK' });
  });

  it('recognises NO as "not ready"', () => {
    expect(parseReply(bytes('4e 4f'), 14)).toEqual({ kind: 'not-ready' });
  });

  it('rejects garbage that is neither OK nor NO', () => {
    expect(parseReply(bytes('4f 46 46 0d 0a'), 14).kind).toBe('invalid');
    expect(parseReply(bytes('60'), 14).kind).toBe('invalid');
  });

  it('requires the 00 after OK', () => {
    expect(parseReply(bytes('4f 4b 01 00 10 00 01 11'), 5).kind).toBe('invalid');
  });

  it('says in hex what was wrong, for the support log', () => {
    expect(parseReply(bytes('05'), 14)).toEqual({ kind: 'invalid', reason: 'reply starts with 0x05' });
    expect(parseReply(bytes('4f 06 46'), 14)).toEqual({ kind: 'invalid', reason: 'reply starts with 4f 06, neither OK nor NO' });
    expect(parseReply(bytes('4f 4b 0a 00 10 00 01 11'), 5)).toEqual({ kind: 'invalid', reason: 'byte after OK is 0x0a, expected 00' });
  });

  it('accepts the bare OK of END and of a clearing block', () => {
    expect(parseReply(bytes('4f 4b'), 0)).toEqual({ kind: 'ok', data: new Uint8Array(0) });
  });
});

describe('reply data', () => {
  it('reads the stored-reading count from GDC', () => {
    expect(readingCountFrom(bytes('00 11 00 02'))).toBe(2);
  });

  it('checks the VER answer of the shared log', () => {
    const ver = parseReply(bytes('4f 4b 00 4d 37 30 38 30 49 54 20 32 30 37 4a'), 12);
    expect(ver.kind === 'ok' && new TextDecoder().decode(ver.data)).toBe('M7080IT 207');
  });
});

describe('decodeStoredReading', () => {
  it('decodes the shared log reading with the unit clock as local time', () => {
    const reply = parseReply(SHARED_LOG_GME_REPLY, 14);
    if (reply.kind !== 'ok') throw new Error('fixture does not parse');
    expect(decodeStoredReading(reply.data)).toEqual({ ok: true, reading: { time: '2008-04-21T16:10:46', systolic: 129, diastolic: 78, pulseRate: 77 } });
  });

  it('decodes the protocol notes example (binary fields: second 0x33 is 51)', () => {
    const reply = parseReply(bytes('4f 4b 00 07 01 03 00 06 33 00 00 70 4b 47 00 00 4c'), 14);
    if (reply.kind !== 'ok') throw new Error('fixture does not parse');
    expect(decodeStoredReading(reply.data)).toEqual({ ok: true, reading: { time: '2007-01-03T00:06:51', systolic: 112, diastolic: 75, pulseRate: 71 } });
  });

  const reading = (fields: Partial<Record<'y' | 'mo' | 'd' | 'h' | 'mi' | 's' | 'sys' | 'dia' | 'pulse', number>>): Uint8Array => {
    const f = { y: 8, mo: 4, d: 21, h: 16, mi: 10, s: 46, sys: 129, dia: 78, pulse: 77, ...fields };
    return Uint8Array.of(f.y, f.mo, f.d, f.h, f.mi, f.s, 0, 0, f.sys, f.dia, f.pulse, 0, 0);
  };

  it.each([
    ['month 13', { mo: 13 }, 'impossible timestamp 2008-13-21 16:10:46'],
    ['month 0', { mo: 0 }, 'impossible timestamp 2008-0-21 16:10:46'],
    ['30 February', { mo: 2, d: 30 }, 'impossible timestamp 2008-2-30 16:10:46'],
    ['29 February of a common year', { y: 9, mo: 2, d: 29 }, 'impossible timestamp 2009-2-29 16:10:46'],
    ['hour 24', { h: 24 }, 'impossible timestamp 2008-4-21 24:10:46'],
    ['minute 60', { mi: 60 }, 'impossible timestamp 2008-4-21 16:60:46'],
    ['second 60', { s: 60 }, 'impossible timestamp 2008-4-21 16:10:60'],
    ['zero pulse', { pulse: 0 }, 'zero pressure or pulse'],
    ['zero systolic', { sys: 0 }, 'zero pressure or pulse'],
    ['zero systolic and diastolic', { sys: 0, dia: 0 }, 'zero pressure or pulse'],
    ['zero diastolic', { dia: 0 }, 'zero pressure or pulse'],
    ['diastolic equal to systolic', { dia: 129 }, 'diastolic 129 not below systolic 129'],
    ['diastolic above systolic', { sys: 70, dia: 90 }, 'diastolic 90 not below systolic 70'],
  ])('rejects an impossible reading, saying why: %s', (_name, fields, reason) => {
    expect(decodeStoredReading(reading(fields))).toEqual({ ok: false, reason });
  });

  it('rejects a reading of the wrong length', () => {
    expect(decodeStoredReading(new Uint8Array(12))).toEqual({ ok: false, reason: 'reading is 12 bytes, expected 13' });
  });

  it('accepts 29 February of a leap year', () => {
    expect(decodeStoredReading(reading({ mo: 2, d: 29 }))).toMatchObject({ ok: true, reading: { time: '2008-02-29T16:10:46' } });
  });

  it('accepts the last valid value of every date and time field, so no real reading is dropped', () => {
    expect(decodeStoredReading(reading({ y: 9, mo: 12, d: 31, h: 23, mi: 59, s: 59 }))).toMatchObject({ ok: true, reading: { time: '2009-12-31T23:59:59' } });
    expect(decodeStoredReading(reading({ mo: 1, d: 1, h: 0, mi: 0, s: 0 }))).toMatchObject({ ok: true, reading: { time: '2008-01-01T00:00:00' } });
    expect(decodeStoredReading(reading({ mo: 4, d: 30 })).ok).toBe(true);
    expect(decodeStoredReading(reading({ mo: 4, d: 31 })).ok).toBe(false);
    expect(decodeStoredReading(reading({ d: 0 })).ok).toBe(false);
  });

  it('refuses a zero diastolic on its own, and keeps a diastolic one below the systolic', () => {
    expect(decodeStoredReading(reading({ dia: 0 }))).toEqual({ ok: false, reason: 'zero pressure or pulse' });
    expect(decodeStoredReading(reading({ sys: 129, dia: 128 }))).toMatchObject({ ok: true, reading: { systolic: 129, diastolic: 128, pulseRate: 77 } });
  });

  it('rejects data of the wrong length', () => {
    expect(decodeStoredReading(reading({}).subarray(0, 12)).ok).toBe(false);
  });
});
