import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * rotor's version, from its package.json: the nearest one above this file that is rotor's. The CLI runs
 * from src/cli (tsx) and from dist/src/cli (built), at different depths, so the file is looked for.
 */
export function rotorVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'rotor' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json here (or not readable): look further up.
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
