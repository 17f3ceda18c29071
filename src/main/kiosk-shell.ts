/**
 * The desktop app's part of kiosk mode (StationShell): while the station is a kiosk its windows are
 * full-screen kiosk windows that cannot be closed, minimised or covered, and the key combinations
 * that would leave them (close, quit, reload, full screen, developer tools) do nothing. After every
 * visit the window's whole session is cleared — storage of every kind, HTTP cache, auth cache — and
 * the page reloaded, so nothing a patient's visit left survives into the next one. Quitting the
 * app (the OS shutting down, a signal) still closes the windows.
 *
 * Written against the few window methods it uses, so it is tested with fakes where Electron cannot run.
 */
import type { StationShell } from '../node/station/kiosk/kiosk-controller';

/** A key event as Electron's before-input-event reports it. */
export interface KeyInput {
  type: string;
  key: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
}

interface Preventable {
  preventDefault(): void;
}

interface ClearableSession {
  clearStorageData(): Promise<void>;
  clearCache(): Promise<void>;
  clearAuthCache(): Promise<void>;
}

/** The parts of a BrowserWindow the kiosk drives. */
export interface KioskWindow {
  setKiosk(flag: boolean): void;
  setFullScreen(flag: boolean): void;
  setClosable(closable: boolean): void;
  setMinimizable(minimizable: boolean): void;
  setAlwaysOnTop(flag: boolean): void;
  setMenuBarVisibility(visible: boolean): void;
  isDestroyed(): boolean;
  on(event: 'close', listener: (event: Preventable) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  webContents: {
    on(event: 'before-input-event', listener: (event: Preventable, input: KeyInput) => void): unknown;
    reload(): void;
    session: ClearableSession;
  };
}

const DEVTOOLS_KEYS = new Set(['i', 'j', 'c']);

/** Whether a key combination would take a kiosk window away from the patient (or open its insides). */
export function leavesKiosk(input: KeyInput): boolean {
  const key = input.key.toLowerCase();
  const command = input.control || input.meta;
  if (key === 'f4' && (input.alt || input.control)) return true; // close window
  if (key === 'f5' || key === 'f11' || key === 'f12') return true; // reload, full screen, developer tools
  if (command && (key === 'w' || key === 'q' || key === 'r' || key === 'm' || key === 'h' || key === 'n')) return true; // close, quit, reload, minimise, hide, new window
  if (command && (input.shift || input.alt) && DEVTOOLS_KEYS.has(key)) return true; // developer tools, inspector, console
  if (input.control && input.meta && key === 'f') return true; // macOS full screen
  return false;
}

/** Puts a window into the kiosk's locked full-screen state, or back to a normal window. */
export function applyKioskWindow(window: KioskWindow, enabled: boolean): void {
  window.setKiosk(enabled);
  window.setFullScreen(enabled);
  window.setClosable(!enabled);
  window.setMinimizable(!enabled);
  window.setAlwaysOnTop(enabled);
  window.setMenuBarVisibility(!enabled);
}

export class KioskShell implements StationShell {
  #enabled = false;
  #quitting = false;
  readonly #windows = new Set<KioskWindow>();

  /** Takes a new window under the kiosk's rules (applied at once when the station is a kiosk); returns it. */
  attach<W extends KioskWindow>(window: W): W {
    this.#windows.add(window);
    window.on('close', (event) => {
      if (this.#enabled && !this.#quitting) event.preventDefault();
    });
    window.on('closed', () => this.#windows.delete(window));
    window.webContents.on('before-input-event', (event, input) => {
      if (this.#enabled && leavesKiosk(input)) event.preventDefault();
    });
    if (this.#enabled) applyKioskWindow(window, true);
    return window;
  }

  /** The app is quitting: kiosk windows may close. */
  allowQuit(): void {
    this.#quitting = true;
  }

  onKioskChange(enabled: boolean): void {
    this.#enabled = enabled;
    for (const window of this.#live()) applyKioskWindow(window, enabled);
  }

  async clearScreenData(): Promise<void> {
    const windows = this.#live();
    const sessions = new Set(windows.map((window) => window.webContents.session));
    await Promise.all([...sessions].flatMap((session) => [session.clearStorageData(), session.clearCache(), session.clearAuthCache()]));
    for (const window of windows) if (!window.isDestroyed()) window.webContents.reload();
  }

  #live(): KioskWindow[] {
    return [...this.#windows].filter((window) => !window.isDestroyed());
  }
}
