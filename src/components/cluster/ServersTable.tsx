import React, { memo } from 'react';
import { Link } from 'react-router-dom';
import { useStyles2 } from '@grafana/ui';
import type { ClusterStatusAnswer, StatusServerAnswer } from '../../../backend/api/answers';
import { pageUrl, ROUTES } from '../../constants';
import { clock, rtt } from '../../model/format';
import { getTableStyles } from '../common/styles';
import { StateText } from '../common/StateText';
import { testIds } from '../testIds';

type Interconnects = ClusterStatusAnswer['interconnects'];

/**
 * Servers x interconnects: each server's state, each path's state with its round trip,
 * and its BMC (reachable, power). Rows are memoised: with structural sharing, a status
 * change re-renders only the servers that changed.
 */
export function ServersTable({ status }: { status: ClusterStatusAnswer }) {
  const s = useStyles2(getTableStyles);
  return (
    <div className={s.scroll}>
      <table className={s.table} data-testid={testIds.overview.serversTable}>
        <thead>
          <tr>
            <th scope="col">Server</th>
            <th scope="col">State</th>
            <th scope="col">Since</th>
            {status.interconnects.map((ic) => (
              <th scope="col" key={ic.index}>
                {ic.type}
                {ic.index}
              </th>
            ))}
            <th scope="col">BMC</th>
            <th scope="col">Power</th>
            <th scope="col">Config</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {status.servers.map((server) => (
            <ServerRow
              key={server.name}
              server={server}
              interconnects={status.interconnects}
              revision={status.config.revision}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

const ServerRow = memo(function ServerRow({
  server,
  interconnects,
  revision,
}: {
  server: StatusServerAnswer;
  interconnects: Interconnects;
  revision: number;
}) {
  const s = useStyles2(getTableStyles);
  const bmc = server.bmc;
  return (
    <tr data-testid={testIds.overview.serverRow(server.name)} data-state={server.state}>
      <th scope="row">
        <Link to={pageUrl(ROUTES.Servers, encodeURIComponent(server.name))}>{server.name}</Link>
        {server.self && <span className={s.muted}> (answering)</span>}
      </th>
      <td>
        <StateText state={server.state} testId={testIds.overview.serverState(server.name)} />
        {server.degraded && <StateText state="warning"> degraded</StateText>}
      </td>
      <td>{clock(server.since)}</td>
      {interconnects.map((ic) => {
        const p = server.paths.find((x) => x.interconnect === ic.index);
        return (
          <td key={ic.index} data-testid={testIds.overview.pathCell(server.name, ic.index)} data-state={p?.state ?? ''}>
            {p ? (
              <>
                <StateText state={p.state}>{p.state === 'self' ? '—' : p.state}</StateText>
                {p.rttMs !== null && <span className={s.muted}> {rtt(p.rttMs)}</span>}
              </>
            ) : (
              <span className={s.muted}>n/a</span>
            )}
          </td>
        );
      })}
      <td data-testid={testIds.overview.bmcCell(server.name)}>
        {bmc === null ? (
          <span className={s.muted}>none</span>
        ) : bmc.reachable === null ? (
          <span className={s.muted}>{server.self ? 'own' : 'not checked yet'}</span>
        ) : (
          <StateText state={bmc.reachable ? 'up' : 'down'}>{bmc.reachable ? 'reachable' : 'unreachable'}</StateText>
        )}
        {bmc?.lastError && <span className={s.muted}> ({bmc.lastError.message})</span>}
      </td>
      <td>{bmc && !server.self ? <StateText state={bmc.power} /> : <span className={s.muted}>—</span>}</td>
      <td>
        {server.config ? (
          <StateText state={server.config.revision === revision ? 'normal' : 'warning'}>
            rev {server.config.revision}
          </StateText>
        ) : (
          <span className={s.muted}>—</span>
        )}
      </td>
      <td className={s.wrap}>{server.reason ?? ''}</td>
    </tr>
  );
});
