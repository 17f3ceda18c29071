/**
 * recordMeasurementRequest: the screen hosting a video visit reports each measurement the remote
 * clinician asked for, and what became of it there, and the core keeps it with the current
 * encounter's visit (../records/measurement-requests.ts) for the visit summary. A request is
 * relayed for the clinician, so it is accepted only as HostedVisits allows (this screen's visit,
 * clinician admitted and connected now) and kept as asked by that visit's clinician
 * (remoteClinicianActor); its outcome is the act of the person at the screen, accepted from the
 * screen that hosts the visit even if the clinician has left meanwhile. The device's name is the
 * station's own, not the screen's word.
 */
import type { MeasurementRequests } from '../records/measurement-requests';
import { remoteClinicianActor } from './clinical/clinical-station';
import type { StationHandlers } from './contract-session';
import type { HostedVisits } from './hosted-visits';
import type { Encounter } from './persistence/encounter';

export type MeasurementRequestHandlers = Pick<StationHandlers, 'recordMeasurementRequest'>;

export interface MeasurementRequestHandlerOptions {
  requests: MeasurementRequests;
  /** The current encounter: its visit is the one the requests belong to. */
  encounter: () => Encounter;
  hosted: HostedVisits;
  /** The connected device's name; null when no device has that id. */
  deviceName: (deviceId: string) => string | null;
}

export function createMeasurementRequestHandlers({ requests, encounter, hosted, deviceName }: MeasurementRequestHandlerOptions): MeasurementRequestHandlers {
  return {
    async recordMeasurementRequest({ visitId, requestId, deviceId, event, reason }, { actor, screen }) {
      if (event === 'requested') {
        await hosted.relayFor(visitId, screen, actor, 'measurement.request');
        requests.requested(encounter().visitId, requestId, { id: deviceId, name: deviceName(deviceId) }, remoteClinicianActor(visitId));
        return undefined;
      }
      hosted.hostedBy(visitId, screen, actor, 'measurement.request');
      requests.settled(encounter().visitId, requestId, event, actor, reason ?? null);
      return undefined;
    },
  };
}
