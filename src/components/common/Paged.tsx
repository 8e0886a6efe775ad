import React, { useState } from 'react';
import { Pagination } from '@grafana/ui';

/**
 * Pages of a long list (a maximum cluster has 128 groups and 512 monitors): the DOM stays
 * small whatever the cluster's size, and the keyboard reaches the pager.
 */
export function usePage<T>(
  items: readonly T[],
  perPage: number
): { page: number; pages: number; shown: readonly T[]; setPage: (p: number) => void } {
  const [page, setPage] = useState(1);
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  // A list that shrank (a filter) shows its last page rather than an empty one.
  const current = Math.min(page, pages);
  return { page: current, pages, shown: items.slice((current - 1) * perPage, current * perPage), setPage };
}

export function Pager({ page, pages, setPage }: { page: number; pages: number; setPage: (p: number) => void }) {
  if (pages <= 1) {
    return null;
  }
  return <Pagination currentPage={page} numberOfPages={pages} onNavigate={setPage} hideWhenSinglePage />;
}
