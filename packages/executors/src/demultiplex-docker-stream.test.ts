import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { OutputStream } from '@slipway/core';
import { DockerStreamDemultiplexer } from './demultiplex-docker-stream.js';

function frame(type: number, payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function collect(chunks: readonly Uint8Array[]): Record<OutputStream, string> {
  const parts: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  const demultiplexer = new DockerStreamDemultiplexer((stream, chunk) => {
    parts[stream].push(Buffer.from(chunk));
  });
  for (const chunk of chunks) demultiplexer.push(chunk);
  expect(demultiplexer.atFrameBoundary).toBe(true);
  return {
    stdout: Buffer.concat(parts.stdout).toString('utf8'),
    stderr: Buffer.concat(parts.stderr).toString('utf8'),
  };
}

describe('DockerStreamDemultiplexer', () => {
  const stream = Buffer.concat([
    frame(1, 'hello\n'),
    frame(2, 'warning: ünïcode\n'),
    frame(1, ''),
    frame(0, 'stdin echo'),
    frame(1, 'world\n'),
    frame(3, 'engine error\n'),
  ]);

  it('splits stdout and stderr frames', () => {
    expect(collect([stream])).toEqual({
      stdout: 'hello\nworld\n',
      stderr: 'warning: ünïcode\nengine error\n',
    });
  });

  it('gives the same result when the stream is split at any byte offset', () => {
    const whole = collect([stream]);
    for (let offset = 0; offset <= stream.length; offset++) {
      expect(collect([stream.subarray(0, offset), stream.subarray(offset)])).toEqual(whole);
    }
  });

  it('gives the same result when every byte arrives alone', () => {
    const bytes = Array.from(stream, (byte) => Uint8Array.of(byte));
    expect(collect(bytes)).toEqual(collect([stream]));
  });

  it('gives the same result for any split into chunks', () => {
    const whole = collect([stream]);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 20 }),
        (cuts) => {
          const offsets = [0, ...cuts.sort((a, b) => a - b), stream.length];
          const chunks = offsets.slice(1).map((end, i) => stream.subarray(offsets[i], end));
          expect(collect(chunks)).toEqual(whole);
        },
      ),
    );
  });

  it('reports a frame cut short', () => {
    const demultiplexer = new DockerStreamDemultiplexer(() => undefined);
    demultiplexer.push(stream.subarray(0, 10));
    expect(demultiplexer.atFrameBoundary).toBe(false);
  });

  it('rejects bytes that are not a multiplexed stream', () => {
    const demultiplexer = new DockerStreamDemultiplexer(() => undefined);
    expect(() => {
      demultiplexer.push(Buffer.from('plain text output\n'));
    }).toThrow(/not a multiplexed Docker stream/);
  });
});
