import React, { useState } from 'react';
import { Stack, Tab, TabsBar } from '@grafana/ui';
import { BMCNOTICE } from '../../../backend/config/model';
import { retype } from '../../config/draft';
import { finalAction } from '../../../backend/config/model/monitors';
import { testIds } from '../testIds';
import { ItemPicker } from './ItemPicker';
import { PerServerKeywords } from './PerServerKeywords';
import { ItemActions, ListField, NumberField, SelectField, TabProblems, TextField, useDraftContext } from './fields';

/** The schema's own list: one place says which final actions exist. */
const FINAL_ACTIONS = finalAction.options;

/** Monitor resources, one at a time: common settings, recovery, and per-server keywords. */
export function MonitorsTab() {
  const { draft, value } = useDraftContext();
  const count = ((value(['monitors']) as unknown[] | undefined) ?? []).length;
  const [selected, setSelected] = useState(0);
  const i = Math.min(selected, count - 1);
  return (
    <Stack direction="column" gap={2}>
      <TabProblems prefixes={[['monitors']]} />
      <Stack direction="row" gap={3}>
        <ItemPicker
          list="monitors"
          what="monitor"
          selected={i}
          onSelect={setSelected}
          onAdd={() => {
            draft.set(['monitors', count], { name: `monitor${count + 1}`, type: 'user-mode' });
            setSelected(count);
          }}
        />
        {i >= 0 ? <MonitorForm key={i} index={i} count={count} /> : <p>No monitor is configured.</p>}
      </Stack>
    </Stack>
  );
}

function MonitorForm({ index, count }: { index: number; count: number }) {
  const { draft, value } = useDraftContext();
  const base = ['monitors', index];
  const receives = value([...base, 'type']) === 'message-receive';
  const bmcNotice = receives && value([...base, 'category']) === BMCNOTICE;
  const [part, setPart] = useState<'settings' | 'keywords'>(bmcNotice ? 'keywords' : 'settings');
  return (
    <Stack direction="column" gap={1}>
      <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-start">
        <TextField path={[...base, 'name']} label="Name" required width={24} />
        <SelectField
          path={[...base, 'type']}
          label="Type"
          options={['user-mode', 'message-receive']}
          onValue={(t) => t && draft.set(base, retype(value(base), 'monitor', t))}
        />
        {receives && (
          <TextField path={[...base, 'category']} label="Category" required width={16} placeholder={BMCNOTICE} />
        )}
        <ItemActions path={['monitors']} index={index} count={count} what="monitor" />
      </Stack>
      {receives && (
        <TabsBar>
          <Tab
            label="Settings"
            active={part === 'settings'}
            onChangeTab={() => setPart('settings')}
            data-testid={testIds.configEditor.tab('monitor-settings')}
          />
          <Tab
            label="Keywords per server"
            active={part === 'keywords'}
            onChangeTab={() => setPart('keywords')}
            data-testid={testIds.configEditor.tab('monitor-keywords')}
          />
        </TabsBar>
      )}
      {receives && part === 'keywords' ? <PerServerKeywords index={index} /> : <MonitorSettings base={base} />}
    </Stack>
  );
}

function MonitorSettings({ base }: { base: Array<string | number> }) {
  const { value } = useDraftContext();
  const targetType = value([...base, 'recovery', 'targetType']);
  return (
    <Stack direction="column" gap={1}>
      <Stack direction="row" gap={2} wrap="wrap">
        <NumberField path={[...base, 'intervalMs']} label="Interval (ms)" placeholder="60000" />
        <NumberField path={[...base, 'timeoutMs']} label="Timeout (ms)" placeholder="120000" />
        <NumberField path={[...base, 'retries']} label="Retries" placeholder="0" />
        <NumberField path={[...base, 'initialWaitMs']} label="Initial wait (ms)" placeholder="0" />
        <ListField path={[...base, 'servers']} label="Runs on" optional placeholder="all servers" width={30} />
      </Stack>
      <h5>Recovery</h5>
      <Stack direction="row" gap={2} wrap="wrap">
        <SelectField
          path={[...base, 'recovery', 'targetType']}
          label="Target type"
          options={['local-server', 'group', 'resource']}
        />
        {targetType !== undefined && targetType !== 'local-server' && (
          <TextField path={[...base, 'recovery', 'target']} label="Target" required width={20} />
        )}
        <NumberField path={[...base, 'recovery', 'restartThreshold']} label="Restarts" placeholder="0" />
        <NumberField path={[...base, 'recovery', 'failoverThreshold']} label="Failovers" placeholder="1" />
        <SelectField path={[...base, 'recovery', 'finalAction']} label="Final action" options={FINAL_ACTIONS} />
      </Stack>
    </Stack>
  );
}
