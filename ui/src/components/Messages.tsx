import { Typography } from 'antd';
import type { Message } from '../bindings/Message';

/** Messages from the Rust side, each in Chinese with the English below it. */
export function Messages({ messages, testId }: { messages: Message[]; testId?: string }) {
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {messages.map((msg, i) => (
        <li key={i} data-testid={testId}>
          <div>{msg.zh}</div>
          <Typography.Text type="secondary" lang="en" style={{ fontSize: 12 }}>
            {msg.en}
          </Typography.Text>
        </li>
      ))}
    </ul>
  );
}
