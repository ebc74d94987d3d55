/*
 * The frames between a NativeProcessSpawner (the parent) and the step spawner
 * (native/step-spawner.c) on the spawner's standard input and output. Every frame is a
 * little-endian u32 length of what follows it, a one-byte type, a u32 id naming the
 * process (chosen by the parent in its spawn request) and a payload.
 *
 * Parent → spawner:
 *   S  spawn: u32 argc, u32 envc, then NUL-terminated strings: the working directory,
 *      argv[argc] (argv[0] is the program) and env[envc] as NAME=value.
 *   P  stop reading the process's output until R (ignored once it has exited).
 *   R  read its output again.
 *   D  close its output pipes: no more output or `c` frames for it.
 *
 * Spawner → parent, per id in this order: `s` (started, i32 pid) or `f` (could not
 * start, i32 errno; the last frame for it); then `o` and `e` (a chunk of standard output
 * or error, as read) until `c` (both pipes closed); `x` (exited: u32 0 and the exit code,
 * or u32 1 and the signal number) comes once, before, among or after the output.
 */

export const SpawnerRequest = {
  Spawn: 0x53,
  Pause: 0x50,
  Resume: 0x52,
  Drop: 0x44,
} as const;
export type SpawnerRequest = (typeof SpawnerRequest)[keyof typeof SpawnerRequest];

export const SpawnerEvent = {
  Started: 0x73,
  Failed: 0x66,
  Stdout: 0x6f,
  Stderr: 0x65,
  Closed: 0x63,
  Exited: 0x78,
} as const;
export type SpawnerEvent = (typeof SpawnerEvent)[keyof typeof SpawnerEvent];

const HEADER_BYTES = 9;

/** One frame from the spawner; `payload` is a view into the bytes it was read from. */
export interface SpawnerFrame {
  readonly type: number;
  readonly id: number;
  readonly payload: Buffer;
}

/** A request without a payload. */
export function encodeRequest(type: SpawnerRequest, id: number): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES);
  frame.writeUInt32LE(HEADER_BYTES - 4, 0);
  frame.writeUInt8(type, 4);
  frame.writeUInt32LE(id, 5);
  return frame;
}

/**
 * A spawn request. Throws when a string holds a NUL byte, which cannot reach a process:
 * callers check for it first and report it in their own terms.
 */
export function encodeSpawn(
  id: number,
  cwd: string,
  argv: readonly string[],
  env: readonly string[],
): Buffer {
  const strings = [cwd, ...argv, ...env];
  const texts = strings.map((text) => {
    if (text.includes('\0')) throw new Error('a spawn request cannot carry a NUL byte');
    return Buffer.from(`${text}\0`, 'utf8');
  });
  const length = texts.reduce((sum, text) => sum + text.byteLength, 0);
  const head = Buffer.allocUnsafe(HEADER_BYTES + 8);
  head.writeUInt32LE(HEADER_BYTES - 4 + 8 + length, 0);
  head.writeUInt8(SpawnerRequest.Spawn, 4);
  head.writeUInt32LE(id, 5);
  head.writeUInt32LE(argv.length, HEADER_BYTES);
  head.writeUInt32LE(env.length, HEADER_BYTES + 4);
  return Buffer.concat([head, ...texts], HEADER_BYTES + 8 + length);
}

/** Splits the spawner's output into frames, however it was chunked. */
export class SpawnerFrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** The frames completed by `chunk`, in order. */
  push(chunk: Buffer): SpawnerFrame[] {
    let bytes = this.pending.byteLength === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: SpawnerFrame[] = [];
    while (bytes.byteLength >= HEADER_BYTES) {
      const length = bytes.readUInt32LE(0);
      if (bytes.byteLength < 4 + length) break;
      frames.push({
        type: bytes.readUInt8(4),
        id: bytes.readUInt32LE(5),
        payload: bytes.subarray(HEADER_BYTES, 4 + length),
      });
      bytes = bytes.subarray(4 + length);
    }
    this.pending = bytes;
    return frames;
  }
}
