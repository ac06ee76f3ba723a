// Saves text as a file through the browser's download (Electron shows its save dialog).
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoke after the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "ca-desk-requests-2026-12-01T06-30-00.csv": a name that sorts and is valid everywhere. */
export function exportFileName(what: string, at = new Date()): string {
  return `ca-desk-${what}-${at.toISOString().slice(0, 19).replace(/:/g, '-')}.csv`;
}
