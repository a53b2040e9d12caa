import type { Message } from '../bindings/Message';
import { useI18n } from '../i18n';

/** Messages from the Rust side, each once, in the interface's language. */
export function Messages({ messages, testId }: { messages: Message[]; testId?: string }) {
  const { m } = useI18n();
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {messages.map((msg, i) => (
        <li key={i} data-testid={testId}>
          {m(msg)}
        </li>
      ))}
    </ul>
  );
}
