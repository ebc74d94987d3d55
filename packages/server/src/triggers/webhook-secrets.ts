import type { ControlStore, Forge } from '@slipway/core';
import type { SecretBox } from '../secrets/secret-box.js';

/** The name a webhook secret is sealed under (it binds the ciphertext to its use). */
const SEALED_AS = 'webhook';

/** A project's webhook settings as the server uses them. */
export interface WebhookSecret {
  readonly forge: Forge;
  readonly secret: string;
}

/**
 * How long settings read from the store serve deliveries before they are read again:
 * settings replaced through another replica take effect here within this time, settings
 * replaced through this server at once.
 */
export const WEBHOOK_SETTINGS_FRESH_MS = 1000;

/** Settings as last read from the store, with the secret opened. */
interface Known {
  readonly readAt: number;
  readonly settings: WebhookSecret | null;
  readonly sealed: string | null;
}

/**
 * A project's webhook forge and secret, the secret sealed with the server's secret box
 * (AES-256-GCM, bound to the project), so the database never holds it in the clear.
 */
export class WebhookSecrets {
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly store: ControlStore,
    private readonly box: SecretBox,
    private readonly now: () => number,
  ) {}

  /** Stores the forge and secret of a project, replacing what it had; returns the time. */
  async put(projectId: string, forge: Forge, secret: string): Promise<number> {
    const updatedAt = this.now();
    await this.store.putProjectWebhook({
      projectId,
      forge,
      sealedSecret: this.box.seal(secret, projectId, SEALED_AS),
      updatedAt,
    });
    this.known.delete(projectId);
    return updatedAt;
  }

  /**
   * The forge and secret of a project; null when none were set. Throws a `UserError`
   * when the secret was sealed with another server key. Settings are read from the
   * store again once {@link WEBHOOK_SETTINGS_FRESH_MS} have passed (another replica may
   * have replaced them); the secret is decrypted again only when its sealed text changed.
   */
  async open(projectId: string): Promise<WebhookSecret | null> {
    const now = this.now();
    const known = this.known.get(projectId);
    if (known !== undefined && now - known.readAt < WEBHOOK_SETTINGS_FRESH_MS) {
      return known.settings;
    }
    const stored = await this.store.findProjectWebhook(projectId);
    const settings =
      stored === null
        ? null
        : {
            forge: stored.forge,
            secret:
              known?.sealed === stored.sealedSecret && known.settings !== null
                ? known.settings.secret
                : this.box.open(stored.sealedSecret, projectId, SEALED_AS),
          };
    if (this.known.size >= 10_000) this.known.clear();
    this.known.set(projectId, { readAt: now, settings, sealed: stored?.sealedSecret ?? null });
    return settings;
  }
}
