import type { StationView } from '../station/station-store';

export function ConnectionBanner({ connection }: { connection: StationView['connection'] }) {
  if (connection.state === 'connected') return null;
  if (connection.state === 'connecting') {
    return (
      <p className="banner" role="status">
        Connecting to the station…
      </p>
    );
  }
  return (
    <p className="banner banner-error" role="alert">
      Cannot reach the station core ({connection.message}); retrying. Check the values on this screen against their times.
    </p>
  );
}
