import React, { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, ConfirmModal, LoadingPlaceholder, Stack, Tab, TabsBar } from '@grafana/ui';
import type { PathPart } from '../../backend/config/model';
import { currentAbilities } from '../api/roles';
import { ApiTab } from '../components/config/ApiTab';
import { ChangesTab } from '../components/config/ChangesTab';
import { EditorNotices, type RebaseNotice } from '../components/config/EditorNotices';
import { DraftContext } from '../components/config/fields';
import { GroupsTab } from '../components/config/GroupsTab';
import { HistoryTab } from '../components/config/HistoryTab';
import { MonitorsTab } from '../components/config/MonitorsTab';
import { ProtectionTab } from '../components/config/ProtectionTab';
import { ServersTab } from '../components/config/ServersTab';
import { TrapsTab } from '../components/config/TrapsTab';
import { YamlTab } from '../components/config/YamlTab';
import { testIds } from '../components/testIds';
import { canonicalOf, changedPaths, rebase, type DraftData } from '../config/draft';
import { useClusterConfig, type ApplyView } from '../config/useClusterConfig';
import { useDraft } from '../config/useDraft';

const TABS: Array<{ key: string; label: string; parts: PathPart[][]; view: () => React.ReactElement }> = [
  {
    key: 'servers',
    label: 'Servers & interconnects',
    parts: [['cluster'], ['servers'], ['interconnects']],
    view: () => <ServersTab />,
  },
  { key: 'groups', label: 'Groups & resources', parts: [['groups']], view: () => <GroupsTab /> },
  { key: 'monitors', label: 'Monitors', parts: [['monitors']], view: () => <MonitorsTab /> },
  {
    key: 'protection',
    label: 'Protection',
    parts: [['partition'], ['fencing'], ['watchdog']],
    view: () => <ProtectionTab />,
  },
  { key: 'traps', label: 'Traps', parts: [['traps']], view: () => <TrapsTab /> },
  { key: 'api', label: 'API', parts: [['api']], view: () => <ApiTab /> },
  { key: 'yaml', label: 'YAML', parts: [[]], view: () => <YamlTab /> },
];

/**
 * The cluster configuration editor: one draft over the agents' schema, edited in forms and
 * as YAML, diffed against the running revision and applied with If-Match (Admins). A stale
 * base answers 409; rebase replays the user's edits on the new revision when they touch
 * other paths. Viewers and Editors see it read-only.
 */
