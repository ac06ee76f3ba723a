import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, isAppUrl, isSafeExternalUrl, permissionGranted } from './app-origin';

// The checks the shell uses before an IPC call runs and before a link leaves.

describe('app origin checks', () => {
  it('accepts only our own renderer as an IPC sender', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://ca-desk/index.html#/request/4')).toBe(true);
    for (const url of ['file:///app/index.html', 'app://other/index.html', 'https://ca-desk/', 'http://127.0.0.1:5173/', 'about:blank', '', 'not a url', 'app://ca-desk.evil/']) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('grants notifications to our own renderer, and no other permission to anyone', () => {
    expect(permissionGranted('notifications', APP_ORIGIN)).toBe(true);
    expect(permissionGranted('notifications', APP_ENTRY_URL)).toBe(true);
    for (const origin of ['https://example.com', 'app://other', 'file:///app/index.html', '']) expect(permissionGranted('notifications', origin), origin).toBe(false);
    for (const permission of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'pointerLock']) {
      expect(permissionGranted(permission, APP_ORIGIN), permission).toBe(false);
    }
  });

  it('opens externally only https links to an allow-listed host', () => {
    const allowed = ['help.example.com'];
    expect(isSafeExternalUrl('https://help.example.com/page', allowed)).toBe(true);
    for (const url of ['https://example.com/', 'https://help.example.com.evil.net/', 'https://user:pw@help.example.com/', 'http://help.example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'app://ca-desk/', 'nonsense']) {
      expect(isSafeExternalUrl(url, allowed), url).toBe(false);
    }
    // The shipped list is empty: the console links nowhere outside.
    expect(isSafeExternalUrl('https://example.com/help')).toBe(false);
  });
});
