/** The pieces every staff form repeats: its refusal line, its busy submit row and its choice list. */

/** Why the form's action failed or was refused, announced as it appears. */
export function FormProblem({ problem, role }: { problem: string | null; role?: string }) {
  if (!problem) return null;
  return (
    <p className="access-error" role="alert" data-role={role}>
      {problem}
    </p>
  );
}

/** The form's one primary submit button, which says what it is doing while the core works. */
export function SubmitRow({ action, busy, label, busyLabel }: { action: string; busy: boolean; label: string; busyLabel: string }) {
  return (
    <div className="access-actions">
      <button type="submit" className="access-button access-button-primary" data-action={action} disabled={busy}>
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}

interface ChoiceFieldProps<Choice extends string> {
  label: string;
  name: string;
  value: Choice;
  choices: readonly Choice[];
  choiceNames: Record<Choice, string>;
  onChange(choice: Choice): void;
}

/** A labelled select over a fixed list of values, each shown by its screen name. */
export function ChoiceField<Choice extends string>({ label, name, value, choices, choiceNames, onChange }: ChoiceFieldProps<Choice>) {
  return (
    <label className="access-field">
      <span>{label}</span>
      <select name={name} value={value} onChange={(event) => onChange(event.target.value as Choice)}>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choiceNames[choice]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The heading of a table's last column of row buttons: read out, not shown. */
export function ActionsColumnHeading() {
  return (
    <th scope="col">
      <span className="visually-hidden">Actions</span>
    </th>
  );
}
