/** Every verb of the command line, in the order `--help` lists them. Adding a verb is one line here. */
import type { Verb } from '../verb';
import { news2Verb } from './news2';
import { replayVerb } from './replay';

export const verbs: readonly Verb[] = [replayVerb, news2Verb];
