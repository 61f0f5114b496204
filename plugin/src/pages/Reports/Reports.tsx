import React from 'react';
import { Route, Routes } from 'react-router-dom';

import { ReportDetail } from './ReportDetail';
import { ReportList } from './ReportList';

/** Reports: the filtered list at `reports`, one report with its diff and exports at `reports/:id`. */
export function Reports() {
  return (
    <Routes>
      <Route index element={<ReportList />} />
      <Route path=":id" element={<ReportDetail />} />
    </Routes>
  );
}
