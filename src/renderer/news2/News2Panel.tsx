/**
 * NEWS2 for the current visit: the total in its risk colour with the RCP's recommended response,
 * each parameter's value, source and sub-score, why the station cannot score when it cannot, the
 * manual inputs form (left out when read-only) and the trend. Pure props, so the clinician's page
 * shows the same, read-only.
 */
import type { News2AssessmentPayload, News2Observation, News2StatePayload } from '../../shared/contract-clinical';
import { NEWS2_PARAMETERS, type News2Parameter } from '../../shared/clinical/news2';
import { formatClock } from '../format/display-format';
import { News2Form } from './News2Form';
import { News2Trend } from './News2Trend';
import { CONSCIOUSNESS_WORDS, INPUT_LABELS, PARAMETER_LABELS, RISK_WORDS } from './news2-words';
import './news2.css';

/** Charting observations at the station; the clinician's read-only view has none. */
export interface News2Entry {
  /** May chart observations (respiration rate, ACVPU, air or oxygen). */
  canEnter: boolean;
  /** May prescribe SpO₂ Scale 2. */
  canPrescribe: boolean;
  onEnter(observation: News2Observation): Promise<void>;
}

export interface News2PanelProps {
  state: News2StatePayload;
  /** Omitted: read-only (score, sub-scores, band, response and trend, no entry form). */
  entry?: News2Entry;
  /** The name to show for a device id; the id itself when not given. */
  deviceName?: (deviceId: string) => string;
}

export function News2Panel({ state, entry, deviceName = (id) => id }: News2PanelProps) {
  const { assessment } = state;
  return (
    <div className={entry ? 'news2' : 'news2 news2-read-only'}>
      <section className="news2-score panel" aria-labelledby="news2-heading" data-news2-state={assessment.ok ? 'scored' : 'refused'}>
        <h2 id="news2-heading" className="panel-heading">
          NEWS2
        </h2>
        {assessment.ok ? <Score assessment={assessment} deviceName={deviceName} /> : <Refusal problems={assessment.problems} />}
        <h3 className="panel-subheading">Trend this visit</h3>
        <News2Trend trend={state.trend} />
      </section>
      {entry ? (
        <section className="news2-inputs panel" aria-labelledby="news2-inputs-heading">
          <h2 id="news2-inputs-heading" className="panel-heading">
            Observations entered by staff
          </h2>
          <News2Form manual={state.manual} canEnter={entry.canEnter} canPrescribe={entry.canPrescribe} onEnter={entry.onEnter} />
        </section>
      ) : null}
    </div>
  );
}

type Scored = Extract<News2AssessmentPayload, { ok: true }>;

function Score({ assessment, deviceName }: { assessment: Scored; deviceName: (deviceId: string) => string }) {
  const { result } = assessment;
  return (
    <>
      <div className={`news2-total risk-${result.risk}`} data-news2-risk={result.risk}>
        <span className="news2-total-label">Total</span>
        <span className="news2-total-value" data-role="news2-total">
          {result.total}
        </span>
        <span className="news2-risk">{RISK_WORDS[result.risk]}</span>
      </div>
      <p className="news2-response">
        <strong>{result.clinicalResponse.monitoring}.</strong> {result.clinicalResponse.response}
      </p>
      <table className="clinical-table news2-table">
        <thead>
          <tr>
            <th scope="col">Parameter</th>
            <th scope="col">Value</th>
            <th scope="col">From</th>
            <th scope="col">Score</th>
          </tr>
        </thead>
        <tbody>
          {NEWS2_PARAMETERS.map((parameter) => (
            <tr key={parameter} data-news2-parameter={parameter} className={result.scores[parameter] === 3 ? 'news2-red' : undefined}>
              <th scope="row">{PARAMETER_LABELS[parameter]}</th>
              <td>{parameterValue(parameter, assessment)}</td>
              <td>{provenanceText(assessment.provenance[parameter === 'airOrOxygen' ? 'onOxygen' : parameter], deviceName)}</td>
              <td className={`news2-subscore subscore-${result.scores[parameter]}`} data-role="news2-subscore">
                {result.scores[parameter]}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function parameterValue(parameter: News2Parameter, { input }: Scored): string {
  switch (parameter) {
    case 'respiratoryRate':
      return `${input.respiratoryRate} /min`;
    case 'spo2':
      return `${input.spo2} % (Scale ${input.spo2Scale})`;
    case 'airOrOxygen':
      return input.onOxygen ? 'Oxygen' : 'Air';
    case 'systolic':
      return `${input.systolic} mmHg`;
    case 'pulse':
      return `${input.pulse} /min`;
    case 'consciousness':
      return CONSCIOUSNESS_WORDS[input.consciousness];
    case 'temperature':
      return `${input.temperature.toFixed(1)} °C`;
  }
}

function provenanceText(provenance: Scored['provenance'][keyof Scored['provenance']], deviceName: (deviceId: string) => string): string {
  switch (provenance.kind) {
    case 'device':
      return `${deviceName(provenance.deviceId)}, ${formatClock(provenance.receivedAt)}`;
    case 'manual':
      return `${provenance.enteredBy.name}, ${formatClock(provenance.enteredAt)}`;
    case 'default':
      return provenance.detail;
  }
}

function Refusal({ problems }: { problems: Extract<News2AssessmentPayload, { ok: false }>['problems'] }) {
  return (
    <div className="news2-refusal" data-role="news2-refusal">
      <p className="news2-refusal-title">No NEWS2 score: an input is missing, stale or not trustworthy.</p>
      <ul className="news2-problems">
        {problems.map((problem) => (
          <li key={problem.input} data-news2-problem={problem.input} data-reason={problem.reason}>
            <strong>
              Cannot score: {INPUT_LABELS[problem.input]} {problem.reason}
            </strong>{' '}
            ({problem.detail})
          </li>
        ))}
      </ul>
    </div>
  );
}
