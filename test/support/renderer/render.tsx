// Mounts a component with a store wired to a MemoryBridge, for jsdom tests.
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { AppProvider } from '../../../src-renderer/src/AppContext';
import { MemoryBridge } from './memory-bridge';
import type { HostEvent } from '../../../src-shared/bridge/protocol';
import { createAppStore } from '../../../src-renderer/src/store/appStore';

export interface Mounted {
  bridge: MemoryBridge;
  container: HTMLElement;
  store: ReturnType<typeof createAppStore>['store'];
  feed: ReturnType<typeof createAppStore>['feed'];
  /** Delivers host events inside act(). */
  emit(...events: HostEvent[]): Promise<void>;
  /** Clicks a button by its visible name inside act(). */
  click(name: string): Promise<void>;
  button(name: string): HTMLButtonElement;
  unmount(): void;
}

export async function mount(ui: ReactNode, events: HostEvent[] = []): Promise<Mounted> {
  const bridge = new MemoryBridge();
  const { store, feed, analysis } = createAppStore(bridge);
  const container = document.createElement('div');
  container.style.width = '800px';
  container.style.height = '600px';
  document.body.appendChild(container);
  let root: Root;
  await act(async () => {
    root = createRoot(container);
    root.render(
      <AppProvider store={store} feed={feed} analysis={analysis}>
        {ui}
      </AppProvider>,
    );
  });
  const button = (name: string) => {
    const b = [...container.querySelectorAll('button')].find((x) => x.getAttribute('aria-label') === name || x.textContent?.trim() === name);
    if (!b) throw new Error(`no button "${name}"`);
    return b;
  };
  const m: Mounted = {
    bridge,
    container,
    store,
    feed,
    emit: async (...evs) => {
      await act(async () => {
        for (const e of evs) bridge.emit(e);
      });
    },
    click: async (name) => {
      await act(async () => {
        button(name).click();
      });
    },
    button,
    unmount: () => {
      act(() => root.unmount());
      container.remove();
    },
  };
  await m.emit(...events);
  return m;
}

/** Sets an input's value the way React notices, inside act(). */
export async function type(input: HTMLInputElement, value: string): Promise<void> {
  await act(async () => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
