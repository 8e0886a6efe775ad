import React from 'react';
import { InlineSwitch, Stack } from '@grafana/ui';
import type { PathPart } from '../../../backend/config/model';
import { ListField, NumberField, SelectField, SwitchField, TabProblems, TextField, useDraftContext } from './fields';

/** A part that is there or not (ping, witness, watchdog): a switch adds it with its required fields. */
function Optional({
  path,
  label,
  empty,
  children,
}: {
  path: PathPart[];
  label: string;
  empty: object;
  children: React.ReactNode;
}) {
  const { draft, readOnly, value } = useDraftContext();
  const on = value(path) !== undefined;
  return (
    <Stack direction="column" gap={1}>
      <InlineSwitch
        transparent
        label={label}
        showLabel
        value={on}
        disabled={readOnly}
        onChange={(e) => draft.set(path, e.currentTarget.checked ? empty : undefined)}
      />
      {on && (
        <Stack direction="row" gap={2} wrap="wrap">
          {children}
        </Stack>
      )}
    </Stack>
  );
}

/** Split-brain protection: partition resolution, fencing through the peer's BMC, the watchdog. */
export function ProtectionTab() {
  return (
    <Stack direction="column" gap={2}>
      <TabProblems prefixes={[['partition'], ['fencing'], ['watchdog']]} />
      <h4>Network partition</h4>
      <Stack direction="row" gap={2} wrap="wrap">
        <SwitchField path={['partition', 'majority']} label="Majority rule" />
        <SelectField
          path={['partition', 'action']}
          label="The losing side"
          options={['stop-service', 'shutdown', 'reboot', 'none']}
        />
      </Stack>
      <Optional path={['partition', 'ping']} label="Ping targets" empty={{ targets: [] }}>
        <ListField path={['partition', 'ping', 'targets']} label="Targets" width={40} />
        <NumberField path={['partition', 'ping', 'intervalMs']} label="Interval (ms)" placeholder="1000" />
        <NumberField path={['partition', 'ping', 'timeoutMs']} label="Timeout (ms)" placeholder="1000" />
      </Optional>
      <Optional path={['partition', 'witness']} label="HTTP witness" empty={{ url: '' }}>
        <TextField path={['partition', 'witness', 'url']} label="URL" required width={40} />
        <NumberField path={['partition', 'witness', 'timeoutMs']} label="Timeout (ms)" placeholder="3000" />
      </Optional>
      <h4>Fencing</h4>
      <Stack direction="row" gap={2} wrap="wrap">
        <SelectField
          path={['fencing', 'action']}
          label="Action"
          options={['none', 'bmc-power-off', 'bmc-reset', 'bmc-power-cycle']}
        />
        <SelectField
          path={['fencing', 'delay', 'policy']}
          label="Delay policy"
          options={['none', 'fixed', 'priority']}
        />
        <NumberField path={['fencing', 'delay', 'baseMs']} label="Delay unit (ms)" placeholder="5000" />
        <NumberField path={['fencing', 'timeoutMs']} label="Timeout (ms)" placeholder="20000" />
        <NumberField path={['fencing', 'retries']} label="Retries" placeholder="2" />
      </Stack>
      <h4>Watchdog</h4>
      <Optional path={['watchdog']} label="Self-fencing watchdog" empty={{}}>
        <TextField path={['watchdog', 'device']} label="Device" placeholder="/dev/watchdog" width={24} />
        <NumberField path={['watchdog', 'timeoutMs']} label="Timeout (ms)" placeholder="10000" />
      </Optional>
    </Stack>
  );
}
