// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSavedText, useSearch } from './hooks';

describe('useSavedText', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('saves once after a pause in typing, and at once on blur', async () => {
    const save = vi.fn(() => Promise.resolve());
    const { result } = renderHook(() => useSavedText('', save, 300));
    act(() => result.current.onChange('配'));
    act(() => result.current.onChange('配电箱'));
    expect(save).not.toHaveBeenCalled();
    await act(async () => vi.advanceTimersByTime(300));
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenLastCalledWith('配电箱');
    expect(result.current.state).toBe('saved');

    act(() => result.current.onChange('配电箱门未关'));
    await act(async () => result.current.onBlur());
    expect(save).toHaveBeenCalledTimes(2);
    expect(save).toHaveBeenLastCalledWith('配电箱门未关');
  });

  it('keeps the typed text and the reason when a save fails', async () => {
    const failure = { code: 'database_locked', message: { zh: '数据库正忙', en: 'The database is busy' }, field: null };
    const save = vi.fn(() => Promise.reject(failure));
    const { result } = renderHook(() => useSavedText('', save, 300));
    act(() => result.current.onChange('内部积灰'));
    await act(async () => vi.advanceTimersByTime(300));
    expect(result.current.state).toBe('error');
    expect(result.current.error?.code).toBe('database_locked');
    expect(result.current.value).toBe('内部积灰');
  });

  it('tries a save the machine refused again until it goes through, and not a bad value', async () => {
    const full = { code: 'disk_full', message: { zh: '磁盘空间已满', en: 'The disk is full' }, field: null };
    let fails = 2;
    const save = vi.fn(() => (fails-- > 0 ? Promise.reject(full) : Promise.resolve()));
    const { result } = renderHook(() => useSavedText('', save, 300));
    act(() => result.current.onChange('内部积灰'));
    await act(async () => vi.advanceTimersByTime(300));
    expect(result.current.state).toBe('error');
    expect(result.current.error?.code).toBe('disk_full');
    await act(async () => vi.advanceTimersByTime(1000));
    expect(save).toHaveBeenCalledTimes(2);
    expect(result.current.state).toBe('error');
    await act(async () => vi.advanceTimersByTime(2000));
    expect(save).toHaveBeenCalledTimes(3);
    expect(save).toHaveBeenLastCalledWith('内部积灰');
    expect(result.current.state).toBe('saved');
    await act(async () => vi.advanceTimersByTime(60_000));
    expect(save).toHaveBeenCalledTimes(3);

    const invalid = { code: 'invalid_input', message: { zh: '请填写隐患描述', en: 'Enter the description' }, field: 'description' };
    const refuse = vi.fn(() => Promise.reject(invalid));
    const other = renderHook(() => useSavedText('x', refuse, 300));
    act(() => other.result.current.onChange(''));
    await act(async () => vi.advanceTimersByTime(300));
    await act(async () => vi.advanceTimersByTime(60_000));
    expect(refuse).toHaveBeenCalledTimes(1);
    expect(other.result.current.state).toBe('error');
  });

  it('saves what is pending when the screen is left', () => {
    const save = vi.fn(() => Promise.resolve());
    const { result, unmount } = renderHook(() => useSavedText('', save, 300));
    act(() => result.current.onChange('未填完'));
    unmount();
    expect(save).toHaveBeenCalledWith('未填完');
  });
});

describe('useSearch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('answers the first search at once, waits for typing to pause, and drops a late answer', async () => {
    const answers: Record<string, (r: string[]) => void> = {};
    const fetch = vi.fn((key: string) => new Promise<string[]>((resolve) => (answers[key] = resolve)));
    const { result, rerender } = renderHook(({ key }) => useSearch(key, () => fetch(key), 150), {
      initialProps: { key: '' },
    });
    await act(async () => vi.advanceTimersByTime(0));
    await act(async () => answers[''](['甲', '乙']));
    expect(result.current.state).toBe('ready');
    expect(result.current.results).toEqual(['甲', '乙']);

    rerender({ key: '杭' });
    expect(result.current.state).toBe('loading');
    // The earlier results stay on screen while the next ones load.
    expect(result.current.results).toEqual(['甲', '乙']);
    await act(async () => vi.advanceTimersByTime(150));
    rerender({ key: '杭州' });
    await act(async () => vi.advanceTimersByTime(150));
    await act(async () => answers['杭州'](['杭州某化工']));
    // The answer to 杭, arriving after the one to 杭州, is not shown.
    await act(async () => answers['杭'](['杭州某化工', '杭州某印刷']));
    expect(result.current.state).toBe('ready');
    expect(result.current.results).toEqual(['杭州某化工']);
  });
});
