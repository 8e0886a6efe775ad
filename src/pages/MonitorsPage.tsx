import React, { memo, useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Button, ConfirmModal, Input, InlineSwitch, Stack, useStyles2 } from '@grafana/ui';
import type { MonitorStateAnswer } from '../../backend/api/answers';
import type { Mutation } from '../api/client';
import { useResource } from '../api/context';
import { useMonitorOperation, type MonitorOp } from '../api/operations';
import { resources } from '../api/resources';
import { currentAbilities } from '../api/roles';
import { LoadState } from '../components/common/LoadState';
import { Pager, usePage } from '../components/common/Paged';
import { getTableStyles, getToneStyles } from '../components/common/styles';
import { testIds } from '../components/testIds';
import { toneOf } from '../model/format';

const PER_PAGE = 50;
/** Short cell words: 32 server columns must fit; the word, not only the colour, tells the status. */
const SHORT: Record<string, string> = { normal: 'ok', warning: 'warn', error: 'ERR', suspended: 'susp' };

interface Row {
  name: string;
  /** One per server column (undefined: the monitor does not run there). */
  cells: Array<MonitorStateAnswer | undefined>;
  worst: string;
}

const SEVERITY = ['error', 'warning', 'suspended', 'normal'];

/** Monitor x server matrix; clear, suspend and resume for Editors and up. */
function MonitorsPage() {
  const s = useStyles2(getTableStyles);
  const [params] = useSearchParams();
  const monitors = useResource((api) => resources.monitors(api.client, api.cache));
  const status = useResource((api) => resources.status(api.client, api.cache));
  const run = useMonitorOperation();
  const can = currentAbilities();
  const [onlyProblems, setOnlyProblems] = useState(params.get('problems') === '1');
  const [filter, setFilter] = useState('');
  const [pending, setPending] = useState<{ op: MonitorOp; monitor: string } | null>(null);
  const [outcome, setOutcome] = useState<{ title: string; result: Mutation<unknown, unknown> } | null>(null);

  const servers = useMemo(() => {
    const fromStatus = status.data?.servers.map((x) => x.name) ?? [];
    const extra = [...new Set((monitors.data ?? []).map((m) => m.server))].filter((x) => !fromStatus.includes(x));
    return [...fromStatus, ...extra];
  }, [status.data, monitors.data]);

  const rows = useMemo(() => buildRows(monitors.data ?? [], servers), [monitors.data, servers]);
  const shown = useMemo(
    () => rows.filter((r) => (!onlyProblems || r.worst !== 'normal') && (filter === '' || r.name.includes(filter))),
    [rows, onlyProblems, filter]
  );
  const { page, pages, shown: pageRows, setPage } = usePage(shown, PER_PAGE);
  const onAsk = useCallback((op: MonitorOp, monitor: string) => setPending({ op, monitor }), []);

  const confirm = async () => {
    if (!pending) {
      return;
    }
    const result = await run(pending.op, pending.monitor);
    setPending(null);
    setOutcome({ title: `${pending.op} ${pending.monitor}`, result });
  };

  return (
    <div data-testid={testIds.monitors.page}>
      {outcome && (
        <div data-testid={testIds.monitors.outcome} data-kind={outcome.result.kind}>
          <Alert
            severity={
              outcome.result.kind === 'done' ? 'success' : outcome.result.kind === 'refused' ? 'error' : 'warning'
            }
            title={outcome.title}
            onRemove={() => setOutcome(null)}
          >
            {outcome.result.kind === 'done' ? 'Done.' : `${outcome.result.error.message}.`}
            {outcome.result.kind === 'unknown' && ' The monitors were read again; check them before you try again.'}
          </Alert>
        </div>
      )}
      <LoadState snap={monitors} what="the monitors" isEmpty={(m) => m.length === 0} empty="No monitor is configured.">
        {() => (
          <>
            <div className={s.section}>
              <Stack direction="row" gap={2} alignItems="center">
                <Input
                  width={30}
                  placeholder="Filter by name"
                  aria-label="Filter monitors"
                  value={filter}
                  onChange={(e) => setFilter(e.currentTarget.value)}
                />
                <InlineSwitch
                  label="Only monitors not normal"
                  showLabel
                  value={onlyProblems}
                  onChange={(e) => setOnlyProblems(e.currentTarget.checked)}
                  data-testid={testIds.monitors.onlyProblems}
                />
                <span className={s.muted}>
                  {shown.length} of {rows.length} monitors
                </span>
              </Stack>
            </div>
            {shown.length === 0 ? (
              <p data-testid={testIds.states.empty}>Every monitor is normal on every server.</p>
            ) : (
              <div className={s.scroll}>
                <table className={s.table} data-testid={testIds.monitors.matrix}>
                  <thead>
                    <tr>
                      <th scope="col">Monitor</th>
                      {servers.map((x) => (
                        <th scope="col" key={x}>
                          {x}
                        </th>
                      ))}
                      {can.operate && <th scope="col">Actions</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {pageRows.map((r) => (
                      <MonitorRow key={r.name} row={r} servers={servers} operate={can.operate} onAsk={onAsk} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Pager page={page} pages={pages} setPage={setPage} />
            <Problems rows={pageRows} />
          </>
        )}
      </LoadState>
      {pending && (
        <ConfirmModal
          isOpen
          title={`${pending.op[0].toUpperCase()}${pending.op.slice(1)} monitor ${pending.monitor}?`}
          body={
            <p data-testid={testIds.confirm.impact}>
              {pending.op === 'clear'
                ? `Clears the error or warning of ${pending.monitor} on every server; it goes into error again on the next failed check or fatal event.`
                : pending.op === 'suspend'
                  ? `Suspends ${pending.monitor} on every server: it raises no error and asks for no recovery (no failover) until resumed.`
                  : `Resumes ${pending.monitor} on every server: its errors raise recovery again.`}
            </p>
          }
          confirmText={pending.op}
          confirmVariant={pending.op === 'suspend' ? 'destructive' : 'primary'}
          onConfirm={confirm}
          onDismiss={() => setPending(null)}
        />
      )}
    </div>
  );
}

function buildRows(states: readonly MonitorStateAnswer[], servers: string[]): Row[] {
  const col = new Map(servers.map((x, i) => [x, i]));
  const byName = new Map<string, Row>();
  for (const m of states) {
    let r = byName.get(m.monitor);
    if (!r) {
      r = { name: m.monitor, cells: new Array(servers.length).fill(undefined), worst: 'normal' };
      byName.set(m.monitor, r);
    }
    const i = col.get(m.server);
    if (i !== undefined) {
      r.cells[i] = m;
    }
    if (SEVERITY.indexOf(m.status) < SEVERITY.indexOf(r.worst)) {
      r.worst = m.status;
    }
  }
  return [...byName.values()];
}

/** Equal when every cell is the same object: structural sharing keeps unchanged states identical. */
function sameRow(
  a: { row: Row; servers: string[]; operate: boolean },
  b: { row: Row; servers: string[]; operate: boolean }
) {
  return (
    a.servers === b.servers &&
    a.operate === b.operate &&
    a.row.worst === b.row.worst &&
    a.row.cells.length === b.row.cells.length &&
    a.row.cells.every((c, i) => c === b.row.cells[i])
  );
}

const MonitorRow = memo(function MonitorRow({
  row,
  servers,
  operate,
  onAsk,
}: {
  row: Row;
  servers: string[];
  operate: boolean;
  onAsk: (op: MonitorOp, monitor: string) => void;
}) {
  const tones = useStyles2(getToneStyles);
  const anySuspended = row.cells.some((c) => c?.status === 'suspended');
  return (
    <tr data-testid={testIds.monitors.row(row.name)} data-status={row.worst}>
      <th scope="row">{row.name}</th>
      {row.cells.map((c, i) => (
        <td
          key={servers[i]}
          data-testid={testIds.monitors.cell(row.name, servers[i])}
          data-status={c?.status ?? ''}
          className={c ? tones[toneOf(c.status)] : tones.muted}
        >
          {c ? (SHORT[c.status] ?? c.status) : '·'}
        </td>
      ))}
      {operate && (
        <td>
          <Stack direction="row" gap={1}>
            <Button
              size="sm"
              variant="secondary"
              disabled={row.worst !== 'error' && row.worst !== 'warning'}
              onClick={() => onAsk('clear', row.name)}
              data-testid={testIds.monitors.clear(row.name)}
            >
              Clear
            </Button>
            {anySuspended ? (
              <Button
                size="sm"
                variant="secondary"
                onClick={() => onAsk('resume', row.name)}
                data-testid={testIds.monitors.resume(row.name)}
              >
                Resume
              </Button>
            ) : (
              <Button
                size="sm"
                variant="secondary"
                onClick={() => onAsk('suspend', row.name)}
                data-testid={testIds.monitors.suspend(row.name)}
              >
                Suspend
              </Button>
            )}
          </Stack>
        </td>
      )}
    </tr>
  );
}, sameRow);

/** Why the monitors on this page are not normal (one list, not a tooltip per cell). */
function Problems({ rows }: { rows: readonly Row[] }) {
  const s = useStyles2(getTableStyles);
  const problems = rows.flatMap((r) =>
    r.cells.filter((c): c is MonitorStateAnswer => c !== undefined && c.status !== 'normal')
  );
  if (problems.length === 0) {
    return null;
  }
  return (
    <section className={s.section}>
      <h4>Not normal on this page</h4>
      <ul className={s.list}>
        {problems.slice(0, 100).map((c) => (
          <li key={`${c.monitor}/${c.server}`}>
            {c.monitor} on {c.server}: {c.status} — {c.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default MonitorsPage;
