import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/runCli.js';

/** The parts of a Compose service these tests look at; the schema test checks the whole file. */
export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string> | string[];
  volumes?: (string | { source?: string; target?: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

export const composePath = join(repoRoot, 'docker-compose.yml');

/** docker-compose.yml as Compose reads it: YAML 1.1 merge keys (`<<: *anchor`) resolved. */
export function readCompose(): ComposeFile {
  return parse(readFileSync(composePath, 'utf8'), { merge: true }) as ComposeFile;
}

export function readRepoFile(name: string): string {
  return readFileSync(join(repoRoot, name), 'utf8');
}

/** A command as one string, for searching (`npm ci` inside `sh -c '...'` counts too). */
export function commandText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}
