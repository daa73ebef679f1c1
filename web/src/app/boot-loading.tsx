// The start-up line, exactly as web/index.html paints it before the code has loaded (keep the two the same): shown by
// the router while its first navigation runs, so a slow start never swaps one loading screen for another.
export function BootLoading() {
  return (
    <p
      id="boot-loading"
      role="status"
      style={{ margin: 0, padding: '30vh 16px 0', textAlign: 'center', fontSize: 14 }}
    >
      Loading Flowroute ops…
    </p>
  );
}
