/**
 * HL7 v2 text: the escape sequences of free text (HL7 v2.6 section 2.7.4) and the DTM time format.
 * @medplum/core's Hl7Field joins and splits on the delimiters as they stand and escapes nothing, so
 * a name like "O|Brien" or "Smith^Jones" would otherwise cut its field or component in two.
 */
import { Hl7Context } from '@medplum/core';

const DEFAULT_CONTEXT = new Hl7Context();

/**
 * `text` with each delimiter of `context` replaced by its escape sequence (\F\ field, \S\
 * component, \T\ subcomponent, \R\ repetition, \E\ the escape character itself). Line breaks
 * become spaces: a CR would end the segment, and names and device keys have no use for one.
 */
export function escapeHl7(text: string, context: Hl7Context = DEFAULT_CONTEXT): string {
  const sequences = new Map([
    [context.escapeCharacter, 'E'],
    [context.fieldSeparator, 'F'],
    [context.componentSeparator, 'S'],
    [context.subcomponentSeparator, 'T'],
    [context.repetitionSeparator, 'R'],
  ]);
  let escaped = '';
  for (const char of text.replace(/[\r\n]+/g, ' ')) {
    const name = sequences.get(char);
    escaped += name === undefined ? char : `${context.escapeCharacter}${name}${context.escapeCharacter}`;
  }
  return escaped;
}

/** The inverse of escapeHl7 for the five delimiter sequences (a receiver's view, used by the checker and tests). */
export function unescapeHl7(text: string, context: Hl7Context = DEFAULT_CONTEXT): string {
  const e = context.escapeCharacter;
  const delimiters: Record<string, string> = {
    E: e,
    F: context.fieldSeparator,
    S: context.componentSeparator,
    T: context.subcomponentSeparator,
    R: context.repetitionSeparator,
  };
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const name = text[i + 1];
    if (text[i] === e && name !== undefined && name in delimiters && text[i + 2] === e) {
      out += delimiters[name];
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

/** HL7 DTM to the millisecond in UTC, `YYYYMMDDHHMMSS.SSS+0000` (PCD-01 wants the zone stated). */
export function hl7DateTime(at: number | string): string {
  const iso = new Date(at).toISOString(); // 2026-12-07T21:30:43.123Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 23)}+0000`;
}

/** HL7 DT (a date without time) from FHIR's YYYY-MM-DD. */
export function hl7Date(isoDate: string): string {
  return isoDate.replaceAll('-', '');
}
