import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { verifyReportSignature } from '../../audit/reportSignature.js';
import { CliExit, exitCodes } from '../exitCodes.js';

/**
 * `rotor audit verify-report <file>`: checks a report against its detached signature, offline (no
 * config, no Redis, no Vault). Exit 0 when valid, 1 naming what does not match, 2 for bad usage.
 */
export function registerVerifyReportCommand(audit: Command): void {
  audit
    .command('verify-report')
    .description('check a report file against its signature (<file>.sig); exit 1 if any byte changed')
    .argument('<file>', 'the report (JSON, CSV or HTML) written with --sign')
    .option('--signature <file>', 'the signature file (default: <file>.sig)')
    .option('--public-key <file>', "the signer's public key (PEM) to require; without it the .sig's own key is trusted")
    .action(async (file: string, opts: { signature?: string; publicKey?: string }) => {
      const sigFile = opts.signature ?? `${file}.sig`;
      const bytes = await readOrUsage(file);
      let signature: unknown;
      try {
        signature = JSON.parse((await readOrUsage(sigFile)).toString('utf8')) as unknown;
      } catch (err) {
        if (err instanceof CliExit) throw err;
        throw new CliExit(exitCodes.failure, `${sigFile}: not a signature file (not JSON)`);
      }
      let pinnedKey: KeyObject | undefined;
      if (opts.publicKey) {
        try {
          pinnedKey = createPublicKey(await readOrUsage(opts.publicKey));
        } catch (err) {
          if (err instanceof CliExit) throw err;
          throw new CliExit(exitCodes.usage, `--public-key ${opts.publicKey}: not a PEM public key`);
        }
      }
      const verdict = verifyReportSignature({ bytes, signature, pinnedKey });
      if (!verdict.ok) throw new CliExit(exitCodes.failure, `${file}: signature check FAILED: ${verdict.problem}`);
      const s = verdict.signature;
      const trust = verdict.pinned
        ? 'the expected key'
        : `key ${s.keyId} (not pinned: pass --public-key to require your key)`;
      process.stdout.write(
        `${file}: signature valid: signed ${s.signedAt} by ${trust}; report digest ${s.reportDigest}\n`,
      );
    });
}

async function readOrUsage(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new CliExit(exitCodes.usage, `cannot read ${file}${typeof code === 'string' ? `: ${code}` : ''}`);
  }
}
