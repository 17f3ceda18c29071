/**
 * Where the consultation server (src/node/consult) plugs into the start commands: without
 * --consult-server, a shell that is given a starter runs the server embedded and announces its URL.
 */
import type { IceSettings } from '../consult/turn-credentials';
import type { CreatedVisit, CreateVisitRequest } from '../../shared/consult/protocol';

/** The clinician page inside the renderer build, which the consultation server serves and visit links open. */
export const CLINICIAN_PAGE_PATH = '/clinician.html';

export interface ConsultServerHandle {
  /** The address clinicians and the station's screen use. */
  readonly url: string;
  /** Lets the station's own screen (its page origin, known once it is served) open the signalling socket. */
  allowOrigin(origin: string): void;
  createVisit(request?: CreateVisitRequest): Promise<CreatedVisit>;
  endVisit(visitId: string): Promise<boolean>;
  clinicianConnected(visitId: string): Promise<boolean>;
  close(): Promise<void>;
}

export type StartEmbeddedConsultServer = (options: { dataDir: string; ice: IceSettings }) => Promise<ConsultServerHandle>;
