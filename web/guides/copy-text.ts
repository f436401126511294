/**
 * Puts `text` on the clipboard. The async Clipboard API first; where it is missing or refused — WeCom's and
 * WeChat's in-app browsers on older Android (X5 kernel), or a page over plain HTTP, which is no secure
 * context — the old way: a selected off-screen textarea and `execCommand('copy')`, which those browsers still
 * honour inside a tap. Resolves false when neither worked (the caller then shows the text to long-press).
 */
export async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // refused (no permission, not focused): try the old way
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  // off screen, and at 16px so iOS does not zoom in on focus
  area.style.cssText = 'position:fixed;top:0;left:-9999px;opacity:0;font-size:16px';
  document.body.appendChild(area);
  try {
    area.select();
    area.setSelectionRange(0, text.length);
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/** WeCom's (企业微信) in-app browser: its user agent says `wxwork`. */
export const inWecom = () => /wxwork/i.test(navigator.userAgent);
