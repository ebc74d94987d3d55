import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { PostgresControlStore } from './postgres-control-store.js';

/**
 * A schema of its own (`slipway_test_<random>`) for one test run against a shared
 * PostgreSQL database, so parallel runs do not collide. It is migrated once; each store
 * opened through it starts from empty tables.
 */
export class PostgresTestSchema {
  readonly name = `slipway_test_${randomBytes(6).toString('hex')}`;

  constructor(private readonly url: string) {}

  /** A store over this schema with every table emptied first. */
  async open(): Promise<PostgresControlStore> {
    const store = await this.openKeepingData();
    await sql`truncate table projects, runs, tasks, attempts, log_chunks, leases, secrets, log_steps, tokens, role_bindings, test_reports, test_suites, test_cases, artifacts, trigger_events, trigger_event_payloads, project_webhooks, project_forges, commit_statuses, pull_requests`.execute(
      store.db,
    );
    return store;
  }

  /** A store over this schema as it is. */
  openKeepingData(): Promise<PostgresControlStore> {
    return PostgresControlStore.open(this.url, { schema: this.name });
  }

  /** Drops the schema and everything in it. */
  async drop(): Promise<void> {
    const store = await this.openKeepingData();
    try {
      await sql`drop schema ${sql.id(this.name)} cascade`.execute(store.db);
    } finally {
      await store.close();
    }
  }
}
