import React, { type ChangeEvent, type FormEvent, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import type { AppPluginMeta, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Button, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';
import type { AppSettings } from '../types';
import { testIds } from './testIds';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

/**
 * Where the plugin reaches the cluster: any agent's API URL and a bearer token. The
 * token is stored in secureJsonData: Grafana's data proxy adds it to requests, and it
 * is never sent back to the browser.
 */
const AppConfig = ({ plugin }: AppConfigProps) => {
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const [agentUrl, setAgentUrl] = useState(jsonData?.agentUrl ?? '');
  const [token, setToken] = useState('');
  const [tokenSet, setTokenSet] = useState(Boolean(secureJsonFields?.agentToken));
  const urlValid = /^https?:\/\/[^\s/]+/.test(agentUrl);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!urlValid) {
      return;
    }
    await updatePlugin(plugin.meta.id, {
      enabled,
      pinned,
      jsonData: { agentUrl: agentUrl.replace(/\/+$/, '') },
      secureJsonData: tokenSet ? undefined : { agentToken: token },
    });
    window.location.reload();
  };

  return (
    <form onSubmit={onSubmit}>
      <FieldSet label="Agent connection">
        <Stack direction="column" gap={2}>
          <Field
            label="Agent API URL"
            description="Any agent of the cluster; it answers for all servers."
            invalid={agentUrl !== '' && !urlValid}
            error="Enter an http:// or https:// URL"
          >
            <Input
              width={60}
              id="lifeline-agent-url"
              data-testid={testIds.appConfig.agentUrl}
              value={agentUrl}
              placeholder="http://10.0.0.1:29010"
              onChange={(e: ChangeEvent<HTMLInputElement>) => setAgentUrl(e.currentTarget.value.trim())}
            />
          </Field>
          <Field
            label="API token"
            description="A viewer token shows state; an operator or admin token allows operations and configuration changes."
          >
            <SecretInput
              width={60}
              id="lifeline-agent-token"
              data-testid={testIds.appConfig.agentToken}
              value={token}
              isConfigured={tokenSet}
              onChange={(e: ChangeEvent<HTMLInputElement>) => setToken(e.currentTarget.value.trim())}
              onReset={() => {
                setToken('');
                setTokenSet(false);
              }}
            />
          </Field>
          <div>
            <Button
              type="submit"
              data-testid={testIds.appConfig.submit}
              disabled={!urlValid || (!tokenSet && token === '')}
            >
              Save connection
            </Button>
          </div>
        </Stack>
      </FieldSet>
    </form>
  );
};

export default AppConfig;

async function updatePlugin(pluginId: string, data: Partial<PluginMeta<AppSettings>>) {
  const response = getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data });
  return lastValueFrom(response);
}
