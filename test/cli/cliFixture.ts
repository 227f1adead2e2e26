import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/runCli.js';

/** A scratch directory for config files and certificates, removed by `remove`. */
export async function scratchDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'rotor-cli-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a config document (JSON is YAML) and returns its path. */
export async function writeConfig(dir: string, name: string, document: unknown): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, JSON.stringify(document, null, 2));
  return file;
}

/** A self-signed certificate for 127.0.0.1 (its own CA), made with openssl. */
export async function selfSignedCert(dir: string): Promise<{ key: string; cert: string; certFile: string }> {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  // prettier-ignore
  const args = [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1',
  ];
  execFileSync('openssl', args, { stdio: 'ignore' });
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), certFile };
}

/** A loopback port nothing listens on (bound, then released), so connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface TimedResult extends CliResult {
  ms: number;
}

/** Runs the real CLI and measures how long the process lived. */
export async function timedCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<TimedResult> {
  const started = Date.now();
  const result = await runCli(args, env, timeoutMs);
  return { ...result, ms: Date.now() - started };
}

/** The non-empty lines of a stream's output. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((l) => l.trim().length > 0);
}
