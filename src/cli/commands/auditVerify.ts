import type { Command } from 'commander';
import { makeAnchorStore } from '../../audit/anchors.js';
import { checkChain, type ChainCheck } from '../../audit/chainEvidence.js';
import { verifyChainFile } from '../../audit/chainFile.js';
import type { VaultStore } from '../../secrets/index.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import { describeChain, withAuditLog, type AuditContext } from './auditContext.js';

/**
 * `rotor audit verify`: the chain in Redis link by link, then against every anchor Vault holds, so a
 * tail rewritten with a consistent new head, or cut with the head moved back, is found too (since the
 * last anchor). `--file` checks an export or archive offline.
 */
export function registerVerifyCommand(audit: Command, globals: () => GlobalOptions): void {
  audit
    .command('verify')
    .description('check the audit hash chain and its anchors in Vault; exit 1 naming the first problem')
    .option('--file <file>', 'check an exported (or archived) JSON Lines file offline instead of Redis')
    .option('--no-anchors', 'check the links in Redis only, without reading the anchors from Vault')
    .action(async (opts: { file?: string; anchors: boolean }) => {
      if (opts.file) return verifyFile(opts.file);
      await withAuditLog(
        globals,
        { vault: opts.anchors, vaultFailure: anchorsUnreadable },
        async ({ log, config, redis, store }) => {
          const check = store ? await checkWithAnchors({ log, config, redis, store }) : await checkChain({ log });
          const { verdict, anchors } = check;
          if (!verdict.ok) {
            const also = anchors.problems.length > 0 ? `; ${anchors.problems.join('; ')}` : '';
            throw new CliExit(exitCodes.failure, `audit chain broken: ${verdict.problem.message}${also}`);
          }
          if (anchors.status === 'mismatch' || anchors.status === 'missing') {
            throw new CliExit(exitCodes.failure, `audit chain: ${anchors.problems.join('; ')}`);
          }
          const tail =
            anchors.status === 'ok'
              ? `; matches ${anchors.checked} anchor${anchors.checked === 1 ? '' : 's'} in Vault (latest seq ${anchors.latest?.seq} at ${anchors.latest?.time})`
              : anchors.status === 'none-yet'
                ? '; no anchor in Vault yet'
                : '; anchors not checked (--no-anchors)';
          process.stdout.write(
            `audit chain intact: ${describeChain(verdict.count, verdict.anchor, verdict.head)}${tail}\n`,
          );
        },
      );
    });
}

const anchorsUnreadable = (problem: string) =>
  `cannot check the audit anchors: ${problem} (--no-anchors checks the links only)`;

/** The chain and its anchors; anchors that cannot be read fail the check (exit 1), saying how to skip them. */
async function checkWithAnchors(
  ctx: Pick<AuditContext, 'log' | 'config' | 'redis'> & { store: VaultStore },
): Promise<ChainCheck> {
  const { config } = ctx;
  try {
    const anchorStore = makeAnchorStore(ctx.store, config.vault.mount, config.vault.statePrefix);
    const anchors = {
      store: anchorStore,
      redis: ctx.redis,
      prefix: config.redis.prefix,
      everyMs: config.audit.anchorEvery,
    };
    return await checkChain({ log: ctx.log, anchors });
  } catch (err) {
    if (err instanceof CliExit) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new CliExit(exitCodes.failure, anchorsUnreadable(why));
  }
}

async function verifyFile(file: string): Promise<void> {
  let result: Awaited<ReturnType<typeof verifyChainFile>>;
  try {
    result = await verifyChainFile(file);
  } catch (err) {
    throw new CliExit(exitCodes.usage, `${file}: ${(err as Error).message}`);
  }
  const { verdict, anchor, hasEnd } = result;
  if (!verdict.ok) throw new CliExit(exitCodes.failure, `${file}: audit chain broken: ${verdict.problem.message}`);
  const note = hasEnd
    ? ''
    : ' (an archive has no end line: compare its head with the one `rotor audit verify` prints to see a cut end)';
  process.stdout.write(`${file}: audit chain intact: ${describeChain(verdict.count, anchor, verdict.head)}${note}\n`);
}
