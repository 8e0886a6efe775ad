import React from 'react';
import { Input, useStyles2 } from '@grafana/ui';
import { BMCNOTICE, DEFAULT_TRAP_PORT, formatEndpoint, parseEndpoint } from '../../../backend/config/model';
import { getTableStyles } from '../common/styles';
import { testIds } from '../testIds';
import { TextField, useDraftContext } from './fields';

/**
 * The product's "Monitor(special)" per-server settings of a message-receive monitor: the
 * common keyword, each server's own keyword (empty: the common one), and for BMCNOTICE the
 * trap endpoint that server's agent will listen on.
 */
export function PerServerKeywords({ index }: { index: number }) {
  const s = useStyles2(getTableStyles);
  const { draft, readOnly, value, problems } = useDraftContext();
  const base = ['monitors', index];
  const bmcNotice = value([...base, 'category']) === BMCNOTICE;
  const only = value([...base, 'servers']);
  const all = ((value(['servers']) as Array<{ name?: string }> | undefined) ?? []).map((x) => String(x.name ?? ''));
  const servers = Array.isArray(only) ? only.map(String) : all;
  const common = value([...base, 'keyword']);
  return (
    <div>
      <TextField
        path={[...base, 'keyword']}
        label="Common keyword"
        description={
          bmcNotice ? `<IPv4|IPv6>[:port] receiving the BMCs' traps (port ${DEFAULT_TRAP_PORT} by default)` : undefined
        }
        width={36}
      />
      <table className={s.table}>
        <thead>
          <tr>
            <th scope="col">Server</th>
            <th scope="col">Keyword (empty: the common one)</th>
            {bmcNotice && <th scope="col">Trap endpoint</th>}
          </tr>
        </thead>
        <tbody>
          {servers.map((server) => {
            const path = [...base, 'perServer', server, 'keyword'];
            const own = value(path);
            const error = problems.at(path);
            return (
              <tr key={server}>
                <td>{server}</td>
                <td>
                  <Input
                    width={36}
                    disabled={readOnly}
                    value={typeof own === 'string' ? own : ''}
                    placeholder={typeof common === 'string' ? common : ''}
                    invalid={error !== undefined}
                    aria-label={`Keyword of ${server}`}
                    data-testid={testIds.configEditor.field(path)}
                    onChange={(e) => {
                      const t = e.currentTarget.value;
                      draft.set([...base, 'perServer', server], t === '' ? undefined : { keyword: t });
                    }}
                  />
                  {error && <div className={s.wrap}>{error}</div>}
                </td>
                {bmcNotice && (
                  <td data-testid={testIds.configEditor.effectiveEndpoint(server)}>
                    {endpointText(typeof own === 'string' ? own : common)}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** What the agent will listen on, with the model's own keyword parser (same default port). */
function endpointText(keyword: unknown): string {
  if (typeof keyword !== 'string') {
    return '— no keyword';
  }
  const p = parseEndpoint(keyword, DEFAULT_TRAP_PORT);
  return p.ok ? formatEndpoint(p.value) : `— ${p.error}`;
}