function ConfigEditorPage() {
  const can = currentAbilities();
  const readOnly = !can.administer;
  const cluster = useClusterConfig();
  const draft = useDraft();
  const [tab, setTab] = useState('servers');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<ApplyView | null>(null);
  const [notice, setNotice] = useState<RebaseNotice | null>(null);
  const { running } = cluster;
  const { reset } = draft;

  const load = useCallback(
    () =>
      cluster
        .load()
        .then((r) => {
          reset(r.config);
          setLoadError(null);
          setNotice(null);
        })
        .catch((e: Error) => setLoadError(e.message)),
    [cluster, reset]
  );
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Compared once validation has caught up (canonical forms), not on every key stroke.
  const { checked } = draft;
  const dirty = useMemo(() => {
    if (!running || !draft.data) {
      return false;
    }
    return changedPaths(running.config, checked.canonical ?? draft.data).length > 0;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [running, checked]);

  const doRebase = async () => {
    if (!running || !draft.data) {
      return;
    }
    const base = running.config;
    // The edits as the agents would read them (defaults filled in), compared path by path.
    const mine = checked.canonical ?? canonicalOf(draft.data).value;
    try {
      const now = await cluster.fetchRevision();
      const r = rebase(base, mine, now.config);
      if (r.ok) {
        // Only now is the draft based on the new revision (its If-Match).
        cluster.adopt(now);
        reset(r.data as DraftData);
        setNotice({ kind: 'rebased', revision: now.revision, mine: r.mine });
      } else {
        setNotice({ kind: 'conflicts', revision: now.revision, paths: r.conflicts });
      }
      setResult(null);
    } catch (e) {
      setLoadError(e instanceof Error ? e.message : String(e));
    }
  };

  if (!draft.data) {
    return (
      <div data-testid={testIds.configEditor.page}>
        {loadError ? (
          <Alert severity="error" title="Cannot load the configuration">
            {loadError}
            <Button variant="secondary" onClick={load} data-testid={testIds.configEditor.load}>
              Try again
            </Button>
          </Alert>
        ) : (
          <LoadingPlaceholder text="Loading the cluster's configuration" />
        )}
      </div>
    );
  }

  const count = (parts: PathPart[][]) => parts.reduce((n, p) => n + checked.problems.under(p).length, 0);
  const active = TABS.find((t) => t.key === tab);
  return (
    <div data-testid={testIds.configEditor.page}>
      <Stack direction="column" gap={2}>
        <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
          <span data-testid={testIds.configEditor.status} data-base={running?.revision ?? ''} data-dirty={dirty}>
            {readOnly ? 'Read-only: only Admins change the configuration. ' : ''}
            Revision {running?.revision} {dirty ? '(edited)' : '(as running)'}
            {draft.pending
              ? ', checking…'
              : checked.valid
                ? ', valid'
                : `, ${checked.problems.problems.length} problems`}
          </span>
          <Button variant="secondary" icon="sync" onClick={load} data-testid={testIds.configEditor.load}>
            {dirty ? 'Discard edits and reload' : 'Reload'}
          </Button>
          {!readOnly && (
            <Button
              icon="upload"
              disabled={!checked.valid || draft.pending || !dirty}
              onClick={() => setConfirming(true)}
              data-testid={testIds.configEditor.apply}
            >
              Apply to the cluster
            </Button>
          )}
        </Stack>
        {loadError && (
          <Alert severity="error" title="Cannot load the configuration" onRemove={() => setLoadError(null)}>
            {loadError}
          </Alert>
        )}
        <EditorNotices
          result={result}
          notice={notice}
          onRebase={doRebase}
          onClearResult={() => setResult(null)}
          onClearNotice={() => setNotice(null)}
        />
        <TabsBar>
          {TABS.map((t) => {
            const n = count(t.parts);
            return (
              <Tab
                key={t.key}
                label={t.label}
                counter={n > 0 ? n : undefined}
                active={tab === t.key}
                onChangeTab={() => setTab(t.key)}
                data-testid={testIds.configEditor.tab(t.key)}
              />
            );
          })}
          <Tab
            label="Changes"
            active={tab === 'changes'}
            onChangeTab={() => setTab('changes')}
            data-testid={testIds.configEditor.tab('changes')}
          />
          <Tab
            label="History"
            active={tab === 'history'}
            onChangeTab={() => setTab('history')}
            data-testid={testIds.configEditor.tab('history')}
          />
        </TabsBar>
        {checked.syntax && tab !== 'yaml' && (
          <Alert severity="warning" title="The YAML does not parse">
            The forms show the last text that did: {checked.syntax.message}
          </Alert>
        )}
        <DraftContext.Provider
          value={{
            draft,
            problems: checked.problems,
            readOnly: readOnly || (checked.syntax !== null && tab !== 'yaml'),
          }}
        >
          {active?.view()}
        </DraftContext.Provider>
        {tab === 'changes' && running && (
          <ChangesTab running={running.config} proposed={checked.canonical} revision={running.revision} />
        )}
        {tab === 'history' && (
          <HistoryTab
            history={cluster.history}
            fetchRevision={cluster.fetchRevision}
            rollback={cluster.rollback}
            canRollback={!readOnly}
            running={running?.revision ?? null}
            onRolledBack={(r) => {
              setResult(r);
              if (r.kind === 'done') {
                void load();
              }
            }}
          />
        )}
      </Stack>
      {confirming && running && (
        <ConfirmModal
          isOpen
          title="Apply this configuration?"
          body={
            <p data-testid={testIds.confirm.impact}>
              Validates it, then stores it as revision {running.revision + 1} on every reachable agent or on none. If
              someone changed the configuration since revision {running.revision}, nothing is applied and you can rebase
              your edits. Each agent reports what it applied at once, what waits for a group&apos;s next start and what
              needs that agent restarted.
            </p>
          }
          confirmText="Apply"
          onConfirm={async () => {
            const r = await cluster.apply(draft.data ?? {}, running.revision);
            setConfirming(false);
            setResult(r);
            setNotice(null);
            if (r.kind === 'done' && checked.canonical) {
              reset(checked.canonical);
            }
          }}
          onDismiss={() => setConfirming(false)}
        />
      )}
    </div>
  );
}

export default ConfigEditorPage;
