/** The administrator's way out of kiosk mode: their full sign-in, checked by the core; they are then signed in here. */
import type { StationApi } from '../../shared/contract';
import { SignInForm } from '../access/SignInForm';

export function KioskLeave({ api, onCancel }: { api: StationApi; onCancel(): void }) {
  return (
    <main className="kiosk-welcome" aria-labelledby="kiosk-leave-title">
      <div className="kiosk-card kiosk-leave">
        <h2 id="kiosk-leave-title" className="kiosk-title">
          Leave kiosk mode
        </h2>
        <p>Staff only. An administrator signs in to turn kiosk mode off; this screen then shows the administrator’s station.</p>
        <SignInForm
          fixedUsername={null}
          submitLabel="Leave kiosk mode"
          submitAction="confirm-leave-kiosk"
          onSubmit={(credentials) => api.invoke('leaveKiosk', credentials)}
          actions={
            <button type="button" className="access-button" data-action="cancel-leave-kiosk" onClick={onCancel}>
              Back
            </button>
          }
        />
      </div>
    </main>
  );
}
