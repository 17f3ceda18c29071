/**
 * Untrusted values in log lines (scenario, device and user names, paths, what a client sent, errors
 * a client's input caused) are written JSON-encoded: a newline or other control character becomes an
 * escape, so no value can end the line and start one that passes for the station's own
 * ("[station] ..."), and the quotes show where the value ends. Long values are cut.
 */
const MAX_LOGGED_CHARS = 500;

/** Line and paragraph separators JSON.stringify leaves as they are, but some log viewers break lines at. */
const LINE_BREAKS_JSON_KEEPS = /[\u0085\u2028\u2029]/g;

/** `value` as a quoted, escaped, bounded string for a log line. */
export function logText(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : String(value);
  } catch {
    text = `(a ${typeof value} that cannot be shown)`;
  }
  const bounded = text.length > MAX_LOGGED_CHARS ? `${text.slice(0, MAX_LOGGED_CHARS)}…` : text;
  return JSON.stringify(bounded).replace(LINE_BREAKS_JSON_KEEPS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An error's message (or the thrown value) for a log line, escaped as logText does. */
export function logError(error: unknown): string {
  return logText(error instanceof Error ? error.message : error);
}
