import { describe, expect, it } from 'vitest';
import { checkTeamServerUrl } from './serverUrl';

describe('team server address policy', () => {
  it('takes https anywhere and http on loopback only', () => {
    expect(checkTeamServerUrl('https://labels.example.org:8443/some/path?x=1#y')).toEqual({ ok: true, url: 'https://labels.example.org:8443/', origin: 'https://labels.example.org:8443' });
    expect(checkTeamServerUrl('labels.example.org:8443')).toMatchObject({ ok: true, url: 'https://labels.example.org:8443/' });
    for (const u of ['http://127.0.0.1:8080', 'http://localhost:3000/', 'http://[::1]:9000', 'http://127.3.4.5:1']) expect(checkTeamServerUrl(u)).toMatchObject({ ok: true });
  });

  it('refuses plain http to another machine, other schemes and credentials in the address', () => {
    expect(checkTeamServerUrl('http://labels.example.org:8080')).toMatchObject({ ok: false, reason: expect.stringContaining('needs https://') });
    expect(checkTeamServerUrl('http://192.168.1.20')).toMatchObject({ ok: false });
    expect(checkTeamServerUrl('http://127.0.0.1.evil.example')).toMatchObject({ ok: false });
    expect(checkTeamServerUrl('http://localhost.evil.example')).toMatchObject({ ok: false });
    for (const u of ['file:///etc/passwd', 'javascript:alert(1)', 'datum://app/', 'ftp://x.org', 'ws://127.0.0.1']) expect(checkTeamServerUrl(u).ok, u).toBe(false);
    expect(checkTeamServerUrl('https://ann:secret@labels.example.org')).toMatchObject({ ok: false, reason: expect.stringContaining('leave the name and password out') });
    expect(checkTeamServerUrl('   ')).toMatchObject({ ok: false });
    expect(checkTeamServerUrl('https://')).toMatchObject({ ok: false });
  });
});
