import React from 'react';
import { Button, Stack } from '@grafana/ui';
import { ROLES } from '../../../backend/config/model';
import {
  AddItem,
  ItemActions,
  NumberField,
  SelectField,
  SwitchField,
  TabProblems,
  TextField,
  useDraftContext,
} from './fields';

/** API access: token hashes with roles (never a token), a tokens file, TLS files, limits. */
export function ApiTab() {
  const { draft, readOnly, value } = useDraftContext();
  const tokens = (value(['api', 'tokens']) as unknown[] | undefined) ?? [];
  const tls = value(['api', 'tls']) !== undefined;
  return (
    <Stack direction="column" gap={2}>
      <TabProblems prefixes={[['api']]} />
      <Stack direction="row" gap={2} wrap="wrap">
        <TextField path={['api', 'tokensFile']} label="Tokens file" placeholder="none" width={36} />
        <NumberField path={['api', 'maxEventStreams']} label="Event streams at most" placeholder="100" />
        <SwitchField path={['api', 'publicMetrics']} label="/metrics without a token" />
      </Stack>
      <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-end">
        {tls ? (
          <>
            <TextField path={['api', 'tls', 'cert']} label="TLS certificate file" required width={32} />
            <TextField path={['api', 'tls', 'key']} label="TLS private key file" required width={32} />
          </>
        ) : (
          <span>HTTP (no TLS).</span>
        )}
        {!readOnly && (
          <Button
            size="sm"
            variant="secondary"
            onClick={() => draft.set(['api', 'tls'], tls ? undefined : { cert: '', key: '' })}
          >
            {tls ? 'Serve HTTP' : 'Serve HTTPS'}
          </Button>
        )}
      </Stack>
      <h4>Tokens (SHA-256 of each token; `lifeline token create` prints the entry)</h4>
      {tokens.map((_, i) => (
        <Stack key={i} direction="row" gap={2} wrap="wrap" alignItems="flex-start">
          <TextField path={['api', 'tokens', i, 'name']} label="Name" required width={20} />
          <SelectField path={['api', 'tokens', i, 'role']} label="Role" options={[...ROLES]} width={14} />
          <TextField path={['api', 'tokens', i, 'sha256']} label="SHA-256" required width={70} />
          <ItemActions path={['api', 'tokens']} index={i} count={tokens.length} what="token" />
        </Stack>
      ))}
      <AddItem path={['api', 'tokens']} item={{ name: '', role: 'viewer', sha256: '' }} what="token" />
    </Stack>
  );
}
