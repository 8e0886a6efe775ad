import React from 'react';
import fs from 'node:fs';
import path from 'node:path';
import { fireEvent, render, screen } from '@testing-library/react';
import ConfigEditorPage from '../../src/pages/ConfigEditorPage';
import { testIds } from '../../src/components/testIds';

const seed = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'seed-cluster.yaml'), 'utf8');

function type(text: string) {
  fireEvent.change(screen.getByTestId(testIds.configEditor.text), { target: { value: text } });
}

describe('ConfigEditorPage', () => {
  test('a valid configuration shows its canonical form', () => {
    render(<ConfigEditorPage />);
    type(seed);
    expect(screen.getByText('Valid configuration')).toBeInTheDocument();
    expect(screen.getByTestId(testIds.configEditor.canonical).textContent).toContain('cipherSuite: 3');
  });

  test('problems are listed with the same paths the agent reports', () => {
    render(<ConfigEditorPage />);
    type(seed.replace('keyword: 192.168.0.2', 'keyword: 192.168.0.2:70000').replace('name: server2', 'name: server1'));
    const items = Array.from(screen.getByTestId(testIds.configEditor.problems).querySelectorAll('li')).map(
      (li) => li.textContent
    );
    expect(items).toContain('servers[1].name: "server1" is already used by servers[0]');
    expect(screen.getByText(`${items.length} problems`)).toBeInTheDocument();
  });
});
