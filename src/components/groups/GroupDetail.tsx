import React, { useMemo } from 'react';
import { useStyles2 } from '@grafana/ui';
import type { GroupViewAnswer } from '../../../backend/api/answers';
import { useResource } from '../../api/context';
import { resources } from '../../api/resources';
import { clock, dateTime } from '../../model/format';
import { describeEvent } from '../../model/describe';
import { getTableStyles } from '../common/styles';
import { StateText } from '../common/StateText';
import { testIds } from '../testIds';

/**
 * Resources (as the agent of the server running the group reports them: each agent knows
 * only its own) and the last operations with their steps (from the cluster's event log).
 */
export function GroupDetail({
  name,
  server,
  fallback,
}: {
  name: string;
  server: string | null;
  fallback: GroupViewAnswer;
}) {
  const s = useStyles2(getTableStyles);
  const detail = useResource((api) => resources.groupOn(api.client, api.cache, name, server));
  const group = detail.data?.group ?? fallback;
  const answeredBy = detail.data?.from ?? 'the agent asked';
  const ops = useResource((api) => resources.events(api.client, api.cache, { type: 'group-operation', limit: 200 }));
  const mine = useMemo(
    () =>
      (ops.data?.events ?? []).filter((e) => (e.fields as { group?: string } | null)?.group === group.name).slice(0, 5),
    [ops.data, group.name]
  );
  return (
    <section className={s.section} data-testid={testIds.group.detail(group.name)}>
      <h3>{group.name}</h3>
      <p>
        On {answeredBy}: <StateText state={group.local} /> since {clock(group.localSince)}
        {group.localReason ? ` (${group.localReason})` : ''}.
      </p>
      <h4>Resources on {answeredBy}</h4>
      {group.resources.length === 0 ? (
        <p className={s.muted}>None reported by this agent.</p>
      ) : (
        <table className={s.table}>
          <thead>
            <tr>
              <th scope="col">Resource</th>
              <th scope="col">Type</th>
              <th scope="col">State</th>
              <th scope="col">Last action</th>
            </tr>
          </thead>
          <tbody>
            {group.resources.map((r) => (
              <tr key={r.name}>
                <td>{r.name}</td>
                <td>{r.type}</td>
                <td>
                  <StateText state={r.state === 'failed' ? 'error' : r.state}>{r.state}</StateText>
                </td>
                <td>{r.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>Last operations</h4>
      {mine.length === 0 ? (
        <p className={s.muted}>{ops.data ? 'None in the event log.' : 'Reading the event log…'}</p>
      ) : (
        <ul className={s.list}>
          {mine.map((e) => (
            <li key={`${e.origin ?? e.server}:${e.id}`}>
              {dateTime(e.time)} — {e.summary}
              <ul className={s.list}>
                {describeEvent(e).details.map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
