import React from 'react';
import { Card, Stack } from '@grafana/ui';
import {
  AddItem,
  ItemActions,
  ListField,
  NumberField,
  SecretRefField,
  SelectField,
  TabProblems,
  TextField,
  useDraftContext,
} from './fields';

/** SNMP trap intake: who may send (communities, SNMPv3 users, sources) and the event log. */
export function TrapsTab() {
  const { value } = useDraftContext();
  const users = (value(['traps', 'users']) as unknown[] | undefined) ?? [];
  return (
    <Stack direction="column" gap={2}>
      <TabProblems prefixes={[['traps']]} />
      <p>Where each server listens is the keyword of its BMCNOTICE monitors (Monitors tab).</p>
      <Stack direction="row" gap={2} wrap="wrap">
        <ListField path={['traps', 'communities']} label="SNMPv1/v2c communities" optional width={30} />
        <ListField
          path={['traps', 'allowSources']}
          label="Extra allowed sources"
          optional
          width={40}
          description="Besides the BMCs (always allowed); addresses or CIDR blocks, comma-separated."
        />
        <NumberField path={['traps', 'receiveBufferBytes']} label="Receive buffer (bytes)" />
      </Stack>
      <h4>Event log</h4>
      <Stack direction="row" gap={2} wrap="wrap">
        <NumberField path={['traps', 'eventLog', 'maxEvents']} label="Events kept" placeholder="100000" />
        <NumberField path={['traps', 'eventLog', 'maxAgeDays']} label="Days kept" placeholder="90" />
        <NumberField path={['traps', 'eventLog', 'burstWindowMs']} label="Burst window (ms)" placeholder="10000" />
      </Stack>
      <h4>SNMPv3 users</h4>
      {users.map((_, i) => {
        const base = ['traps', 'users', i];
        return (
          <Card key={i}>
            <Card.Description>
              <Stack direction="row" gap={2} wrap="wrap">
                <TextField path={[...base, 'name']} label="User" required width={16} />
                <SelectField
                  path={[...base, 'authProtocol']}
                  label="Authentication"
                  options={['sha', 'sha224', 'sha256', 'sha384', 'sha512']}
                  width={14}
                />
                <SecretRefField path={[...base, 'authKey']} label="Authentication pass phrase" width={24} />
                <SelectField
                  path={[...base, 'privProtocol']}
                  label="Privacy"
                  options={['aes', 'aes256b', 'aes256r', 'none']}
                  width={14}
                />
                <SecretRefField path={[...base, 'privKey']} label="Privacy pass phrase" width={24} />
              </Stack>
            </Card.Description>
            <Card.Actions>
              <ItemActions path={['traps', 'users']} index={i} count={users.length} what="user" />
            </Card.Actions>
          </Card>
        );
      })}
      <AddItem path={['traps', 'users']} item={{ name: '', authKey: { file: '' } }} what="SNMPv3 user" />
    </Stack>
  );
}
