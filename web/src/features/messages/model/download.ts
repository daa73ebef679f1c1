// Saves text as a file in the browser (CSV export).
export function downloadText(text: string, fileName: string, type = 'text/csv;charset=utf-8') {
  // A BOM so Excel reads UTF-8 (emoji, accents) correctly.
  const blob = new Blob(['\ufeff', text], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
