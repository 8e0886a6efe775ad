import React from 'react';
import { useResource } from '../api/context';
import { resources } from '../api/resources';
import { DashboardLinks } from '../components/cluster/DashboardLinks';
import { ServersTable } from '../components/cluster/ServersTable';
import { LoadState } from '../components/common/LoadState';
import { testIds } from '../components/testIds';

/** Every server with its paths and BMC (the Overview's table, alone); a name opens its detail. */
function ServersPage() {
  const status = useResource((api) => resources.status(api.client, api.cache));
  return (
    <div data-testid={testIds.servers.page}>
      <LoadState snap={status} what="the cluster status">
        {(st) => (
          <>
            <ServersTable status={st} />
            <DashboardLinks />
          </>
        )}
      </LoadState>
    </div>
  );
}

export default ServersPage;
