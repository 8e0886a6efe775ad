import React from 'react';
import { Alert, LoadingPlaceholder } from '@grafana/ui';
import type { Snapshot } from '../../api/store';
import { testIds } from '../testIds';

/**
 * Loading, error and empty states around a resource: the first read shows a placeholder, a
 * failed read with nothing to show an error, a failed read with older data the data (the
 * freshness bar marks it stale), an answer with nothing in it `empty`.
 */
export function LoadState<T>({
  snap,
  what,
  isEmpty,
  empty,
  children,
}: {
  snap: Snapshot<T>;
  what: string;
  isEmpty?: (data: T) => boolean;
  empty?: React.ReactNode;
  children: (data: T) => React.ReactNode;
}) {
  if (snap.data === undefined) {
    if (snap.error) {
      return (
        <div data-testid={testIds.states.error}>
          <Alert severity="error" title={`Cannot read ${what}`}>
            {snap.error.message}
          </Alert>
        </div>
      );
    }
    return (
      <div data-testid={testIds.states.loading}>
        <LoadingPlaceholder text={`Loading ${what}…`} />
      </div>
    );
  }
  if (isEmpty?.(snap.data)) {
    return (
      <p data-testid={testIds.states.empty} role="status">
        {empty ?? `No ${what}.`}
      </p>
    );
  }
  return <>{children(snap.data)}</>;
}
