import React, { memo, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  Alert,
  Button,
  Field,
  IconButton,
  InlineSwitch,
  Input,
  RadioButtonGroup,
  Stack,
  useStyles2,
} from '@grafana/ui';
import type { EventsAnswer, StoredEventAnswer } from '../../backend/api/answers';
import { useResource } from '../api/context';
import { resources, type EventFilter } from '../api/resources';
import { LoadState } from '../components/common/LoadState';
import { StateText } from '../components/common/StateText';
import { getTableStyles } from '../components/common/styles';
import { testIds } from '../components/testIds';
import { dateTime } from '../model/format';
import { describeEvent } from '../model/describe';

const PER_PAGE = 50;
const CLASSES = [
  { label: 'All', value: '' },
  { label: 'Fatal', value: 'fatal' },
  { label: 'Recoverable', value: 'recoverable' },
  { label: 'Informational', value: 'informational' },
];

const keyOf = (e: StoredEventAnswer) => `${e.origin ?? e.server}:${e.id}`;

/**
 * The cluster's event log (scope=cluster: every reachable agent's log, each event with its
 * origin), newest first, filtered, in pages; BMC traps in words. Live tail: the newest page
 * follows the stream; paging back or switching it off holds the page still.
 */
function EventsPage() {
  const s = useStyles2(getTableStyles);
  const [params, setParams] = useSearchParams();
  const server = params.get('server') ?? '';
  const type = params.get('type') ?? '';
  const klass = params.get('class') ?? '';
  // Older pages: the `to` (inclusive time) of each, and the keys already shown above it.
  const [pagesBack, setPagesBack] = useState<Array<{ to: number; seen: Set<string> }>>([]);
  const [tail, setTail] = useState(true);
  const [open, setOpen] = useState<string | null>(null);
  const back = pagesBack[pagesBack.length - 1];
  const filter: EventFilter = {
    server: server || undefined,
    type: type || undefined,
    class: klass || undefined,
    limit: PER_PAGE,
    to: back?.to,
  };
  const snap = useResource((api) => resources.events(api.client, api.cache, filter));
  const live = tail && !back;

  // Without the tail, the page holds what it showed (derived state, set while rendering).
  const [held, setHeld] = useState<{ key: string; data: EventsAnswer } | null>(null);
  const key = JSON.stringify(filter);
  if (!live && snap.data && held?.key !== key) {
    setHeld({ key, data: snap.data });
  } else if (live && held) {
    setHeld(null);
  }
  const answer = !live && held?.key === key ? held.data : snap.data;
  const events = useMemo(() => (answer?.events ?? []).filter((e) => !back || !back.seen.has(keyOf(e))), [answer, back]);
  const setParam = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) {
      next.set(k, v);
    } else {
      next.delete(k);
    }
    setParams(next, { replace: true });
    setPagesBack([]);
  };
  const older = () => {
    const oldest = events[events.length - 1];
    if (oldest) {
      setPagesBack([
        ...pagesBack,
        { to: oldest.time, seen: new Set(events.filter((e) => e.time === oldest.time).map(keyOf)) },
      ]);
    }
  };

  return (
    <div data-testid={testIds.events.page}>
      <div className={s.section}>
        <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-end">
          <Field label="Server">
            <Input
              width={20}
              value={server}
              placeholder="any"
              onChange={(e) => setParam('server', e.currentTarget.value.trim())}
              data-testid={testIds.events.filterServer}
            />
          </Field>
          <Field label="Type">
            <Input
              width={20}
              value={type}
              placeholder="trap, group, monitor…"
              onChange={(e) => setParam('type', e.currentTarget.value.trim())}
              data-testid={testIds.events.filterType}
            />
          </Field>
          <Field label="Class">
            <div data-testid={testIds.events.filterClass}>
              <RadioButtonGroup options={CLASSES} value={klass} onChange={(v) => setParam('class', v)} />
            </div>
          </Field>
          <InlineSwitch
            label="Live tail"
            showLabel
            value={tail}
            onChange={(e) => setTail(e.currentTarget.checked)}
            data-testid={testIds.events.liveTail}
          />
        </Stack>
      </div>
      {answer?.unreachable && answer.unreachable.length > 0 && (
        <Alert severity="warning" title="Some servers' logs are missing">
          Not reachable: {answer.unreachable.join(', ')}; their events are not in this list.
        </Alert>
      )}
      <LoadState
        snap={answer ? { ...snap, data: answer } : snap}
        what="the events"
        isEmpty={() => events.length === 0}
        empty="No event matches."
      >
        {() => (
          <div className={s.scroll}>
            <table className={s.table} data-testid={testIds.events.table}>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Origin</th>
                  <th scope="col">Server</th>
                  <th scope="col">Type</th>
                  <th scope="col">Class</th>
                  <th scope="col">What</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <EventRow key={keyOf(e)} event={e} open={open === keyOf(e)} onToggle={setOpen} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </LoadState>
      <Stack direction="row" gap={1}>
        <Button
          variant="secondary"
          size="sm"
          disabled={!back}
          onClick={() => setPagesBack([])}
          data-testid={testIds.events.newest}
        >
          Newest
        </Button>
        <Button variant="secondary" size="sm" disabled={!back} onClick={() => setPagesBack(pagesBack.slice(0, -1))}>
          Newer
        </Button>
        <Button
          variant="secondary"
          size="sm"
          disabled={events.length < PER_PAGE - (back?.seen.size ?? 0)}
          onClick={older}
          data-testid={testIds.events.older}
        >
          Older
        </Button>
      </Stack>
    </div>
  );
}

const EventRow = memo(function EventRow({
  event: e,
  open,
  onToggle,
}: {
  event: StoredEventAnswer;
  open: boolean;
  onToggle: (k: string | null) => void;
}) {
  const s = useStyles2(getTableStyles);
  const words = describeEvent(e);
  const k = keyOf(e);
  return (
    <>
      <tr data-testid={testIds.events.row(e.origin ?? e.server, e.id)} data-type={e.type} data-class={e.class}>
        <td>{dateTime(e.time)}</td>
        <td>{e.origin ?? ''}</td>
        <td>{e.server}</td>
        <td>{e.type}</td>
        <td>
          <StateText state={e.class} />
        </td>
        <td className={s.wrap}>
          {words.details.length > 0 && (
            <IconButton
              name={open ? 'angle-down' : 'angle-right'}
              aria-label={open ? 'Hide details' : 'Show details'}
              aria-expanded={open}
              onClick={() => onToggle(open ? null : k)}
            />
          )}{' '}
          {words.headline}
          {(e.repeats ?? 1) > 1 && <span className={s.muted}> ×{e.repeats}</span>}
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={6}>
            <ul className={s.list}>
              {words.details.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
});

export default EventsPage;
