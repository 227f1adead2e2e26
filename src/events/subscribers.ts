import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { got, HTTPError, RequestError } from 'got';
import { Webhook } from 'standardwebhooks';
import type { TargetConfig } from '../config/schema.js';
import type { OutgoingEvent } from './cloudEvent.js';
import type { CommandSubscriberConfig, EventsConfig, WebhookSubscriberConfig } from './schema.js';

/** A consumer of rotor's events. `deliver` resolves when the consumer has it, and throws otherwise. */
export interface Subscriber {
  name: string;
  wants(event: OutgoingEvent, target: TargetConfig | undefined): boolean;
  deliver(event: OutgoingEvent): Promise<void>;
}

/** Reads a KV secret's fields (rotor's VaultStore): where a signing secret may live. */
export type VaultReader = (path: string) => Promise<Record<string, unknown> | undefined>;

/** A delivery failure whose message is safe to keep (no URL, no body, no secret). */
export class DeliveryFailed extends Error {}

function selects(config: WebhookSubscriberConfig | CommandSubscriberConfig) {
  return (event: OutgoingEvent, target: TargetConfig | undefined): boolean => {
    const { ids, kinds, tags } = config.targets;
    if (config.types.length > 0 && !config.types.includes(event.type)) return false;
    if (ids.length > 0 && !ids.includes(event.data.targetId)) return false;
    if (kinds.length > 0 && !kinds.includes(event.data.kind ?? '')) return false;
    if (tags.length > 0 && !(target?.tags ?? []).some((t) => tags.includes(t))) return false;
    return true;
  };
}

/**
 * A Standard Webhooks signed POST of the CloudEvent in structured mode. The key is read once, when
 * first needed, and kept in memory only. `webhook-id` is the CloudEvent id, so it too stays the same
 * on every retry.
 */
export function webhookSubscriber(config: WebhookSubscriberConfig, readVault: VaultReader): Subscriber {
  let signer: Promise<Webhook | undefined> | undefined;
  let ca: Promise<string | undefined> | undefined;
  const loadSigner = async (): Promise<Webhook | undefined> => {
    const s = config.signingSecret;
    if (!s) return undefined;
    let key = s.value;
    if (s.vaultPath !== undefined) {
      const fields = await readVault(s.vaultPath);
      const found = fields?.[s.field];
      if (typeof found !== 'string' || !found.startsWith('whsec_')) {
        throw new DeliveryFailed(
          `events.webhooks "${config.name}": no whsec_ signing secret in field "${s.field}" at ${s.vaultPath}`,
        );
      }
      key = found;
    }
    return new Webhook(key as string);
  };
  return {
    name: config.name,
    wants: selects(config),
    async deliver(event) {
      const webhook = await (signer ??= loadSigner().catch((err: unknown) => {
        signer = undefined; // read again at the next try: Vault may be back or the secret written
        throw err;
      }));
      const certificateAuthority = await (ca ??= config.caFile
        ? readFile(config.caFile, 'utf8')
        : Promise.resolve(undefined));
      const headers: Record<string, string> = { 'content-type': event.contentType };
      if (webhook) {
        const now = new Date();
        headers['webhook-id'] = event.cloudEvent.id;
        headers['webhook-timestamp'] = String(Math.floor(now.getTime() / 1000));
        headers['webhook-signature'] = webhook.sign(event.cloudEvent.id, now, event.body);
      }
      try {
        await got.post(config.url, {
          body: event.body,
          headers,
          timeout: { request: config.timeoutMs },
          retry: { limit: 0 },
          followRedirect: false,
          https: certificateAuthority ? { certificateAuthority } : undefined,
        });
      } catch (err) {
        if (err instanceof HTTPError) throw new DeliveryFailed(`HTTP ${err.response.statusCode}`);
        if (err instanceof RequestError) throw new DeliveryFailed(err.code);
        throw new DeliveryFailed(err instanceof Error ? err.name : 'Error');
      }
    },
  };
}

/**
 * Runs a program (no shell) with the event as JSON on stdin and the target's id, secret path and
 * KV version in its environment: e.g. restart a service or roll a deployment. Exit 0 = delivered.
 */
export function commandSubscriber(config: CommandSubscriberConfig): Subscriber {
  return {
    name: config.name,
    wants: selects(config),
    deliver(event) {
      const [program, ...args] = config.run as [string, ...string[]];
      return new Promise<void>((resolve, reject) => {
        const child = spawn(program, args, {
          stdio: ['pipe', 'ignore', 'ignore'],
          timeout: config.timeoutMs,
          killSignal: 'SIGKILL',
          env: {
            ...process.env,
            ROTOR_EVENT_ID: event.cloudEvent.id,
            ROTOR_EVENT_TYPE: event.cloudEvent.type,
            ROTOR_TARGET_ID: event.data.targetId,
            ROTOR_SECRET_PATH: event.data.secretPath ?? '',
            ROTOR_SECRET_VERSION: event.data.version === undefined ? '' : String(event.data.version),
          },
        });
        child.on('error', (err: NodeJS.ErrnoException) =>
          reject(new DeliveryFailed(`cannot run: ${err.code ?? err.name}`)),
        );
        child.stdin.on('error', () => undefined); // a program that does not read stdin is fine
        child.stdin.end(event.body);
        child.on('exit', (code, signal) => {
          if (code === 0) resolve();
          else
            reject(
              new DeliveryFailed(signal ? `killed by ${signal} (timeout ${config.timeoutMs} ms?)` : `exit ${code}`),
            );
        });
      });
    },
  };
}

export function subscribersOf(events: EventsConfig, readVault: VaultReader): Subscriber[] {
  return [...events.webhooks.map((w) => webhookSubscriber(w, readVault)), ...events.commands.map(commandSubscriber)];
}
