import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { useResource } from '../api/context';
import { resources } from '../api/resources';
import { LoadState } from '../components/common/LoadState';
import { StateText } from '../components/common/StateText';
import { testIds } from '../components/testIds';
import { dateTime, duration } from '../model/format';
import { buildFailovers, type StageKind } from '../model/timeline';

const LABEL: Record<StageKind, string> = {
  cause: 'Server down',
  trap: 'BMC trap',
  monitor: 'Monitor',
  decision: 'Decision',
  step: 'Step',
  outcome: 'Outcome',
};

/** Every failover and move in the recent cluster log, explained: trap → monitor → decision → steps. */
function FailoversPage() {
  const s = useStyles2(getStyles);
  const snap = useResource((api) => resources.events(api.client, api.cache, { limit: 1000 }));
  const failovers = useMemo(() => buildFailovers(snap.data?.events ?? []), [snap.data]);
  return (
    <div data-testid={testIds.timeline.page}>
      <LoadState
        snap={snap}
        what="the event log"
        isEmpty={() => failovers.length === 0}
        empty="No failover or move in the last 1,000 events."
      >
        {() => (
          <ol className={s.list}>
            {failovers.map((f, i) => (
              <li
                key={f.key}
                className={s.card}
                data-testid={testIds.timeline.failover(i)}
                data-group={f.group}
                data-to={f.to ?? ''}
              >
                <h3>
                  {f.group}: {f.from ?? '—'} → {f.to ?? 'nowhere'}{' '}
                  <StateText state={f.ok ? 'normal' : 'error'}>{f.ok ? 'done' : 'failed'}</StateText>
                </h3>
                <p className={s.muted}>
                  {dateTime(f.start)}, by {f.by}, {duration(f.end - f.start)} from first sign to outcome
                </p>
                <ol className={s.stages}>
                  {f.stages.map((st, j) => (
                    <li key={j} data-testid={testIds.timeline.step(i, j)} data-kind={st.kind}>
                      <span className={s.offset}>+{duration(st.time - f.start)}</span> <strong>{LABEL[st.kind]}</strong>{' '}
                      <span className={s.muted}>({st.origin})</span> {st.text}
                      {st.ok === false && <StateText state="error"> failed</StateText>}
                    </li>
                  ))}
                </ol>
              </li>
            ))}
          </ol>
        )}
      </LoadState>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ listStyle: 'none', padding: 0 }),
  card: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
    marginBottom: theme.spacing(2),
    background: theme.colors.background.secondary,
  }),
  stages: css({ paddingLeft: theme.spacing(3), li: { marginBottom: theme.spacing(0.5) } }),
  offset: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    color: theme.colors.text.secondary,
    display: 'inline-block',
    minWidth: 72,
  }),
  muted: css({ color: theme.colors.text.secondary }),
});

export default FailoversPage;
