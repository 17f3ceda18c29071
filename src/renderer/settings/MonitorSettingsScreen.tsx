/**
 * The administrator's monitor settings: the parameters the monitor shows even when no device
 * measures them (settings `display.alwaysShowMetrics`). Everything else gets a tile only when a
 * device measures it or it has a value (tile-visibility.ts).
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { StationApi } from '../../shared/contract';
import { METRIC_DEFINITIONS, METRICS, type Metric } from '../../shared/vitals';
import { FormProblem, SubmitRow } from '../access/FormParts';
import { useStationAction } from '../access/use-station-action';
import './settings.css';

export function MonitorSettingsScreen({ api }: { api: StationApi }) {
  const [chosen, setChosen] = useState<ReadonlySet<Metric> | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, problem, setProblem, run } = useStationAction();

  useEffect(() => {
    let shown = true;
    api.invoke('getMonitorSettings', undefined).then(
      ({ alwaysShow }) => shown && setChosen(new Set(alwaysShow)),
      () => shown && setProblem('The monitor settings could not be read.'),
    );
    return () => {
      shown = false;
    };
  }, [api, setProblem]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy || chosen === null) return;
    setSaved(false);
    void run(
      async () => {
        const answer = await api.invoke('setMonitorSettings', { alwaysShow: METRICS.filter((metric) => chosen.has(metric)) });
        setChosen(new Set(answer.alwaysShow));
        setSaved(true);
      },
      (reason) => `The monitor settings were not saved: ${reason}`,
    );
  };

  return (
    <form className="access-card access-card-wide" aria-labelledby="monitor-settings-title" onSubmit={submit}>
      <h2 id="monitor-settings-title" className="access-title">
        Monitor tiles
      </h2>
      <p>The monitor shows a tile for each parameter a connected device measures or that has a value in the current encounter. Choose parameters to show always, even before anything measures them.</p>
      <fieldset className="monitor-settings-choices" disabled={chosen === null}>
        <legend>Always show</legend>
        {METRICS.map((metric) => (
          <label key={metric}>
            <input
              type="checkbox"
              data-always-show={metric}
              checked={chosen?.has(metric) ?? false}
              onChange={(event) => {
                const next = new Set(chosen);
                if (event.target.checked) next.add(metric);
                else next.delete(metric);
                setChosen(next);
                setSaved(false);
              }}
            />{' '}
            {METRIC_DEFINITIONS[metric].label}
          </label>
        ))}
      </fieldset>
      <FormProblem problem={problem} />
      {saved ? (
        <p role="status" data-role="monitor-settings-saved">
          Saved. Every monitor of this station shows these now.
        </p>
      ) : null}
      <SubmitRow action="save-monitor-settings" busy={busy} label="Save" busyLabel="Saving…" />
    </form>
  );
}
