import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { AppProvider } from './AppContext';
import { createBridge, desktopApi } from './bridge';
import { DesktopProvider } from './desktop/DesktopContext';
import { createDesktop } from './desktop/state';
import { wireDesktop } from './desktop/wire';
import { frameStats } from './panels/frame-stats';
import { createAppStore } from './store/appStore';
import './styles.css';
import './panels.css';

const bridge = createBridge();
const { store, feed, analysis } = createAppStore(bridge);
// In Electron: the desktop app's state (engine process, recent files) and its Run menu.
const api = desktopApi();
const desktop = api ? createDesktop(api) : null;
if (desktop) wireDesktop(desktop, store);

// For the benchmark and for poking around in the devtools console.
(window as unknown as { __ringscope: unknown }).__ringscope = { store, feed, frames: frameStats };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProvider store={store} feed={feed} analysis={analysis}>
      <DesktopProvider desktop={desktop}>
        <App />
      </DesktopProvider>
    </AppProvider>
  </StrictMode>,
);
