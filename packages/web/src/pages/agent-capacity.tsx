import type { AgentCapacity } from '@slipway/api';
import { useSigned } from '../app/api-context.js';
import { useLoad } from '../app/use-load.js';
import { ErrorNote } from '../ui/error-note.js';

/** Time between refreshes of the figures, as the home page's runs. */
const REFRESH_MS = 3000;

function plural(count: number, one: string, many: string): string {
  return `${String(count)} ${count === 1 ? one : many}`;
}

/** Why tasks wait, in plain words; null when nothing needs saying. */
export function capacityNote(capacity: AgentCapacity): string | null {
  if (capacity.queued === 0) return null;
  if (capacity.agents === 0) {
    return 'No agent is connected: queued tasks wait until one is (slipway agent).';
  }
  if (capacity.busy >= capacity.slots) {
    return 'Every slot is busy: queued tasks start as running ones end.';
  }
  return 'Slots are free: queued tasks may wait for an agent with the labels their runs-on names.';
}

/** The figures alone: agents connected, slots, busy slots and queued tasks. */
export function CapacityFigures({ capacity }: { readonly capacity: AgentCapacity }) {
  const free = Math.max(0, capacity.slots - capacity.busy);
  const note = capacityNote(capacity);
  return (
    <>
      <dl className="capacity">
        <div>
          <dt>Agents connected</dt>
          <dd data-figure="agents">{capacity.agents}</dd>
        </div>
        <div>
          <dt>Slots</dt>
          <dd data-figure="slots">{capacity.slots}</dd>
        </div>
        <div>
          <dt>Busy</dt>
          <dd data-figure="busy">
            {capacity.busy}
            <span className="meta"> ({String(free)} free)</span>
          </dd>
        </div>
        <div>
          <dt>Queued tasks</dt>
          <dd data-figure="queued">{capacity.queued}</dd>
        </div>
      </dl>
      {capacity.slots > 0 && (
        <meter
          className="capacity-meter"
          min={0}
          max={capacity.slots}
          value={Math.min(capacity.busy, capacity.slots)}
          aria-label={`${String(capacity.busy)} of ${plural(capacity.slots, 'slot', 'slots')} busy`}
        />
      )}
      {note !== null && <p className="hint">{note}</p>}
    </>
  );
}

/** Agent capacity for the home page, refreshed with its runs. */
export function AgentCapacityPanel() {
  const { client } = useSigned();
  const capacity = useLoad('capacity', (signal) => client.getCapacity({ signal }), {
    pollMs: REFRESH_MS,
  });
  return (
    <section aria-labelledby="capacity-title" className="capacity-panel">
      <h2 id="capacity-title">Agent capacity</h2>
      <ErrorNote error={capacity.error} />
      {capacity.value === undefined ? (
        capacity.error === undefined && <p className="loading">Loading…</p>
      ) : (
        <CapacityFigures capacity={capacity.value} />
      )}
    </section>
  );
}
