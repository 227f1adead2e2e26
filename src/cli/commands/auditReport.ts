import type { KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { startAuditAnchoring } from '../../audit/anchoring.js';
import { chainEvidence, checkChain } from '../../audit/chainEvidence.js';
import { loadControlMapping } from '../../audit/controlMapping.js';
import { isReportFormat, renderReport, reportFormats } from '../../audit/renderReport.js';
import { makeReportProvider, readLastRotations } from '../../audit/reportProvider.js';
import { reportDigest } from '../../audit/reportDigest.js';
import { parseReportRange } from '../../audit/reportRange.js';
import { signReport } from '../../audit/reportSignature.js';
import { loadSigningKey, SigningKeyError, type SigningKeySource } from '../../audit/signingKey.js';
import type { SecretStore } from '../../types/secretStore.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import { printConfigProblems, withAuditLog } from './auditContext.js';

interface ReportOptions {
  since?: string;
  until?: string;
  format: string;
  out?: string;
  vault: boolean;
  target?: string;
  sign?: boolean;
}

/** `rotor audit report`: the compliance report as JSON, CSV or HTML, for every target or one. */
export function registerReportCommand(audit: Command, globals: () => GlobalOptions): void {
  audit
    .command('report')
    .description('compliance report: exceptions, age distributions, per-target status, evidence and control mapping')
    .option(
      '--since <when>',
      'period start: ISO date or time, or a duration before now (default: 30 days before --until)',
    )
    .option('--until <when>', 'period end: ISO date or time, or a duration before now (default: now)')
    .option('--format <format>', `${reportFormats.join(' | ')}`, 'json')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--target <id>', 'one target only, with its whole history in the period')
    .option('--sign', 'also write <out>.sig: an Ed25519 signature (key from audit.signing) that verify-report checks')
    .option('--no-vault', "take last rotations from the audit log only (no Vault access; ages may lag Vault's)")
    .action(async (opts: ReportOptions) => {
      if (!isReportFormat(opts.format)) {
        throw new CliExit(exitCodes.usage, `--format: expected ${reportFormats.join(', ')}, got "${opts.format}"`);
      }
      const format = opts.format;
      if (opts.sign && !opts.out)
        throw new CliExit(exitCodes.usage, '--sign needs --out: the signature goes next to the file');
      let range: { since: Date; until: Date };
      try {
        range = parseReportRange({ since: opts.since, until: opts.until }, new Date());
      } catch (err) {
        throw new CliExit(exitCodes.usage, (err as Error).message);
      }
      await withAuditLog(
        globals,
        { vault: opts.vault },
        async ({ log, redis, config, logger, configDigest, store }) => {
          if (opts.target !== undefined && !config.targets.some((t) => t.id === opts.target)) {
            throw new CliExit(exitCodes.usage, `--target: no target with id "${opts.target}" in the config`);
          }
          const controls = await printConfigProblems(() => loadControlMapping(config.audit.controls));
          {
            // The key first: a report that cannot be signed is not written at all.
            const key = opts.sign ? await signingKey(config.audit.signing, store) : undefined;
            const anchoring =
              store &&
              startAuditAnchoring({
                log,
                vault: store,
                mount: config.vault.mount,
                statePrefix: config.vault.statePrefix,
                redis,
                prefix: config.redis.prefix,
                logger,
                anchorEvery: config.audit.anchorEvery,
                periodic: false,
              });
            const wanted =
              opts.target === undefined ? config.targets : config.targets.filter((t) => t.id === opts.target);
            const report = await makeReportProvider({
              targets: config.targets,
              policies: config.policies,
              auditLog: log,
              lastRotations: store ? () => readLastRotations(store, wanted) : undefined,
              // With Vault, every report anchors the chain head first, then checks the chain against every anchor.
              chain: async () => chainEvidence(await (anchoring ? anchoring.anchorAndCheck() : checkChain({ log }))),
              controls: async () => controls,
              configDigest,
            })({ ...range, targetId: opts.target });
            const body = renderReport(report, format);
            if (opts.out) {
              await writeFile(opts.out, body);
              const { summary } = report;
              process.stderr.write(`${opts.out}: ${summary.compliant} of ${summary.targets} targets compliant\n`);
              if (key) await writeSignature(opts.out, body, reportDigest(report), key);
            } else process.stdout.write(body);
          }
        },
      );
    });
}

async function signingKey(source: SigningKeySource | undefined, store: SecretStore | undefined): Promise<KeyObject> {
  try {
    return await loadSigningKey(source, store);
  } catch (err) {
    if (err instanceof SigningKeyError) throw new CliExit(exitCodes.usage, err.message);
    throw err;
  }
}

/** `<out>.sig` next to the report; the report digest it covers is the one the HTML shows. */
async function writeSignature(out: string, body: string, digest: string, key: KeyObject): Promise<void> {
  const signature = signReport({ bytes: body, file: basename(out), reportDigest: digest, privateKey: key });
  await writeFile(`${out}.sig`, `${JSON.stringify(signature, null, 2)}\n`);
  process.stderr.write(
    `${out}.sig: signed by key ${signature.keyId} over ${signature.fileDigest} (report ${digest})\n`,
  );
}
