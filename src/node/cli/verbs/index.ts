/** Every verb of the command line, in the order `--help` lists them. Adding a verb is one line here. */
import type { Verb } from '../verb';
import { auditVerifyVerb } from './audit-verify';
import { devicesVerb } from './devices';
import { exportVerb } from './export';
import { hl7Verb } from './hl7';
import { news2Verb } from './news2';
import { recordVerb } from './record';
import { replayVerb } from './replay';
import { syncVerb } from './sync';
import { syncKeyVerb } from './sync-key';

export const verbs: readonly Verb[] = [replayVerb, recordVerb, devicesVerb, news2Verb, auditVerifyVerb, exportVerb, syncVerb, syncKeyVerb, hl7Verb];
