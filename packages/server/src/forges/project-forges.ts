import {
  UserError,
  UserErrorKind,
  type ControlStore,
  type ForgeClient,
  type MergeMethod,
  type ProjectForge,
} from '@slipway/core';
import type { SecretBox } from '../secrets/secret-box.js';
import {
  createForgeClient,
  DEFAULT_API_URLS,
  MERGE_METHODS,
  REPORTING_FORGES,
  type ReportingForge,
} from './create-forge-client.js';
import type { ForgeHttpOptions } from './forge-http.js';
import { checkForgeApiUrl } from './outbound-url.js';

/** The name the API token is sealed under (it binds the ciphertext to its use). */
const SEALED_AS = 'forge-token';

/** What a project's forge settings say, without the token. */
export interface ForgeSettingsView {
  readonly forge: ReportingForge;
  readonly apiUrl: string;
  readonly repository: string;
  /** Forge login → Slipway user name, for pull request commands. */
  readonly users: Readonly<Record<string, string>>;
  /** How ready pull requests merge; null when auto-merge is off. */
  readonly autoMerge: MergeMethod | null;
  readonly updatedAt: number;
}

/** A project's forge client and where it reaches. */
export interface ProjectForgeClient {
  readonly forge: ReportingForge;
  readonly client: ForgeClient;
  /** Forge login → Slipway user name. */
  readonly users: Readonly<Record<string, string>>;
}

/** Options of {@link ProjectForges}. */
export interface ProjectForgesOptions {
  readonly allowPrivateUrls: boolean;
  readonly http: ForgeHttpOptions;
  readonly now: () => number;
}

/**
 * A project's forge API settings: the forge is the project's webhook forge; the API URL
 * (the hosted forge's by default), the repository, and the API token sealed with the
 * server's secret box, bound to the project. Builds the forge client runs report through.
 */
export class ProjectForges {
  constructor(
    private readonly store: ControlStore,
    private readonly box: SecretBox,
    private readonly options: ProjectForgesOptions,
  ) {}

  /** Stores a project's forge settings, replacing what it had. */
  async put(
    projectId: string,
    settings: {
      readonly apiUrl?: string | undefined;
      readonly repository: string;
      readonly token: string;
      readonly users?: Readonly<Record<string, string>> | undefined;
    },
  ): Promise<ForgeSettingsView> {
    const forge = await this.forgeOf(projectId);
    if (forge === null) {
      throw new UserError(
        UserErrorKind.Usage,
        'the project has no GitHub, GitLab or Gitea webhook: set one first with `slipway project webhook PROJECT --forge FORGE`',
      );
    }
    const apiUrl = checkForgeApiUrl(
      settings.apiUrl ?? DEFAULT_API_URLS[forge],
      this.options.allowPrivateUrls,
    );
    // Setting the forge again keeps the auto-merge setting.
    const before = await this.store.findProjectForge(projectId);
    const record: ProjectForge = {
      projectId,
      apiUrl,
      repository: settings.repository,
      sealedToken: this.box.seal(settings.token, projectId, SEALED_AS),
      users: { ...(settings.users ?? {}) },
      autoMerge: before?.autoMerge ?? null,
      updatedAt: this.options.now(),
    };
    await this.store.putProjectForge(record);
    return {
      forge,
      apiUrl,
      repository: record.repository,
      users: record.users,
      autoMerge: record.autoMerge,
      updatedAt: record.updatedAt,
    };
  }

  /**
   * Turns auto-merge on with `method` (the current one, else `merge`, when absent) or
   * off; answers the method now in force (null: off). The project needs forge settings,
   * and the forge must take the method.
   */
  async setAutoMerge(
    projectId: string,
    projectName: string,
    enabled: boolean,
    method: MergeMethod | undefined,
  ): Promise<MergeMethod | null> {
    const [forge, stored] = await Promise.all([
      this.forgeOf(projectId),
      this.store.findProjectForge(projectId),
    ]);
    if (forge === null || stored === null) {
      throw new UserError(
        UserErrorKind.Usage,
        `project "${projectName}" reports to no forge, so it cannot merge: set it first with \`slipway project forge ${projectName} --repository OWNER/NAME --token-stdin\``,
      );
    }
    const chosen = enabled ? (method ?? stored.autoMerge ?? 'merge') : null;
    if (chosen !== null && !MERGE_METHODS[forge].includes(chosen)) {
      throw new UserError(
        UserErrorKind.Usage,
        `${forge} cannot merge by ${chosen} through its API: choose ${MERGE_METHODS[forge].join(' or ')}`,
      );
    }
    await this.store.putProjectForge({
      ...stored,
      autoMerge: chosen,
      updatedAt: this.options.now(),
    });
    return chosen;
  }

  /** A project's settings without the token; null when it has none (or no forge webhook). */
  async view(projectId: string): Promise<ForgeSettingsView | null> {
    const [forge, stored] = await Promise.all([
      this.forgeOf(projectId),
      this.store.findProjectForge(projectId),
    ]);
    if (forge === null || stored === null) return null;
    return {
      forge,
      apiUrl: stored.apiUrl,
      repository: stored.repository,
      users: stored.users,
      autoMerge: stored.autoMerge,
      updatedAt: stored.updatedAt,
    };
  }

  /**
   * The forge client of a project; null when it has no forge settings. Throws a
   * `UserError` when the token cannot be opened (another server key) or the URL is no
   * longer allowed.
   */
  async clientFor(projectId: string): Promise<ProjectForgeClient | null> {
    const [forge, stored] = await Promise.all([
      this.forgeOf(projectId),
      this.store.findProjectForge(projectId),
    ]);
    if (forge === null || stored === null) return null;
    const target = {
      apiUrl: checkForgeApiUrl(stored.apiUrl, this.options.allowPrivateUrls),
      repository: stored.repository,
      token: this.box.open(stored.sealedToken, projectId, SEALED_AS),
    };
    return {
      forge,
      client: createForgeClient(forge, target, this.options.http),
      users: stored.users,
    };
  }

  private async forgeOf(projectId: string): Promise<ReportingForge | null> {
    const webhook = await this.store.findProjectWebhook(projectId);
    const forge = webhook?.forge;
    return REPORTING_FORGES.find((known) => known === forge) ?? null;
  }
}
