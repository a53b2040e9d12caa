/** Days the app's calendar runs from the system clock, as the app reports it (0 but in tests). */
let clockShiftDays = 0;

export function setClockShift(days: number): void {
  clockShiftDays = days;
}

/**
 * Today's date as YYYY-MM-DD in China (UTC+8, no daylight saving), `days` on: SafeServe dates its
 * records and documents there, so a laptop set to another zone proposes the same day as the
 * rules in Rust check against.
 */
export function todayIso(days = 0): string {
  return new Date(Date.now() + (8 * 3600 + (clockShiftDays + days) * 86_400) * 1000).toISOString().slice(0, 10);
}


/** "12800.00" → "¥12,800.00". The fee stays a string end to end so no float rounding creeps in. */
export function formatFee(feeYuan: string): string {
  const [whole, frac] = feeYuan.split('.');
  const negative = whole.startsWith('-');
  const digits = negative ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}¥${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** Office area without a trailing ".0" for whole numbers. */
export function formatArea(m2: number): string {
  return Number.isInteger(m2) ? String(m2) : m2.toFixed(1);
}

/** 1234567 → "1.2 MB": sizes of written files. */
export function formatBytes(bytes: number | bigint): string {
  const n = Number(bytes);
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** "2026-11-23T14:05:09+08:00" → "2026-11-23 14:05". */
export function formatTime(rfc3339: string): string {
  return rfc3339.slice(0, 16).replace('T', ' ');
}
