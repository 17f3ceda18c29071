/**
 * The station's command line (automation-interface.md) without the process around it: common
 * options, help and exit codes are handled here once; each verb lives in ./verbs.
 */
import { defaultDataDir } from '../data-dir';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, UsageError, type Verb, type VerbContext } from './verb';
import { verbs } from './verbs';

export type CliStreams = Pick<VerbContext, 'stdout' | 'stderr' | 'signal'>;

export async function runCli(argv: readonly string[], streams: CliStreams, available: readonly Verb[] = verbs): Promise<number> {
  const [verbName, ...rest] = argv;
  if (verbName === undefined || verbName === '--help' || verbName === '-h' || verbName === 'help') {
    (verbName === undefined ? streams.stderr : streams.stdout)(overview(available));
    return verbName === undefined ? EXIT_BAD_INPUT : EXIT_OK;
  }
  const verb = available.find((v) => v.name === verbName);
  if (!verb) {
    streams.stderr(`Unknown verb "${verbName}".\n\n${overview(available)}`);
    return EXIT_BAD_INPUT;
  }
  try {
    const common = extractCommonOptions(rest);
    if (common.help) {
      streams.stdout(verb.help.endsWith('\n') ? verb.help : `${verb.help}\n`);
      return EXIT_OK;
    }
    return await verb.run(common.args, { ...streams, dataDir: common.dataDir ?? defaultDataDir() });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      streams.stderr(`${verb.name}: ${message}\nSee: npm run -s cli -- ${verb.name} --help\n`);
      return EXIT_BAD_INPUT;
    }
    streams.stderr(`${verb.name}: ${message}\n`);
    return EXIT_FAILURE;
  }
}

function overview(available: readonly Verb[]): string {
  const width = Math.max(...available.map((v) => v.name.length));
  const lines = available.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`);
  return ['Usage: npm run -s cli -- <verb> [options] [--data-dir DIR]', '', 'Verbs:', ...lines, '', 'Every verb takes --help.', ''].join('\n');
}

/** Pulls out --help/-h and --data-dir (both spellings), leaving the verb's own arguments. */
function extractCommonOptions(args: readonly string[]): { help: boolean; dataDir?: string; args: string[] } {
  const remaining: string[] = [];
  let help = false;
  let dataDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      remaining.push(...args.slice(i));
      break;
    }
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--data-dir' || arg.startsWith('--data-dir=')) {
      const value = arg === '--data-dir' ? args[++i] : arg.slice('--data-dir='.length);
      if (!value || value.startsWith('--')) throw new UsageError('--data-dir needs a folder');
      dataDir = value;
    } else remaining.push(arg);
  }
  return { help, dataDir, args: remaining };
}
