/**
 * Naming the station's current patient: every launch (and every kiosk visit) starts an anonymous
 * record, and a nurse or physician gives it the person's name once they know it. The core
 * validates the details again and audits the change without them.
 */
import { useState, type FormEvent } from 'react';
import type { StationApi } from '../../shared/contract';
import { NamePatientSchema, PATIENT_GENDERS, type NamePatientInput, type PatientSummary, type ServerPatient, type ServerPatientLink } from '../../shared/contract-records';
import { ChoiceField, FormProblem, SubmitRow } from '../access/FormParts';
import { useStationAction } from '../access/use-station-action';
import { ServerPatientSearch } from './ServerPatientSearch';

const GENDER_NAMES: Record<(typeof PATIENT_GENDERS)[number], string> = { female: 'Female', male: 'Male', other: 'Other', unknown: 'Unknown' };

/** What the screen says about a field the schema refused. */
const FIELD_NAMES: Record<string, string> = { givenName: 'Given name', familyName: 'Family name', birthDate: 'Birth date', gender: 'Gender', identifier: 'Identifier' };

export function CurrentPatientForm({ api, current, onNamed }: { api: StationApi; current: PatientSummary | null; onNamed(): void }) {
  const [givenName, setGivenName] = useState('');
  const [familyName, setFamilyName] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [gender, setGender] = useState<NamePatientInput['gender']>('unknown');
  const [identifier, setIdentifier] = useState('');
  /** The server's Patient the fields came from; kept with the record so the sync sends to that Patient. Typing another identifier drops it. */
  const [serverPatient, setServerPatient] = useState<ServerPatientLink | null>(null);
  const { busy, problem, setProblem, run } = useStationAction();
  const [named, setNamed] = useState<string | null>(null);

  /** The server's details replace everything typed, so no field of another person is left mixed in; what the server lacks is left empty. */
  const choose = (patient: ServerPatient) => {
    setGivenName(patient.givenName ?? '');
    setFamilyName(patient.familyName ?? '');
    // Only a full date fits the form's date field; a partial one (a year) is left to the nurse.
    setBirthDate(patient.birthDate?.length === 10 ? patient.birthDate : '');
    setGender(patient.gender ?? 'unknown');
    setIdentifier(patient.identifier?.value ?? '');
    setServerPatient({ serverId: patient.serverId, identifierSystem: patient.identifier?.system ?? null });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const parsed = NamePatientSchema.safeParse({
      givenName,
      familyName,
      gender,
      ...(birthDate.trim() && { birthDate: birthDate.trim() }),
      ...(identifier.trim() && { identifier: identifier.trim() }),
      ...(serverPatient && { serverPatient }),
    });
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => FIELD_NAMES[String(issue.path[0])] ?? String(issue.path[0])))];
      setProblem(`Check ${fields.join(', ')}.`);
      return;
    }
    setNamed(null);
    await run(
      async () => {
        const patient = await api.invoke('nameCurrentPatient', parsed.data);
        setNamed(patient.displayName);
        onNamed();
      },
      (reason) => `The patient was not named: ${reason}.`,
    );
  };

  return (
    <section className="panel records-current-patient" aria-labelledby="current-patient-title">
      <h2 id="current-patient-title" className="panel-heading">
        Current patient
      </h2>
      <p className="panel-note" data-role="current-patient">
        The station files readings under <strong>{current?.displayName ?? '…'}</strong>.
      </p>
      <form className="access-form records-name-form" noValidate onSubmit={(event) => void submit(event)} aria-busy={busy}>
        <label className="access-field">
          <span>Given name</span>
          <input name="given-name" autoComplete="off" required maxLength={200} value={givenName} onChange={(event) => setGivenName(event.target.value)} />
        </label>
        <label className="access-field">
          <span>Family name</span>
          <input name="family-name" autoComplete="off" required maxLength={200} value={familyName} onChange={(event) => setFamilyName(event.target.value)} />
        </label>
        <label className="access-field">
          <span>Birth date (optional)</span>
          <input name="birth-date" type="date" min="1900-01-01" value={birthDate} onChange={(event) => setBirthDate(event.target.value)} />
        </label>
        <ChoiceField label="Gender" name="gender" value={gender} choices={PATIENT_GENDERS} choiceNames={GENDER_NAMES} onChange={setGender} />
        <label className="access-field">
          <span>Identifier (optional, e.g. MRN)</span>
          <input
            name="identifier"
            autoComplete="off"
            maxLength={100}
            value={identifier}
            onChange={(event) => {
              setIdentifier(event.target.value);
              setServerPatient(null);
            }}
          />
        </label>
        <ServerPatientSearch api={api} identifier={identifier} familyName={familyName} birthDate={birthDate} onChoose={choose} />
        <FormProblem problem={problem} role="name-patient-error" />
        {named && (
          <p className="records-notice" role="status" data-role="name-patient-done">
            The current patient is now {named}.
          </p>
        )}
        <SubmitRow action="name-patient" busy={busy} label="Save name" busyLabel="Saving…" />
      </form>
    </section>
  );
}
