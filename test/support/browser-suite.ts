// A browser test file's shared set-up: Chromium launched before its tests, every
// `ringscope serve` it started stopped and its temporary folder removed after them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, stopServers } from './browser';

export interface BrowserSuite {
  /** Set once the tests run (after beforeAll). */
  readonly browser: Browser;
  /** A temporary folder of this file's own. */
  readonly tmp: string;
}

/** Registers beforeAll/afterAll for a browser test file; call at its top level. */
export function browserSuite(prefix: string): BrowserSuite {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  let browser: Browser | null = null;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await stopServers();
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  return {
    get browser() {
      if (!browser) throw new Error('the browser starts in beforeAll');
      return browser;
    },
    tmp,
  };
}
