/** Picks the transport at boot: the preload bridge inside Electron, a WebSocket otherwise. */
import { createClient, type RpcClient } from './client';
import { ipcTransport } from './ipcTransport';
import { websocketTransport } from './websocketTransport';
import { dropTokenFromAddressBar } from './addressToken';

// In a browser the cookie set with this page now authenticates; the token leaves the address bar.
if (!window.datumHost) dropTokenFromAddressBar();
export const rpc: RpcClient = createClient(window.datumHost ? ipcTransport(window.datumHost) : websocketTransport());
export { RpcError, newJobId } from './client';
