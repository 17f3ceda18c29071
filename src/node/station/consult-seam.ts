/**
 * Where the consultation server (src/node/consult) plugs into the start commands: without
 * --consult-server, a shell that is given a starter runs the server embedded and announces its URL.
 */
export interface ConsultServerHandle {
  /** The address clinicians and the station's screen use. */
  readonly url: string;
  /** Lets the station's own screen (its page origin, known once it is served) open the signalling socket. */
  allowOrigin(origin: string): void;
  close(): Promise<void>;
}

export type StartEmbeddedConsultServer = (options: { dataDir: string }) => Promise<ConsultServerHandle>;
