// The security-relevant window settings, asserted one by one.
import { describe, expect, it } from 'vitest';
import {
  APP_CSP,
  APP_ENTRY_URL,
  APP_SCHEME_PRIVILEGES,
  appHeaders,
  isAppUrl,
  navigationAllowed,
  permissionAllowed,
  resolveAppRequest,
  secureWebPreferences,
  windowOpenVerdict,
} from './security';

describe('web preferences', () => {
  it('isolate and sandbox the page, with no Node and nothing loosened', () => {
    const p = secureWebPreferences('/app/out/preload/index.cjs', { devTools: false });
    expect(p).toEqual({
      preload: '/app/out/preload/index.cjs',
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
      devTools: false,
    });
    expect(p.preload.endsWith('.cjs')).toBe(true);
  });
});

describe('Content-Security-Policy', () => {
  const directives = Object.fromEntries(APP_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));

  it('allows only the app’s own scripts and connects nowhere (the engine talks over a MessagePort)', () => {
    expect(directives['default-src']).toBe("'none'");
    expect(directives['script-src']).toBe("'self'");
    expect(directives['connect-src']).toBe("'none'");
    expect(directives['object-src']).toBe("'none'");
    expect(directives['base-uri']).toBe("'none'");
    expect(directives['frame-ancestors']).toBe("'none'");
    expect(directives['form-action']).toBe("'none'");
    expect(APP_CSP).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(directives['script-src']).not.toContain('unsafe-inline');
  });

  it('is sent with every app file, with nosniff', () => {
    const h = appHeaders('text/html; charset=utf-8');
    expect(h['Content-Security-Policy']).toBe(APP_CSP);
    expect(h['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('the app:// origin', () => {
  it('is a secure standard scheme that may load ES modules', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true });
    expect(APP_ENTRY_URL).toBe('ringscope://app/index.html');
  });

  it('serves files from the renderer folder only', () => {
    expect(resolveAppRequest('ringscope://app/index.html', '/r')).toEqual({ file: '/r/index.html', contentType: 'text/html; charset=utf-8' });
    expect(resolveAppRequest('ringscope://app/', '/r')?.file).toBe('/r/index.html');
    expect(resolveAppRequest('ringscope://app/assets/index-abc.js?x=1', '/r')).toEqual({ file: '/r/assets/index-abc.js', contentType: 'text/javascript; charset=utf-8' });
    // Dot segments are resolved by the URL parser and cannot leave the folder; encoded ones are refused.
    expect(resolveAppRequest('ringscope://app/assets/../../etc/passwd', '/r')?.file).toBe('/r/etc/passwd');
    expect(resolveAppRequest('ringscope://app/%2e%2e/%2e%2e/etc/passwd', '/r')?.file).toBe('/r/etc/passwd');
    expect(resolveAppRequest('ringscope://app/a%2f..%2f..%2fetc%2fpasswd', '/r')).toBeNull();
    expect(resolveAppRequest('ringscope://app/a%5c..%5c..%5cetc', '/r')?.file ?? null).not.toMatch(/^\/etc/);
    expect(resolveAppRequest('ringscope://app/a%00b', '/r')).toBeNull();
    expect(resolveAppRequest('ringscope://other/index.html', '/r')).toBeNull();
    expect(resolveAppRequest('file:///r/index.html', '/r')).toBeNull();
    expect(resolveAppRequest('ringscope://app/%E0%A4%A', '/r')).toBeNull();
  });
});

describe('navigation and new windows', () => {
  it('stays on the app’s page; the dev server counts only when given', () => {
    expect(navigationAllowed('ringscope://app/index.html')).toBe(true);
    expect(navigationAllowed('https://example.org/')).toBe(false);
    expect(navigationAllowed('file:///etc/passwd')).toBe(false);
    expect(navigationAllowed('ringscope://evil/index.html')).toBe(false);
    expect(navigationAllowed('http://localhost:5173/')).toBe(false);
    expect(navigationAllowed('http://localhost:5173/index.html', 'http://localhost:5173')).toBe(true);
    expect(navigationAllowed('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('never opens a window; https links go to the system browser, nothing else does', () => {
    expect(windowOpenVerdict('https://github.com/GuenterQuast/mimoCoRB')).toEqual({ action: 'deny', openExternally: true });
    expect(windowOpenVerdict('http://example.org/')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenVerdict('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenVerdict('javascript:alert(1)')).toEqual({ action: 'deny', openExternally: false });
  });

  it('refuses every permission but writing to the clipboard', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'midi', 'openExternal', 'fullscreen', 'clipboard-read', 'hid', 'serial', 'usb']) {
      expect(permissionAllowed(p), p).toBe(false);
    }
    expect(permissionAllowed('clipboard-sanitized-write')).toBe(true);
  });
});
