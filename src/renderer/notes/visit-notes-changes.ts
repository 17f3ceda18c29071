/**
 * Within one station screen: the relay of the remote clinician's note (consult/clinician-note-relay.ts)
 * says when it signed a note or added an addendum, so the Notes screen, if open, shows it at once
 * instead of when it is next opened. Screen-local; nothing crosses the station contract.
 */
const listeners = new Set<() => void>();

export const visitNotesChanges = {
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  notify(): void {
    for (const listener of [...listeners]) listener();
  },
};
