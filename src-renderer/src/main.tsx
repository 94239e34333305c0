import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { AppProvider } from './AppContext';
import { createBridge } from './bridge';
import { frameStats } from './panels/frame-stats';
import { createAppStore } from './store/appStore';
import './styles.css';

const bridge = createBridge();
const { store, feed } = createAppStore(bridge);

// For the benchmark and for poking around in the devtools console.
(window as unknown as { __ringscope: unknown }).__ringscope = { store, feed, frames: frameStats };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProvider store={store} feed={feed}>
      <App />
    </AppProvider>
  </StrictMode>,
);
