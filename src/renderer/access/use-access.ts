/** React's view of the access store, and the effects that follow the person at the screen. */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { gateFor, type AccessGate } from './access-gate';
import type { AccessStore } from './access-store';
import { ACTIVITY_EVENTS, ActivityReporter } from './activity-reporter';
import { followPatientAccess, type PatientDataHolder } from './patient-data';

export function useAccessGate(access: AccessStore): AccessGate {
  const view = useSyncExternalStore(access.subscribe, access.getView);
  return useMemo(() => gateFor(view), [view]);
}

/** The station and clinical stores reload and clear with the access state while the component is mounted. */
export function usePatientDataFollowsAccess(access: AccessStore, station: PatientDataHolder, clinical: PatientDataHolder): void {
  useEffect(() => followPatientAccess(access, [station, clinical]), [access, station, clinical]);
}

/** While someone is signed in and the screen unlocked, their pointer and keys keep the session from locking. */
export function useActivityReports(access: AccessStore, active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const reporter = new ActivityReporter(() => access.reportActivity(), () => performance.now());
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, reporter.activity, { capture: true, passive: true });
    return () => {
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, reporter.activity, { capture: true });
    };
  }, [access, active]);
}

/** Hands the page's clock to `setNow` every second while `active` (a countdown on screen). */
export function useSecondTicks(active: boolean, setNow: (now: number) => void): void {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [active, setNow]);
}
