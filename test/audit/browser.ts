import { accessSync, constants, statSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Chromium or Chrome usually lives: Debian, Ubuntu (deb and snap), Google's packages, macOS. */
const usualPaths = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export type ChromiumLookup = { found: true; path: string } | { found: false; why: string };

/**
 * The Chromium the browser tests use. `CHROMIUM_PATH`, when set, is the only candidate: whoever set it
 * meant that binary, and silently falling back to another one would hide their mistake. Otherwise the
 * usual install paths, then a browser fetched with `npx playwright install chromium`.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const chosen = env.CHROMIUM_PATH;
  if (chosen !== undefined && chosen !== '') {
    return isExecutableFile(chosen)
      ? { found: true, path: chosen }
      : { found: false, why: `CHROMIUM_PATH=${chosen} is not an executable file` };
  }
  const candidates = [...usualPaths, chromium.executablePath()];
  const path = candidates.find(isExecutableFile);
  return path !== undefined
    ? { found: true, path }
    : {
        found: false,
        why: 'no Chromium found (CHROMIUM_PATH is unset and none is at the usual paths, e.g. /usr/bin/chromium)',
      };
}

/** `.ci/run` sets ROTOR_REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip. */
export const browserRequired = process.env.ROTOR_REQUIRE_BROWSER === '1';

/** The one line printed when the browser tests cannot run, saying what to install. */
export function missingChromiumAdvice(why: string): string {
  return (
    `HTML report browser test ${browserRequired ? 'cannot run (ROTOR_REQUIRE_BROWSER=1)' : 'skipped'}: ${why}; ` +
    `install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary`
  );
}

/** Chromium at `path`, launched with everything that phones home turned off. */
export function launchChromium(path: string): Promise<Browser> {
  return chromium.launch({
    executablePath: path,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
