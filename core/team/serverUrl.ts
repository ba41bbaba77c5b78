/**
 * Which addresses the desktop app may open as a team server (File > Connect to team server…).
 * Passwords and annotations travel over this connection, so it must be HTTPS; plain HTTP only to
 * this machine (a server started here, or an SSH tunnel's local end). Shared by the renderer (to
 * say what is wrong while typing) and the Electron host (which decides).
 */
export type TeamUrlCheck = { ok: true; url: string; origin: string } | { ok: false; reason: string };

export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export function checkTeamServerUrl(input: string): TeamUrlCheck {
  let text = input.trim();
  if (!text) return { ok: false, reason: 'type the address of the team server' };
  // "server:8443" means https://server:8443; a scheme that is named is taken as named.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, reason: `"${input.trim().slice(0, 200)}" is not an address` };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { ok: false, reason: `${u.protocol} addresses cannot be team servers: use https://` };
  if (u.username || u.password) return { ok: false, reason: 'leave the name and password out of the address: the server asks for them' };
  if (!u.hostname) return { ok: false, reason: 'the address names no server' };
  if (u.protocol === 'http:' && !isLoopbackHostname(u.hostname)) {
    return { ok: false, reason: `http:// is only for this machine; ${u.hostname} needs https:// (start the server with --tls-cert and --tls-key)` };
  }
  return { ok: true, url: `${u.origin}/`, origin: u.origin };
}
