import React from 'react';
import { useStyles2 } from '@grafana/ui';
import { useResource } from '../api/context';
import { resources } from '../api/resources';
import { ClusterHeader } from '../components/cluster/ClusterHeader';
import { DashboardLinks } from '../components/cluster/DashboardLinks';
import { GroupsTable } from '../components/cluster/GroupsTable';
import { MonitorsSummary } from '../components/cluster/MonitorsSummary';
import { ServersTable } from '../components/cluster/ServersTable';
import { LoadState } from '../components/common/LoadState';
import { getTableStyles } from '../components/common/styles';
import { testIds } from '../components/testIds';

/** The cluster at a glance: servers and their paths, groups, monitors, from one status. */
function OverviewPage() {
  const s = useStyles2(getTableStyles);
  const status = useResource((api) => resources.status(api.client, api.cache));
  return (
    <div data-testid={testIds.overview.page}>
      <LoadState snap={status} what="the cluster status">
        {(st) => (
          <>
            <ClusterHeader status={st} />
            <section className={s.section} aria-labelledby="lifeline-servers">
              <h3 id="lifeline-servers">Servers</h3>
              <ServersTable status={st} />
            </section>
            <section className={s.section} aria-labelledby="lifeline-groups">
              <h3 id="lifeline-groups">Failover groups</h3>
              {st.groups.length === 0 ? (
                <p data-testid={testIds.states.empty}>No failover group is configured.</p>
              ) : (
                <GroupsTable groups={st.groups} />
              )}
            </section>
            <section className={s.section} aria-labelledby="lifeline-monitors">
              <h3 id="lifeline-monitors">Monitors</h3>
              <MonitorsSummary monitors={st.monitors} />
            </section>
            <section className={s.section} aria-labelledby="lifeline-dashboards">
              <h3 id="lifeline-dashboards">Dashboards</h3>
              <DashboardLinks />
            </section>
          </>
        )}
      </LoadState>
    </div>
  );
}

export default OverviewPage;
