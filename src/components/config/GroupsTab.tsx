import React, { useState } from 'react';
import { Card, Stack } from '@grafana/ui';
import { retype } from '../../config/draft';
import { ItemPicker } from './ItemPicker';
import {
  AddItem,
  ItemActions,
  ListField,
  NumberField,
  SelectField,
  SwitchField,
  TabProblems,
  TextField,
  useDraftContext,
} from './fields';

/** Failover groups, one at a time, with their resources in start order. */
export function GroupsTab() {
  const { draft, value } = useDraftContext();
  const count = ((value(['groups']) as unknown[] | undefined) ?? []).length;
  const [selected, setSelected] = useState(0);
  const i = Math.min(selected, count - 1);
  return (
    <Stack direction="column" gap={2}>
      <TabProblems prefixes={[['groups']]} />
      <Stack direction="row" gap={3}>
        <ItemPicker
          list="groups"
          what="group"
          selected={i}
          onSelect={setSelected}
          onAdd={() => {
            draft.set(['groups', count], { name: `group${count + 1}`, resources: [] });
            setSelected(count);
          }}
        />
        {i >= 0 ? <GroupForm index={i} count={count} /> : <p>No failover group is configured.</p>}
      </Stack>
    </Stack>
  );
}

function GroupForm({ index, count }: { index: number; count: number }) {
  const { value } = useDraftContext();
  const base = ['groups', index];
  const resources = (value([...base, 'resources']) as Array<Record<string, unknown>> | undefined) ?? [];
  return (
    <Stack direction="column" gap={1}>
      <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-start">
        <TextField path={[...base, 'name']} label="Name" required width={24} />
        <ListField
          path={[...base, 'startupServers']}
          label="Startup servers"
          optional
          placeholder="all, in server order"
          width={40}
        />
        <SwitchField path={[...base, 'autoStart']} label="Start with the cluster" />
        <SwitchField path={[...base, 'autoFailback']} label="Fail back" />
        <ItemActions path={['groups']} index={index} count={count} what="group" />
      </Stack>
      <h5>Resources (started in dependency order)</h5>
      {resources.map((r, k) => (
        <Card key={k}>
          <Card.Heading>{String(r.name ?? `resource ${k + 1}`)}</Card.Heading>
          <Card.Description>
            <ResourceForm path={[...base, 'resources', k]} type={String(r.type ?? '')} />
          </Card.Description>
          <Card.Actions>
            <ItemActions path={[...base, 'resources']} index={k} count={resources.length} what="resource" />
          </Card.Actions>
        </Card>
      ))}
      <AddItem path={[...base, 'resources']} item={{ name: '', type: 'exec', start: '', stop: '' }} what="resource" />
    </Stack>
  );
}

function ResourceForm({ path, type }: { path: Array<string | number>; type: string }) {
  const { draft, value } = useDraftContext();
  return (
    <Stack direction="row" gap={2} wrap="wrap">
      <TextField path={[...path, 'name']} label="Name" required width={20} />
      <SelectField
        path={[...path, 'type']}
        label="Type"
        options={['exec', 'floating-ip']}
        width={16}
        onValue={(t) => t && draft.set(path, retype(value(path), 'resource', t))}
      />
      {type === 'exec' && (
        <>
          <TextField path={[...path, 'start']} label="Start command" required width={40} />
          <TextField path={[...path, 'stop']} label="Stop command" required width={40} />
          <NumberField path={[...path, 'timeoutMs']} label="Timeout (ms)" />
          <TextField path={[...path, 'user']} label="Run as user" placeholder="the agent's user" width={16} />
        </>
      )}
      {type === 'floating-ip' && (
        <>
          <TextField path={[...path, 'address']} label="Address" required width={20} />
          <NumberField path={[...path, 'prefix']} label="Prefix" placeholder="24" />
          <TextField path={[...path, 'interface']} label="Interface" required width={12} />
        </>
      )}
      <ListField path={[...path, 'dependsOn']} label="Depends on" optional width={30} />
    </Stack>
  );
}
