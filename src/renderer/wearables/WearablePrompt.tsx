/**
 * "A Garmin watch was connected — import its data?": shown on every screen of a signed-in user who
 * may record readings, while a watch waits for an answer. Nothing of the watch is read before
 * "Import" (the station core reads only its GarminDevice.xml to name it). Hooks:
 * data-role="wearable-prompt", data-action="wearable-import" / "wearable-decline",
 * data-role="wearable-result" and "wearable-problem", data-action="wearable-dismiss" to close them.
 */
import { useEffect, useState } from 'react';
import type { StationApi } from '../../shared/contract';
import type { WearableState } from '../../shared/contract-wearables';
import { useStationAction } from '../access/use-station-action';
import { importResultText } from './wearable-words';
import './wearables.css';

export function useWearableState(api: StationApi, active: boolean): WearableState | null {
  const [state, setState] = useState<WearableState | null>(null);
  useEffect(() => {
    if (!active) return;
    let current = true;
    const stop = api.on('wearable', (next) => setState(next));
    api.invoke('getWearableState', undefined).then(
      (next) => current && setState(next),
      () => undefined, // locked or signed out meanwhile: the access event takes the screen away
    );
    return () => {
      current = false;
      stop();
    };
  }, [api, active]);
  return state;
}

export function WearablePrompt({ api, active }: { api: StationApi; active: boolean }) {
  const state = useWearableState(api, active);
  const { busy, problem, setProblem, run } = useStationAction();
  // The result or problem the person closed: shown again only when the station reports another.
  const [dismissed, setDismissed] = useState<WearableState | null>(null);
  if (!active || state === null) return null;
  const { watch, lastImport } = state;
  if (watch === null && problem === null && (state === dismissed || (lastImport === null && state.problem === null))) return null;
  return (
    <section className="wearable-prompt" aria-label="Watch" data-role="wearable-prompt" data-state={watch ? 'asking' : 'done'}>
      {watch ? (
        <>
          <p className="wearable-question">
            A Garmin watch{watch.model ? ` (${watch.model})` : ''} was connected — import its data?
            <span className="wearable-note"> Its heart rate, steps, sleep, HRV and SpO₂ since the last import go into this patient’s record. They are not used for alarms.</span>
          </p>
          <div className="wearable-actions">
            <button type="button" data-action="wearable-import" disabled={busy} onClick={() => void run(() => api.invoke('importWearable', { serialNumber: watch.serialNumber }), (reason) => `The watch could not be imported: ${reason}.`)}>
              Import
            </button>
            <button type="button" data-action="wearable-decline" disabled={busy} onClick={() => void run(() => api.invoke('declineWearable', { serialNumber: watch.serialNumber }), (reason) => `The answer was not taken: ${reason}.`)}>
              Not now
            </button>
          </div>
        </>
      ) : null}
      {busy ? <p className="wearable-note">Reading the watch…</p> : null}
      {!watch && lastImport ? (
        <p data-role="wearable-result" role="status">
          {importResultText(lastImport)}
        </p>
      ) : null}
      {(problem ?? state.problem) ? (
        <p data-role="wearable-problem" role="alert">
          {problem ?? state.problem}
        </p>
      ) : null}
      {!watch ? (
        <div className="wearable-actions">
          <button
            type="button"
            data-action="wearable-dismiss"
            onClick={() => {
              setProblem(null);
              setDismissed(state);
            }}
          >
            Close
          </button>
        </div>
      ) : null}
    </section>
  );
}
