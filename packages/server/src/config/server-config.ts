import { z } from 'zod';

/**
 * The server's configuration. Every key can be given as a flag, as an environment
 * variable `SLIPWAY_<KEY>` (`dataDir` → `SLIPWAY_DATA_DIR`) or in a JSON config file;
 * see {@link loadServerConfig} for which wins.
 */
export const ServerConfigSchema = z.strictObject({
  /** Address to listen on. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Port to listen on; 0 picks a free one. */
  port: z.coerce.number().int().min(0).max(65_535).default(7070),
  /** Folder for the SQLite database, the fetch cache, checkouts and the admin token hash. */
  dataDir: z.string().min(1),
  /** `postgres://…` or `postgresql://…` for PostgreSQL; absent means SQLite in the data folder. */
  database: z.string().min(1).optional(),
  /** How long a claimed attempt's lease lasts without a heartbeat. */
  leaseMs: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  /** Longest a claim waits for work (agents ask for at most this). */
  claimWaitMaxMs: z.coerce.number().int().min(0).max(30_000).default(30_000),
  /** How often a waiting claim looks for work queued by other replicas. */
  claimPollMs: z.coerce.number().int().min(10).max(30_000).default(500),
  /** Time between passes of the scheduler loop (outcomes, lapsed leases, wake-ups). */
  schedulerIntervalMs: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /**
   * How long past its task's `timeout` (counted from the claim) an attempt may run before
   * the server ends it as timed out, when its agent has not.
   */
  taskTimeoutGraceMs: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** At most this many attempts of one run are queued or running at once. */
  runCapacity: z.coerce.number().int().min(1).max(10_000).default(256),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Base64 of the 32-byte key that encrypts project secrets (`SLIPWAY_SECRET_KEY`). When
   * absent, the key is read from `secretKeyFile`. Replicas sharing a database need the same key.
   */
  secretKey: z.string().min(1).optional(),
  /** File holding the secret key, made with mode 0600 on first start; `DATA/secret.key` when absent. */
  secretKeyFile: z.string().min(1).optional(),
  /**
   * Folder of the built web UI, served at `/`; `packages/web/dist` of the Slipway checkout
   * the server runs from when absent.
   */
  webDir: z.string().min(1).optional(),
  /** Bytes of log text one step may store; output beyond it is dropped, with a marker. */
  maxStepLogBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** Largest artifact file an agent may upload, in bytes (1 GiB by default). */
  maxArtifactBytes: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 50)
    .default(1024 * 1024 * 1024),
  /** Days the logs of a finished run are kept; 0 keeps them for ever. */
  logRetentionDays: z.coerce.number().int().min(0).max(100_000).default(30),
  /** Days the artifacts of a finished run are kept; 0 keeps them for ever. */
  artifactRetentionDays: z.coerce.number().int().min(0).max(100_000).default(30),
  /** Time between passes of the cron loop: how late after its time a tick may fire. */
  cronIntervalMs: z.coerce.number().int().min(100).max(60_000).default(15_000),
  /** Time between reads of each project's default-branch pipelines (cron, `on.pipeline`). */
  pipelineRefreshMs: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
  /** A poll finding more new or moved branch and tag heads than this opens the project's breaker. */
  pollBreakerThreshold: z.coerce.number().int().min(1).max(100_000).default(20),
  /**
   * The URL people reach this server at, such as `https://ci.example.com`: commit
   * statuses link to `<publicUrl>/runs/<id>`. When absent, the address the server
   * listens on is used.
   */
  publicUrl: z
    .url({
      protocol: /^https?$/,
      error: 'give an http or https URL such as https://ci.example.com',
    })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  /**
   * Let forge API URLs point at loopback, link-local and private addresses (a forge on
   * the same machine or network). Off by default.
   */
  forgeAllowPrivateUrls: z.union([z.boolean(), z.stringbool()]).default(false),
  /**
   * The only origin Slack answers (`response_url`) and channel messages (incoming
   * webhooks) are posted to. Slack's own by default; tests point it at a local stand-in.
   */
  slackHooksOrigin: z
    .url({
      protocol: /^https?$/,
      error: 'give an http or https origin such as https://hooks.slack.com',
    })
    .transform((url) => new URL(url).origin)
    .default('https://hooks.slack.com'),
});

/** The validated configuration. */
export type ServerConfig = z.infer<typeof ServerConfigSchema>;
/** The configuration as given, before defaults. */
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;

/** The store URL the configuration selects: the one given, or SQLite in the data folder. */
export function databaseUrl(config: Pick<ServerConfig, 'database' | 'dataDir'>): string {
  return config.database ?? `sqlite:${config.dataDir}/slipway.db`;
}
