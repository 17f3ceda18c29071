/**
 * Clinician mode of the desktop app: `--clinician <visit link>` opens the visit's clinician page
 * (the same clinician.html the consultation server serves to browsers) in the hardened window,
 * without the station core; `--clinician` alone shows the page's paste-a-link screen.
 */
import { LINK_TOKEN_PARAM } from '../shared/consult/protocol';
import { CLINICIAN_PAGE_PATH } from '../node/station/consult-seam';
import { UsageError } from '../node/station/start-options';
import { APP_ORIGIN } from './app-origin';

export interface ClinicianMode {
  /** What the window loads: the clinician page, with the link's token and server in the fragment. */
  pageUrl: string;
  /** Origins the page may connect to (the link's server); null: any https/wss server (paste screen). */
  serverOrigin: string | null;
}

/** null when the app is not started in clinician mode; UsageError for a link that is not a visit link. */
export function clinicianModeFrom(argv: readonly string[]): ClinicianMode | null {
  const index = argv.indexOf('--clinician');
  if (index === -1) return null;
  const page = new URL(CLINICIAN_PAGE_PATH, APP_ORIGIN);
  const value = argv[index + 1];
  if (value === undefined || value.startsWith('--')) return { pageUrl: page.href, serverOrigin: null };
  let link: URL;
  try {
    link = new URL(value);
  } catch {
    throw new UsageError(`--clinician needs a visit link, not "${value.slice(0, 200)}"`);
  }
  const token = new URLSearchParams(link.hash.slice(1)).get(LINK_TOKEN_PARAM);
  if ((link.protocol !== 'https:' && link.protocol !== 'http:') || !token) throw new UsageError('--clinician needs the whole visit link (http(s)://…#token=…)');
  page.hash = new URLSearchParams({ [LINK_TOKEN_PARAM]: token, server: link.origin }).toString();
  return { pageUrl: page.href, serverOrigin: link.origin };
}
