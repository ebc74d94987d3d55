import { useCallback, useEffect, useRef, useState } from 'react';

/** What {@link useLoad} holds: the latest value, or the error of the latest try. */
export interface Loaded<T> {
  readonly value: T | undefined;
  readonly error: unknown;
  /** Loads again now. */
  readonly reload: () => void;
}

/**
 * Loads `load()` when `key` changes, and again every `pollMs` while `poll` says so (the
 * value shown stays until the next one arrives). A load that fails is tried again after
 * `pollMs` too, so a page that polls recovers once the server answers again (a restart).
 * Requests of a former key are aborted.
 */
export function useLoad<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  options: { pollMs?: number; poll?: (value: T) => boolean } = {},
): Loaded<T> {
  const [state, setState] = useState<{ key: string; value: T | undefined; error: unknown }>({
    key,
    value: undefined,
    error: undefined,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  const optionsRef = useRef(options);
  useEffect(() => {
    loadRef.current = load;
    optionsRef.current = options;
  });

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const value = await loadRef.current(controller.signal);
        if (controller.signal.aborted) return;
        setState({ key, value, error: undefined });
        const { pollMs, poll } = optionsRef.current;
        if (pollMs !== undefined && (poll === undefined || poll(value))) {
          timer = setTimeout(() => void run(), pollMs);
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((previous) => ({
          key,
          value: previous.key === key ? previous.value : undefined,
          error,
        }));
        const { pollMs } = optionsRef.current;
        if (pollMs !== undefined) timer = setTimeout(() => void run(), pollMs);
      }
    };
    void run();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key, tick]);

  const reload = useCallback(() => {
    setTick((t) => t + 1);
  }, []);
  const current = state.key === key;
  return {
    value: current ? state.value : undefined,
    error: current ? state.error : undefined,
    reload,
  };
}
