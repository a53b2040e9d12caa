import { Spin } from 'antd';
import type { ReactNode } from 'react';
import type { Load } from '../hooks';
import { ErrorAlert } from './ErrorAlert';
import { ScreenHeader } from './ScreenHeader';

/**
 * The frame of a record screen: a spinner until the record arrives, the error with a retry if it
 * cannot be read, otherwise the record. `data-state` lets the end-to-end tests wait for it.
 */
export function Loaded<T>({ testId, id, load, children }: { testId: string; id: string; load: Load<T>; children: (data: T) => ReactNode }) {
  return (
    <div data-testid={testId} data-id={id} data-state={load.loading ? 'loading' : 'ready'}>
      {load.loading && !load.data ? (
        <Spin style={{ display: 'block', marginTop: 48 }} />
      ) : load.error ? (
        <>
          <ScreenHeader title="" />
          <ErrorAlert error={load.error} onRetry={load.reload} />
        </>
      ) : load.data ? (
        children(load.data)
      ) : null}
    </div>
  );
}
