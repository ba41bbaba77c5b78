/**
 * The open item's lease (core/team/leases.ts): taken when the editor opens, renewed by a heartbeat
 * while it stays open, given back on close. When someone else holds it the item is read-only and
 * the frame says who (ItemView's banner); the editor shell refuses edits meanwhile
 * (useEditorDocument reads `readOnly` from the shell store). A released lease (`lease.changed`
 * with no holder) or an expired one is taken at once, so the item opens for editing by itself.
 * Without a profile (and no team account) no lease is taken: scripts, single-user habits.
 */
import { useEffect, useState } from 'react';
import type { EventPayload } from '../../../preload/contract';
import { rpc } from '../../transport';
import { useActiveProfile } from '../../state/review';
import { useEditorShell } from './shellStore';

/** The last release sent: the next take waits for it, so switching profile on one item never finds one's own old lease. */
let releasing: Promise<unknown> = Promise.resolve();

export type LeaseView = { status: 'none' } | { status: 'mine' } | { status: 'held'; holder: string };

export function useItemLease(itemId: string | null): LeaseView {
  const who = useActiveProfile()?.name;
  const [view, setView] = useState<LeaseView>({ status: 'none' });

  useEffect(() => {
    if (!itemId) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let granted = false;
    const show = (v: LeaseView) => {
      if (!live) return;
      setView(v);
      useEditorShell.getState().set({ readOnly: v.status === 'held' ? v.holder : null });
    };
    const beat = async () => {
      if (!live) return;
      if (timer) clearTimeout(timer);
      try {
        await releasing;
        if (!live) return;
        const r = await rpc.call('lease.acquire', { itemId, who });
        granted = r.granted;
        show(r.granted ? { status: 'mine' } : { status: 'held', holder: r.lease.holder });
        // Held: try again when it would expire (or sooner, on lease.changed); mine: renew.
        const wait = r.granted ? r.heartbeatMs : Math.max(1000, Math.min(r.heartbeatMs, r.lease.expiresAt - Date.now() + 250));
        if (live) timer = setTimeout(() => void beat(), wait);
      } catch {
        // No identity, no project store, or the host is away: edit as before (the save path decides).
        show({ status: 'none' });
        if (live) timer = setTimeout(() => void beat(), 20_000);
      }
    };
    const off = rpc.on('lease.changed', (data) => {
      const d = data as EventPayload<'lease.changed'>;
      if (d.itemId === itemId && d.holder === null && !granted) void beat();
    });
    // Closing the tab or window: give the lease back now rather than after the 60 s expiry.
    const leave = () => {
      if (granted) void rpc.call('lease.release', { itemId, who }).catch(() => {});
    };
    window.addEventListener('pagehide', leave);
    void beat();
    return () => {
      live = false;
      off();
      window.removeEventListener('pagehide', leave);
      if (timer) clearTimeout(timer);
      useEditorShell.getState().set({ readOnly: null });
      if (granted) releasing = rpc.call('lease.release', { itemId, who }).catch(() => {});
      void rpc.call('presence.update', { itemId: null, mode: 'view', who }).catch(() => {});
    };
  }, [itemId, who]);
  return view;
}
