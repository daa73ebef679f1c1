// Applies the saved light/dark choice (or, until the user picks one, the system's) before the app loads, so dark-mode
// users see no white flash.
// (A file, not an inline script: the Content-Security-Policy allows scripts from 'self' only.)
(function () {
  try {
    var saved = window.localStorage.getItem('flowroute-ops-color-scheme');
    var scheme =
      saved === 'dark' || saved === 'light'
        ? saved
        : window.matchMedia('(prefers-color-scheme: dark)').matches
          ? 'dark'
          : 'light';
    document.documentElement.setAttribute('data-mantine-color-scheme', scheme);
  } catch {
    /* storage blocked: Mantine applies the scheme when it starts */
  }
})();
