// The window and the rules every web contents obeys: pages come only from the
// app:// protocol (the built renderer, with a strict CSP header) or, in
// development, the electron-vite dev server; no navigation away, no new
// windows, no webviews, no permissions beyond writing to the clipboard.
import { readFile } from 'node:fs/promises';
import { app, BrowserWindow, protocol, session, shell, type WebContents } from 'electron';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appHeaders,
  navigationAllowed,
  permissionAllowed,
  resolveAppRequest,
  secureWebPreferences,
  windowOpenVerdict,
} from '../security';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
}

/** Serves the built renderer on app:// (after ready). */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const found = resolveAppRequest(request.url, rendererDir);
    if (!found) return new Response('Not Found', { status: 404 });
    try {
      return new Response(await readFile(found.file), { status: 200, headers: appHeaders(found.contentType) });
    } catch {
      return new Response('Not Found', { status: 404 });
    }
  });
}

/** Navigation, new-window, webview and permission rules for every web contents (after ready). */
export function hardenContents(devServerUrl: string | null): void {
  const guard = (e: { preventDefault(): void; url: string }) => {
    if (!navigationAllowed(e.url, devServerUrl)) e.preventDefault();
  };
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-frame-navigate', (e) => {
      // Subframes have no business in RingScope; the main frame may only reload the app.
      if (!e.isMainFrame || !navigationAllowed(e.url, devServerUrl)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (windowOpenVerdict(url).openExternally) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionAllowed(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission));
}

/** Creates the main window and loads the app's page. */
export function createWindow(preload: string, devServerUrl: string | null): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    title: 'RingScope',
    show: false,
    backgroundColor: '#f4f5f7',
    webPreferences: secureWebPreferences(preload, { devTools: !app.isPackaged }),
  });
  win.once('ready-to-show', () => win.show());
  // Main sets the title from the loaded setup.
  win.on('page-title-updated', (e) => e.preventDefault());
  void win.loadURL(devServerUrl ?? APP_ENTRY_URL);
  return win;
}
