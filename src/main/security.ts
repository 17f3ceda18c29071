/**
 * Default-deny for everything a page could ask of the shell: no new windows, no navigation away
 * from the app, no <webview>, and of all permissions only camera and microphone (and writing a
 * visit link to the clipboard) for the app's own origin.
 */
import { app, type Session } from 'electron';
import { logText } from '../shared/log-text';
import { APP_ORIGIN, isAppUrl } from './app-origin';

const GRANTED_TO_APP = new Set(['media', 'clipboard-sanitized-write']);

export function refuseForeignContent(log: (message: string) => void): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      log('refused to attach a <webview>');
    });
    contents.setWindowOpenHandler(({ url }) => {
      log(`refused to open a window for ${logText(url)}`);
      return { action: 'deny' };
    });
    const keepInApp = (event: { preventDefault(): void }, url: string) => {
      if (isAppUrl(url)) return;
      event.preventDefault();
      log(`refused navigation to ${logText(url)}`);
    };
    contents.on('will-navigate', keepInApp);
    contents.on('will-redirect', keepInApp);
    contents.on('will-frame-navigate', (event) => keepInApp(event, event.url));
  });
}

export function restrictPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const fromApp = isAppUrl(details.requestingUrl) && details.isMainFrame;
    const mediaOnly = permission !== 'media' || ('mediaTypes' in details && (details.mediaTypes ?? []).every((type) => type === 'audio' || type === 'video'));
    callback(fromApp && mediaOnly && GRANTED_TO_APP.has(permission));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => requestingOrigin === APP_ORIGIN && GRANTED_TO_APP.has(permission));
  // WebHID / Web Serial / WebUSB from the page: the station core owns the devices, never the page.
  session.setDevicePermissionHandler(() => false);
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback(null);
  });
  session.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
}
