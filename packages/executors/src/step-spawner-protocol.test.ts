import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpawnerFrameReader } from './step-spawner-protocol.js';

/** A frame as the step spawner writes it. */
function frame(type: number, id: number, payload: Uint8Array): Buffer {
  const head = Buffer.alloc(9);
  head.writeUInt32LE(5 + payload.byteLength, 0);
  head.writeUInt8(type, 4);
  head.writeUInt32LE(id, 5);
  return Buffer.concat([head, payload]);
}

describe('SpawnerFrameReader', () => {
  it('yields every frame once and whole, however the bytes are split', () => {
    const frames = fc.array(
      fc.record({
        type: fc.integer({ min: 0, max: 255 }),
        id: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        payload: fc.uint8Array({ maxLength: 300 }),
      }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(frames, fc.array(fc.integer({ min: 1, max: 64 })), (sent, cuts) => {
        const bytes = Buffer.concat(sent.map((f) => frame(f.type, f.id, f.payload)));
        const reader = new SpawnerFrameReader();
        const received: { type: number; id: number; payload: Uint8Array }[] = [];
        let at = 0;
        for (const cut of [...cuts, bytes.byteLength]) {
          const chunk = bytes.subarray(at, Math.min(bytes.byteLength, at + cut));
          at += chunk.byteLength;
          for (const f of reader.push(Buffer.from(chunk))) {
            received.push({ type: f.type, id: f.id, payload: new Uint8Array(f.payload) });
          }
          if (at >= bytes.byteLength) break;
        }
        expect(received).toEqual(
          sent.map((f) => ({ type: f.type, id: f.id, payload: new Uint8Array(f.payload) })),
        );
      }),
    );
  });
});
