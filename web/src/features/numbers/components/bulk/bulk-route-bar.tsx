// Bulk route assignment bar shown above the account numbers list when rows are selected (issue 4).
// Minimal placeholder export so the numbers list can import it; the full flow follows.
export type BulkSelection = { mode: 'some'; numbers: string[] } | { mode: 'all-matching' };
export type BulkFilters = { starts_with?: string; contains?: string; ends_with?: string };

export function BulkRouteBar(_props: {
  selection: BulkSelection;
  filters: BulkFilters;
  onClear: () => void;
}) {
  return null;
}

export default BulkRouteBar;
