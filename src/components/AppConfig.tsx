import React, { type FormEvent, useMemo, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import type { AppPluginMeta, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, IconButton, Input, SecretInput, Stack } from '@grafana/ui';
import { AgentPool } from '../api/agents';
import { ClusterClient } from '../api/client';
import { probeAgent, type ProbeLine } from '../api/probe';
import { MAX_AGENTS } from '../api/urls';
import { agentUrlsOf, TOKEN_KEYS, type AppSettings, type TokenKey } from '../types';
import { testIds } from './testIds';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

const URL_RE = /^https?:\/\/[^\s/]+(\/[^\s]*)?$/;

const TOKEN_FIELDS: Record<TokenKey, { label: string; description: string; testId: string }> = {
  viewerToken: {
    label: 'Viewer token',
    description:
      'Used for every read (all Grafana users of the app). lifeline token create --name grafana-viewer --role viewer',
    testId: testIds.appConfig.viewerToken,
  },
  operatorToken: {
    label: 'Operator token',
    description: 'Used for group and monitor operations, by Editors and Admins only.',
    testId: testIds.appConfig.operatorToken,
  },
  adminToken: {
    label: 'Admin token',
    description: 'Used for configuration changes, by Admins only.',
    testId: testIds.appConfig.adminToken,
  },
};

/**
 * The agents the app reaches (in the order to try: any agent answers for the whole cluster,
 * the others take over when it does not) and the three tokens, kept in secureJsonData: Grafana's
 * proxy adds them per role and the browser never reads them back.
 */
const AppConfig = ({ plugin }: AppConfigProps) => {
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const saved = useMemo(() => agentUrlsOf(jsonData), [jsonData]);
  const [urls, setUrls] = useState<string[]>(saved.length > 0 ? saved : ['']);
  const [tokens, setTokens] = useState<Record<TokenKey, string>>({
    viewerToken: '',
    operatorToken: '',
    adminToken: '',
  });
  const [tokenSet, setTokenSet] = useState<Record<TokenKey, boolean>>({
    viewerToken: Boolean(secureJsonFields?.viewerToken),
    operatorToken: Boolean(secureJsonFields?.operatorToken),
    adminToken: Boolean(secureJsonFields?.adminToken),
  });
  const [probes, setProbes] = useState<Record<number, ProbeLine[] | 'running'>>({});
  const [error, setError] = useState<string | null>(null);
  // Connection tests go through the saved routes: a client over the saved URLs.
  const client = useMemo(() => new ClusterClient(new AgentPool(saved)), [saved]);

  const valid = urls.length > 0 && urls.every((u) => URL_RE.test(u)) && new Set(urls).size === urls.length;
  const set = (i: number, v: string) => setUrls(urls.map((u, j) => (j === i ? v.trim() : u)));
  const swap = (i: number) => {
    const next = [...urls];
    [next[i - 1], next[i]] = [next[i], next[i - 1]];
    setUrls(next);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid) {
      return;
    }
    const secureJsonData: Partial<Record<TokenKey, string>> = {};
    for (const k of TOKEN_KEYS) {
      if (!tokenSet[k] && tokens[k] !== '') {
        secureJsonData[k] = tokens[k];
      }
    }
    try {
      await updatePlugin(plugin.meta.id, {
        enabled,
        pinned,
        jsonData: { agentUrls: urls.map((u) => u.replace(/\/+$/, '')) },
        secureJsonData: Object.keys(secureJsonData).length > 0 ? secureJsonData : undefined,
      });
      window.location.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'the settings could not be saved');
    }
  };

  const test = async (i: number) => {
    setProbes((p) => ({ ...p, [i]: 'running' }));
    const lines = await probeAgent(client, i);
    setProbes((p) => ({ ...p, [i]: lines }));
  };

  return (
    <form onSubmit={onSubmit}>
      <FieldSet label="Agents">
        <p>
          Every agent answers for the whole cluster. The console asks the one that answered last and, when it does not
          answer, the next in this order. Up to {MAX_AGENTS}.
        </p>
        <Stack direction="column" gap={1}>
          {urls.map((u, i) => {
            const unsaved = saved[i] !== u;
            const probe = probes[i];
            return (
              <div key={i}>
                <Stack direction="row" gap={1} alignItems="center">
                  <Field
                    label={`Agent ${i + 1}`}
                    invalid={u !== '' && !URL_RE.test(u)}
                    error="Enter an http:// or https:// URL"
                  >
                    <Input
                      width={50}
                      id={`lifeline-agent-url-${i}`}
                      data-testid={testIds.appConfig.agentUrl(i)}
                      value={u}
                      placeholder="http://10.0.0.1:29010"
                      onChange={(e) => set(i, e.currentTarget.value)}
                    />
                  </Field>
                  <IconButton
                    name="arrow-up"
                    tooltip="Try earlier"
                    disabled={i === 0}
                    onClick={() => swap(i)}
                    data-testid={testIds.appConfig.moveUp(i)}
                  />
                  <IconButton
                    name="trash-alt"
                    tooltip="Remove"
                    disabled={urls.length === 1}
                    onClick={() => setUrls(urls.filter((_, j) => j !== i))}
                    data-testid={testIds.appConfig.removeAgent(i)}
                  />
                  <Button
                    type="button"
                    variant="secondary"
                    size="sm"
                    disabled={unsaved || probe === 'running'}
                    tooltip={unsaved ? 'Save first: the test goes through the saved settings' : undefined}
                    onClick={() => test(i)}
                    data-testid={testIds.appConfig.testConnection(i)}
                  >
                    Test connection
                  </Button>
                </Stack>
                {probe && probe !== 'running' && (
                  <ul data-testid={testIds.appConfig.testResult(i)} data-ok={probe.every((l) => l.ok)}>
                    {probe.map((l) => (
                      <li key={l.role}>
                        {l.ok ? '✔' : '✘'} {l.role}: {l.text}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            );
          })}
          <div>
            <Button
              type="button"
              variant="secondary"
              icon="plus"
              disabled={urls.length >= MAX_AGENTS}
              onClick={() => setUrls([...urls, ''])}
              data-testid={testIds.appConfig.addAgent}
            >
              Add agent
            </Button>
          </div>
        </Stack>
      </FieldSet>
      <FieldSet label="API tokens">
        {TOKEN_KEYS.map((k) => (
          <Field key={k} label={TOKEN_FIELDS[k].label} description={TOKEN_FIELDS[k].description}>
            <SecretInput
              width={60}
              id={`lifeline-${k}`}
              data-testid={TOKEN_FIELDS[k].testId}
              value={tokens[k]}
              isConfigured={tokenSet[k]}
              onChange={(e) => setTokens({ ...tokens, [k]: e.currentTarget.value.trim() })}
              onReset={() => {
                setTokens({ ...tokens, [k]: '' });
                setTokenSet({ ...tokenSet, [k]: false });
              }}
            />
          </Field>
        ))}
      </FieldSet>
      {error && (
        <Alert severity="error" title="Not saved">
          {error}
        </Alert>
      )}
      <Button
        type="submit"
        data-testid={testIds.appConfig.submit}
        disabled={!valid || (!tokenSet.viewerToken && tokens.viewerToken === '')}
      >
        Save
      </Button>
    </form>
  );
};

export default AppConfig;

async function updatePlugin(pluginId: string, data: Partial<PluginMeta<AppSettings>>) {
  const response = getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data });
  return lastValueFrom(response);
}
