/** Every verb of the command line, in the order `--help` lists them. Adding a verb is one line here. */
import type { Verb } from '../verb';
import { replayVerb } from './replay';

export const verbs: readonly Verb[] = [replayVerb];
