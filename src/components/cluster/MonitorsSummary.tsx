import React, { memo } from 'react';
import { Link } from 'react-router-dom';
import { useStyles2 } from '@grafana/ui';
import type { MonitorSummaryAnswer } from '../../../backend/api/answers';
import { pageUrl, ROUTES } from '../../constants';
import { clock } from '../../model/format';
import { getTableStyles } from '../common/styles';
import { StateText } from '../common/StateText';
import { testIds } from '../testIds';

/** Shown at most on the Overview; the Monitors page has them all. */
const MAX_LISTED = 20;

/** How many monitors are in each status, and where the ones that are not normal are. */
export const MonitorsSummary = memo(function MonitorsSummary({
  monitors,
}: {
  monitors: readonly MonitorSummaryAnswer[];
}) {
  const s = useStyles2(getTableStyles);
  const count = (status: string) => monitors.filter((m) => m.status === status).length;
  const problems = monitors.flatMap((m) => m.notNormal.map((n) => ({ monitor: m.name, ...n })));
  return (
    <div data-testid={testIds.overview.monitorsSummary} data-problems={problems.length}>
      <p>
        {monitors.length} monitor{monitors.length === 1 ? '' : 's'}:{' '}
        <StateText state="error">{count('error')} in error</StateText>,{' '}
        <StateText state="warning">{count('warning')} warning</StateText>,{' '}
        <StateText state="suspended">{count('suspended')} suspended</StateText>,{' '}
        <StateText state="normal">{count('normal')} normal</StateText>.{' '}
        <Link className={s.link} to={pageUrl(ROUTES.Monitors)}>
          All monitors
        </Link>
      </p>
      {problems.length > 0 && (
        <table className={s.table}>
          <thead>
            <tr>
              <th scope="col">Monitor</th>
              <th scope="col">Server</th>
              <th scope="col">Status</th>
              <th scope="col">Since</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {problems.slice(0, MAX_LISTED).map((p) => (
              <tr key={`${p.monitor}/${p.server}`}>
                <td>{p.monitor}</td>
                <td>{p.server}</td>
                <td>
                  <StateText state={p.status} />
                </td>
                <td>{clock(p.since)}</td>
                <td className={s.wrap}>{p.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {problems.length > MAX_LISTED && (
        <p className={s.muted}>
          and {problems.length - MAX_LISTED} more:{' '}
          <Link className={s.link} to={`${pageUrl(ROUTES.Monitors)}?problems=1`}>
            see the Monitors page
          </Link>
        </p>
      )}
    </div>
  );
});
