import { isRotorError } from '../errors/index.js';
import type { RotationDeps } from './rotationContext.js';

export interface DryRunReport {
  dryRun: true;
  targetId: string;
  ok: boolean;
  /** What would make a real rotation fail, in words (never a secret). */
  problems: string[];
  /** What was checked and passed. */
  checked: string[];
}

/**
 * A true dry run: authenticate with the current password, generate and validate a password, check
 * that rotor may write the secret and its pending record — and change nothing anywhere.
 */
export async function dryRunTarget(deps: RotationDeps): Promise<DryRunReport> {
  const { target, store, connector } = deps;
  const report: DryRunReport = { dryRun: true, targetId: target.id, ok: false, problems: [], checked: [] };
  const attempt = async (what: string, check: () => Promise<string | undefined>) => {
    try {
      const problem = await check();
      if (problem) report.problems.push(problem);
      else report.checked.push(what);
    } catch (err) {
      report.problems.push(
        `${what}: ${isRotorError(err) ? `${err.code}: ` : ''}${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };

  const secret = await store.readSecret(target.secretPath).catch(() => null);
  const current = secret?.password;
  const issuer = connector.issuer;
  if (issuer) {
    // An issued credential: the key Vault holds signs, and the account has room for a new one.
    const id = secret?.data[issuer.fields.id];
    const value = secret?.data[issuer.fields.secret];
    if (typeof id !== 'string' || id === '' || typeof value !== 'string' || value === '') {
      report.problems.push(
        `the secret at ${target.secretPath} needs "${issuer.fields.id}" and "${issuer.fields.secret}"`,
      );
    } else {
      const self = { id, secret: value };
      await attempt('current key accepted by the target', async () =>
        (await issuer.verify(self)) ? undefined : 'the key stored in Vault is refused by the target',
      );
      await attempt('room for a new key', async () => {
        const keys = await issuer.list(self);
        return keys.length < issuer.limit
          ? undefined
          : `the account already holds ${keys.length} keys, its limit: a rotation would stop until one is deleted`;
      });
    }
  } else if (typeof current !== 'string' || current === '') {
    report.problems.push(`the secret at ${target.secretPath} has no "password" field`);
  } else {
    await attempt('current password accepted by the target', async () => {
      if (!deps.capabilities.canVerify) {
        await connector.authenticate(current);
        return undefined;
      }
      return (await connector.verify(current)) ? undefined : 'the password stored in Vault is refused by the target';
    });
    await attempt('password generated and validated', async () => {
      await deps.makePassword({
        oldPassword: current,
        accountPolicy: await deps.accountPolicy().catch(() => undefined),
        readHistory: (count) => store.passwordHistory(target.secretPath, count),
      });
      return undefined;
    });
  }
  await attempt('Vault write access to the secret and the pending record', async () => {
    // checkAccess covers the pending-record paths under the state prefix too.
    const missing = await store.checkAccess([target.secretPath]);
    if (missing.length === 0) return undefined;
    return `Vault: ${missing.map((m) => `${m.path} lacks ${m.missing.join(', ')} (${m.purpose})`).join('; ')}`;
  });
  report.ok = report.problems.length === 0;
  return report;
}
