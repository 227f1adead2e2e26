import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
      '--token-file <file>',
      'where the emulator root token is written (mode 600) when VAULT_TOKEN is unset',
      '.rotor/vault-token',
    )
    .action(async (opts: SimOptions) => {
      const logger = makeLogger();
      await withResources(
        async (resources) => {
          const sim = resources.add(await startHuaweiSimulator({ host: opts.host, port: Number(opts.port) }), (s) =>
            s.close(),
          );
          process.stdout.write(`Huawei Cloud simulator: ${sim.url}\n`);
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
              await mkdir(dirname(opts.tokenFile), { recursive: true });
              await writeFile(opts.tokenFile, `${emulator.rootToken}\n`, { mode: 0o600 });
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
