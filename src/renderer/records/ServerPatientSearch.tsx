/**
 * Finding the current patient on the FHIR server while naming them: by the identifier typed in the
 * form, or else by its family name and birth date. Choosing a match fills the form with the
 * server's details, so the patient is named as the server knows them (its identifier included,
 * which the sync's conditional creates match). The core audits every search.
 */
import { useState } from 'react';
import type { StationApi } from '../../shared/contract';
import { ServerPatientQuerySchema, type ServerPatient, type ServerPatientSearch as SearchResult } from '../../shared/contract-records';
import { FormProblem } from '../access/FormParts';
import { useStationAction } from '../access/use-station-action';

export interface ServerPatientSearchProps {
  api: StationApi;
  /** What the form holds now: the search uses the identifier, or else family name and birth date. */
  identifier: string;
  familyName: string;
  birthDate: string;
  onChoose(patient: ServerPatient): void;
}

function describe(patient: ServerPatient): string {
  const name = [patient.givenName, patient.familyName].filter(Boolean).join(' ') || 'No name';
  const born = patient.birthDate ? `born ${patient.birthDate}` : 'birth date not given';
  return `${name}, ${born}${patient.identifier ? `, ${patient.identifier.value}` : ''}`;
}

export function ServerPatientSearch({ api, identifier, familyName, birthDate, onChoose }: ServerPatientSearchProps) {
  const { busy, problem, setProblem, run } = useStationAction();
  const [result, setResult] = useState<SearchResult | null>(null);

  const search = async () => {
    if (busy) return;
    const query = ServerPatientQuerySchema.safeParse(identifier.trim() ? { identifier: identifier.trim() } : { familyName, birthDate });
    if (!query.success) {
      setProblem('Enter an identifier, or a family name and birth date, to search the FHIR server.');
      return;
    }
    setResult(null);
    await run(
      async () => setResult(await api.invoke('findServerPatients', query.data)),
      (reason) => `The FHIR server was not searched: ${reason}.`,
    );
  };

  return (
    <div className="records-server-search">
      <button type="button" className="access-button" data-action="find-server-patient" disabled={busy} onClick={() => void search()}>
        {busy ? 'Searching…' : 'Find on the FHIR server'}
      </button>
      <FormProblem problem={problem} role="server-patient-error" />
      {result && (
        <div role="status" data-role="server-patients">
          {result.patients.length === 0 ? (
            <p>No patient on the FHIR server matches.</p>
          ) : (
            <>
              <p id="server-patients-caption">Choose the patient to fill in the form as the FHIR server has them:</p>
              <ul aria-labelledby="server-patients-caption">
                {result.patients.map((patient) => (
                  <li key={patient.serverId}>
                    <button type="button" className="access-button" data-action="use-server-patient" data-server-id={patient.serverId} onClick={() => onChoose(patient)}>
                      {describe(patient)}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          {result.more && <p>More patients match: narrow the search.</p>}
        </div>
      )}
    </div>
  );
}
