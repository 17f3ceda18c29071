/**
 * JSON from outside the process, bounded before anything recursive touches it. JSON.parse itself
 * is iterative in V8, but what runs after it is not: zod's recursive schemas (z.json), JSON.stringify,
 * structuredClone and most tree walks recurse once per level, and 6,000 nested brackets in a 12 KB
 * message overflow the stack with a RangeError that escapes safeParse. Every socket and parser takes
 * untrusted text through parseBoundedJson (size, then an iterative depth scan of the text, then
 * JSON.parse) and untrusted structured values (Electron IPC arguments) through structuredValueProblem.
 */

export interface JsonBounds {
  /** Longest text accepted, in UTF-16 code units (what `string.length` counts). */
  maxChars: number;
  /** Deepest nesting of arrays and objects; the top-level value is depth 1. */
  maxDepth: number;
}

/** Deeper than any message of the station's protocols (the deepest, a signal's ICE candidate, is 4). */
export const MAX_JSON_DEPTH = 32;

export type BoundedJsonResult = { ok: true; value: unknown } | { ok: false; error: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Whether `text` opens more than `limit` arrays or objects inside one another (brackets in strings do not count). */
function textNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/** The parsed value, or why the text was refused; never throws. */
export function parseBoundedJson(text: string, bounds: JsonBounds): BoundedJsonResult {
  if (text.length > bounds.maxChars) return { ok: false, error: `message of ${text.length} characters exceeds ${bounds.maxChars}` };
  if (textNestsDeeperThan(text, bounds.maxDepth)) return { ok: false, error: `message nested deeper than ${bounds.maxDepth} levels` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: 'message is not JSON' };
  }
}

export interface ValueBounds {
  maxDepth: number;
  /** Most arrays, objects and leaves visited in all; bounds the walk of a very wide value. */
  maxNodes: number;
}

/**
 * Why an already-structured value (an IPC argument, structured-cloned and possibly cyclic) is out
 * of bounds, or null when it is within them. Iterative, so the check itself cannot overflow; a cycle
 * counts as unbounded depth.
 */
export function structuredValueProblem(value: unknown, bounds: ValueBounds): string | null {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  let seen = 1;
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > bounds.maxDepth) return `value nested deeper than ${bounds.maxDepth} levels`;
    const children: unknown[] = Array.isArray(next.value) ? next.value : Object.values(next.value);
    seen += children.length;
    if (seen > bounds.maxNodes) return `value has more than ${bounds.maxNodes} elements`;
    for (const child of children) pending.push({ value: child, depth: next.depth + 1 });
  }
  return null;
}
