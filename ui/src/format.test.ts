import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatArea, formatBytes, formatFee, formatTime, setClockShift, todayIso } from './format';

describe('format', () => {
  afterEach(() => vi.useRealTimers());

  it('dates today in China whatever zone the laptop is set to', () => {
    vi.useFakeTimers();
    // 23:30 UTC on 1 December is 07:30 on 2 December in Hangzhou.
    vi.setSystemTime(new Date('2026-12-01T23:30:00Z'));
    expect(todayIso()).toBe('2026-12-02');
    expect(todayIso(-1)).toBe('2026-12-01');
    expect(todayIso(30)).toBe('2027-01-01');
  });

  it('follows the calendar the app runs on when a test pins it', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-01T23:30:00Z'));
    setClockShift(-9);
    try {
      expect(todayIso()).toBe('2026-11-23');
      expect(todayIso(364)).toBe('2027-11-22');
    } finally {
      setClockShift(0);
    }
  });

  it('groups a fee in yuan without ever turning it into a float', () => {
    expect(formatFee('12800.00')).toBe('¥12,800.00');
    expect(formatFee('1234567.05')).toBe('¥1,234,567.05');
    expect(formatFee('-300.10')).toBe('-¥300.10');
    expect(formatFee('5')).toBe('¥5');
  });

  it('shows areas, sizes and times as people read them', () => {
    expect(formatArea(120)).toBe('120');
    expect(formatArea(85.25)).toBe('85.3');
    expect(formatBytes(900)).toBe('900 B');
    expect(formatBytes(2048n)).toBe('2.0 KB');
    expect(formatBytes(1234567)).toBe('1.2 MB');
    expect(formatTime('2026-11-23T14:05:09+08:00')).toBe('2026-11-23 14:05');
  });
});
