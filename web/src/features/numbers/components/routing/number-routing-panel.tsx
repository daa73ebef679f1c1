// Per-number routing panel: shows and changes the primary/failover route of one number (issue 4).
// Minimal placeholder export so the number detail page can import it; the full panel follows.
export function NumberRoutingPanel({ number }: { number: string }) {
  return <section aria-label={`Routing for ${number}`} />;
}

export default NumberRoutingPanel;
