import { DatePicker } from 'antd';
import dayjs from 'dayjs';
import { todayIso } from '../format';

/**
 * A rectification deadline, picked from a calendar rather than typed: `YYYY-MM-DD` in and out,
 * no day before today. The rule's default (15 days for a general hazard, 30 for a major one)
 * comes in as the value of a proposal.
 */
export function DeadlinePicker({
  value,
  onChange,
  disabled,
  status,
  testId,
}: {
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  status?: 'error';
  testId?: string;
}) {
  const parsed = dayjs(value, 'YYYY-MM-DD', true);
  return (
    <span data-testid={testId} data-value={value}>
      <DatePicker
        value={parsed.isValid() ? parsed : null}
        format="YYYY-MM-DD"
        allowClear={false}
        disabled={disabled}
        status={status}
        inputReadOnly
        disabledDate={(d) => d.isBefore(dayjs(todayIso()), 'day')}
        onChange={(d) => d && onChange(d.format('YYYY-MM-DD'))}
        style={{ width: 150 }}
      />
    </span>
  );
}
