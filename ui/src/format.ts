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
