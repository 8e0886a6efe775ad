import React, { useCallback, useMemo, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Input, useStyles2 } from '@grafana/ui';
import type { StatusGroupAnswer } from '../../backend/api/answers';
import { useResource } from '../api/context';
import { useGroupOperation, type GroupOp } from '../api/operations';
import { resources } from '../api/resources';
import { currentAbilities } from '../api/roles';
import { GroupsTable } from '../components/cluster/GroupsTable';
import { LoadState } from '../components/common/LoadState';
import { getTableStyles } from '../components/common/styles';
import { GroupActions } from '../components/groups/GroupActions';
import { GroupConfirm, type PendingOp } from '../components/groups/GroupConfirm';
import { GroupDetail } from '../components/groups/GroupDetail';
import { OperationOutcome, type OutcomeView } from '../components/groups/OperationOutcome';
import { testIds } from '../components/testIds';

/** Every group, its detail (resources, last operations), and for Editors and up: start, stop, move. */
function GroupsPage() {
  const { name } = useParams();
  const s = useStyles2(getTableStyles);
  const groups = useResource((api) => resources.groups(api.client, api.cache));
  const status = useResource((api) => resources.status(api.client, api.cache));
  const run = useGroupOperation();
  const can = currentAbilities();
  const [filter, setFilter] = useState('');
  const [pending, setPending] = useState<PendingOp | null>(null);
  const [outcome, setOutcome] = useState<OutcomeView | null>(null);

  const onAsk = useCallback((op: GroupOp, group: StatusGroupAnswer) => setPending({ op, group }), []);
  const actions = useMemo(
    () => (can.operate ? (g: StatusGroupAnswer) => <GroupActions group={g} onAsk={onAsk} /> : undefined),
    [can.operate, onAsk]
  );
  const shown = useMemo(
    () =>
      (groups.data ?? []).filter(
        (g) => filter === '' || g.name.includes(filter) || (g.currentServer ?? '').includes(filter)
      ),
    [groups.data, filter]
  );
  const selected = name ? groups.data?.find((g) => g.name === name) : undefined;

  const confirm = async (target: string | undefined) => {
    if (!pending) {
      return;
    }
    const { op, group } = pending;
    const result = await run(op, group.name, target);
    setPending(null);
    setOutcome({ title: `${op} ${group.name}${target ? ` → ${target}` : ''}`, result });
  };

  return (
    <div data-testid={testIds.groups.page}>
      {outcome && <OperationOutcome outcome={outcome} onClose={() => setOutcome(null)} />}
      <LoadState
        snap={groups}
        what="the groups"
        isEmpty={(g) => g.length === 0}
        empty="No failover group is configured."
      >
        {() => (
          <>
            <div className={s.section}>
              <Input
                width={40}
                placeholder="Filter by group or server"
                aria-label="Filter groups"
                value={filter}
                onChange={(e) => setFilter(e.currentTarget.value)}
              />
            </div>
            <GroupsTable groups={shown} actions={actions} selected={name} />
            {selected && <GroupDetail name={selected.name} server={selected.currentServer} fallback={selected} />}
          </>
        )}
      </LoadState>
      {pending && (
        <GroupConfirm
          pending={pending}
          servers={status.data?.servers ?? []}
          resources={groups.data?.find((g) => g.name === pending.group.name)?.resources.map((r) => r.name) ?? []}
          onConfirm={confirm}
          onDismiss={() => setPending(null)}
        />
      )}
    </div>
  );
}

export default GroupsPage;
