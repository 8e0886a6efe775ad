import React from 'react';
import { useStyles2 } from '@grafana/ui';
import { toneOf } from '../../model/format';
import { getToneStyles } from './styles';

/** A state word coloured by its tone (the word itself says it, for colour-blind users and screen readers). */
export function StateText({ state, testId, children }: { state: string; testId?: string; children?: React.ReactNode }) {
  const tones = useStyles2(getToneStyles);
  return (
    <span className={tones[toneOf(state)]} data-testid={testId} data-state={state}>
      {children ?? state}
    </span>
  );
}
