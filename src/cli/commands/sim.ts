import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { untilSignal } from '../../app/runProcess.js';
import { loadConfig } from '../../config/loadConfig.js';
import { startHuaweiSimulator } from '../../dev/huaweiSimulator.js';
import { seedTargets } from '../../dev/seedTargets.js';
import { startVaultEmulator } from '../../dev/vaultEmulator.js';
import { makeLogger } from '../../observability/logger.js';
import type { GlobalOptions } from '../globals.js';
import { openVault } from '../open.js';
import { withResources } from '../resources.js';

interface SimOptions {
  host: string;
  port: string;
  vault: boolean;
  vaultPort: string;
  seed: boolean;
  tokenFile: string;
  strictDocs?: boolean;
}

export function registerSimCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('sim')
    .description(
      'run the Huawei Cloud simulator and the Vault emulator as servers (for manual tries and docker compose)',
    )
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'simulator port', '9443')
    .option('--no-vault', "don't start the Vault emulator (use a real Vault from the config)")
    .option('--vault-port <port>', 'Vault emulator port', '8200')
    .option('--seed', "create the config's targets in the simulator and store their passwords in Vault")
    .option(
      '--strict-docs',
      "answer only what Huawei's API pages document: no undocumented error codes (default: ROTOR_SIM_STRICT_DOCS)",
    )
    .option(
      '--token-file <file>',
      'where the emulator root token is written (mode 600) when VAULT_TOKEN is unset',
      '.rotor/vault-token',
    )
    .action(async (opts: SimOptions) => {
      const logger = makeLogger();
      await withResources(
        async (resources) => {
          // Without the flag the simulator's own default applies (ROTOR_SIM_STRICT_DOCS).
          const sim = resources.add(
            await startHuaweiSimulator({
              host: opts.host,
              port: Number(opts.port),
              strictDocs: opts.strictDocs ? true : undefined,
            }),
            (s) => s.close(),
          );
          process.stdout.write(`Huawei Cloud simulator: ${sim.url}${sim.strictDocs ? ' (strict docs)' : ''}\n`);
          let emulator: Awaited<ReturnType<typeof startVaultEmulator>> | undefined;
          if (opts.vault) {
            // The token is the operator's own (VAULT_TOKEN) or written to a private file — never printed.
            emulator = resources.add(
              await startVaultEmulator({
                host: opts.host,
                port: Number(opts.vaultPort),
                rootToken: process.env.VAULT_TOKEN,
              }),
              (e) => e.close(),
            );
            if (!process.env.VAULT_TOKEN) {
              await writePrivateFile(opts.tokenFile, `${emulator.rootToken}\n`);
            }
            process.stdout.write(
              `Vault emulator: ${emulator.url} (root token ${process.env.VAULT_TOKEN ? 'from VAULT_TOKEN' : `in ${opts.tokenFile}`})\n`,
            );
          }
          if (opts.seed) {
            const env = emulator
              ? { ...process.env, VAULT_ADDR: emulator.url, VAULT_TOKEN: emulator.rootToken }
              : process.env;
            const config = await loadConfig(globals().configPath, env);
            await withResources(async (seeding) => {
              const store = await openVault(seeding, config, logger);
              await seedTargets(sim, config, async (path, data) => {
                // Never overwrite a secret that is already there: it may hold a real password.
                if (await store.readSecret(path)) logger.warn({ path }, 'secret exists already; left as it is');
                else await store.createSecret(path, data);
              });
            });
            process.stdout.write(`seeded ${config.targets.length} targets\n`);
          }
          await untilSignal(logger, () => resources.close());
        },
        (err) => logger.warn({ err }, 'shutdown: closing failed'),
      );
    });
}

/**
 * Writes `text` to `file` readable by its owner only, whatever was there before. `writeFile`'s mode
 * applies only to a file it creates: an existing 0644 file would keep its mode and hand the token to
 * every local user. So the text goes to a new 0600 file beside it, which then replaces `file` (a
 * symlink at `file` is replaced, not followed).
 */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { mode: 0o600, flag: 'wx' });
    await chmod(temp, 0o600); // the process umask can only take bits away; make the mode exact
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
