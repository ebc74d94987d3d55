import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envName, loadServerConfig } from './load-server-config.js';
import { databaseUrl } from './server-config.js';

describe('loadServerConfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fills defaults, with the data folder under XDG_DATA_HOME and SQLite in it', async () => {
    const config = await loadServerConfig({ env: { XDG_DATA_HOME: '/data' }, cwd: dir });
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 7070,
      dataDir: '/data/slipway',
      leaseMs: 30_000,
      claimWaitMaxMs: 30_000,
      claimPollMs: 500,
      schedulerIntervalMs: 1_000,
      taskTimeoutGraceMs: 30_000,
      runCapacity: 256,
      logLevel: 'info',
      maxStepLogBytes: 10 * 1024 * 1024,
      maxArtifactBytes: 1024 * 1024 * 1024,
      logRetentionDays: 30,
      artifactRetentionDays: 30,
      cronIntervalMs: 15_000,
      pipelineRefreshMs: 300_000,
      pollBreakerThreshold: 20,
      forgeAllowPrivateUrls: false,
      slackHooksOrigin: 'https://hooks.slack.com',
    });
    expect(databaseUrl(config)).toBe('sqlite:/data/slipway/slipway.db');
  });

  it('reads the public URL and the private forge URL switch from flags and the environment', async () => {
    const config = await loadServerConfig({
      flags: { dataDir: '/d', publicUrl: 'https://ci.example.com/' },
      env: { SLIPWAY_FORGE_ALLOW_PRIVATE_URLS: 'true' },
    });
    expect(config).toMatchObject({
      publicUrl: 'https://ci.example.com',
      forgeAllowPrivateUrls: true,
    });
    await expect(
      loadServerConfig({ flags: { dataDir: '/d', publicUrl: 'ci.example.com' } }),
    ).rejects.toThrow(/publicUrl/);
    expect(
      (
        await loadServerConfig({
          flags: { dataDir: '/d' },
          env: { SLIPWAY_FORGE_ALLOW_PRIVATE_URLS: 'false' },
        })
      ).forgeAllowPrivateUrls,
    ).toBe(false);
  });

  it('takes flags over environment over the config file over defaults', async () => {
    const file = join(dir, 'slipway.json');
    await writeFile(
      file,
      JSON.stringify({ port: 1111, host: '0.0.0.0', dataDir: 'state', leaseMs: 5000 }),
    );
    const config = await loadServerConfig({
      flags: { config: file, port: 3333, host: undefined },
      env: { SLIPWAY_PORT: '2222', SLIPWAY_HOST: '10.0.0.1', SLIPWAY_DATABASE: 'postgres://db/s' },
      cwd: '/elsewhere',
    });
    expect(config).toMatchObject({
      port: 3333,
      host: '10.0.0.1',
      dataDir: join(dir, 'state'),
      leaseMs: 5000,
      database: 'postgres://db/s',
    });
    expect(databaseUrl(config)).toBe('postgres://db/s');
  });

  it('reads the config file named by SLIPWAY_CONFIG and resolves flag paths against cwd', async () => {
    const file = join(dir, 'c.json');
    await writeFile(file, JSON.stringify({ runCapacity: 8 }));
    const config = await loadServerConfig({
      flags: { dataDir: 'here' },
      env: { SLIPWAY_CONFIG: file },
      cwd: dir,
    });
    expect(config).toMatchObject({ runCapacity: 8, dataDir: join(dir, 'here') });
  });

  it('reads the web UI folder as a path, relative to the config file that names it', async () => {
    const file = join(dir, 'c.json');
    await writeFile(file, JSON.stringify({ webDir: 'ui/dist' }));
    expect(
      (await loadServerConfig({ env: { SLIPWAY_CONFIG: file }, cwd: '/elsewhere' })).webDir,
    ).toBe(join(dir, 'ui/dist'));
    expect((await loadServerConfig({ env: { SLIPWAY_WEB_DIR: 'web' }, cwd: dir })).webDir).toBe(
      join(dir, 'web'),
    );
    expect((await loadServerConfig({ env: {}, cwd: dir })).webDir).toBeUndefined();
  });

  it('names each invalid value and where it came from', async () => {
    const file = join(dir, 'c.json');
    await writeFile(file, JSON.stringify({ leaseMs: 5, colour: 'blue' }));
    await expect(
      loadServerConfig({ flags: { config: file }, env: { SLIPWAY_PORT: 'eighty' }, cwd: dir }),
    ).rejects.toThrow(
      /invalid configuration:\n {2}port \(from SLIPWAY_PORT\): expected a number, not "eighty"\n {2}leaseMs \(from .*c\.json\): .*\n {2}unknown setting colour/,
    );
    await writeFile(file, JSON.stringify({ dataDri: 'x' }));
    await expect(loadServerConfig({ flags: { config: file }, cwd: dir })).rejects.toThrow(
      /unknown setting dataDri \(did you mean "dataDir"\?\); the settings are .*dataDir.*leaseMs/,
    );
    await expect(
      loadServerConfig({ flags: { config: join(dir, 'missing.json') }, cwd: dir }),
    ).rejects.toThrow(
      `cannot read the config file ${join(dir, 'missing.json')}: there is no such file; give the path of a JSON file of settings (--config or SLIPWAY_CONFIG)`,
    );
    await expect(loadServerConfig({ flags: { config: dir }, cwd: dir })).rejects.toThrow(
      `cannot read the config file ${dir}: it is a folder`,
    );
    await writeFile(file, '[1]');
    await expect(loadServerConfig({ flags: { config: file }, cwd: dir })).rejects.toThrow(
      /must hold a JSON object/,
    );
  });

  it('names environment variables after the keys', () => {
    expect(envName('dataDir')).toBe('SLIPWAY_DATA_DIR');
    expect(envName('claimWaitMaxMs')).toBe('SLIPWAY_CLAIM_WAIT_MAX_MS');
  });
});
