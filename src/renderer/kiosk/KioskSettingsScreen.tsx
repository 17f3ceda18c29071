/** The administrator's Kiosk screen: what kiosk mode does, and the switch that turns this station into one. */
import type { StationApi } from '../../shared/contract';
import { FormProblem } from '../access/FormParts';
import { useStationAction } from '../access/use-station-action';

export function KioskSettingsScreen({ api }: { api: StationApi }) {
  const { busy, problem, run } = useStationAction();

  const enable = () =>
    run(
      () => api.invoke('enableKiosk', undefined),
      (reason) => `Kiosk mode was not turned on: ${reason}`,
      // Every screen is signed out, this one included: the access event turns it into the kiosk.
      { keepBusyAfterSuccess: true },
    );

  return (
    <section className="access-card access-card-wide kiosk-settings" aria-labelledby="kiosk-settings-title">
      <h2 id="kiosk-settings-title" className="access-title">
        Kiosk mode
      </h2>
      <p>Kiosk mode turns this station into a patient self-service kiosk:</p>
      <ul className="kiosk-settings-list">
        <li>The screen fills the display and cannot be closed or left; staff screens, records and settings are out of reach.</li>
        <li>A patient presses Start and sees only their own vital signs, takes measurements and can have a video visit.</li>
        <li>
          Each visit is a new anonymous patient in the records. When the patient presses Finish, or leaves the visit untouched for a while, the screen, its stored data and
          caches are cleared and the next person starts blank.
        </li>
        <li>The station stays a kiosk after a restart. Only an administrator can leave kiosk mode, with the Staff button and their sign-in.</li>
      </ul>
      <p>Turning it on signs everyone out of every screen of this station, you included.</p>
      <FormProblem problem={problem} />
      <div className="access-actions">
        <button type="button" className="access-button access-button-primary" data-action="enable-kiosk" disabled={busy} onClick={() => void enable()}>
          {busy ? 'Turning on…' : 'Turn on kiosk mode'}
        </button>
      </div>
    </section>
  );
}
