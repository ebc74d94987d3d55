import { UserError, UserErrorKind } from '@slipway/core';
import { runAgentProcess } from '@slipway/agent';
import { ExitCode } from '../exit-codes.js';

export interface AgentCommandOptions {
  readonly server: string;
  readonly token: string | undefined;
  readonly labels: readonly string[];
  readonly capacity: number;
  readonly workDir: string | undefined;
  readonly name: string | undefined;
  readonly graceMs: number;
  /** How often leases are renewed; the agent's default when undefined. */
  readonly heartbeatMs?: number | undefined;
}

/** Runs an agent that claims tasks from a Slipway server until it is stopped. */
export async function agentCommand(options: AgentCommandOptions): Promise<ExitCode> {
  const token = options.token ?? process.env.SLIPWAY_AGENT_TOKEN ?? process.env.SLIPWAY_TOKEN;
  if (!token) {
    throw new UserError(
      UserErrorKind.Usage,
      'an agent needs a token: pass --token or set SLIPWAY_AGENT_TOKEN',
    );
  }
  await runAgentProcess({
    server: options.server,
    token,
    labels: options.labels,
    capacity: options.capacity,
    workDir: options.workDir,
    name: options.name,
    graceMs: options.graceMs,
    heartbeatMs: options.heartbeatMs,
  });
  return ExitCode.Succeeded;
}
