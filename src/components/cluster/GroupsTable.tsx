import React, { memo } from 'react';
import { Link } from 'react-router-dom';
import { useStyles2 } from '@grafana/ui';
import type { StatusGroupAnswer } from '../../../backend/api/answers';
import { pageUrl, ROUTES } from '../../constants';
import { Pager, usePage } from '../common/Paged';
import { getTableStyles } from '../common/styles';
import { StateText } from '../common/StateText';
import { testIds } from '../testIds';

export const GROUPS_PER_PAGE = 50;

/**
 * Groups with their cluster state, current server, startup servers and the operation in
 * progress. `actions` adds the operator's buttons (the Groups page, for Editors and up).
 */
export function GroupsTable<G extends StatusGroupAnswer>({
  groups,
  actions,
  selected,
}: {
  groups: readonly G[];
  actions?: (group: G) => React.ReactNode;
  selected?: string;
}) {
  const s = useStyles2(getTableStyles);
  const { page, pages, shown, setPage } = usePage(groups, GROUPS_PER_PAGE);
  return (
    <>
      <div className={s.scroll}>
        <table className={s.table} data-testid={testIds.overview.groupsTable}>
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">State</th>
              <th scope="col">Current server</th>
              <th scope="col">Startup servers</th>
              <th scope="col">Operation</th>
              {actions && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {shown.map((g) => (
              <GroupRow key={g.name} group={g} actions={actions} selected={selected === g.name} />
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} pages={pages} setPage={setPage} />
    </>
  );
}

function GroupRowImpl<G extends StatusGroupAnswer>({
  group: g,
  actions,
  selected,
}: {
  group: G;
  actions?: (group: G) => React.ReactNode;
  selected: boolean;
}) {
  const s = useStyles2(getTableStyles);
  return (
    <tr
      data-testid={testIds.group.row(g.name)}
      data-state={g.state}
      data-server={g.currentServer ?? ''}
      aria-selected={selected || undefined}
    >
      <th scope="row">
        <Link to={pageUrl(ROUTES.Groups, encodeURIComponent(g.name))}>{g.name}</Link>
      </th>
      <td>
        <StateText state={g.state} testId={testIds.group.state(g.name)} />
      </td>
      <td data-testid={testIds.group.server(g.name)}>{g.currentServer ?? <span className={s.muted}>—</span>}</td>
      <td>{g.startupServers.join(' → ')}</td>
      <td data-testid={testIds.group.operation(g.name)}>{g.operation ?? ''}</td>
      {actions && <td>{actions(g)}</td>}
    </tr>
  );
}

// Generic memo: React.memo loses the type parameter.
const GroupRow = memo(GroupRowImpl) as typeof GroupRowImpl;
