import { useCallback, useEffect, useRef, useState } from 'react';
import { toCommandError } from './api';
import type { CommandError } from './bindings/CommandError';

/** `loading` from the moment the query changes (debounce included) until its own answer is shown. */
export type SearchState = 'loading' | 'ready';

export interface Search<R> {
  results: R[];
  state: SearchState;
  error: CommandError | null;
  /** Whether any answer has arrived yet; before that the table shows a spinner. */
  loadedOnce: boolean;
  reload: () => void;
}

/**
 * Search-as-you-type. `key` identifies the query (a change starts a new search); answers to
 * superseded queries are dropped, so fast typing never shows results for an older text.
 * The state is derived from whether the answer on screen belongs to the current key, so it reads
 * `loading` in the very render in which the query changes, never a stale `ready`.
 * The very first search runs at once so the list appears without the debounce delay.
 */
export function useSearch<R>(key: string, fetch: () => Promise<R[]>, delayMs = 150): Search<R> {
  const [nonce, setNonce] = useState(0);
  const [answer, setAnswer] = useState<{ token: string; results: R[]; error: CommandError | null } | null>(null);
  const token = `${nonce}\u0000${key}`;
  const seq = useRef(0);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const answeredRef = useRef(false);

  useEffect(() => {
    const mine = ++seq.current;
    const timer = setTimeout(
      () => {
        fetchRef.current().then(
          (results) => {
            if (mine !== seq.current) return;
            answeredRef.current = true;
            setAnswer({ token, results, error: null });
          },
          (e: unknown) => {
            if (mine !== seq.current) return;
            answeredRef.current = true;
            setAnswer({ token, results: [], error: toCommandError(e) });
          },
        );
      },
      answeredRef.current ? delayMs : 0,
    );
    return () => clearTimeout(timer);
  }, [token, delayMs]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return {
    // Earlier results stay visible while the next ones load, so the table does not flicker.
    results: answer?.results ?? [],
    state: answer?.token === token ? 'ready' : 'loading',
    error: answer?.error ?? null,
    loadedOnce: answer !== null,
    reload,
  };
}

export interface Load<T> {
  data: T | null;
  error: CommandError | null;
  loading: boolean;
  reload: () => void;
}

/** Loads one record (a detail screen) and reloads whenever `key` changes. */
export function useLoad<T>(key: string, fetch: () => Promise<T>): Load<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;

  useEffect(() => {
    let live = true;
    setLoading(true);
    fetchRef.current().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setData(null);
        setError(toCommandError(e));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [key, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload };
}

export type SaveState = 'idle' | 'saving' | 'saved' | 'error';

/** Failures of the machine, not of the text: saving the same text again can succeed. */
const RETRIED = new Set<string>(['disk_full', 'database_locked', 'database_unavailable', 'write_failed']);
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;

/**
 * A text field saved as it is typed: each change is sent after a short pause, and at once when
 * the field loses focus, so a closed lid or a killed process loses at most the last keystrokes.
 * A failed save keeps the text on screen with the reason, so nothing typed is thrown away.
 * When the failure is not the text's fault (a full disk, a busy or locked database) the save
 * is tried again, 1 s later and then twice as long each time up to 30 s, until it goes
 * through; the field shows it is not saved meanwhile. A newer keystroke replaces what waits.
 */
export function useSavedText(initial: string, save: (value: string) => Promise<unknown>, delayMs = 300) {
  const [value, setValue] = useState(initial);
  const [state, setState] = useState<SaveState>('idle');
  const [error, setError] = useState<CommandError | null>(null);
  const pending = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const saveRef = useRef(save);
  saveRef.current = save;
  const retryDelay = useRef(RETRY_FIRST_MS);

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const v = pending.current;
    if (v === null) return;
    pending.current = null;
    setState('saving');
    saveRef.current(v).then(
      () => {
        retryDelay.current = RETRY_FIRST_MS;
        setState(pending.current === null ? 'saved' : 'saving');
        setError(null);
      },
      (e: unknown) => {
        const err = toCommandError(e);
        setState('error');
        setError(err);
        if (RETRIED.has(err.code) && pending.current === null) {
          pending.current = v;
          timer.current = setTimeout(flush, retryDelay.current);
          retryDelay.current = Math.min(retryDelay.current * 2, RETRY_MAX_MS);
        }
      },
    );
  }, []);

  const onChange = useCallback(
    (v: string) => {
      setValue(v);
      pending.current = v;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, delayMs);
    },
    [flush, delayMs],
  );

  // Leaving the screen saves what is pending.
  useEffect(() => flush, [flush]);

  return { value, onChange, onBlur: flush, state, error };
}
