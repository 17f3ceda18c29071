/**
 * The command-line verb interface (automation-interface.md "Command line").
 *
 * To add a verb: create src/node/cli/verbs/<name>.ts exporting a `Verb`, and add it to the list
 * in src/node/cli/verbs/index.ts (one line). main.ts already handles, for every verb:
 * - `--help` / `-h` anywhere in the arguments: prints `help` and exits 0 without calling run;
 * - `--data-dir DIR` / `--data-dir=DIR`: removed from the arguments and passed as ctx.dataDir
 *   (default: the platform's per-user data folder);
 * - exit codes: run's return value; a thrown UsageError prints its message on stderr and exits 2
 *   (bad input); any other thrown error prints its message and exits 1 (failure).
 * Parse the remaining arguments with parseVerbArgs so unknown options become UsageErrors, and
 * write through ctx.stdout / ctx.stderr (never console.log) so tests can run verbs in-process.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

export interface VerbContext {
  /** --data-dir, else the platform's per-user data folder (see ./data-dir). */
  dataDir: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Aborted on SIGINT/SIGTERM; long-running verbs stop cleanly when it fires. */
  signal: AbortSignal;
}

export interface Verb {
  name: string;
  /** One line for the verb list. */
  summary: string;
  /** Full usage text for `<verb> --help`. */
  help: string;
  /** Resolves to the exit code. */
  run(args: readonly string[], ctx: VerbContext): Promise<number>;
}

/** Bad input from the user: exit 2 with the message on stderr. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type VerbOptions = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, its complaints turned into UsageErrors. */
export function parseVerbArgs<O extends VerbOptions>(args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
