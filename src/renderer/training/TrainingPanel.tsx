/**
 * Staff training: pick a simulator scenario and play it from its beginning, then watch the alarms
 * and NEWS2 respond. TrainingPanel is pure props; TrainingScreen loads the catalogue from the station.
 */
import { useEffect, useState } from 'react';
import type { ScenarioCatalogue } from '../../shared/contract-clinical';
import type { ClinicalStore } from '../alarms/clinical-store';
import './training.css';

export interface TrainingPanelProps {
  catalogue: ScenarioCatalogue | null;
  /** The scenario being started, while the station has not answered. */
  starting: string | null;
  error: string | null;
  canPlay: boolean;
  onPlay(name: string): void;
}

export function TrainingPanel({ catalogue, starting, error, canPlay, onPlay }: TrainingPanelProps) {
  return (
    <section className="training panel" aria-labelledby="training-heading">
      <h2 id="training-heading" className="panel-heading">
        Training scenarios
      </h2>
      {catalogue === null ? (
        <p className="panel-empty">Loading scenarios…</p>
      ) : !catalogue.available ? (
        <p className="panel-empty">Training scenarios need the simulated devices: start the station with --simulate.</p>
      ) : (
        <>
          <p className="panel-note">
            Playing now: <strong data-role="current-scenario">{catalogue.scenarios.find((s) => s.name === catalogue.current)?.title ?? catalogue.current}</strong>. Choosing a
            scenario restarts the simulated patient from its beginning.
          </p>
          <ul className="scenario-list">
            {catalogue.scenarios.map((scenario) => {
              const current = scenario.name === catalogue.current;
              return (
                <li key={scenario.name} className="scenario" data-scenario={scenario.name} aria-current={current ? 'true' : undefined}>
                  <h3 className="scenario-title">{scenario.title}</h3>
                  <p className="scenario-description">{scenario.description}</p>
                  <button
                    type="button"
                    className="action-button"
                    data-action="play-scenario"
                    disabled={!canPlay || starting !== null}
                    aria-label={`Play the ${scenario.title} scenario${current ? ' again' : ''}`}
                    onClick={() => onPlay(scenario.name)}
                  >
                    {starting === scenario.name ? 'Starting…' : current ? 'Play again' : 'Play'}
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

export function TrainingScreen({ clinical, canPlay }: { clinical: ClinicalStore; canPlay: boolean }) {
  const [catalogue, setCatalogue] = useState<ScenarioCatalogue | null>(null);
  const [starting, setStarting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    clinical.listScenarios().then(
      (loaded) => live && setCatalogue(loaded),
      (failure: unknown) => live && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      live = false;
    };
  }, [clinical]);
  const play = async (name: string) => {
    setStarting(name);
    setError(null);
    try {
      setCatalogue(await clinical.playScenario(name));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setStarting(null);
    }
  };
  return <TrainingPanel catalogue={catalogue} starting={starting} error={error} canPlay={canPlay} onPlay={(name) => void play(name)} />;
}
