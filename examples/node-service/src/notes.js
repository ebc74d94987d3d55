/** An in-memory store of short text notes. */
export class Notes {
  #notes = new Map();
  #nextId = 1;

  list() {
    return [...this.#notes.values()];
  }

  get(id) {
    return this.#notes.get(id);
  }

  add(text) {
    const note = { id: this.#nextId++, text, createdAt: new Date().toISOString() };
    this.#notes.set(note.id, note);
    return note;
  }

  remove(id) {
    return this.#notes.delete(id);
  }
}
