import fs from 'node:fs';
import path from 'node:path';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { testIds } from '../../src/components/testIds';
import { clusterState, fakeAgent } from './support/fake-agent';
import { renderApp } from './support/render-app';

const seed = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'seed-cluster.yaml'), 'utf8');

function type(text: string) {
  fireEvent.change(screen.getByTestId(testIds.configEditor.text), { target: { value: text } });
}

describe('ConfigEditorPage', () => {
  test('a valid configuration shows its canonical form', async () => {
    renderApp('config', [fakeAgent(clusterState())]);
    await screen.findByTestId(testIds.configEditor.text);
    type(seed);
    expect(screen.getByText('Valid configuration')).toBeInTheDocument();
    expect(screen.getByTestId(testIds.configEditor.canonical).textContent).toContain('cipherSuite: 3');
  });

  test('problems are listed with the same paths the agent reports', async () => {
    renderApp('config', [fakeAgent(clusterState())]);
    await screen.findByTestId(testIds.configEditor.text);
    type(seed.replace('keyword: 192.168.0.2', 'keyword: 192.168.0.2:70000').replace('name: server2', 'name: server1'));
    const items = Array.from(screen.getByTestId(testIds.configEditor.problems).querySelectorAll('li')).map(
      (li) => li.textContent
    );
    expect(items).toContain('servers[1].name: "server1" is already used by servers[0]');
    expect(screen.getByText(`${items.length} problems`)).toBeInTheDocument();
  });

  test('an editor loads the cluster configuration but cannot apply it', async () => {
    renderApp('config', [fakeAgent(clusterState())], 'Editor');
    fireEvent.click(await screen.findByTestId(testIds.configEditor.load));
    await waitFor(() =>
      expect((screen.getByTestId(testIds.configEditor.text) as HTMLTextAreaElement).value).toContain('name: demo')
    );
    expect(screen.queryByTestId(testIds.configEditor.apply)).not.toBeInTheDocument();
  });

  test('an admin applies an edit with If-Match on the loaded revision, through the admin route', async () => {
    const puts: Array<{ ifMatch: string; role: string; body: unknown }> = [];
    const agent = fakeAgent(clusterState(), 'server1', (req) => {
      if (req.method === 'PUT') {
        puts.push({ ifMatch: req.headers['If-Match'], role: req.role, body: req.body });
        return { body: { revision: 2, hash: 'c'.repeat(64), committed: ['server1', 'server2'], unreachable: [] } };
      }
      return undefined;
    });
    renderApp('config', [agent], 'Admin');
    fireEvent.click(await screen.findByTestId(testIds.configEditor.load));
    await waitFor(() =>
      expect((screen.getByTestId(testIds.configEditor.text) as HTMLTextAreaElement).value).toContain('name: demo')
    );
    const text = (screen.getByTestId(testIds.configEditor.text) as HTMLTextAreaElement).value;
    type(text.replace('intervalMs: 200', 'intervalMs: 250'));
    expect(screen.getByTestId(testIds.configEditor.apply)).toHaveAttribute('aria-disabled', 'false');
    fireEvent.click(screen.getByTestId(testIds.configEditor.apply));
    expect(await screen.findByTestId(testIds.confirm.impact)).toHaveTextContent(
      'stores it as revision 2 on every reachable agent or on none'
    );
    fireEvent.click(screen.getByTestId(testIds.confirm.button));
    expect(await screen.findByTestId(testIds.configEditor.applyResult)).toHaveTextContent('Revision 2 applied');
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({
      ifMatch: '"1"',
      role: 'admin',
      body: { cluster: { heartbeat: { intervalMs: 250 } } },
    });
  });
});
