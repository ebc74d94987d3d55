import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Notes } from '../src/notes.js';

describe('Notes', () => {
  it('gives each note its own id', () => {
    const notes = new Notes();
    const a = notes.add('first');
    const b = notes.add('second');
    assert.notEqual(a.id, b.id);
    assert.deepEqual(
      notes.list().map((n) => n.text),
      ['first', 'second'],
    );
  });

  it('forgets a removed note', () => {
    const notes = new Notes();
    const note = notes.add('temporary');
    assert.equal(notes.remove(note.id), true);
    assert.equal(notes.get(note.id), undefined);
    assert.equal(notes.remove(note.id), false);
  });
});
