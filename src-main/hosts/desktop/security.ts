// The window's security settings, in one place and unit-tested: the
// BrowserWindow web preferences, the Content-Security-Policy sent with every
// page file, the app:// origin the window may show (nothing remote), and the
// verdicts for navigation, new windows and permission requests. ./electron
// applies them; nothing here imports electron.
import { join, normalize, resolve, sep } from 'node:path';
import { contentTypeOf } from '../content-type';

/** The window's page is served from this privileged scheme, never file:// or http(s). */
export const APP_SCHEME = 'ringscope';
export const APP_HOST = 'app';
/** The page the window loads. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Privileges for protocol.registerSchemesAsPrivileged: a secure standard origin that may load ES modules. */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
} as const;

/** BrowserWindow webPreferences: isolated, sandboxed, no Node in the page, nothing loosened. */
export function secureWebPreferences(preload: string, opts: { devTools: boolean }) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: opts.devTools,
  } as const;
}

/**
 * The Content-Security-Policy header of every app:// response. Stricter than
 * the page's own <meta> policy (which browser mode needs, with WebSocket
 * connect-src): in Electron the page talks over a MessagePort, so it may
 * connect nowhere. Both policies apply; the stricter wins.
 */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // uPlot and React set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'none'",
  "worker-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "child-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers sent with every app:// file. */
export function appHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': APP_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

/** The file inside `rendererDir` an app:// URL names, with its content type; null for anything else. */
export function resolveAppRequest(url: string, rendererDir: string): { file: string; contentType: string } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (path === '' || path.endsWith('/')) path += 'index.html';
  const root = resolve(rendererDir);
  const file = normalize(join(root, path));
  if (!file.startsWith(root + sep)) return null;
  return { file, contentType: contentTypeOf(file) };
}

/** True for URLs of the app's own page: app:// or, in development only, the dev server's origin. */
export function isAppUrl(url: string, devServerUrl?: string | null): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === `${APP_SCHEME}:`) return u.host === APP_HOST;
  if (!devServerUrl) return false;
  try {
    return u.origin === new URL(devServerUrl).origin;
  } catch {
    return false;
  }
}

/** will-navigate / will-redirect: only within the app's own page (a reload); everything else is blocked. */
export function navigationAllowed(url: string, devServerUrl?: string | null): boolean {
  return isAppUrl(url, devServerUrl);
}

/** window.open and target=_blank: never a new app window; https links go to the system browser. */
export function windowOpenVerdict(url: string): { action: 'deny'; openExternally: boolean } {
  let external = false;
  try {
    external = new URL(url).protocol === 'https:';
  } catch {
    external = false;
  }
  return { action: 'deny', openExternally: external };
}

/** Permissions the page may have (camera, microphone, notifications, geolocation … are all refused). */
export const GRANTED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write'];

/** The permission request and check verdict. */
export function permissionAllowed(permission: string): boolean {
  return GRANTED_PERMISSIONS.includes(permission);
}
