import { SearchOutlined } from '@ant-design/icons';
import { Input } from 'antd';
import { useEffect, useRef, useState } from 'react';

/**
 * A search box that reports its text as it is typed, except while a Chinese input method is
 * composing: the pinyin letters typed before a character is chosen ("huagong" for 化工) are
 * not a query, and searching them would flash an empty table on every keystroke.
 */
export function SearchInput({
  value,
  onChange,
  placeholder,
  width,
  testId,
}: {
  value: string;
  onChange: (text: string) => void;
  placeholder: string;
  width: number;
  testId: string;
}) {
  const [text, setText] = useState(value);
  const composing = useRef(false);

  // Follow changes made elsewhere (e.g. the list set to a newly added record's name).
  useEffect(() => {
    if (!composing.current) setText(value);
  }, [value]);

  return (
    <Input
      data-testid={testId}
      autoFocus
      allowClear
      prefix={<SearchOutlined />}
      placeholder={placeholder}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        if (!composing.current) onChange(e.target.value);
      }}
      onCompositionStart={() => {
        composing.current = true;
      }}
      onCompositionEnd={(e) => {
        composing.current = false;
        onChange(e.currentTarget.value);
      }}
      style={{ width }}
    />
  );
}
