/**
 * `news2 '<json>'`: scores one set of observations and prints one JSON object, exactly as
 * automation-interface.md specifies. Bad input is refused (exit 2), never scored as zero.
 */
import { CONSCIOUSNESS_LEVELS, parseNews2Input, scoreNews2 } from '../../../shared/clinical/news2';
import { EXIT_OK, UsageError, parseVerbArgs, type Verb } from '../verb';

/** One observation set is a few hundred bytes; anything far larger is not one. */
const MAX_INPUT_CHARS = 10_000;

export const news2Verb: Verb = {
  name: 'news2',
  summary: 'score one set of observations with NEWS2 (RCP 2017) and print the result as JSON',
  help: `Usage: npm run -s cli -- news2 '<json>' [--data-dir DIR]

Scores one set of observations with the National Early Warning Score 2 and prints one JSON object.

Input (every field required):
  {"respiratoryRate":20,"spo2":98,"spo2Scale":1,"onOxygen":false,"systolic":111,
   "pulse":78,"consciousness":"A","temperature":37.0}
  respiratoryRate /min, spo2 %, systolic mmHg and pulse /min are whole numbers; temperature in °C.
  spo2Scale is 1, or 2 for hypercapnic respiratory failure with a clinician-prescribed target of 88–92 %.
  consciousness is one of ${CONSCIOUSNESS_LEVELS.join(', ')} (ACVPU; C = new confusion).

Output:
  {"total":0,"risk":"low","scores":{"respiratoryRate":0,"spo2":0,"airOrOxygen":0,"systolic":0,
   "pulse":0,"consciousness":0,"temperature":0}}
  risk is low, low-medium (a single parameter scored 3), medium or high.

Exit status: 0 scored, 2 bad input (missing, out-of-range or malformed input; message on stderr), 1 failure.
`,
  async run(args, ctx) {
    const { positionals } = parseVerbArgs(args, {});
    if (positionals.length !== 1) throw new UsageError("expects exactly one JSON argument, e.g. news2 '{\"respiratoryRate\":20,...}'");
    const [text = ''] = positionals;
    if (text.length > MAX_INPUT_CHARS) throw new UsageError(`input is longer than ${MAX_INPUT_CHARS} characters; not one observation set`);
    let candidate: unknown;
    try {
      candidate = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`input is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = parseNews2Input(candidate);
    if (!parsed.ok) throw new UsageError(parsed.errors.join('; '));
    const { total, risk, scores } = scoreNews2(parsed.input);
    ctx.stdout(`${JSON.stringify({ total, risk, scores })}\n`);
    return EXIT_OK;
  },
};
