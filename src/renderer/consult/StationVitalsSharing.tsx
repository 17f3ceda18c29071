/**
 * The station's part of sharing vitals in a visit: runs the VitalsPublisher for the call, shows the
 * clinician's measurement requests in the banner area of every screen of the station (a portal into
 * the shell's RequestSlotContext, so they show on the monitor too, after the alarms), and the chat
 * in the visit's side panel.
 */
import { useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import { createPortal } from 'react-dom';
import type { StationApi } from '../../shared/contract';
import type { ConsultCall } from './call';
import { ChatPanel, type ChatPanelLine } from './ChatPanel';
import { RequestSlotContext } from './request-slot';
import { VitalsPublisher, type MeasurementRequestView, type PublisherView } from './vitals-publisher';
import './consult-vitals.css';

export function StationVitalsSharing({ api, call, visitId }: { api: StationApi; call: ConsultCall | null; visitId: string }) {
  const publisher = usePublisher(api, call, visitId);
  if (!publisher) return null;
  return <SharingView publisher={publisher} />;
}

function usePublisher(api: StationApi, call: ConsultCall | null, visitId: string): VitalsPublisher | null {
  const publisher = useMemo(() => (call ? new VitalsPublisher(api, call.dataChannel, visitId) : null), [api, call, visitId]);
  useEffect(() => {
    if (!publisher) return;
    void publisher.start();
    return () => publisher.stop();
  }, [publisher]);
  return publisher;
}

function SharingView({ publisher }: { publisher: VitalsPublisher }) {
  const view = useSyncExternalStore(publisher.subscribe, publisher.getView);
  const requestSlot = useContext(RequestSlotContext);
  const lines: ChatPanelLine[] = view.chat.map((line) => ({ id: line.id, author: line.from === 'station' ? 'me' : line.from === 'clinician' ? 'them' : 'notice', text: line.text, at: line.at }));
  const requests = view.requests.length > 0 ? <RequestBanner requests={view.requests} publisher={publisher} /> : null;
  return (
    <>
      {/* Without a shell's banner area (never in the app), the requests stay in the side panel rather than nowhere. */}
      {requests && (requestSlot ? createPortal(requests, requestSlot) : requests)}
      <ChatPanel lines={lines} otherName="Clinician" onSend={(text) => publisher.sendChat(text)} />
      <SharingStatus view={view} />
    </>
  );
}

function RequestBanner({ requests, publisher }: { requests: readonly MeasurementRequestView[]; publisher: VitalsPublisher }) {
  return (
    <div className="measurement-requests" role="alert" aria-live="assertive">
      {requests.map((request) => (
        <section key={request.requestId} className="measurement-request" data-role="measurement-request" data-device-id={request.deviceId} aria-labelledby={`request-${request.requestId}`}>
          <h2 id={`request-${request.requestId}`} className="measurement-request-title">
            The clinician asks for a measurement: {request.deviceName}
          </h2>
          <p className="measurement-request-instruction">{request.instruction}</p>
          <p className="measurement-request-instruction">When you are ready, press Start. A nurse may start it for you.</p>
          {request.error && <p className="measurement-request-error">It did not start: {request.error}</p>}
          <div className="measurement-request-actions">
            <button type="button" className="request-button request-start" data-action="confirm-measurement-request" disabled={request.state === 'starting'} onClick={() => void publisher.confirmRequest(request.requestId)}>
              {request.state === 'starting' ? 'Starting…' : request.state === 'failed' ? 'Try again' : 'Start'}
            </button>
            <button type="button" className="request-button" data-action="decline-measurement-request" onClick={() => publisher.declineRequest(request.requestId)}>
              Not now
            </button>
          </div>
        </section>
      ))}
    </div>
  );
}

/** Sharing figures as page hooks for support and tests: last seq sent, acked, waveform chunks dropped. */
function SharingStatus({ view }: { view: PublisherView }) {
  const { stats } = view;
  return (
    <p
      className="vitals-sharing"
      data-role="vitals-sharing"
      data-last-seq={stats.lastSeq}
      data-acked-seq={stats.ackedSeq}
      data-waveform-dropped={stats.waveformChunksDropped}
      data-clinician-present={stats.clinicianPresent ? 'true' : 'false'}
    >
      {stats.clinicianPresent ? 'The clinician sees the live readings.' : 'Live readings are shared once the clinician is connected.'}
    </p>
  );
}
