import React from 'react';
import { Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { ROUTES } from '../constants';
import type { AppSettings } from '../types';

const ConfigEditorPage = React.lazy(() => import('../pages/ConfigEditorPage'));

function App(_props: AppRootProps<AppSettings>) {
  return (
    <Routes>
      <Route path={`${ROUTES.Config}/*`} element={<ConfigEditorPage />} />
      <Route path="*" element={<ConfigEditorPage />} />
    </Routes>
  );
}

export default App;
