import React, { useState } from 'react';
import { ConfirmModal, Field, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import { getTableStyles } from '../common/styles';
import type { StatusGroupAnswer, StatusServerAnswer } from '../../../backend/api/answers';
import type { GroupOp } from '../../api/operations';
import { testIds } from '../testIds';
import { impactOf, moveTargets } from './impact';

export interface PendingOp {
  op: GroupOp;
  group: StatusGroupAnswer;
}

/** The confirmation of a group operation: what it will do, and for a move, where to (in startup order). */
export function GroupConfirm({
  pending,
  servers,
  resources,
  onConfirm,
  onDismiss,
}: {
  pending: PendingOp;
  servers: readonly StatusServerAnswer[];
  resources: string[];
  onConfirm: (target: string | undefined) => Promise<void>;
  onDismiss: () => void;
}) {
  const s = useStyles2(getTableStyles);
  const { op, group } = pending;
  const targets =
    op === 'move'
      ? moveTargets(group, servers)
      : op === 'start'
        ? group.startupServers.map((name) => ({
            name,
            state: servers.find((s) => s.name === name)?.state ?? 'unknown',
          }))
        : [];
  const firstUp = targets.find((t) => t.state === 'online')?.name ?? targets[0]?.name;
  const [target, setTarget] = useState<string | undefined>(op === 'move' ? firstUp : undefined);
  const impact = impactOf(op, group, target, resources);
  const verb = op === 'start' ? 'Start' : op === 'stop' ? 'Stop' : 'Move';
  return (
    <ConfirmModal
      isOpen
      title={`${verb} group ${group.name}?`}
      body={
        <div data-testid={testIds.confirm.modal}>
          {targets.length > 0 && (
            <Field label={op === 'move' ? 'Move to' : 'Start on'} description="Startup servers, in startup order">
              <div data-testid={testIds.group.moveTarget}>
                <RadioButtonGroup
                  options={[
                    ...(op === 'start' ? [{ label: 'automatic', value: '' }] : []),
                    ...targets.map((t) => ({ label: `${t.name} (${t.state})`, value: t.name })),
                  ]}
                  value={target ?? ''}
                  onChange={(v) => setTarget(v === '' ? undefined : v)}
                />
              </div>
            </Field>
          )}
          <ul className={s.list} data-testid={testIds.confirm.impact}>
            {impact.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      }
      confirmText={verb}
      confirmVariant={op === 'start' ? 'primary' : 'destructive'}
      disabled={op === 'move' && !target}
      onConfirm={() => onConfirm(target)}
      onDismiss={onDismiss}
    />
  );
}
