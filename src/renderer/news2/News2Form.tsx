/** The observations staff enter by hand for NEWS2, with who entered each and when. Pure props. */
import { useState, type FormEvent } from 'react';
import type { News2Observation, News2StatePayload } from '../../shared/contract-clinical';
import { CONSCIOUSNESS_LEVELS, type ConsciousnessLevel } from '../../shared/clinical/news2';
import { formatClock } from '../format/display-format';
import { CONSCIOUSNESS_WORDS } from './news2-words';

export interface News2FormProps {
  manual: News2StatePayload['manual'];
  canEnter: boolean;
  canPrescribe: boolean;
  onEnter(observation: News2Observation): Promise<void>;
}

interface Draft {
  respiratoryRate: string;
  consciousness: ConsciousnessLevel | '';
  oxygen: 'air' | 'oxygen' | '';
  scale2: boolean;
}

export function News2Form({ manual, canEnter, canPrescribe, onEnter }: News2FormProps) {
  const prescribedScale2 = manual.spo2Scale2?.value ?? false;
  const [draft, setDraft] = useState<Draft>({ respiratoryRate: '', consciousness: '', oxygen: '', scale2: prescribedScale2 });
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const observation: News2Observation = {
      ...(draft.respiratoryRate.trim() !== '' && { respiratoryRate: Number(draft.respiratoryRate) }),
      ...(draft.consciousness !== '' && { consciousness: draft.consciousness }),
      ...(draft.oxygen !== '' && { onOxygen: draft.oxygen === 'oxygen' }),
      ...(canPrescribe && draft.scale2 !== prescribedScale2 && { spo2Scale2: draft.scale2 }),
    };
    if (Object.keys(observation).length === 0) {
      setOutcome({ ok: false, text: 'Enter at least one observation.' });
      return;
    }
    try {
      await onEnter(observation);
      setOutcome({ ok: true, text: 'Recorded.' });
      setDraft({ ...draft, respiratoryRate: '', consciousness: '', oxygen: '' });
    } catch (error) {
      setOutcome({ ok: false, text: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <form className="news2-form" onSubmit={(event) => void submit(event)} aria-describedby="news2-form-note">
      <p id="news2-form-note" className="panel-note">
        {canEnter ? 'Count the respiration rate over a full minute.' : 'Your role may not chart observations.'}
      </p>
      <label className="field">
        <span>Respiration rate (/min)</span>
        <input type="number" inputMode="numeric" min={0} max={150} step={1} name="respiratoryRate" value={draft.respiratoryRate} disabled={!canEnter} onChange={(event) => setDraft({ ...draft, respiratoryRate: event.target.value })} />
      </label>
      <label className="field">
        <span>Consciousness (ACVPU)</span>
        <select name="consciousness" value={draft.consciousness} disabled={!canEnter} onChange={(event) => setDraft({ ...draft, consciousness: event.target.value as Draft['consciousness'] })}>
          <option value="">Not assessed now</option>
          {CONSCIOUSNESS_LEVELS.map((level) => (
            <option key={level} value={level}>
              {CONSCIOUSNESS_WORDS[level]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Air or oxygen?</span>
        <select name="oxygen" value={draft.oxygen} disabled={!canEnter} onChange={(event) => setDraft({ ...draft, oxygen: event.target.value as Draft['oxygen'] })}>
          <option value="">Not assessed now</option>
          <option value="air">Air</option>
          <option value="oxygen">Oxygen</option>
        </select>
      </label>
      <label className="field field-check">
        <input type="checkbox" name="scale2" checked={draft.scale2} disabled={!canPrescribe} onChange={(event) => setDraft({ ...draft, scale2: event.target.checked })} />
        <span>SpO₂ Scale 2 (hypercapnic respiratory failure, target 88–92 %; physician only)</span>
      </label>
      <button type="submit" className="action-button" data-action="enter-news2" disabled={!canEnter}>
        Record observations
      </button>
      {outcome ? (
        <p className={outcome.ok ? 'form-ok' : 'form-error'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      ) : null}
      <ManualEntries manual={manual} />
    </form>
  );
}

function ManualEntries({ manual }: { manual: News2StatePayload['manual'] }) {
  const rows = [
    manual.respiratoryRate && { label: 'Respiration rate', value: `${manual.respiratoryRate.value} /min`, entry: manual.respiratoryRate },
    manual.consciousness && { label: 'Consciousness', value: CONSCIOUSNESS_WORDS[manual.consciousness.value], entry: manual.consciousness },
    manual.onOxygen && { label: 'Air or oxygen', value: manual.onOxygen.value ? 'Oxygen' : 'Air', entry: manual.onOxygen },
    manual.spo2Scale2 && { label: 'SpO₂ scale', value: manual.spo2Scale2.value ? 'Scale 2' : 'Scale 1', entry: manual.spo2Scale2 },
  ].filter((row) => !!row);
  if (rows.length === 0) return <p className="panel-empty">Nothing entered yet.</p>;
  return (
    <ul className="manual-entries" data-role="news2-manual">
      {rows.map((row) => (
        <li key={row.label}>
          {row.label}: <strong>{row.value}</strong>, entered by {row.entry.enteredBy.name} at {formatClock(row.entry.enteredAt)}
        </li>
      ))}
    </ul>
  );
}
