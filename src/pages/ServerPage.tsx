import React, { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, ConfirmModal, useStyles2 } from '@grafana/ui';
import type { Mutation } from '../api/client';
import { useConfirmDown } from '../api/operations';
import { currentAbilities } from '../api/roles';
import { useResource } from '../api/context';
import { resources } from '../api/resources';
import { DashboardLinks } from '../components/cluster/DashboardLinks';
import { GroupsTable } from '../components/cluster/GroupsTable';
import { LoadState } from '../components/common/LoadState';
import { StateText } from '../components/common/StateText';
import { getTableStyles } from '../components/common/styles';
import { testIds } from '../components/testIds';
import { pageUrl, ROUTES } from '../constants';
import { clock, dateTime, duration, rtt, shortHash } from '../model/format';

/** States of a server that went silent: an admin may confirm it down. */
const SILENT = new Set(['hung-or-partitioned', 'unknown']);

/** One server: its state and why, every path to it, its BMC, the groups it runs and the monitors not normal on it. */
function ServerPage() {
  const { name = '' } = useParams();
  const s = useStyles2(getTableStyles);
  const status = useResource((api) => resources.status(api.client, api.cache));
  const can = currentAbilities();
  const confirmDown = useConfirmDown();
  const [asking, setAsking] = useState(false);
  const [outcome, setOutcome] = useState<Mutation<unknown, unknown> | null>(null);
  return (
    <div data-testid={testIds.server.page}>
      <LoadState snap={status} what="the cluster status">
        {(st) => {
          const server = st.servers.find((x) => x.name === name);
          if (!server) {
            return (
              <Alert severity="warning" title={`No server is named "${name}"`}>
                <Link className={s.link} to={pageUrl(ROUTES.Overview)}>
                  Back to the overview
                </Link>
              </Alert>
            );
          }
          const groups = st.groups.filter((g) => g.currentServer === name || g.holders.includes(name));
          const monitors = st.monitors.flatMap((m) =>
            m.notNormal.filter((n) => n.server === name).map((n) => ({ monitor: m.name, ...n }))
          );
          return (
            <>
              <h2>
                {server.name} <StateText state={server.state} testId={testIds.overview.serverState(server.name)} />
                {server.degraded && <StateText state="warning"> (degraded)</StateText>}
              </h2>
              <p>
                Since {dateTime(server.since)}. {server.reason}
                {server.self && ' This is the agent answering.'}
              </p>
              <p>
                Configuration:{' '}
                {server.config
                  ? `revision ${server.config.revision} (${shortHash(server.config.hash)})`
                  : 'not announced yet'}
              </p>
              <section className={s.section}>
                <h3>Paths</h3>
                <table className={s.table} data-testid={testIds.server.paths}>
                  <thead>
                    <tr>
                      <th scope="col">Interconnect</th>
                      <th scope="col">Address</th>
                      <th scope="col">State</th>
                      <th scope="col">Last heard</th>
                      <th scope="col">Silence</th>
                      <th scope="col">Round trip</th>
                    </tr>
                  </thead>
                  <tbody>
                    {server.paths.map((p) => (
                      <tr key={p.interconnect} data-state={p.state}>
                        <td>
                          {p.type}
                          {p.interconnect}
                        </td>
                        <td className={s.mono}>{p.address}</td>
                        <td>
                          <StateText state={p.state} />
                        </td>
                        <td>{clock(p.lastHeard)}</td>
                        <td>{p.silenceMs === null ? '' : duration(p.silenceMs)}</td>
                        <td>{rtt(p.rttMs)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
              {can.administer && SILENT.has(server.state) && (
                <section className={s.section}>
                  <Button
                    variant="destructive"
                    icon="power"
                    onClick={() => setAsking(true)}
                    data-testid={testIds.server.confirmDown}
                  >
                    Confirm {server.name} is down
                  </Button>
                </section>
              )}
              {outcome && (
                <div data-testid={testIds.server.confirmDownOutcome} data-kind={outcome.kind}>
                  <Alert
                    severity={outcome.kind === 'done' ? 'success' : outcome.kind === 'refused' ? 'error' : 'warning'}
                    title={outcome.kind === 'done' ? `${server.name} confirmed down` : 'Not confirmed'}
                    onRemove={() => setOutcome(null)}
                  >
                    {outcome.kind === 'done'
                      ? 'Its groups may now start on other servers.'
                      : `${outcome.error.message}${outcome.kind === 'unknown' ? '. The status was read again: check it before you try again.' : ''}`}
                  </Alert>
                </div>
              )}
              {asking && (
                <ConfirmModal
                  isOpen
                  title={`Confirm that ${server.name} is down?`}
                  body={
                    <p data-testid={testIds.confirm.impact}>
                      Only if {server.name} really runs nothing (powered off, unplugged, seen dead): its groups then
                      start on other servers. If it still runs them, they run twice (split brain). It is needed only
                      where neither fencing nor a watchdog can prove it.
                    </p>
                  }
                  confirmText="Confirm down"
                  confirmationText={server.name}
                  onConfirm={async () => {
                    setOutcome(await confirmDown(server.name));
                    setAsking(false);
                  }}
                  onDismiss={() => setAsking(false)}
                />
              )}
              <section className={s.section}>
                <h3>BMC</h3>
                {server.bmc === null ? (
                  <p>No BMC is configured for this server.</p>
                ) : server.self ? (
                  <p>An agent does not check its own BMC; the other servers&apos; views show it.</p>
                ) : (
                  <p>
                    {server.bmc.reachable === null
                      ? 'Not checked yet'
                      : server.bmc.reachable
                        ? 'Reachable'
                        : 'Unreachable'}
                    ; power <StateText state={server.bmc.power} />
                    {server.bmc.lastPowerReadAt !== null && ` (read at ${clock(server.bmc.lastPowerReadAt)})`}
                    {server.bmc.lastError &&
                      `; last error (${server.bmc.lastError.source}): ${server.bmc.lastError.message}`}
                  </p>
                )}
              </section>
              <section className={s.section} data-testid={testIds.server.groups}>
                <h3>Groups on {server.name}</h3>
                {groups.length === 0 ? <p>None.</p> : <GroupsTable groups={groups} />}
              </section>
              <section className={s.section}>
                <h3>Monitors not normal on {server.name}</h3>
                {monitors.length === 0 ? (
                  <p>None.</p>
                ) : (
                  <ul className={s.list}>
                    {monitors.map((m) => (
                      <li key={m.monitor}>
                        {m.monitor}: <StateText state={m.status} /> since {clock(m.since)} — {m.reason}
                      </li>
                    ))}
                  </ul>
                )}
                <Link className={s.link} to={`${pageUrl(ROUTES.Events)}?server=${encodeURIComponent(server.name)}`}>
                  Events of {server.name}
                </Link>
              </section>
              <DashboardLinks server={server.name} />
            </>
          );
        }}
      </LoadState>
    </div>
  );
}

export default ServerPage;
