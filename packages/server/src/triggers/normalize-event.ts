import { TriggerSource } from '@slipway/core';
import { z } from 'zod';
import { normalizeGeneric } from './normalize-generic.js';
import { normalizeGitea } from './normalize-gitea.js';
import { normalizeGitHub } from './normalize-github.js';
import { normalizeGitLab } from './normalize-gitlab.js';
import type { NormalizeResult } from './normalized-trigger.js';

/**
 * Reads a stored event's payload by its source and kind. A payload without the fields
 * its kind needs is ignored, with the fields named.
 */
export function normalizeEvent(source: string, kind: string, payload: unknown): NormalizeResult {
  try {
    switch (source) {
      case TriggerSource.GitHub:
        return normalizeGitHub(kind, payload);
      case TriggerSource.GitLab:
        return normalizeGitLab(kind, payload);
      case TriggerSource.Gitea:
        return normalizeGitea(kind, payload);
      case TriggerSource.Generic:
        return normalizeGeneric(kind, payload);
      default:
        return { ignored: `events from ${source} are not handled by this server` };
    }
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    const problems = error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`);
    return { ignored: `the ${kind} payload is not as expected (${problems.join('; ')})` };
  }
}
