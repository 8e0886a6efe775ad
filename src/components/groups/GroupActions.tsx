import React from 'react';
import { Button, Stack } from '@grafana/ui';
import type { StatusGroupAnswer } from '../../../backend/api/answers';
import type { GroupOp } from '../../api/operations';
import { testIds } from '../testIds';

const RUNNING = new Set(['online', 'starting', 'stopping', 'stop-failed', 'unreachable', 'conflict']);

/** Start, stop, move: each opens a confirmation; disabled when the group's state makes it pointless. */
export function GroupActions({
  group: g,
  onAsk,
}: {
  group: StatusGroupAnswer;
  onAsk: (op: GroupOp, g: StatusGroupAnswer) => void;
}) {
  const busy = g.operation !== null;
  return (
    <Stack direction="row" gap={1}>
      <Button
        size="sm"
        variant="secondary"
        data-testid={testIds.group.start(g.name)}
        disabled={busy || RUNNING.has(g.state)}
        onClick={() => onAsk('start', g)}
      >
        Start
      </Button>
      <Button
        size="sm"
        variant="secondary"
        data-testid={testIds.group.stop(g.name)}
        disabled={busy || g.state === 'offline'}
        onClick={() => onAsk('stop', g)}
      >
        Stop
      </Button>
      <Button
        size="sm"
        variant="secondary"
        data-testid={testIds.group.move(g.name)}
        disabled={busy || g.state !== 'online' || g.startupServers.length < 2}
        onClick={() => onAsk('move', g)}
      >
        Move
      </Button>
    </Stack>
  );
}
