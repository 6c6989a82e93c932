/**
 * Saving and showing bytes without navigating: a text file as a download (a Blob behind a
 * temporary <a download>), and inbound media as blob: URLs (the CSP allows img-src / media-src blob:).
 */

/** Offers `content` as a file download; the page stays where it is. */
export function downloadText(filename: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has handed the Blob to the download; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
