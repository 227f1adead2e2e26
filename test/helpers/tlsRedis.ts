import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ownRedis.js';

const exec = promisify(execFile);
/** A CLI call that cannot hang a test (`redis-cli --cluster create` waits for ever for nodes that never meet). */
const run = (cmd: string, args: string[]) => exec(cmd, args, { timeout: 30_000 });

export interface TestPki {
  dir: string;
  /** The CA that signed the server's and the client's certificates. */
  caFile: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed nothing here: trusting it must not let rotor accept the server. */
  otherCaFile: string;
  remove(): Promise<void>;
}

/** A throwaway CA with a server certificate for 127.0.0.1/localhost and a client certificate (openssl CLI). */
export async function makeTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'rotor-pki-'));
  const f = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args);
  const newCa = (name: string) =>
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.crt`),
      '-subj',
      `/CN=rotor test ${name}`,
      '-days',
      '2',
    );
  const signed = async (name: string, cn: string, ext: string) => {
    await openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.csr`),
      '-subj',
      `/CN=${cn}`,
    );
    await writeFile(f(`${name}.ext`), `${ext}\n`);
    await openssl(
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.crt'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f(`${name}.crt`),
      '-days',
      '2',
      '-extfile',
      f(`${name}.ext`),
    );
  };
  await newCa('ca');
  await newCa('other-ca');
  // Cluster nodes present the server certificate as their client certificate on the TLS cluster bus too.
  await signed(
    'server',
    'localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth',
  );
  await signed('client', 'rotor', 'extendedKeyUsage=clientAuth');
  return {
    dir,
    caFile: f('ca.crt'),
    serverCert: f('server.crt'),
    serverKey: f('server.key'),
    clientCert: f('client.crt'),
    clientKey: f('client.key'),
    otherCaFile: f('other-ca.crt'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface TlsRedis {
  port: number;
  /** `rediss://127.0.0.1:<port>`: no plain-text port is open (`--port 0`). */
  url: string;
  username: string;
  password: string;
  stop(): Promise<void>;
}

/**
 * A redis-server of the test's own that speaks TLS only, requires a client certificate signed by the
 * test CA, and lets in only the ACL user `rotor` (the default user is off).
 */
export async function startTlsRedis(pki: TestPki, password: string): Promise<TlsRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--tls-cert-file',
      pki.serverCert,
      '--tls-key-file',
      pki.serverKey,
      '--tls-ca-cert-file',
      pki.caFile,
      '--tls-auth-clients',
      'yes',
      '--save',
      '',
      '--appendonly',
      'no',
      '--user',
      'default',
      'off',
      '--user',
      'rotor',
      'on',
      `>${password}`,
      '~*',
      '&*',
      '+@all',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server with TLS did not start:\n${output}`)), 10_000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
  child.removeAllListeners('exit');
  return {
    port,
    url: `rediss://127.0.0.1:${port}`,
    username: 'rotor',
    password,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface TlsCluster {
  nodes: { host: string; port: number }[];
  url: string;
  stop(): Promise<void>;
}

/**
 * Three TLS-only Redis Cluster masters (the cluster bus over TLS too), same CA, client certificates
 * and ACL user as `startTlsRedis`. Stopped by the pids they wrote, never by name.
 */
export async function startTlsCluster(pki: TestPki, password: string): Promise<TlsCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'rotor-tls-cluster-'));
  const ports: number[] = [];
  while (ports.length < 3) {
    const port = await freePort();
    // The cluster bus listens on port + 10000.
    if (port < 55_000 && !ports.includes(port)) ports.push(port);
  }
  const pidFile = (port: number) => join(dir, `redis-${port}.pid`);
  const tlsArgs = [
    '--tls-cert-file',
    pki.serverCert,
    '--tls-key-file',
    pki.serverKey,
    '--tls-ca-cert-file',
    pki.caFile,
  ];
  const cliTls = ['--tls', '--cacert', pki.caFile, '--cert', pki.clientCert, '--key', pki.clientKey];
  const stop = async () => {
    for (const port of ports) {
      const pid = Number((await readFile(pidFile(port), 'utf8').catch(() => '')).trim());
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      await run('redis-server', [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cluster',
        'yes',
        '--tls-replication',
        'yes',
        ...tlsArgs,
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--pidfile',
        pidFile(port),
        '--logfile',
        join(dir, `redis-${port}.log`),
        '--daemonize',
        'yes',
        '--user',
        'default',
        'off',
        '--user',
        'rotor',
        'on',
        `>${password}`,
        '~*',
        '&*',
        '+@all',
      ]);
    }
    const cli = (port: number, ...args: string[]) =>
      run('redis-cli', [
        ...cliTls,
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '--user',
        'rotor',
        '--pass',
        password,
        ...args,
      ]);
    const until = async (check: () => Promise<boolean>, what: string) => {
      const deadline = Date.now() + 20_000;
      while (!(await check().catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`TLS cluster: ${what} did not happen in time`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until(
      async () => (await Promise.all(ports.map((p) => cli(p, 'PING')))).every((r) => r.stdout.includes('PONG')),
      'nodes answering',
    );
    await run('redis-cli', [
      ...cliTls,
      '--user',
      'rotor',
      '--pass',
      password,
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await until(
      async () =>
        (await Promise.all(ports.map((p) => cli(p, 'CLUSTER', 'INFO')))).every((r) =>
          r.stdout.includes('cluster_state:ok'),
        ),
      'cluster_state:ok',
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), url: `rediss://127.0.0.1:${ports[0]}`, stop };
}
