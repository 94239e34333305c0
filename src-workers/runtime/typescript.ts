// TypeScript user modules load through tsx, in every host and on every Node.
// Node 22.18+/24 (the Node inside Electron 45) strip types natively, but only
// "erasable" syntax: an enum, a namespace or an extensionless relative import
// fails there while it works on Node 20 through tsx. Choosing tsx always gives
// one behaviour in the CLI, browser mode and the desktop app (tsx is a runtime
// dependency, so the packaged app has it too).

/** A TypeScript module path or URL (.ts, .mts, .cts). */
export const TYPESCRIPT_MODULE = /\.[mc]?ts$/;

type TsImport = (specifier: string, parent: string) => Promise<Record<string, unknown>>;

/** Imports a user module by file URL: JavaScript as Node does, TypeScript through tsx. */
export async function importUserModule(url: string): Promise<Record<string, unknown>> {
  if (!TYPESCRIPT_MODULE.test(new URL(url).pathname)) return import(/* @vite-ignore */ url);
  // A variable specifier: the bundler leaves tsx to be resolved at run time from node_modules.
  const api = 'tsx/esm/api';
  const { tsImport } = (await import(/* @vite-ignore */ api)) as { tsImport: TsImport };
  return tsImport(url, import.meta.url);
}
