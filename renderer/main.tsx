import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n';
import '@fontsource/noto-sans-sc/400.css'; // bundled CJK glyphs: air-gapped Linux machines often have no CJK font
import './styles.css';
import { App } from './App';
import { subscribeHostEvents } from './state/actions';

subscribeHostEvents();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
