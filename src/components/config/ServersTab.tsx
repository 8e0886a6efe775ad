import React from 'react';
import { Card, InlineSwitch, Stack } from '@grafana/ui';
import { testIds } from '../testIds';
import { InterconnectsTable } from './InterconnectsTable';
import { AddItem, ItemActions, NumberField, SecretRefField, TabProblems, TextField, useDraftContext } from './fields';

/** Cluster identity and heartbeat timing, the servers in priority order, and the interconnect table. */
export function ServersTab() {
  const { value } = useDraftContext();
  const servers = (value(['servers']) as Array<Record<string, unknown>> | undefined) ?? [];
  return (
    <Stack direction="column" gap={2}>
      <TabProblems prefixes={[['cluster'], ['servers'], ['interconnects']]} />
      <Stack direction="row" gap={2} wrap="wrap">
        <TextField path={['cluster', 'name']} label="Cluster name" required width={24} />
        <NumberField path={['cluster', 'heartbeat', 'intervalMs']} label="Heartbeat interval (ms)" />
        <NumberField path={['cluster', 'heartbeat', 'timeoutMs']} label="Heartbeat timeout (ms)" />
        <SecretRefField path={['cluster', 'secret']} label="Cluster secret (heartbeat HMAC)" />
      </Stack>
      <h4>Interconnects</h4>
      <InterconnectsTable />
      <h4>Servers (the first is the master server)</h4>
      {servers.map((server, i) => (
        <ServerCard key={i} index={i} count={servers.length} hasBmc={server.bmc !== undefined} />
      ))}
      <AddItem path={['servers']} item={{ name: `server${servers.length + 1}`, api: { address: '' } }} what="server" />
    </Stack>
  );
}

function ServerCard({ index, count, hasBmc }: { index: number; count: number; hasBmc: boolean }) {
  const { draft, readOnly } = useDraftContext();
  const base = ['servers', index];
  return (
    <Card>
      <Card.Heading>Server {index + 1}</Card.Heading>
      <Card.Description>
        <Stack direction="row" gap={2} wrap="wrap">
          <TextField
            path={[...base, 'name']}
            label="Name"
            required
            width={20}
            onText={(t) => draft.renameServer(index, t)}
          />
          <TextField path={[...base, 'api', 'address']} label="API address" required width={20} />
          <NumberField path={[...base, 'api', 'port']} label="API port" placeholder="29010" />
          <InlineSwitch
            transparent
            label="BMC"
            showLabel
            value={hasBmc}
            disabled={readOnly}
            data-testid={testIds.configEditor.field([...base, 'bmc'])}
            onChange={(e) =>
              draft.set(
                [...base, 'bmc'],
                e.currentTarget.checked ? { address: '', user: '', password: { file: '' } } : undefined
              )
            }
          />
        </Stack>
        {hasBmc && (
          <Stack direction="row" gap={2} wrap="wrap">
            <TextField path={[...base, 'bmc', 'address']} label="BMC address" required width={20} />
            <NumberField path={[...base, 'bmc', 'port']} label="RMCP port" placeholder="623" />
            <TextField path={[...base, 'bmc', 'user']} label="IPMI user" required width={16} />
            <SecretRefField path={[...base, 'bmc', 'password']} label="IPMI password" />
            <NumberField path={[...base, 'bmc', 'cipherSuite']} label="Cipher suite" placeholder="3" />
          </Stack>
        )}
      </Card.Description>
      <Card.Actions>
        <ItemActions path={['servers']} index={index} count={count} what="server" />
      </Card.Actions>
    </Card>
  );
}
