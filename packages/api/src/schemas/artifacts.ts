import { z } from 'zod';
import { ArtifactPath } from './artifact-path.js';
import { Id, Timestamp } from './common.js';

/** A file kept from a task's attempt. */
export const Artifact = z.object({
  taskId: z.string(),
  attemptId: Id,
  path: z.string(),
  size: z.number().int().nonnegative().describe('Bytes.'),
  sha256: z.string().describe('Hex SHA-256 of the content.'),
  createdAt: Timestamp,
});
export type Artifact = z.infer<typeof Artifact>;

export const ArtifactList = z.object({
  artifacts: z
    .array(Artifact)
    .describe(
      "The latest attempt's files of every task (or of the attempt a task kept), by task then path.",
    ),
});
export type ArtifactList = z.infer<typeof ArtifactList>;

export const ArtifactUploadPath = z.object({ attemptId: Id, path: ArtifactPath });

export const ArtifactUploadQuery = z.strictObject({
  agentId: Id.describe('The agent holding the attempt.'),
});

export const UploadedArtifact = z.object({
  path: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string(),
});
export type UploadedArtifact = z.infer<typeof UploadedArtifact>;

export const ArtifactDownloadPath = z.object({
  id: Id,
  task: z.string().min(1).max(500),
  path: ArtifactPath,
});

/** The bytes of a file, as sent and received with `application/octet-stream`. */
export const ArtifactBytes = z.string().describe("The file's bytes.");
