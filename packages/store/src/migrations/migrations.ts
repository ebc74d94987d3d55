import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { secrets } from './0002-secrets.js';
import { reportsArtifacts } from './0003-reports-artifacts.js';
import { accessMetricsGroups } from './0004-access-metrics-groups.js';
import { approvals } from './0005-approvals.js';
import { triggerEvents } from './0006-trigger-events.js';
import { schedules } from './0008-schedules.js';
import { forgeStatuses } from './0009-forge-statuses.js';
import { chat } from './0010-chat.js';
import { autoMerge } from './0011-auto-merge.js';
import { catalogParams } from './0012-catalog-params.js';
import { agents } from './0014-agents.js';
import { userGroups } from './0015-user-groups.js';
import { pullRequestState } from './0016-pull-request-state.js';
import { pullRequestStateAt } from './0017-pull-request-state-at.js';
import { runPlans } from './0018-run-plans.js';

/** Every migration by name, applied in name order. Add new ones at the end. */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-secrets': secrets,
  '0003-reports-artifacts': reportsArtifacts,
  '0004-access-metrics-groups': accessMetricsGroups,
  '0005-approvals': approvals,
  '0006-trigger-events': triggerEvents,
  '0008-schedules': schedules,
  '0009-forge-statuses': forgeStatuses,
  '0010-chat': chat,
  '0011-auto-merge': autoMerge,
  '0012-catalog-params': catalogParams,
  '0014-agents': agents,
  '0015-user-groups': userGroups,
  '0016-pull-request-state': pullRequestState,
  '0017-pull-request-state-at': pullRequestStateAt,
  '0018-run-plans': runPlans,
};

/** Hands Kysely's migrator the migrations above; nothing is read from disk. */
export const staticMigrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations }),
};
