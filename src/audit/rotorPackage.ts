import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * rotor's own package directory and version, found by walking up from this module: the same code runs
 * from src/ (tsx, tests) and from dist/src/ (the installed CLI), at different depths.
 */
let found: { dir: string; version: string } | undefined;

export function rotorPackage(): { dir: string; version: string } {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'rotor' && typeof pkg.version === 'string') return (found = { dir, version: pkg.version });
    } catch {
      // No package.json here (or not ours): keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) return (found = { dir: process.cwd(), version: 'unknown' });
    dir = parent;
  }
}
